//! Inboxes endpoints of API.md: the caller's list with its badges, creating,
//! changing, registering and deleting inboxes. Each person's order and mute
//! are in [`personal`], members in [`members`], channels in [`channels`], and
//! what they all answer in [`views`].

mod channels;
mod members;
mod notify;
mod out_of_office;
mod personal;
mod sla;
mod views;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::text::Word;
use domain::{
    ApiCode, AssignmentPolicy, DomainError, EmailAddress, Inbox, InboxId, InboxKind, PhoneNumber,
    Purpose, Registration, UnreadMode,
};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::words::{
    AssignmentFallbackWord, AssignmentModeWord, InboxKindWord, PurposeWord, RegistrationWord,
    UnreadModeWord,
};
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::inboxes::{self, InboxChanges, NewInbox};
use crate::services::state::AppState;

pub use channels::ChannelView;
pub use members::InboxMemberView;
pub use out_of_office::{OutOfOfficeSetting, WeekHours};
pub use sla::{SlaSetting, SlaTargetsSetting};
pub use views::{
    AssignmentView, InboxCountsView, InboxList, InboxRef, InboxView, ScheduledSendSetting,
};

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_inboxes, create_inbox))
        .routes(routes!(get_inbox, update_inbox, delete_inbox))
        .routes(routes!(set_registration))
        .merge(personal::routes())
        .merge(members::routes())
        .merge(channels::routes())
        .merge(notify::routes())
}

/// `POST /inboxes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInbox {
    /// Display name, up to 80 characters.
    #[schema(min_length = 1, max_length = 80)]
    name: String,
    /// `shared` or `personal` (belongs to the creator).
    #[schema(value_type = InboxKindWord, example = "shared")]
    kind: String,
    /// `support`, `sales`, `success` or `general`.
    #[schema(value_type = PurposeWord, example = "support")]
    purpose: String,
    /// One emoji; 📥 when absent.
    #[schema(min_length = 1, max_length = 8)]
    emoji: Option<String>,
    /// `#rrggbb`; slate when absent.
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    color: Option<String>,
    /// a-z, 0-9, `-`, `_`; derived from the name when absent.
    #[schema(pattern = "^[a-z0-9_-]{1,40}$")]
    api_code: Option<String>,
    /// `per_user` (the default) or `shared`.
    #[schema(value_type = Option<UnreadModeWord>)]
    unread_mode: Option<String>,
}

impl CreateInbox {
    fn parse(self) -> Result<NewInbox, DomainError> {
        Ok(NewInbox {
            name: Inbox::parse_name(&self.name)?,
            kind: InboxKind::parse(&self.kind)?,
            purpose: Purpose::parse(&self.purpose)?,
            emoji: self.emoji.as_deref().map(Inbox::parse_emoji).transpose()?,
            color: self.color.as_deref().map(Inbox::parse_color).transpose()?,
            api_code: self.api_code.as_deref().map(ApiCode::parse).transpose()?,
            unread_mode: self
                .unread_mode
                .as_deref()
                .map(UnreadMode::parse)
                .transpose()?,
        })
    }
}

/// `PATCH /inboxes/{id}`: members may send `name`, `emoji`, `color`; the
/// other fields are admins'. `null` clears a forwarding address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInbox {
    /// Display name, up to 80 characters.
    #[schema(min_length = 1, max_length = 80)]
    name: Option<String>,
    /// One emoji.
    #[schema(min_length = 1, max_length = 8)]
    emoji: Option<String>,
    /// `#rrggbb`.
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    color: Option<String>,
    /// Admins: a-z, 0-9, `-`, `_`.
    #[schema(pattern = "^[a-z0-9_-]{1,40}$")]
    api_code: Option<String>,
    /// Admins: `per_user` or `shared`.
    #[schema(value_type = Option<UnreadModeWord>)]
    unread_mode: Option<String>,
    /// Admins.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    forward_to_email: Option<Option<String>>,
    /// Admins: a phone number, stored in E.164.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    voice_forward_to: Option<Option<String>>,
    /// Admins: one minute to one year.
    #[schema(minimum = 60, maximum = 31_536_000)]
    auto_close_secs: Option<i64>,
    /// Admins: business hours and the automatic reply, replaced whole.
    out_of_office: Option<OutOfOfficeSetting>,
    /// Admins: SLA targets per priority, in minutes, replaced whole.
    sla: Option<SlaSetting>,
    /// Admins: what happens to scheduled replies when the customer writes first.
    scheduled_send: Option<ScheduledSendSetting>,
    /// Admins: how conversations entering the Unassigned queue are handed out.
    assignment: Option<AssignmentBody>,
}

/// An inbox's auto-assignment policy, as `PATCH /inboxes/{id}` takes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentBody {
    /// `manual` (nobody is chosen), `round_robin`, `balanced` or `contact_owner`.
    #[schema(value_type = AssignmentModeWord, example = "round_robin")]
    mode: String,
    /// The most open conversations of this inbox auto-assignment gives one
    /// member (every mode); absent or `null` for no limit.
    #[schema(minimum = 1, maximum = 10_000)]
    cap: Option<i64>,
    /// Required with `contact_owner` (and only there): the mode used when the
    /// contact has no owner, or the owner is away or not a member.
    #[schema(value_type = Option<AssignmentFallbackWord>)]
    fallback: Option<String>,
}

impl AssignmentBody {
    fn parse(&self) -> Result<AssignmentPolicy, DomainError> {
        AssignmentPolicy::parse(&self.mode, self.cap, self.fallback.as_deref())
    }
}

/// Reads a present field as `Some` (holding `None` for `null`), so that an
/// absent field (`None` by `#[serde(default)]`) and `null` differ.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl UpdateInbox {
    fn parse(self, region: &str) -> Result<InboxChanges, DomainError> {
        let auto_close_secs = self
            .auto_close_secs
            .map(Inbox::parse_auto_close_secs)
            .transpose()?;
        let voice = |raw: &str| {
            PhoneNumber::parse(raw, region)
                .map_err(|e| DomainError::invalid("voice_forward_to", e.to_string()))
        };
        let email = |raw: &str| {
            EmailAddress::parse(raw)
                .map_err(|e| DomainError::invalid("forward_to_email", e.to_string()))
        };
        Ok(InboxChanges {
            name: self.name.as_deref().map(Inbox::parse_name).transpose()?,
            emoji: self.emoji.as_deref().map(Inbox::parse_emoji).transpose()?,
            color: self.color.as_deref().map(Inbox::parse_color).transpose()?,
            api_code: self.api_code.as_deref().map(ApiCode::parse).transpose()?,
            unread_mode: self
                .unread_mode
                .as_deref()
                .map(UnreadMode::parse)
                .transpose()?,
            forward_to_email: self
                .forward_to_email
                .map(|v| v.as_deref().map(email).transpose())
                .transpose()?,
            voice_forward_to: self
                .voice_forward_to
                .map(|v| v.as_deref().map(voice).transpose())
                .transpose()?,
            auto_close_secs,
            out_of_office: self
                .out_of_office
                .map(OutOfOfficeSetting::parse)
                .transpose()?,
            assignment: self
                .assignment
                .as_ref()
                .map(AssignmentBody::parse)
                .transpose()?,
            sla: self.sla.map(SlaSetting::parse).transpose()?,
            scheduled_send: self.scheduled_send.map(Into::into),
        })
    }
}

/// `DELETE /inboxes/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteInbox {
    /// The inbox's name, typed again.
    confirm: Option<String>,
}

/// `PUT /inboxes/{id}/registration`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRegistration {
    /// `unregistered`, `pending`, `approved` or `rejected`.
    #[schema(value_type = RegistrationWord, example = "approved")]
    state: String,
}

/// An inbox id from the path; one that is not even an id names no inbox.
pub(crate) fn inbox_id(raw: &str) -> Result<InboxId, ApiError> {
    InboxId::parse(raw).map_err(|_| ApiError::not_found("no such inbox"))
}

/// List the caller's inboxes with their badges.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/inboxes", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = InboxList), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace")))]
async fn list_inboxes(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
) -> Result<Json<InboxList>, ApiError> {
    let inboxes = inboxes::list(&state, &who).await?;
    let items = inboxes.iter().map(InboxView::from).collect();
    Ok(Json(InboxList { items }))
}

/// Create an inbox (admins); the creator becomes its first member.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/inboxes", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id")),
    request_body = CreateInbox, security(("session" = []), ("token" = [])),
    responses((status = 201, body = InboxView), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"), (status = 404, description = "No such workspace"),
        (status = 409, description = "`api_code_taken`"), (status = 422, description = "A field is invalid")))]
async fn create_inbox(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<CreateInbox>,
) -> Result<(StatusCode, Json<InboxView>), ApiError> {
    let new = body.parse()?;
    who.may(domain::Action::CreateInbox)?;
    let created = inboxes::create(&state, &who, new).await?;
    Ok((StatusCode::CREATED, Json(InboxView::from(&created))))
}

/// One inbox (members and admins).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/inboxes/{id}", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = InboxView), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such inbox, or not yours to see")))]
async fn get_inbox(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<InboxView>, ApiError> {
    let id = inbox_id(&id)?;
    let inbox = inboxes::get(&state, &who, &id).await?;
    Ok(Json(InboxView::from(&inbox)))
}

/// Change an inbox: members its name, emoji and colour; admins also its policy.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/inboxes/{id}", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    request_body = UpdateInbox, security(("session" = []), ("token" = [])),
    responses((status = 200, body = InboxView), (status = 401, description = "Not logged in"),
        (status = 403, description = "A policy field sent by an agent (named in the detail)"),
        (status = 404, description = "No such inbox, or not yours to see"),
        (status = 409, description = "`api_code_taken`"), (status = 422, description = "A field is invalid")))]
async fn update_inbox(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<UpdateInbox>,
) -> Result<Json<InboxView>, ApiError> {
    let id = inbox_id(&id)?;
    let changes = body.parse(&state.settings.default_region)?;
    let inbox = inboxes::update(&state, &who, &id, changes).await?;
    Ok(Json(InboxView::from(&inbox)))
}

/// Delete an inbox with all its conversations, messages and channels
/// (owners), confirming its name. Irreversible.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/inboxes/{id}", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    request_body = DeleteInbox, security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Deleted"), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not the owner"), (status = 404, description = "No such inbox, or not yours to see"),
        (status = 422, description = "`confirm` is not the inbox's name")))]
async fn delete_inbox(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    body: Option<Json<DeleteInbox>>,
) -> Result<StatusCode, ApiError> {
    let id = inbox_id(&id)?;
    let confirm = body.and_then(|Json(b)| b.confirm);
    inboxes::delete(&state, &who, &id, confirm.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set the carrier registration state (admins).
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/inboxes/{id}/registration", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    request_body = SetRegistration, security(("session" = []), ("token" = [])),
    responses((status = 200, body = InboxView), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"), (status = 404, description = "No such inbox, or not yours to see"),
        (status = 422, description = "Unknown state")))]
async fn set_registration(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<SetRegistration>,
) -> Result<Json<InboxView>, ApiError> {
    let id = inbox_id(&id)?;
    let registration = Registration::parse(&body.state)
        .map_err(|e| DomainError::invalid("state", e.to_string()))?;
    let inbox = inboxes::set_registration(&state, &who, &id, registration).await?;
    Ok(Json(InboxView::from(&inbox)))
}
