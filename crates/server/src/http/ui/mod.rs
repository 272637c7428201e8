//! Server-rendered pages: askama templates (in `templates/`, auto-escaped),
//! one struct per page, the shared layout's [`Chrome`], static files, and
//! the headers and error pages every page gets.
//!
//! Pages hold no inline script or style (the Content-Security-Policy in
//! [`headers`] forbids both): behaviour lives in `static/*.js`, looks in
//! `static/app.css`.

pub mod assets;
pub mod cookies;
pub mod format;
pub mod headers;
pub mod pages;
pub mod session;
pub mod simulator;
pub mod upload;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;

use crate::services::state::AppState;

use crate::http::error::ApiError;

/// The product name in every page's header and title.
pub const PRODUCT: &str = "Switchboard";

/// What the base layout (`templates/base.html`) needs from every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The page's own title; the document title is `title · Switchboard`.
    pub title: String,
    /// The stylesheet's fingerprinted URL.
    pub stylesheet: String,
    /// The icon's fingerprinted URL.
    pub favicon: String,
    /// The product name.
    pub product: &'static str,
}

impl Chrome {
    /// The chrome of a page called `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            stylesheet: assets::url("app.css"),
            favicon: assets::url("favicon.svg"),
            product: PRODUCT,
        }
    }
}

/// The agent web app's routes (the simulator's are added by the router,
/// since a deployment may switch it off).
pub fn routes() -> Router<AppState> {
    use pages::{app, auth};
    Router::new()
        .route("/", get(auth::home))
        .route("/login", get(auth::login_page).post(auth::log_in))
        .route("/setup", get(auth::setup_page).post(auth::set_up))
        .route("/logout", post(auth::log_out))
        .route("/w/{ws}", get(app::inbox))
        .route("/w/{ws}/queue", get(app::queue_partial))
        .route("/w/{ws}/sidebar", get(app::sidebar_partial))
        .route("/w/{ws}/c/{id}", get(app::conversation))
        .route("/w/{ws}/c/{id}/head", get(app::head_partial))
        .route("/w/{ws}/c/{id}/timeline", get(app::timeline_partial))
        .route("/w/{ws}/c/{id}/details", get(app::details_partial))
        .merge(conversation_action_routes())
        .route("/w/{ws}/m/{message}", get(app::permalink))
        .route(
            "/w/{ws}/inboxes/new",
            get(pages::new_inbox::new_inbox).post(pages::new_inbox::create_inbox),
        )
        .route(
            "/w/{ws}/inboxes/{id}/new/{step}",
            get(pages::new_inbox::step),
        )
        .route("/w/{ws}/inboxes/{id}/settings", get(pages::settings::page))
        .merge(settings_action_routes())
        .route(
            "/w/{ws}/contacts",
            get(pages::contacts::list).post(pages::contacts::edit::create),
        )
        .route("/w/{ws}/contacts/new", get(pages::contacts::edit::new_page))
        .route(
            "/w/{ws}/contacts/import",
            get(pages::contacts::import::import_page).post(pages::contacts::import::import),
        )
        .route(
            "/w/{ws}/contacts/{id}",
            get(pages::contacts::edit::edit_page).post(pages::contacts::edit::edit),
        )
        .route(
            "/w/{ws}/contacts/{id}/delete",
            post(pages::contacts::edit::delete),
        )
        .route(
            "/w/{ws}/compose",
            get(pages::compose::page).post(pages::compose::send),
        )
        .route("/compose", get(pages::compose::link))
        .merge(integration_routes())
        .route(
            "/w/{ws}/replies",
            get(pages::canned::show).post(pages::canned::add),
        )
        .route("/w/{ws}/replies/{id}", post(pages::canned::edit))
        .route("/w/{ws}/replies/{id}/delete", post(pages::canned::remove))
        .merge(team_routes())
}

/// The integrations page (admins): webhooks, Slack and background jobs.
fn integration_routes() -> Router<AppState> {
    use pages::integrations;
    Router::new()
        .route("/w/{ws}/integrations", get(integrations::show))
        .route(
            "/w/{ws}/integrations/webhooks",
            post(integrations::register),
        )
        .route(
            "/w/{ws}/integrations/webhooks/{id}",
            get(integrations::deliveries),
        )
        .route(
            "/w/{ws}/integrations/webhooks/{id}/delete",
            post(integrations::remove),
        )
        .route(
            "/w/{ws}/integrations/slack",
            post(pages::slack_settings::connect),
        )
        .route(
            "/w/{ws}/integrations/slack/disconnect",
            post(pages::slack_settings::disconnect),
        )
}

/// The buttons of a conversation: one route and one handler per action.
fn conversation_action_routes() -> Router<AppState> {
    use pages::actions;
    Router::new()
        .route(
            "/w/{ws}/c/{id}/do/assign-to-me",
            post(actions::assign_to_me),
        )
        .route("/w/{ws}/c/{id}/do/transfer", post(actions::transfer))
        .route("/w/{ws}/c/{id}/do/return", post(actions::return_to_inbox))
        .route("/w/{ws}/c/{id}/do/done", post(actions::mark_done))
        .route("/w/{ws}/c/{id}/do/reopen", post(actions::reopen))
        .route("/w/{ws}/c/{id}/do/snooze", post(actions::snooze))
        .route(
            "/w/{ws}/c/{id}/do/status",
            post(pages::status_action::set_status),
        )
        .route("/w/{ws}/c/{id}/do/priority", post(actions::priority))
        .route("/w/{ws}/c/{id}/do/tags", post(actions::tags))
        .route("/w/{ws}/c/{id}/do/subject", post(actions::subject))
        .route("/w/{ws}/c/{id}/do/message", post(actions::message))
        .route(
            "/w/{ws}/c/{id}/do/scheduled/{message}/edit",
            post(pages::scheduled::edit),
        )
        .route(
            "/w/{ws}/c/{id}/do/scheduled/{message}/cancel",
            post(pages::scheduled::cancel),
        )
        .route("/w/{ws}/c/{id}/do/link", post(pages::details::add_link))
        .route(
            "/w/{ws}/c/{id}/do/unlink",
            post(pages::details::remove_link),
        )
}

/// The Team and Profile pages, and invitation links.
fn team_routes() -> Router<AppState> {
    use pages::{invite, profile, team};
    Router::new()
        .route("/w/{ws}/team", get(team::page))
        .route("/w/{ws}/team/invite", post(team::invite))
        .route("/w/{ws}/team/role", post(team::change_role))
        .route("/w/{ws}/team/remove", post(team::remove))
        .route("/w/{ws}/team/revoke", post(team::revoke))
        .route("/w/{ws}/profile", get(profile::page).post(profile::save))
        .route("/w/{ws}/availability", post(pages::availability::set))
        .route("/w/{ws}/profile/password", post(profile::change_password))
        .route(
            "/w/{ws}/profile/notifications",
            post(pages::profile_notifications::save),
        )
        .route("/invite/{token}", get(invite::page).post(invite::accept))
        .route("/invite/{token}/join", post(invite::join))
}

/// The forms of an inbox's settings page and of the new-inbox wizard.
fn settings_action_routes() -> Router<AppState> {
    use pages::settings_actions as settings;
    let at = "/w/{ws}/inboxes/{id}/settings";
    Router::new()
        .route(&format!("{at}/appearance"), post(settings::appearance))
        .route(&format!("{at}/mute"), post(settings::mute))
        .route(&format!("{at}/notify"), post(settings::save_notify))
        .route(&format!("{at}/away"), post(settings::save_away))
        .route(&format!("{at}/sla"), post(settings::save_sla))
        .route(
            &format!("{at}/scheduled-send"),
            post(settings::save_scheduled_send),
        )
        .route(&format!("{at}/policy"), post(settings::policy))
        .route(&format!("{at}/assignment"), post(settings::save_assignment))
        .route(&format!("{at}/registration"), post(settings::registration))
        .route(&format!("{at}/add-member"), post(settings::add_member))
        .route(
            &format!("{at}/remove-member"),
            post(settings::remove_member),
        )
        .route(&format!("{at}/connect"), post(settings::connect))
        .route(&format!("{at}/disconnect"), post(settings::disconnect))
        .route(&format!("{at}/delete"), post(settings::delete))
}

/// The web app's file uploads. The router gives them their own body limit
/// ([`upload::UPLOAD_BODY_BYTES`]), above the files they keep, so that a
/// file too big is answered on its form.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route(
        "/w/{ws}/contacts/import/file",
        post(pages::contacts::import::upload),
    )
}

/// Renders a page. A template that fails to render is a bug: a 500 with
/// the cause logged.
pub fn render(page: &impl Template) -> Result<Html<String>, ApiError> {
    page.render().map(Html).map_err(ApiError::internal)
}

/// The page shown to a person when a page request fails.
#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The layout.
    pub chrome: Chrome,
    /// The HTTP status code.
    pub status: u16,
    /// What happened, in a person's words.
    pub heading: &'static str,
    /// The problem's detail (fixed text for server errors).
    pub detail: String,
    /// The request's id, to quote to whoever runs the server.
    pub request_id: Option<String>,
}

impl ErrorPage {
    /// The page for an error answered with `status` and `detail`.
    pub fn new(status: StatusCode, detail: String, request_id: Option<String>) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        Self {
            chrome: Chrome::new(format!("{} {reason}", status.as_u16())),
            status: status.as_u16(),
            heading: headers::heading(status),
            detail,
            request_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_page_escapes_what_it_shows() {
        let page = ErrorPage::new(
            StatusCode::NOT_FOUND,
            "No resource at /<script>alert(1)</script>.".into(),
            Some("\"><b>id".into()),
        );
        let html = page.render().unwrap();
        assert!(html.contains("find that page"), "{html}");
        assert!(!html.contains("<script>alert(1)"), "{html}");
        assert!(!html.contains("\"><b>"), "{html}");
        // askama escapes with numeric character references.
        assert!(html.contains("&#60;script&#62;alert(1)"), "{html}");
    }
}
