//! `/w/{ws}/contacts/import`: importing contacts from a CSV file uploaded or
//! pasted, through the same service as the API's `POST /contacts/import`,
//! and showing what each line did.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::Action;
use serde::Deserialize;

use crate::http::error::ApiError;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::pages::settings::{shown_on_page, Frame};
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::upload::{self, Upload};
use crate::http::ui::{render, Chrome};
use crate::services::contacts::import::{self as csv_import, ImportReport};
use crate::services::state::AppState;

/// The largest CSV file accepted by upload: the importer's 10,000 lines of
/// contacts fit well within it, so a bigger file is likelier the wrong one.
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;

/// The upload form's file field.
const FILE_FIELD: &str = "file";

/// The import forms and the last import's report.
#[derive(Debug, Template)]
#[template(path = "contacts/import.html")]
pub struct ImportPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// The CSV pasted, kept after a refusal.
    pub csv: String,
    /// What the import did.
    pub report: Option<ImportReport>,
    /// Why the file as a whole was refused.
    pub error: Option<String>,
    /// The largest file accepted, for people (`1 MiB`).
    pub max_upload: String,
}

/// The paste form's field.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
}

/// `GET /w/{ws}/contacts/import`.
pub async fn import_page(agent: Agent) -> Result<Response, ApiError> {
    agent.who.may(Action::UseWorkspace)?;
    page(&agent, Ok(None), String::new())
}

/// `POST /w/{ws}/contacts/import`: imports pasted CSV, and shows what happened.
pub async fn import(
    State(state): State<AppState>,
    agent: Agent,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::UseWorkspace)?;
    let csv = lf_only(&form.csv);
    let done = csv_import::import(&state, &agent.who.workspace_id, csv.as_bytes())
        .await
        .map_err(ApiError::from);
    page(&agent, done.map(Some), form.csv)
}

/// `POST /w/{ws}/contacts/import/file`: imports an uploaded CSV file (a
/// `multipart/form-data` form), and shows what happened.
pub async fn upload(
    State(state): State<AppState>,
    agent: Agent,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::UseWorkspace)?;
    let file = upload::read_file(multipart, &agent.csrf, FILE_FIELD, MAX_UPLOAD_BYTES).await?;
    let done = match file.and_then(csv_text) {
        Ok(csv) => csv_import::import(&state, &agent.who.workspace_id, csv.as_bytes())
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    page(&agent, done.map(Some), String::new())
}

/// The uploaded file as CSV text, or why it is not.
fn csv_text(file: Upload) -> Result<String, ApiError> {
    match String::from_utf8(file.bytes) {
        Ok(text) => Ok(lf_only(&text)),
        // A spreadsheet (.xlsx, .numbers), or CSV in another encoding: both
        // would import as garbage, so neither is tried.
        Err(_) => Err(ApiError::unprocessable(
            "validation",
            format!(
                "{} is not a CSV file in UTF-8; save it from your spreadsheet as \
                 “CSV UTF-8” and upload that",
                upload::quoted_name(&file.file_name)
            ),
        )),
    }
}

/// Browsers send a textarea's line breaks as CRLF, and spreadsheets write
/// CSV with them; the importer counts line numbers on LF-only text.
fn lf_only(csv: &str) -> String {
    csv.replace("\r\n", "\n")
}

/// The import page after `done`: its report, or why the file as a whole was
/// refused with the pasted text kept (`csv`). Refusals about who is asking
/// stay errors.
fn page(
    agent: &Agent,
    done: Result<Option<ImportReport>, ApiError>,
    csv: String,
) -> Result<Response, ApiError> {
    let (report, error, csv) = match done {
        Ok(report) => (report, None, String::new()),
        Err(error) if shown_on_page(&error) => (None, Some(sentence(error.public_detail())), csv),
        Err(error) => return Err(error),
    };
    let page = ImportPage {
        chrome: Chrome::new("Import contacts"),
        frame: Frame::of(agent),
        csv,
        report,
        error,
        max_upload: upload::size(MAX_UPLOAD_BYTES),
    };
    Ok(render(&page)?.into_response())
}
