//! `/api/v1/me/profile`, `/api/v1/me/availability`, `/api/v1/me/password`:
//! the caller's own name, time zone, availability and password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::text::Word;
use domain::{Availability, Zone};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::accounts::profile::{self, Profile, ProfileChange};
use crate::services::accounts::Password;
use crate::services::state::AppState;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_profile, update_profile))
        .routes(routes!(set_availability))
        .routes(routes!(change_password))
}

/// Available for new work, or away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = Availability)]
pub enum AvailabilityName {
    /// Taking new work.
    Available,
    /// Away: on a break, off shift, on holiday.
    Away,
}

impl From<AvailabilityName> for Availability {
    fn from(word: AvailabilityName) -> Self {
        match word {
            AvailabilityName::Available => Availability::Available,
            AvailabilityName::Away => Availability::Away,
        }
    }
}

impl From<Availability> for AvailabilityName {
    fn from(availability: Availability) -> Self {
        match availability {
            Availability::Available => AvailabilityName::Available,
            Availability::Away => AvailabilityName::Away,
        }
    }
}

/// The caller's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    /// Their id.
    pub id: String,
    /// Their login address.
    #[schema(format = Email)]
    pub email: String,
    /// Display name.
    pub name: String,
    /// The IANA time zone pages show times in; `null` until the browser's
    /// is sent or one is picked (pages use UTC meanwhile).
    #[schema(example = "Europe/Lisbon")]
    pub time_zone: Option<String>,
    /// Whether they take new work.
    pub availability: AvailabilityName,
}

impl From<Profile> for ProfileView {
    fn from(p: Profile) -> Self {
        Self {
            id: p.user.id.to_string(),
            email: p.user.email.as_str().to_string(),
            name: p.user.name,
            time_zone: p.time_zone.map(|z| z.name().to_string()),
            availability: p.availability.into(),
        }
    }
}

/// `PATCH /me/profile`: the fields to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileRequest {
    /// A new display name, 1 to 100 characters.
    pub name: Option<String>,
    /// An IANA time zone name (`America/New_York`).
    pub time_zone: Option<String>,
    /// Available or away.
    pub availability: Option<AvailabilityName>,
}

/// `PUT /me/availability`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityRequest {
    /// Available or away.
    pub availability: AvailabilityName,
}

/// `PUT /me/password`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    /// The password now.
    #[schema(format = Password)]
    pub current_password: String,
    /// The new one, 8 to 1024 characters.
    #[schema(format = Password)]
    pub new_password: String,
}

impl std::fmt::Debug for PasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordRequest { .. }")
    }
}

/// The caller's profile.
#[utoipa::path(
    get,
    path = "/api/v1/me/profile",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    responses(
        (status = 200, description = "The profile", body = ProfileView),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
    )
)]
async fn get_profile(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ProfileView>, ApiError> {
    Ok(Json(profile::get(&state, &caller.user).await?.into()))
}

/// Changes the caller's name, time zone or availability.
#[utoipa::path(
    patch,
    path = "/api/v1/me/profile",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    request_body = ProfileRequest,
    responses(
        (status = 200, description = "The profile as changed", body = ProfileView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`csrf`: a cookie write without the CSRF header", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: a name or time zone breaks a rule, or an unknown field", content_type = "application/problem+json"),
    )
)]
async fn update_profile(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<ProfileRequest>,
) -> Result<Json<ProfileView>, ApiError> {
    let change = ProfileChange {
        name: body.name,
        time_zone: body.time_zone.as_deref().map(Zone::parse).transpose()?,
        availability: body.availability.map(Into::into),
    };
    Ok(Json(
        profile::update(&state, &caller.user, change).await?.into(),
    ))
}

/// Sets the caller available or away.
#[utoipa::path(
    put,
    path = "/api/v1/me/availability",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    request_body = AvailabilityRequest,
    responses(
        (status = 200, description = "The profile as changed", body = ProfileView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`csrf`: a cookie write without the CSRF header", content_type = "application/problem+json"),
        (status = 422, description = "`unprocessable`: not `available` or `away`", content_type = "application/problem+json"),
    )
)]
async fn set_availability(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<AvailabilityRequest>,
) -> Result<Json<ProfileView>, ApiError> {
    let change = ProfileChange {
        availability: Some(body.availability.into()),
        ..ProfileChange::default()
    };
    let changed = profile::update(&state, &caller.user, change).await?;
    tracing::debug!(
        availability = changed.availability.as_str(),
        "availability set"
    );
    Ok(Json(changed.into()))
}

/// Changes the caller's password; the current one is required.
#[utoipa::path(
    put,
    path = "/api/v1/me/password",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    request_body = PasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`csrf`: a cookie write without the CSRF header", content_type = "application/problem+json"),
        (status = 422, description = "`wrong_password`: the current password is wrong; `validation`: the new one breaks a rule", content_type = "application/problem+json"),
    )
)]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let new = Password::parse(body.new_password)?;
    let current = Password::typed(body.current_password);
    profile::change_password(&state, &caller.user, current, new).await?;
    Ok(StatusCode::NO_CONTENT)
}
