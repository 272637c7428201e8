//! `/w/{ws}/integrations` (admins): Slack (`slack_settings`), the
//! workspace's outgoing webhooks —
//! register one (its signing secret is shown once, on the page that answers
//! the form), remove one, read one's recent deliveries — and its background
//! jobs by state, with attempts and the last error, so an admin can see what
//! failed and why without the API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{Action, EventKind, Zone};
use serde::Deserialize;
use store::jobs::{Job, JobStatus};
use store::webhooks::{Delivery, Endpoint};

use super::settings::{shown_on_page, Frame};
use super::slack_settings::{self, SlackSection};
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::format::full_time;
use crate::http::ui::pages::app::viewer_zone;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::{render, Chrome};
use crate::services::background;
use crate::services::state::AppState;
use crate::services::webhooks::{self, NewEndpoint};

/// Jobs per page.
const JOBS_PER_PAGE: u32 = 50;

/// The integrations page.
#[derive(Debug, Template)]
#[template(path = "settings/integrations.html")]
pub struct IntegrationsPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// The registered endpoints.
    pub endpoints: Vec<EndpointRow>,
    /// Every event type, for the form's boxes.
    pub event_types: &'static [&'static str],
    /// What the form holds (after a refusal: what was typed).
    pub form: WebhookForm,
    /// The secret of the endpoint just registered, shown this once.
    pub secret: Option<String>,
    /// Why the form was refused.
    pub error: Option<String>,
    /// A notice of the last change.
    pub notice: Option<String>,
    /// The jobs' state shown: `pending`, `failed` or `done`.
    pub jobs_state: &'static str,
    /// This page of jobs.
    pub jobs: Vec<JobRow>,
    /// The next page of jobs.
    pub jobs_next: Option<String>,
    /// The Slack connection.
    pub slack: SlackSection,
}

/// An endpoint as the page lists it.
#[derive(Debug, Clone)]
pub struct EndpointRow {
    /// Its id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// What the admin wrote.
    pub description: String,
    /// The event types, or "All events".
    pub events: String,
    /// Whether deliveries go out.
    pub enabled: bool,
    /// Why it was turned off.
    pub disabled_reason: String,
}

impl From<Endpoint> for EndpointRow {
    fn from(e: Endpoint) -> Self {
        Self {
            events: if e.event_types.is_empty() {
                "All events".to_string()
            } else {
                e.event_types.join(", ")
            },
            id: e.id,
            url: e.url,
            description: e.description,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason.unwrap_or_default(),
        }
    }
}

/// A job as the page lists it.
#[derive(Debug, Clone)]
pub struct JobRow {
    /// What it does, in words.
    pub kind: String,
    /// "3 of 10".
    pub attempts: String,
    /// The last error, if any.
    pub last_error: String,
    /// When it runs next (pending) or last changed.
    pub when: String,
}

impl JobRow {
    fn new(job: Job, zone: Zone) -> Self {
        let when = match job.status {
            JobStatus::Pending => job.run_at,
            _ => job.updated_at,
        };
        Self {
            kind: job.kind.replace('_', " "),
            attempts: format!("{} of {}", job.attempts, job.max_attempts),
            last_error: job.last_error.unwrap_or_default(),
            when: full_time(when, zone),
        }
    }
}

/// The register form: URL, description and the ticked event types.
#[derive(Debug, Clone, Default)]
pub struct WebhookForm {
    /// Where to POST.
    pub url: String,
    /// To recognise it by.
    pub description: String,
    /// The ticked event types; none for all.
    pub event_types: Vec<String>,
}

impl WebhookForm {
    /// Reads the posted fields; the boxes share the name `event_types`.
    fn from_fields(fields: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in fields {
            match name.as_str() {
                "url" => form.url = value,
                "description" => form.description = value,
                "event_types" => form.event_types.push(value),
                _ => {}
            }
        }
        form
    }

    /// Whether the box of `event_type` is ticked.
    pub fn ticked(&self, event_type: &&str) -> bool {
        self.event_types.iter().any(|t| t == event_type)
    }
}

/// The page's query: which jobs, from where.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationsQuery {
    /// `pending` (the default), `failed` or `done`.
    #[serde(default)]
    jobs: String,
    /// The jobs' next page.
    cursor: Option<String>,
}

/// Builds the page; `form`, `secret` and `error` come from a posted form.
pub(super) async fn page(
    state: &AppState,
    agent: &Agent,
    query: &IntegrationsQuery,
    posted: Posted,
) -> Result<IntegrationsPage, ApiError> {
    let who = &agent.who;
    let status = if query.jobs.is_empty() {
        JobStatus::Pending
    } else {
        background::parse_status(&query.jobs)?
    };
    let endpoints = webhooks::list(state, who).await?;
    let cursor = query.cursor.as_deref().filter(|c| !c.is_empty());
    let jobs = background::list(state, who, status, cursor, JOBS_PER_PAGE).await?;
    let ws = who.workspace_id.to_string();
    let zone = viewer_zone(state, &who.user).await?;
    let slack = slack_settings::section(state, agent, zone, posted.slack_error).await?;
    Ok(IntegrationsPage {
        chrome: Chrome::new("Integrations"),
        frame: Frame::of(agent),
        endpoints: endpoints.into_iter().map(EndpointRow::from).collect(),
        event_types: EventKind::NAMES,
        form: posted.form,
        secret: posted.secret,
        error: posted.error,
        notice: posted.notice,
        jobs_state: status.as_str(),
        jobs: jobs
            .items
            .into_iter()
            .map(|j| JobRow::new(j, zone))
            .collect(),
        jobs_next: jobs.next_cursor.map(|c| {
            let c: String = url::form_urlencoded::byte_serialize(c.as_bytes()).collect();
            format!("/w/{ws}/integrations?jobs={}&cursor={c}", status.as_str())
        }),
        slack,
    })
}

/// What a posted form left for the page to show.
#[derive(Debug, Default)]
pub(super) struct Posted {
    form: WebhookForm,
    secret: Option<String>,
    error: Option<String>,
    notice: Option<String>,
    slack_error: Option<String>,
}

impl Posted {
    /// The page after the Slack connect form was refused for `why`.
    pub(super) fn slack_refused(why: String) -> Self {
        Self {
            slack_error: Some(why),
            ..Self::default()
        }
    }
}

/// `GET /w/{ws}/integrations`.
pub async fn show(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Query(query): Query<IntegrationsQuery>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::ManageIntegrations)?;
    let (jar, notice) = cookies::take_flash(jar);
    let posted = Posted {
        notice,
        ..Posted::default()
    };
    let page = page(&state, &agent, &query, posted).await?;
    Ok((jar, render(&page)?).into_response())
}

/// `POST /w/{ws}/integrations/webhooks`: registers an endpoint and shows
/// its secret once; a refusal shows the form again as typed.
pub async fn register(
    State(state): State<AppState>,
    agent: Agent,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::ManageIntegrations)?;
    let form = WebhookForm::from_fields(fields);
    let new = NewEndpoint {
        url: form.url.clone(),
        description: form.description.clone(),
        event_types: form.event_types.clone(),
    };
    let posted = match webhooks::create(&state, &agent.who, new).await {
        Ok(registered) => Posted {
            secret: Some(registered.secret),
            notice: Some(format!(
                "Webhook endpoint added: {}",
                registered.endpoint.url
            )),
            ..Posted::default()
        },
        Err(error) => {
            let error = ApiError::from(error);
            if !shown_on_page(&error) {
                return Err(error);
            }
            Posted {
                error: Some(sentence(error.public_detail())),
                form,
                ..Posted::default()
            }
        }
    };
    let page = page(&state, &agent, &IntegrationsQuery::default(), posted).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /w/{ws}/integrations/webhooks/{id}/delete`.
pub async fn remove(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    webhooks::delete(&state, &agent.who, &id).await?;
    let jar = cookies::flash(jar, "Webhook endpoint removed.");
    let back = format!("/w/{}/integrations", agent.who.workspace_id);
    Ok((jar, Redirect::to(&back)).into_response())
}

/// One endpoint's page: its recent deliveries.
#[derive(Debug, Template)]
#[template(path = "settings/webhook.html")]
pub struct DeliveriesPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// The endpoint.
    pub endpoint: EndpointRow,
    /// Newest first.
    pub deliveries: Vec<DeliveryRow>,
}

/// A delivery as the page lists it.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    /// The event's type.
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts so far.
    pub attempts: u32,
    /// The endpoint's HTTP status, or what went wrong.
    pub outcome: String,
    /// When the last attempt was made.
    pub when: String,
}

impl DeliveryRow {
    fn new(d: Delivery, zone: Zone) -> Self {
        let outcome = match (d.response_status, d.last_error) {
            (Some(code), Some(error)) => format!("HTTP {code}: {error}"),
            (Some(code), None) => format!("HTTP {code}"),
            (None, Some(error)) => error,
            (None, None) => String::new(),
        };
        Self {
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            outcome,
            when: full_time(d.updated_at, zone),
        }
    }
}

/// `GET /w/{ws}/integrations/webhooks/{id}`.
pub async fn deliveries(
    State(state): State<AppState>,
    agent: Agent,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (endpoint, deliveries) = webhooks::deliveries(&state, &agent.who, &id).await?;
    let zone = viewer_zone(&state, &agent.who.user).await?;
    let page = DeliveriesPage {
        chrome: Chrome::new("Webhook deliveries"),
        frame: Frame::of(&agent),
        endpoint: endpoint.into(),
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryRow::new(d, zone))
            .collect(),
    };
    Ok(render(&page)?.into_response())
}
