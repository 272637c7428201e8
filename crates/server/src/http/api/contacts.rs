//! Contacts endpoints of API.md: the customers, and their CSV import. Any
//! member of the workspace may use them.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use domain::{Action, Contact, ContactId, DomainError, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::inboxes::nullable;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::http::query::QueryParams;
use crate::services::contacts::import::{self, ImportReport};
use crate::services::contacts::{
    self, parse_email, parse_name, parse_phone, ContactChanges, NewContact,
};
use crate::services::state::AppState;

/// The page size when none is asked for, and the largest allowed (API.md).
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(import_contacts))
        .routes(routes!(get_contact, update_contact, delete_contact))
}

/// A contact as the API shows it. Other resources embed it (a conversation's
/// `contact`), so it is built from the domain type alone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactView {
    /// Its id.
    pub id: String,
    /// Display name; empty for an unknown texter.
    pub name: String,
    /// Mobile number in E.164 (`+14155550100`).
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// The user who owns the relationship.
    pub owner_id: Option<String>,
    /// Whether the contact texted STOP: replies to them are refused until START.
    pub opted_out: bool,
    /// When they opted out.
    pub opted_out_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&Contact> for ContactView {
    fn from(contact: &Contact) -> Self {
        Self {
            id: contact.id.to_string(),
            name: contact.name.clone(),
            phone: contact.phone.as_ref().map(|p| p.as_str().to_string()),
            email: contact.email.as_ref().map(|e| e.as_str().to_string()),
            owner_id: contact.owner_id.as_ref().map(|u| u.to_string()),
            opted_out: contact.is_opted_out(),
            opted_out_at: contact.opted_out_at,
            created_at: contact.created_at,
            updated_at: contact.updated_at,
        }
    }
}

/// A page of contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    /// By name.
    pub items: Vec<ContactView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Filters and paging of `GET /contacts`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ContactQuery {
    /// Part of a name, phone number or email address.
    q: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// `POST /contacts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    /// Display name (may be empty).
    name: String,
    /// A phone number, read in the server's default region unless it starts with `+`.
    phone: Option<String>,
    /// An email address.
    email: Option<String>,
    /// A member of the workspace.
    owner_id: Option<String>,
}

impl CreateContact {
    fn parse(self, region: &str) -> Result<NewContact, DomainError> {
        Ok(NewContact {
            name: parse_name(&self.name)?,
            phone: optional(self.phone)
                .map(|p| parse_phone(&p, region))
                .transpose()?,
            email: optional(self.email).map(|e| parse_email(&e)).transpose()?,
            owner_id: optional(self.owner_id).map(|o| owner(&o)).transpose()?,
        })
    }
}

/// `PATCH /contacts/{id}`: absent fields stay; `null` clears one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContact {
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    owner_id: Option<Option<String>>,
}

impl UpdateContact {
    fn parse(self, region: &str) -> Result<ContactChanges, DomainError> {
        Ok(ContactChanges {
            name: self.name.as_deref().map(parse_name).transpose()?,
            phone: self
                .phone
                .map(|p| optional(p).map(|p| parse_phone(&p, region)).transpose())
                .transpose()?,
            email: self
                .email
                .map(|e| optional(e).map(|e| parse_email(&e)).transpose())
                .transpose()?,
            owner_id: self
                .owner_id
                .map(|o| optional(o).map(|o| owner(&o)).transpose())
                .transpose()?,
        })
    }
}

/// An empty or blank string is no value, as in a form left empty.
fn optional(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

fn owner(raw: &str) -> Result<UserId, DomainError> {
    UserId::parse(raw.trim()).map_err(|_| DomainError::invalid("owner_id", "must be a user id"))
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// Contacts created.
    pub created: u32,
    /// Existing contacts (matched by phone or email) changed.
    pub updated: u32,
    /// Existing contacts matched with nothing to change.
    pub unchanged: u32,
    /// The lines skipped.
    pub errors: Vec<ImportLineError>,
    /// Header columns that are not contact fields (`name`, `phone`, `email`,
    /// `user_id`, `owner_email`): ignored, in file order.
    pub ignored_columns: Vec<String>,
    /// What a person should know about the import as a whole, such as the
    /// columns ignored.
    pub warnings: Vec<String>,
}

/// A line that was not imported.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportLineError {
    /// 1-based, the header being line 1.
    pub line: u64,
    /// What is wrong with it, naming the field.
    pub message: String,
}

impl From<ImportReport> for ImportResult {
    fn from(report: ImportReport) -> Self {
        let warnings = report.warning().into_iter().collect();
        Self {
            warnings,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            errors: report
                .errors
                .into_iter()
                .map(|e| ImportLineError {
                    line: e.line,
                    message: e.message,
                })
                .collect(),
            ignored_columns: report.ignored_columns,
        }
    }
}

fn contact_id(raw: &str) -> Result<ContactId, ApiError> {
    ContactId::parse(raw).map_err(|_| ApiError::not_found("no such contact"))
}

/// Find contacts by name, phone or email.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/contacts", tag = "contacts",
    params(("ws" = String, Path, description = "Workspace id"), ContactQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ContactPage), (status = 400, description = "Not a cursor of this list"),
        (status = 401, description = "Not logged in"), (status = 404, description = "No such workspace"),
        (status = 422, description = "`limit` out of range")))]
async fn list_contacts(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    QueryParams(query): QueryParams<ContactQuery>,
) -> Result<Json<ContactPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(DomainError::invalid("limit", format!("must be 1 to {MAX_LIMIT}")).into());
    }
    who.may(Action::UseWorkspace)?;
    let page = contacts::search(
        &state,
        &who,
        query.q.as_deref(),
        limit,
        query.cursor.as_deref(),
    )
    .await?;
    Ok(Json(ContactPage {
        items: page.items.iter().map(ContactView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Add a contact.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/contacts", tag = "contacts",
    params(("ws" = String, Path, description = "Workspace id")),
    request_body = CreateContact, security(("session" = []), ("token" = [])),
    responses((status = 201, body = ContactView), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace"),
        (status = 409, description = "`contact_exists`: the phone or email belongs to another contact"),
        (status = 422, description = "A field is invalid (named in the detail)")))]
async fn create_contact(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<CreateContact>,
) -> Result<(StatusCode, Json<ContactView>), ApiError> {
    let new = body.parse(&state.settings.default_region)?;
    who.may(Action::UseWorkspace)?;
    let contact = contacts::create(&state, &who, new).await?;
    Ok((StatusCode::CREATED, Json(ContactView::from(&contact))))
}

/// One contact.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/contacts/{id}", tag = "contacts",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Contact id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ContactView), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such contact")))]
async fn get_contact(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<ContactView>, ApiError> {
    let id = contact_id(&id)?;
    who.may(Action::UseWorkspace)?;
    let contact = contacts::get(&state, &who, &id).await?;
    Ok(Json(ContactView::from(&contact)))
}

/// Change a contact.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/contacts/{id}", tag = "contacts",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Contact id")),
    request_body = UpdateContact, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ContactView), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such contact"),
        (status = 409, description = "`contact_exists`: the phone or email belongs to another contact"),
        (status = 422, description = "A field is invalid (named in the detail)")))]
async fn update_contact(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<UpdateContact>,
) -> Result<Json<ContactView>, ApiError> {
    let id = contact_id(&id)?;
    let changes = body.parse(&state.settings.default_region)?;
    who.may(Action::UseWorkspace)?;
    let contact = contacts::update(&state, &who, &id, changes).await?;
    Ok(Json(ContactView::from(&contact)))
}

/// Delete a contact and their conversations (admins, once they have any).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/contacts/{id}", tag = "contacts",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Contact id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Deleted"), (status = 401, description = "Not logged in"),
        (status = 403, description = "An agent deleting a contact who has conversations"),
        (status = 404, description = "No such contact")))]
async fn delete_contact(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = contact_id(&id)?;
    who.may(Action::UseWorkspace)?;
    contacts::delete(&state, &who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Import contacts from CSV: a header row naming `name`, `phone`, `email`
/// and optionally `user_id` or `owner_email`, then one contact per line.
/// Good lines are imported (an existing contact with the phone or email is
/// updated); bad ones are reported by line number. Other columns are
/// ignored and listed in `ignored_columns` and `warnings`.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/contacts/import", tag = "contacts",
    params(("ws" = String, Path, description = "Workspace id")),
    request_body(content = String, content_type = "text/csv",
        example = "name,phone,email,owner_email\nJane Doe,+14155550123,jane@example.com,ana@example.com\n"),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ImportResult), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace"),
        (status = 413, description = "More than 5 MB or 10,000 lines"),
        (status = 415, description = "Not text/csv"),
        (status = 422, description = "The header row is missing, repeats a column, or has neither a phone nor an email column")))]
async fn import_contacts(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportResult>, ApiError> {
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the CSV as the body with Content-Type: text/csv",
        ));
    }
    who.may(Action::UseWorkspace)?;
    let report = import::import(&state, &who.workspace_id, &body).await?;
    Ok(Json(ImportResult::from(report)))
}
