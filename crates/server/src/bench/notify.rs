//! `bench ingest --notify-slack`: the same load with a Slack channel as the
//! bench inbox's notification target, the reactions and the job worker
//! running as on a real node, and a local Slack (the stand-in) answering
//! `chat.postMessage`. Compared with `--jobs` (the worker running, nobody
//! notified), it shows what notifying costs the inbound path.

use slack_standin::{SlackStandin, BOT_TOKEN, SIGNING_SECRET, TEAM_ID, TEAM_NAME};

use super::{BenchError, Fixture};
use crate::services::notifications::Target;
use crate::services::state::AppState;

/// The Slack channel every notification goes to.
const CHANNEL: &str = "C0BENCH";

/// A local Slack for the run.
pub async fn local_slack() -> Result<SlackStandin, BenchError> {
    SlackStandin::start()
        .await
        .map_err(|e| BenchError::Slack(e.to_string()))
}

/// Connects the bench workspace to `slack` and makes its channel the
/// inbox's one target (the default throttle, 180 s, applies).
pub async fn notify_slack(state: &AppState, fixture: &Fixture) -> Result<(), BenchError> {
    let now = state.clock.now();
    let connection = store::slack::Connection {
        workspace_id: fixture.inbox.workspace_id.clone(),
        team_id: TEAM_ID.to_string(),
        team_name: TEAM_NAME.to_string(),
        bot_user: "switchboard".to_string(),
        bot_token: BOT_TOKEN.to_string(),
        signing_secret: SIGNING_SECRET.to_string(),
        connected_at: now,
        token_problem: None,
        token_problem_at: None,
    };
    let targets = vec![Target::SlackChannel {
        channel_id: CHANNEL.to_string(),
        name: "bench".to_string(),
    }];
    let settings = store::notifications::InboxSettings {
        throttle_secs: 180,
        targets: Some(
            serde_json::to_string(&targets).map_err(|e| BenchError::Slack(e.to_string()))?,
        ),
    };
    let mut tx = state.store.begin().await?;
    store::slack::connect(&mut tx, &connection).await?;
    store::notifications::save_settings(&mut tx, &fixture.inbox.id, &settings, now).await?;
    tx.commit().await?;
    Ok(())
}
