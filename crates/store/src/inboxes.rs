//! Inboxes, their members, and each member's own order and mute.

use domain::text::Word;
use domain::{
    ApiCode, EmailAddress, Id, Inbox, InboxId, InboxKind, InboxMember, PhoneNumber, Purpose,
    Registration, Timestamp, UnreadMode, UserId, WorkspaceId,
};

use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

/// An `inboxes` row as stored.
#[derive(Debug, sqlx::FromRow)]
struct InboxRow {
    id: String,
    workspace_id: String,
    kind: String,
    owner_id: Option<String>,
    name: String,
    emoji: String,
    color: String,
    purpose: String,
    api_code: String,
    unread_mode: String,
    registration: String,
    forward_to_email: Option<String>,
    voice_forward_to: Option<String>,
    auto_close_secs: i64,
    created_at: i64,
}

fn inbox_from_row(row: InboxRow) -> Result<Inbox> {
    let corrupt = |what| move |e| StoreError::corrupt(what, e);
    Ok(Inbox {
        id: Id::from_trusted(row.id),
        workspace_id: Id::from_trusted(row.workspace_id),
        kind: InboxKind::parse(&row.kind).map_err(corrupt("inboxes.kind"))?,
        owner_id: row.owner_id.map(Id::from_trusted),
        name: row.name,
        emoji: row.emoji,
        color: row.color,
        purpose: Purpose::parse(&row.purpose).map_err(corrupt("inboxes.purpose"))?,
        api_code: ApiCode::from_trusted(row.api_code),
        unread_mode: UnreadMode::parse(&row.unread_mode).map_err(corrupt("inboxes.unread_mode"))?,
        registration: Registration::parse(&row.registration)
            .map_err(corrupt("inboxes.registration"))?,
        forward_to_email: row.forward_to_email.map(EmailAddress::from_trusted),
        voice_forward_to: row.voice_forward_to.map(PhoneNumber::from_trusted),
        auto_close_secs: row.auto_close_secs,
        created_at: from_millis(row.created_at)?,
    })
}

/// An inbox as one user sees it in their list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxView {
    /// The inbox.
    pub inbox: Inbox,
    /// Whether the user is a member (admins also see inboxes they are not in).
    pub member: bool,
    /// The user's sort position of it (0 when not a member).
    pub position: i64,
    /// Whether the user muted it (false when not a member).
    pub muted: bool,
}

/// An inbox row with the viewing user's membership columns.
#[derive(Debug, sqlx::FromRow)]
struct InboxViewRow {
    #[sqlx(flatten)]
    inbox: InboxRow,
    member: bool,
    position: i64,
    muted: bool,
}

/// Writes a new inbox. An `api_code` already used in the workspace gives
/// [`StoreError::Duplicate`] and writes nothing.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox.id, workspace_id = %inbox.workspace_id), err(level = "debug"))]
pub async fn create(tx: &mut Tx<'_>, inbox: &Inbox) -> Result<()> {
    let i = inbox;
    let inserted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inboxes (id, workspace_id, kind, owner_id, name, emoji, color, purpose, \
         api_code, unread_mode, registration, forward_to_email, voice_forward_to, \
         auto_close_secs, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT DO NOTHING",
    )
    .bind(i.id.as_str())
    .bind(i.workspace_id.as_str())
    .bind(i.kind.as_str())
    .bind(i.owner_id.as_ref().map(|u| u.as_str()))
    .bind(&i.name)
    .bind(&i.emoji)
    .bind(&i.color)
    .bind(i.purpose.as_str())
    .bind(i.api_code.as_str())
    .bind(i.unread_mode.as_str())
    .bind(i.registration.as_str())
    .bind(i.forward_to_email.as_ref().map(|e| e.as_str()))
    .bind(i.voice_forward_to.as_ref().map(|p| p.as_str()))
    .bind(i.auto_close_secs)
    .bind(to_millis(i.created_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Err(StoreError::Duplicate("inboxes_api_code".into()));
    }
    Ok(())
}

/// One inbox.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &InboxId) -> Result<Option<Inbox>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, InboxRow>(
        "SELECT id, workspace_id, kind, owner_id, name, emoji, color, purpose, api_code, \
         unread_mode, registration, forward_to_email, voice_forward_to, auto_close_secs, \
         created_at FROM inboxes WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(inbox_from_row).transpose()
}

/// The workspace's inbox with this code (`/compose?inbox=support`).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, api_code = code.as_str()), err(level = "debug"))]
pub async fn by_api_code(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    code: &ApiCode,
) -> Result<Option<Inbox>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, InboxRow>(
        "SELECT id, workspace_id, kind, owner_id, name, emoji, color, purpose, api_code, \
         unread_mode, registration, forward_to_email, voice_forward_to, auto_close_secs, \
         created_at FROM inboxes WHERE workspace_id = $1 AND api_code = $2",
    )
    .bind(workspace.as_str())
    .bind(code.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(inbox_from_row).transpose()
}

/// Stores an inbox's settings (everything but its id, workspace and
/// creation time). [`StoreError::NotFound`] when it does not exist;
/// [`StoreError::Duplicate`] when the new `api_code` is taken.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox.id), err(level = "debug"))]
pub async fn update(tx: &mut Tx<'_>, inbox: &Inbox) -> Result<()> {
    let i = inbox;
    let updated = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE inboxes SET kind = $2, owner_id = $3, name = $4, emoji = $5, color = $6, \
         purpose = $7, api_code = $8, unread_mode = $9, registration = $10, \
         forward_to_email = $11, voice_forward_to = $12, auto_close_secs = $13 WHERE id = $1",
    )
    .bind(i.id.as_str())
    .bind(i.kind.as_str())
    .bind(i.owner_id.as_ref().map(|u| u.as_str()))
    .bind(&i.name)
    .bind(&i.emoji)
    .bind(&i.color)
    .bind(i.purpose.as_str())
    .bind(i.api_code.as_str())
    .bind(i.unread_mode.as_str())
    .bind(i.registration.as_str())
    .bind(i.forward_to_email.as_ref().map(|e| e.as_str()))
    .bind(i.voice_forward_to.as_ref().map(|p| p.as_str()))
    .bind(i.auto_close_secs)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes an inbox and, by cascade, everything in it: channels, members,
/// conversations with their messages, events, tags, links, cursors, locks
/// and jobs. Irreversible. Returns whether it existed.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn delete(tx: &mut Tx<'_>, id: &InboxId) -> Result<bool> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query("DELETE FROM inboxes WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// The inboxes `user` sees in `workspace`: their own in their order (then
/// by name); with `all` (admins and owners) every other inbox after them,
/// by name.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, user_id = %user, all = all), err(level = "debug"))]
pub async fn visible_to(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
    all: bool,
) -> Result<Vec<InboxView>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, InboxViewRow>(
        "SELECT i.id, i.workspace_id, i.kind, i.owner_id, i.name, i.emoji, i.color, i.purpose, \
         i.api_code, i.unread_mode, i.registration, i.forward_to_email, i.voice_forward_to, \
         i.auto_close_secs, i.created_at, \
         (m.user_id IS NOT NULL) AS member, COALESCE(m.position, 0) AS position, \
         COALESCE(m.muted, FALSE) AS muted \
         FROM inboxes i LEFT JOIN inbox_members m ON m.inbox_id = i.id AND m.user_id = $2 \
         WHERE i.workspace_id = $1 AND ($3 OR m.user_id IS NOT NULL) \
         ORDER BY (m.user_id IS NULL), m.position, i.name, i.id",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(all)
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter()
        .map(|row| {
            Ok(InboxView {
                inbox: inbox_from_row(row.inbox)?,
                member: row.member,
                position: row.position,
                muted: row.muted,
            })
        })
        .collect()
}

/// Makes `user` a member of `inbox`, placed after the user's other inboxes.
/// Adding a member twice changes nothing.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, user_id = %user), err(level = "debug"))]
pub async fn add_member(
    tx: &mut Tx<'_>,
    inbox: &InboxId,
    user: &UserId,
    at: Timestamp,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inbox_members (inbox_id, user_id, position, muted, created_at) \
         SELECT $1, $2, COALESCE(MAX(position) + 1, 0), FALSE, $3 \
         FROM inbox_members WHERE user_id = $2 \
         ON CONFLICT (inbox_id, user_id) DO NOTHING",
    )
    .bind(inbox.as_str())
    .bind(user.as_str())
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes `user` from `inbox`. Returns whether they were a member.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, user_id = %user), err(level = "debug"))]
pub async fn remove_member(tx: &mut Tx<'_>, inbox: &InboxId, user: &UserId) -> Result<bool> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM inbox_members WHERE inbox_id = $1 AND user_id = $2",
    )
    .bind(inbox.as_str())
    .bind(user.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// The members of `inbox`, in the order they joined.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn members(conn: &mut Conn<'_>, inbox: &InboxId) -> Result<Vec<InboxMember>> {
    let rows: Vec<(String, String, i64, bool)> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT inbox_id, user_id, position, muted FROM inbox_members \
         WHERE inbox_id = $1 ORDER BY created_at, user_id",
    )
    .bind(inbox.as_str())
    .fetch_all(&mut **c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(inbox_id, user_id, position, muted)| InboxMember {
            inbox_id: Id::from_trusted(inbox_id),
            user_id: Id::from_trusted(user_id),
            position,
            muted,
        })
        .collect())
}

/// Whether `user` is a member of `inbox` (access to everything in it).
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, user_id = %user), err(level = "debug"))]
pub async fn is_member(conn: &mut Conn<'_>, inbox: &InboxId, user: &UserId) -> Result<bool> {
    // COUNT(*) is BIGINT on both backends (a bare `SELECT 1` is INT4 on PostgreSQL).
    let found: i64 = crate::on_backend!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM inbox_members WHERE inbox_id = $1 AND user_id = $2",
    )
    .bind(inbox.as_str())
    .bind(user.as_str())
    .fetch_one(&mut **c)
    .await)?;
    Ok(found > 0)
}

/// Sets `user`'s order of their inboxes: `order[n]` gets position `n`.
/// Ids of inboxes the user is not a member of are ignored; inboxes left out
/// keep their old position.
#[tracing::instrument(skip_all, fields(user_id = %user, count = order.len()), err(level = "debug"))]
pub async fn set_order(tx: &mut Tx<'_>, user: &UserId, order: &[InboxId]) -> Result<()> {
    for (position, inbox) in (0_i64..).zip(order) {
        crate::on_backend!(tx.conn(), c => sqlx::query(
            "UPDATE inbox_members SET position = $3 WHERE inbox_id = $1 AND user_id = $2",
        )
        .bind(inbox.as_str())
        .bind(user.as_str())
        .bind(position)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Mutes or unmutes `inbox` for `user` only. Returns whether they are a member.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, user_id = %user, muted = muted), err(level = "debug"))]
pub async fn set_muted(
    tx: &mut Tx<'_>,
    inbox: &InboxId,
    user: &UserId,
    muted: bool,
) -> Result<bool> {
    let updated = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE inbox_members SET muted = $3 WHERE inbox_id = $1 AND user_id = $2",
    )
    .bind(inbox.as_str())
    .bind(user.as_str())
    .bind(muted)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(updated > 0)
}
