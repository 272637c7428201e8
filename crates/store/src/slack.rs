//! Slack: a workspace's connection (the bot token and signing secret, kept
//! here and nowhere else) and the notifications posted, by conversation, so
//! that later changes update them in place.

use std::fmt;

use domain::{ConversationId, Timestamp, WorkspaceId};

use crate::time::{from_millis, from_millis_opt, to_millis};
use crate::{Conn, Result, Tx};

/// A workspace's Slack connection.
#[derive(Clone, PartialEq, Eq)]
pub struct Connection {
    /// The Switchboard workspace.
    pub workspace_id: WorkspaceId,
    /// The Slack workspace's id (`T…`), which interactions name.
    pub team_id: String,
    /// The Slack workspace's name.
    pub team_name: String,
    /// The bot's user name.
    pub bot_user: String,
    /// The bot token (`xoxb-…`). Secret.
    pub bot_token: String,
    /// The app's signing secret. Secret.
    pub signing_secret: String,
    /// When an admin connected it.
    pub connected_at: Timestamp,
    /// Why Slack last refused the token (`token_revoked`, …), if it did.
    pub token_problem: Option<String>,
    /// Since when.
    pub token_problem_at: Option<Timestamp>,
}

// Written by hand so that the token and the secret never reach a log.
impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("workspace_id", &self.workspace_id)
            .field("team_id", &self.team_id)
            .field("team_name", &self.team_name)
            .field("bot_user", &self.bot_user)
            .field("connected_at", &self.connected_at)
            .field("token_problem", &self.token_problem)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct ConnectionRow {
    workspace_id: String,
    team_id: String,
    team_name: String,
    bot_user: String,
    bot_token: String,
    signing_secret: String,
    connected_at: i64,
    token_problem: Option<String>,
    token_problem_at: Option<i64>,
}

impl TryFrom<ConnectionRow> for Connection {
    type Error = crate::StoreError;

    fn try_from(row: ConnectionRow) -> Result<Self> {
        Ok(Self {
            workspace_id: WorkspaceId::from_trusted(row.workspace_id),
            team_id: row.team_id,
            team_name: row.team_name,
            bot_user: row.bot_user,
            bot_token: row.bot_token,
            signing_secret: row.signing_secret,
            connected_at: from_millis(row.connected_at)?,
            token_problem: row.token_problem,
            token_problem_at: from_millis_opt(row.token_problem_at)?,
        })
    }
}

const CONNECTION_COLUMNS: &str = "workspace_id, team_id, team_name, bot_user, bot_token, \
     signing_secret, connected_at, token_problem, token_problem_at";

/// Connects (or reconnects, replacing the old connection and its problem).
#[tracing::instrument(skip_all, fields(workspace_id = %connection.workspace_id), err(level = "debug"))]
pub async fn connect(tx: &mut Tx<'_>, connection: &Connection) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO slack_connections (workspace_id, team_id, team_name, bot_user, bot_token, \
             signing_secret, connected_at, token_problem, token_problem_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL) \
         ON CONFLICT (workspace_id) DO UPDATE SET team_id = excluded.team_id, \
             team_name = excluded.team_name, bot_user = excluded.bot_user, \
             bot_token = excluded.bot_token, signing_secret = excluded.signing_secret, \
             connected_at = excluded.connected_at, token_problem = NULL, token_problem_at = NULL",
    )
    .bind(connection.workspace_id.as_str())
    .bind(&connection.team_id)
    .bind(&connection.team_name)
    .bind(&connection.bot_user)
    .bind(&connection.bot_token)
    .bind(&connection.signing_secret)
    .bind(to_millis(connection.connected_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The workspace's connection, if Slack is connected.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn connection(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
) -> Result<Option<Connection>> {
    let sql = format!("SELECT {CONNECTION_COLUMNS} FROM slack_connections WHERE workspace_id = $1");
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, ConnectionRow>(&sql)
        .bind(workspace.as_str())
        .fetch_optional(&mut **c)
        .await)?;
    row.map(Connection::try_from).transpose()
}

/// The connections of a Slack workspace (usually one).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn connections_of_team(conn: &mut Conn<'_>, team_id: &str) -> Result<Vec<Connection>> {
    let sql = format!(
        "SELECT {CONNECTION_COLUMNS} FROM slack_connections WHERE team_id = $1 ORDER BY workspace_id"
    );
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, ConnectionRow>(&sql)
        .bind(team_id)
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(Connection::try_from).collect()
}

/// Disconnects; the messages posted stay in Slack but are no longer updated.
/// Returns whether Slack was connected.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn disconnect(tx: &mut Tx<'_>, workspace: &WorkspaceId) -> Result<bool> {
    let done = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM slack_connections WHERE workspace_id = $1",
    )
    .bind(workspace.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM slack_messages WHERE workspace_id = $1",
    )
    .bind(workspace.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// Records that Slack refused the token (`problem`), unless it already
/// said so: the first time is the one admins are shown.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn record_token_problem(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    problem: &str,
    at: Timestamp,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE slack_connections SET token_problem = $2, token_problem_at = $3 \
         WHERE workspace_id = $1 AND token_problem IS NULL",
    )
    .bind(workspace.as_str())
    .bind(problem)
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A notification posted in Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedNotice {
    /// The Slack channel (`C…`, `D…`).
    pub channel: String,
    /// The message's `ts`.
    pub ts: String,
    /// Whose.
    pub workspace_id: WorkspaceId,
    /// The conversation it shows.
    pub conversation_id: ConversationId,
}

#[derive(sqlx::FromRow)]
struct PostedRow {
    channel: String,
    ts: String,
    workspace_id: String,
    conversation_id: String,
}

impl From<PostedRow> for PostedNotice {
    fn from(row: PostedRow) -> Self {
        Self {
            channel: row.channel,
            ts: row.ts,
            workspace_id: WorkspaceId::from_trusted(row.workspace_id),
            conversation_id: ConversationId::from_trusted(row.conversation_id),
        }
    }
}

/// Remembers a notification just posted (again: nothing changes).
#[tracing::instrument(skip_all, fields(conversation_id = %posted.conversation_id), err(level = "debug"))]
pub async fn remember(tx: &mut Tx<'_>, posted: &PostedNotice, at: Timestamp) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO slack_messages (channel, ts, workspace_id, conversation_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, ts) DO NOTHING",
    )
    .bind(&posted.channel)
    .bind(&posted.ts)
    .bind(posted.workspace_id.as_str())
    .bind(posted.conversation_id.as_str())
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The notifications showing a conversation, oldest first.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn posted_for(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
) -> Result<Vec<PostedNotice>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, PostedRow>(
        "SELECT channel, ts, workspace_id, conversation_id FROM slack_messages \
         WHERE conversation_id = $1 ORDER BY created_at, ts",
    )
    .bind(conversation.as_str())
    .fetch_all(&mut **c)
    .await)?;
    Ok(rows.into_iter().map(PostedNotice::from).collect())
}

/// The notification at `channel`/`ts`, if it is one of ours.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn posted_at(
    conn: &mut Conn<'_>,
    channel: &str,
    ts: &str,
) -> Result<Option<PostedNotice>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, PostedRow>(
        "SELECT channel, ts, workspace_id, conversation_id FROM slack_messages \
         WHERE channel = $1 AND ts = $2",
    )
    .bind(channel)
    .bind(ts)
    .fetch_optional(&mut **c)
    .await)?;
    Ok(row.map(PostedNotice::from))
}

/// Forgets a notification (hidden, or gone from Slack).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn forget(tx: &mut Tx<'_>, channel: &str, ts: &str) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM slack_messages WHERE channel = $1 AND ts = $2",
    )
    .bind(channel)
    .bind(ts)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The text of the conversation's latest inbound message: what a
/// notification quotes.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn latest_inbound_text(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
) -> Result<Option<String>> {
    let body: Option<(String,)> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT body FROM messages WHERE conversation_id = $1 AND kind = 'inbound' \
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(conversation.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    Ok(body.map(|(b,)| b))
}

/// The conversation's latest message or note: its kind (`inbound`,
/// `outbound`, `note`), author and text.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn latest_message(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
) -> Result<Option<(String, Option<String>, String)>> {
    let row: Option<(String, Option<String>, String)> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT kind, author_id, body FROM messages WHERE conversation_id = $1 \
         AND (delivery_status IS NULL OR delivery_status NOT IN ('scheduled', 'cancelled')) \
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(conversation.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    Ok(row)
}
