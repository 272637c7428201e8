//! Contacts: the customers, found by phone or email when they write in.

use domain::{Contact, ContactId, EmailAddress, Id, PhoneNumber, Timestamp, WorkspaceId};

use crate::time::{from_millis, from_millis_opt, to_millis, to_millis_opt};
use crate::{Conn, Page, Result, StoreError, Tx};

/// A `contacts` row as stored.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ContactRow {
    id: String,
    workspace_id: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    owner_id: Option<String>,
    opted_out_at: Option<i64>,
    simulated: bool,
    created_at: i64,
    updated_at: i64,
}

pub(crate) fn contact_from_row(row: ContactRow) -> Result<Contact> {
    Ok(Contact {
        id: Id::from_trusted(row.id),
        workspace_id: Id::from_trusted(row.workspace_id),
        name: row.name,
        phone: row.phone.map(PhoneNumber::from_trusted),
        email: row.email.map(EmailAddress::from_trusted),
        owner_id: row.owner_id.map(Id::from_trusted),
        opted_out_at: from_millis_opt(row.opted_out_at)?,
        simulated: row.simulated,
        created_at: from_millis(row.created_at)?,
        updated_at: from_millis(row.updated_at)?,
    })
}

pub(crate) const COLUMNS: &str =
    "id, workspace_id, name, phone, email, owner_id, opted_out_at, simulated, created_at, \
     updated_at";

/// Writes a new contact. A phone number or email address (in any case)
/// already used by a contact of the workspace gives [`StoreError::Duplicate`]
/// and writes nothing; a simulated phone and a real contact with the same
/// number are two contacts.
#[tracing::instrument(skip_all, fields(contact_id = %contact.id, workspace_id = %contact.workspace_id), err(level = "debug"))]
pub async fn create(tx: &mut Tx<'_>, contact: &Contact) -> Result<()> {
    let inserted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO contacts (id, workspace_id, name, phone, email, owner_id, opted_out_at, \
         created_at, updated_at, simulated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT DO NOTHING",
    )
    .bind(contact.id.as_str())
    .bind(contact.workspace_id.as_str())
    .bind(&contact.name)
    .bind(contact.phone.as_ref().map(|p| p.as_str()))
    .bind(contact.email.as_ref().map(|e| e.as_str()))
    .bind(contact.owner_id.as_ref().map(|u| u.as_str()))
    .bind(to_millis_opt(contact.opted_out_at))
    .bind(to_millis(contact.created_at))
    .bind(to_millis(contact.updated_at))
    .bind(contact.simulated)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Err(StoreError::Duplicate("contacts_phone_or_email".into()));
    }
    Ok(())
}

/// One contact.
#[tracing::instrument(skip_all, fields(contact_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &ContactId) -> Result<Option<Contact>> {
    let sql = format!("SELECT {COLUMNS} FROM contacts WHERE id = $1");
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, ContactRow>(&sql)
        .bind(id.as_str())
        .fetch_optional(&mut **c)
        .await)?;
    row.map(contact_from_row).transpose()
}

/// Stores a contact's name, addresses, owner, opt-out and `updated_at`.
/// [`StoreError::NotFound`] when it does not exist; [`StoreError::Duplicate`]
/// when another contact has the new phone or email.
#[tracing::instrument(skip_all, fields(contact_id = %contact.id), err(level = "debug"))]
pub async fn update(tx: &mut Tx<'_>, contact: &Contact) -> Result<()> {
    let updated = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE contacts SET name = $2, phone = $3, email = $4, owner_id = $5, \
         opted_out_at = $6, updated_at = $7 WHERE id = $1",
    )
    .bind(contact.id.as_str())
    .bind(&contact.name)
    .bind(contact.phone.as_ref().map(|p| p.as_str()))
    .bind(contact.email.as_ref().map(|e| e.as_str()))
    .bind(contact.owner_id.as_ref().map(|u| u.as_str()))
    .bind(to_millis_opt(contact.opted_out_at))
    .bind(to_millis(contact.updated_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes a contact and, by cascade, their conversations. Returns whether
/// it existed.
#[tracing::instrument(skip_all, fields(contact_id = %id), err(level = "debug"))]
pub async fn delete(tx: &mut Tx<'_>, id: &ContactId) -> Result<bool> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query("DELETE FROM contacts WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// How many conversations the contact has, in every inbox: deleting the
/// contact deletes them too, so the caller can say so (or refuse) first.
#[tracing::instrument(skip_all, fields(contact_id = %id), err(level = "debug"))]
pub async fn conversation_count(conn: &mut Conn<'_>, id: &ContactId) -> Result<i64> {
    Ok(crate::on_backend!(conn, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM conversations WHERE contact_id = $1",
    )
    .bind(id.as_str())
    .fetch_one(&mut **c)
    .await)?)
}

/// The workspace's contact with this number (who an inbound SMS is from):
/// the simulated phone when `simulated` (a text through the simulator),
/// else the real contact.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, simulated), err(level = "debug"))]
pub async fn by_phone(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    phone: &PhoneNumber,
    simulated: bool,
) -> Result<Option<Contact>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM contacts WHERE workspace_id = $1 AND simulated = $3 AND phone = $2"
    );
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, ContactRow>(&sql)
        .bind(workspace.as_str())
        .bind(phone.as_str())
        .bind(simulated)
        .fetch_optional(&mut **c)
        .await)?;
    row.map(contact_from_row).transpose()
}

/// The workspace's contacts with any of these numbers (simulated ones, or
/// real ones), in one query: what [`by_phone`] gives for each. Numbers
/// nobody has are simply missing.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, phones = phones.len()), err(level = "debug"))]
pub async fn by_phones(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    phones: &[&PhoneNumber],
    simulated: bool,
) -> Result<Vec<Contact>> {
    if phones.is_empty() {
        return Ok(Vec::new());
    }
    let rows = match conn {
        Conn::Sqlite(c) => {
            let phones = crate::events::padded(phones);
            let sql = format!(
                "SELECT {COLUMNS} FROM contacts WHERE workspace_id = $1 AND simulated = $2 AND phone IN ({})",
                crate::events::placeholders(3, phones.len())
            );
            let mut query = sqlx::query_as::<_, ContactRow>(&sql)
                .bind(workspace.as_str())
                .bind(simulated);
            for phone in &phones {
                query = query.bind(phone.as_str());
            }
            query.fetch_all(&mut **c).await?
        }
        // One index lookup per number, whatever the statistics say. With
        // `phone IN (…)` PostgreSQL read every contact of the workspace
        // when it had no statistics yet (a new database taking its first
        // customers, until autovacuum's first ANALYZE): 1.5 ms a batch at
        // 5,000 contacts, growing with them.
        Conn::Postgres(c) => {
            let phones: Vec<&str> = phones.iter().map(|p| p.as_str()).collect();
            let sql = format!(
                "SELECT f.* FROM unnest($3::text[]) AS wanted (phone) \
                 CROSS JOIN LATERAL (SELECT {COLUMNS} FROM contacts \
                   WHERE workspace_id = $1 AND simulated = $2 AND phone = wanted.phone OFFSET 0) f"
            );
            sqlx::query_as::<_, ContactRow>(&sql)
                .bind(workspace.as_str())
                .bind(simulated)
                .bind(phones)
                .fetch_all(&mut **c)
                .await?
        }
    };
    rows.into_iter().map(contact_from_row).collect()
}

/// The workspace's contact with this address, in any case (who an inbound
/// email is from). Served by the `contacts_email` index on `lower(email)`.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn by_email(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    email: &EmailAddress,
) -> Result<Option<Contact>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM contacts WHERE workspace_id = $1 AND lower(email) = lower($2)"
    );
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, ContactRow>(&sql)
        .bind(workspace.as_str())
        .bind(email.as_str())
        .fetch_optional(&mut **c)
        .await)?;
    row.map(contact_from_row).transpose()
}

/// `%text%` for LIKE, with the user's own `%`, `_` and `\` matched literally.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// The cursor after `contact`: its name and id, hex-encoded so it is opaque
/// and safe in a URL.
fn encode_cursor(contact: &Contact) -> String {
    hex::encode(format!("{}:{}", contact.id, contact.name))
}

fn decode_cursor(raw: &str) -> Result<(String, ContactId)> {
    let bytes = hex::decode(raw).map_err(|_| StoreError::InvalidCursor)?;
    let text = String::from_utf8(bytes).map_err(|_| StoreError::InvalidCursor)?;
    // Ids are UUIDs, so the first ':' ends the id whatever the name holds.
    let (id, name) = text.split_once(':').ok_or(StoreError::InvalidCursor)?;
    let id = ContactId::parse(id).map_err(|_| StoreError::InvalidCursor)?;
    Ok((name.to_string(), id))
}

/// A page of the workspace's contacts ordered by name, then id.
///
/// With `q`, only contacts whose name, email or phone contains it, ignoring
/// case (ASCII case on SQLite); the digits of `q` also match inside the
/// phone, so `(415) 555` finds `+14155550100`. `limit` is clamped to 1..=500.
/// `cursor` is the `next_cursor` of the previous page of the same search;
/// anything else is [`StoreError::InvalidCursor`].
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, limit = limit), err(level = "debug"))]
pub async fn search(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    q: Option<&str>,
    limit: u32,
    cursor: Option<&str>,
) -> Result<Page<Contact>> {
    let after = cursor.map(decode_cursor).transpose()?;
    let limit = limit.clamp(1, 500);
    let q = q.map(str::trim).filter(|q| !q.is_empty());
    // Binds: $1 workspace, $2 limit, then the optional ones in this order.
    let mut binds: Vec<String> = Vec::new();
    let mut filters = String::new();
    if let Some(q) = q {
        binds.push(like_pattern(&q.to_lowercase()));
        let text = format!("${}", binds.len() + 2);
        let mut alternatives = format!(
            "lower(name) LIKE {text} ESCAPE '\\' OR lower(email) LIKE {text} ESCAPE '\\' \
             OR phone LIKE {text} ESCAPE '\\'"
        );
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            binds.push(like_pattern(&digits));
            alternatives.push_str(&format!(" OR phone LIKE ${} ESCAPE '\\'", binds.len() + 2));
        }
        filters.push_str(&format!(" AND ({alternatives})"));
    }
    if let Some((name, id)) = &after {
        binds.push(name.clone());
        binds.push(id.as_str().to_string());
        let (n, i) = (binds.len() + 1, binds.len() + 2);
        filters.push_str(&format!(" AND (name, id) > (${n}, ${i})"));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM contacts WHERE workspace_id = $1{filters} \
         ORDER BY name, id LIMIT $2"
    );
    let rows = crate::on_backend!(conn, c => {
        // One row more than asked: its presence says a next page exists.
        let mut query = sqlx::query_as::<_, ContactRow>(&sql)
            .bind(workspace.as_str())
            .bind(i64::from(limit) + 1);
        for bind in &binds {
            query = query.bind(bind.as_str());
        }
        query.fetch_all(&mut **c).await
    })?;
    let mut items = rows
        .into_iter()
        .map(contact_from_row)
        .collect::<Result<Vec<_>>>()?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next_cursor = match (more, items.last()) {
        (true, Some(last)) => Some(encode_cursor(last)),
        _ => None,
    };
    Ok(Page { items, next_cursor })
}

/// Records that the contact texted STOP (`Some(when)`) or START (`None`).
/// Returns whether the contact exists.
#[tracing::instrument(skip_all, fields(contact_id = %id, opted_out = at.is_some()), err(level = "debug"))]
pub async fn set_opted_out(tx: &mut Tx<'_>, id: &ContactId, at: Option<Timestamp>) -> Result<bool> {
    let updated = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE contacts SET opted_out_at = $2 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(to_millis_opt(at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(updated > 0)
}
