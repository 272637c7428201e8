//! The Web API client against the Slack stand-in.

use std::time::Duration;

use channels::slack::client::is_token_problem;
use channels::slack::SlackClient;
use channels::Error;
use serde_json::json;
use slack_standin::{Failure, SlackStandin, BOT_TOKEN};

async fn standin_and_client() -> (SlackStandin, SlackClient) {
    let standin = SlackStandin::start().await.unwrap();
    let client = SlackClient::new(&standin.api_base, BOT_TOKEN, reqwest::Client::new());
    (standin, client)
}

#[tokio::test]
async fn a_message_is_posted_updated_and_deleted() {
    let (standin, client) = standin_and_client().await;
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]);
    let posted = client
        .post_message("C0SUPPORT", "hi", &blocks)
        .await
        .unwrap();
    assert_eq!(posted.channel, "C0SUPPORT");
    let call = &standin.calls_to("chat.postMessage")[0];
    assert_eq!(call.args["channel"], "C0SUPPORT");
    assert_eq!(call.args["blocks"], blocks);
    client.update(&posted, "changed", &json!([])).await.unwrap();
    assert_eq!(standin.messages()[0].text, "changed");
    client.delete(&posted).await.unwrap();
    assert!(standin.messages().is_empty());
    // Slack retries; deleting what is gone is done, not an error.
    client.delete(&posted).await.unwrap();
}

#[tokio::test]
async fn a_429_says_how_long_to_wait_and_a_500_is_worth_retrying() {
    let (standin, client) = standin_and_client().await;
    standin.fail_next("chat.postMessage", Failure::RateLimited(7));
    standin.fail_next("chat.postMessage", Failure::ServerError);
    let limited = client
        .post_message("C1", "x", &json!([]))
        .await
        .unwrap_err();
    assert!(
        matches!(limited, Error::RateLimited(d) if d == Duration::from_secs(7)),
        "{limited}"
    );
    let down = client
        .post_message("C1", "x", &json!([]))
        .await
        .unwrap_err();
    assert!(down.is_transient(), "{down}");
    assert!(client.post_message("C1", "x", &json!([])).await.is_ok());
}

#[tokio::test]
async fn refusals_keep_slacks_code_and_a_revoked_token_is_told_apart() {
    let (standin, client) = standin_and_client().await;
    standin.fail_next("chat.postMessage", Failure::Error("channel_not_found"));
    let refused = client
        .post_message("C404", "x", &json!([]))
        .await
        .unwrap_err();
    assert_eq!(refused.provider_code(), Some("channel_not_found"));
    assert!(!refused.is_transient());
    assert!(!is_token_problem(&refused));

    standin.revoke_token();
    let revoked = client
        .post_message("C1", "x", &json!([]))
        .await
        .unwrap_err();
    assert_eq!(revoked.provider_code(), Some("token_revoked"));
    assert!(is_token_problem(&revoked));

    let wrong = SlackClient::new(&standin.api_base, "xoxb-wrong", reqwest::Client::new());
    let refused = wrong.user("U1").await.unwrap_err();
    assert!(is_token_problem(&refused), "{refused}");
}

#[tokio::test]
async fn a_slack_user_is_found_with_the_email_of_their_profile() {
    let (standin, client) = standin_and_client().await;
    standin.add_user("U0ANA", "ana@example.com");
    let ana = client.user("U0ANA").await.unwrap();
    assert_eq!(ana.email.as_deref(), Some("ana@example.com"));
    let unknown = client.user("U0NOBODY").await.unwrap_err();
    assert_eq!(unknown.provider_code(), Some("user_not_found"));
    client
        .open_view("111.222.valid", &json!({"type": "modal"}))
        .await
        .unwrap();
    assert_eq!(standin.calls_to("views.open").len(), 1);
}

#[tokio::test]
async fn a_token_says_whose_it_is_and_a_wrong_one_is_refused() {
    let (standin, client) = standin_and_client().await;
    let identity = client.auth_test().await.unwrap();
    assert_eq!(identity.team_id, slack_standin::TEAM_ID);
    assert_eq!(identity.team, slack_standin::TEAM_NAME);
    assert_eq!(identity.bot_user, slack_standin::BOT_USER);
    let wrong = SlackClient::new(&standin.api_base, "xoxb-wrong", reqwest::Client::new());
    let refused = wrong.auth_test().await.unwrap_err();
    assert_eq!(refused.provider_code(), Some("invalid_auth"));
    assert!(is_token_problem(&refused));
}

#[tokio::test]
async fn a_member_is_found_in_slack_by_email_or_not_at_all() {
    let (standin, client) = standin_and_client().await;
    standin.add_user("U0ANA", "ana@example.com");
    assert_eq!(
        client.user_by_email("Ana@Example.com").await.unwrap(),
        Some("U0ANA".to_string())
    );
    assert_eq!(client.user_by_email("ben@example.com").await.unwrap(), None);
}
