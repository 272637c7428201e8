//! Importing contacts from CSV (`POST /contacts/import`, and the CLI's
//! `import contacts FILE.csv`).
//!
//! The header row names the columns, in any order: `name`, `phone`, `email`,
//! and optionally the owner as `user_id` or `owner_email`; other columns (a
//! CRM export carries dozens) are ignored and named in the report's warning.
//! Each line creates
//! a contact, or updates the one that already has its phone or email. A bad
//! line is reported with its line number and skipped; the good lines are
//! written in one transaction, so a database failure imports nothing.

use chrono::SubsecRound;
use std::collections::{HashMap, HashSet};

use csv::StringRecord;
use domain::{Contact, ContactId, DomainError, EmailAddress, PhoneNumber, UserId, WorkspaceId};
use store::Tx;

use super::{parse_email, parse_name, parse_phone};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The largest CSV accepted, in bytes.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most lines accepted, header excluded.
pub const MAX_ROWS: usize = 10_000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Contacts created.
    pub created: u32,
    /// Existing contacts (matched by phone or email) changed.
    pub updated: u32,
    /// Existing contacts the line matched without changing anything.
    pub unchanged: u32,
    /// The lines skipped, and why.
    pub errors: Vec<LineError>,
    /// Header columns that are not contact fields, ignored, in file order.
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    /// The warning to show when columns were ignored, naming them.
    pub fn warning(&self) -> Option<String> {
        if self.ignored_columns.is_empty() {
            return None;
        }
        let names: Vec<String> = self
            .ignored_columns
            .iter()
            .map(|c| format!("{c:?}"))
            .collect();
        let (noun, verb) = if names.len() == 1 {
            ("column", "is")
        } else {
            ("columns", "are")
        };
        Some(format!(
            "Ignored the {noun} {} ({verb} not name, phone, email, user_id or owner_email).",
            names.join(", ")
        ))
    }
}

/// A line that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Its 1-based line number in the file, the header being line 1.
    pub line: u64,
    /// What is wrong with it.
    pub message: String,
}

/// Where each known column is.
#[derive(Debug, Default)]
struct Columns {
    count: usize,
    name: Option<usize>,
    phone: Option<usize>,
    email: Option<usize>,
    user_id: Option<usize>,
    owner_email: Option<usize>,
    /// The titles of the columns that are not contact fields.
    ignored: Vec<String>,
}

/// One line, parsed.
#[derive(Debug)]
struct Row {
    name: String,
    phone: Option<PhoneNumber>,
    email: Option<EmailAddress>,
    owner_id: Option<UserId>,
}

/// The workspace's people, to resolve owners without a query per line.
#[derive(Debug, Default)]
struct People {
    ids: HashSet<UserId>,
    by_email: HashMap<String, UserId>,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// Imports `csv` into `workspace`. Errors of the file as a whole (too big,
/// no usable header) refuse everything; errors of a line skip that line.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, bytes = csv.len()), err(level = "debug"))]
pub async fn import(
    state: &AppState,
    workspace: &WorkspaceId,
    csv: &[u8],
) -> Result<ImportReport, ServiceError> {
    if csv.len() > MAX_BYTES {
        return Err(too_large(format!(
            "the CSV is {} bytes; import at most {MAX_BYTES} bytes at a time",
            csv.len()
        )));
    }
    let csv = csv.strip_prefix(b"\xef\xbb\xbf").unwrap_or(csv);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv);
    let header = reader
        .headers()
        .map_err(|e| invalid_file(format!("the header row cannot be read: {e}")))?;
    let columns = columns(header)?;
    let mut records = Vec::new();
    for record in reader.records() {
        if records.len() == MAX_ROWS {
            return Err(too_large(format!(
                "import at most {MAX_ROWS} lines at a time; split the file"
            )));
        }
        records.push(record);
    }

    let region = &state.settings.default_region;
    let mut tx = state.store.begin().await?;
    let people = people(&mut tx, workspace).await?;
    // Milliseconds, as stored: what this answers equals what a later read returns.
    let now = state.clock.now().trunc_subsecs(3);
    let mut report = ImportReport {
        ignored_columns: columns.ignored.clone(),
        ..ImportReport::default()
    };
    for record in records {
        let (line, parsed) = match record {
            Ok(record) => (
                line_of(record.position()),
                parse_row(&record, &columns, region, &people),
            ),
            Err(e) => (line_of(e.position()), Err(format!("unreadable line: {e}"))),
        };
        let outcome = match parsed {
            Ok(row) => write_row(&mut tx, workspace, row, now).await?,
            Err(message) => Err(message),
        };
        match outcome {
            Ok(Outcome::Created) => report.created += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Err(message) => report.errors.push(LineError { line, message }),
        }
    }
    tx.commit().await?;
    tracing::info!(
        created = report.created,
        updated = report.updated,
        errors = report.errors.len(),
        ignored_columns = ?report.ignored_columns,
        "contacts imported"
    );
    Ok(report)
}

fn line_of(position: Option<&csv::Position>) -> u64 {
    position.map_or(0, csv::Position::line)
}

fn too_large(detail: String) -> ServiceError {
    ServiceError::too_large(detail)
}

fn invalid_file(detail: String) -> ServiceError {
    ServiceError::invalid("validation", detail)
}

/// Reads the header row: known names in any order and case. Other columns
/// are ignored but named in the report, so that a misspelt `phon` is seen;
/// a file with neither a phone nor an email column is refused.
fn columns(header: &StringRecord) -> Result<Columns, ServiceError> {
    const EXPECTED: &str = "name, phone, email, and optionally user_id or owner_email";
    let mut columns = Columns {
        count: header.len(),
        ..Columns::default()
    };
    for (at, title) in header.iter().enumerate() {
        let slot = match title.to_ascii_lowercase().as_str() {
            "name" => &mut columns.name,
            "phone" => &mut columns.phone,
            "email" => &mut columns.email,
            "user_id" => &mut columns.user_id,
            "owner_email" => &mut columns.owner_email,
            _ => {
                columns.ignored.push(title.to_string());
                continue;
            }
        };
        if slot.replace(at).is_some() {
            return Err(invalid_file(format!(
                "line 1: column {title:?} appears twice"
            )));
        }
    }
    if columns.phone.is_none() && columns.email.is_none() {
        return Err(invalid_file(format!(
            "line 1: the header needs a phone or an email column; the columns are {EXPECTED}"
        )));
    }
    if columns.user_id.is_some() && columns.owner_email.is_some() {
        return Err(invalid_file(
            "line 1: give the owner as user_id or as owner_email, not both".into(),
        ));
    }
    Ok(columns)
}

async fn people(tx: &mut Tx<'_>, workspace: &WorkspaceId) -> Result<People, ServiceError> {
    let mut people = People::default();
    for (user, _) in store::workspaces::members(&mut tx.conn(), workspace).await? {
        people
            .by_email
            .insert(user.email.as_str().to_lowercase(), user.id.clone());
        people.ids.insert(user.id);
    }
    Ok(people)
}

/// Parses one line; the message names the field that is wrong.
fn parse_row(
    record: &StringRecord,
    columns: &Columns,
    region: &str,
    people: &People,
) -> Result<Row, String> {
    if record.len() != columns.count {
        return Err(format!(
            "expected {} fields like the header, found {}",
            columns.count,
            record.len()
        ));
    }
    let field = |at: Option<usize>| at.and_then(|at| record.get(at)).filter(|v| !v.is_empty());
    let text = |e: DomainError| e.to_string();
    let name = parse_name(field(columns.name).unwrap_or_default()).map_err(text)?;
    let phone = field(columns.phone)
        .map(|raw| parse_phone(raw, region))
        .transpose()
        .map_err(text)?;
    let email = field(columns.email)
        .map(parse_email)
        .transpose()
        .map_err(text)?;
    if phone.is_none() && email.is_none() {
        return Err("phone, email: a contact needs a phone number or an email address".into());
    }
    let owner_id = match (field(columns.user_id), field(columns.owner_email)) {
        (Some(raw), _) => Some(
            UserId::parse(raw)
                .ok()
                .filter(|id| people.ids.contains(id))
                .ok_or_else(|| format!("user_id: {raw:?} is not a member of this workspace"))?,
        ),
        (None, Some(raw)) => Some(
            people
                .by_email
                .get(&raw.to_lowercase())
                .cloned()
                .ok_or_else(|| format!("owner_email: {raw:?} is not a member of this workspace"))?,
        ),
        (None, None) => None,
    };
    Ok(Row {
        name,
        phone,
        email,
        owner_id,
    })
}

/// Creates the line's contact, or updates the one with its phone or email.
/// The outer `Result` is the database's (it aborts the import); the inner
/// one is the line's. Conflicts are found by reading first, so that no
/// statement fails: on PostgreSQL a failed statement would abort the whole
/// transaction and every good line with it.
async fn write_row(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    row: Row,
    now: domain::Timestamp,
) -> Result<Result<Outcome, String>, ServiceError> {
    let by_phone = match &row.phone {
        Some(phone) => store::contacts::by_phone(&mut tx.conn(), workspace, phone, false).await?,
        None => None,
    };
    let by_email = match &row.email {
        Some(email) => store::contacts::by_email(&mut tx.conn(), workspace, email).await?,
        None => None,
    };
    let existing = match (by_phone, by_email) {
        (Some(a), Some(b)) if a.id != b.id => {
            return Ok(Err(format!(
                "phone belongs to contact {} and email to contact {}; fix one of them",
                a.id, b.id
            )))
        }
        (Some(c), _) | (None, Some(c)) => Some(c),
        (None, None) => None,
    };
    let Some(existing) = existing else {
        let contact = Contact {
            id: ContactId::generate(),
            workspace_id: workspace.clone(),
            name: row.name,
            phone: row.phone,
            email: row.email,
            owner_id: row.owner_id,
            opted_out_at: None,
            simulated: false,
            created_at: now,
            updated_at: now,
        };
        store::contacts::create(tx, &contact).await?;
        return Ok(Ok(Outcome::Created));
    };
    // A line fills in what it has and leaves the rest: an empty cell never
    // erases a name, number or owner someone entered by hand.
    let mut contact = existing.clone();
    if !row.name.is_empty() {
        contact.name = row.name;
    }
    contact.phone = row.phone.or(contact.phone);
    // The same address in another case is no change (lookups ignore case).
    if let Some(email) = row.email {
        let same = contact
            .email
            .as_ref()
            .is_some_and(|e| e.as_str().eq_ignore_ascii_case(email.as_str()));
        if !same {
            contact.email = Some(email);
        }
    }
    contact.owner_id = row.owner_id.or(contact.owner_id);
    if contact == existing {
        return Ok(Ok(Outcome::Unchanged));
    }
    contact.updated_at = now;
    store::contacts::update(tx, &contact).await?;
    Ok(Ok(Outcome::Updated))
}
