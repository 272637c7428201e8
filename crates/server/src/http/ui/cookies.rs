//! The web app's cookies besides the session: the one-time notice shown
//! after a redirect ("flash"), and the CSRF cookie of the signed-out forms.

use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use rand::distributions::Alphanumeric;
use rand::Rng;

use crate::http::auth::SESSION_COOKIE;
use crate::http::error::ApiError;
use crate::services::accounts::sessions::SESSION_TTL;
use crate::services::state::AppState;

/// The notice shown once by the next page.
const FLASH_COOKIE: &str = "switchboard_flash";
/// The double-submit token of the login and setup forms, before any session.
pub const LOGIN_CSRF_COOKIE: &str = "switchboard_login_csrf";

/// The session cookie, as the API sets it: `HttpOnly`, `SameSite=Lax`,
/// `Secure` behind https, as long-lived as the session.
pub fn session(state: &AppState, value: String) -> Result<Cookie<'static>, ApiError> {
    let secure = state.settings.public_url.starts_with("https://");
    Ok(Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(SESSION_TTL.try_into().map_err(ApiError::internal)?)
        .build())
}

/// Remembers `message` for the next page (a redirect's target). A session
/// cookie: the next page removes it.
pub fn flash(jar: CookieJar, message: &str) -> CookieJar {
    let value: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    jar.add(
        Cookie::build((FLASH_COOKIE, value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .build(),
    )
}

/// Takes the notice left by the previous request, if any.
pub fn take_flash(jar: CookieJar) -> (CookieJar, Option<String>) {
    let Some(raw) = jar.get(FLASH_COOKIE).map(|c| c.value().to_string()) else {
        return (jar, None);
    };
    let message: String = url::form_urlencoded::parse(format!("m={raw}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .next()
        .unwrap_or_default();
    let jar = jar.remove(Cookie::build(FLASH_COOKIE).path("/"));
    (jar, Some(message).filter(|m| !m.is_empty()))
}

/// The signed-out forms' CSRF token: the cookie's when there is one, else a
/// new one set on the jar.
pub fn login_csrf(jar: CookieJar) -> (CookieJar, String) {
    if let Some(token) = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string()) {
        return (jar, token);
    }
    let token: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .build();
    (jar.add(cookie), token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_survives_the_round_trip_with_any_text() {
        let jar = flash(CookieJar::new(), "Couldn't send: «opted out» & 100%");
        let (_, message) = take_flash(jar);
        assert_eq!(
            message.as_deref(),
            Some("Couldn't send: «opted out» & 100%")
        );
    }
}
