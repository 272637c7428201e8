//! Files that no message carries any more are deleted: uploads never sent
//! (after a day) and the files of deleted messages.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use super::super::{story, CUSTOMER};
use super::{replied_with, uploaded};
use crate::helpers::assert_problem;

on_both_backends!(
    uploads_no_reply_carries_are_deleted_after_a_day_and_so_are_deleted_messages_files
);

async fn uploads_no_reply_carries_are_deleted_after_a_day_and_so_are_deleted_messages_files(
    backend: Backend,
) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Photo please").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let sent = uploaded(&s).await;
    let abandoned = uploaded(&s).await;
    let path = format!("/conversations/{conversation}/messages");
    let reply = |media: &str| json!({"kind": "reply", "body": "Here", "attachments": [{"media_id": media}]});
    let posted = replied_with(&s, &conversation, "Here", &sent).await;
    let message = posted["message"]["id"].as_str().unwrap().to_string();
    let url = posted["message"]["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_string();

    s.app.state.clock.advance(chrono::Duration::days(2));
    switchboard_server::jobs::sweep(&s.app.state).await.unwrap();

    let refused = s
        .app
        .api(
            &s.seed,
            Method::POST,
            &path,
            Some(&s.seed.ana),
            Some(reply(&abandoned)),
        )
        .await;
    assert_problem(refused, 422, "validation").await;
    // The one a reply carries stays.
    let own = format!("/messages/{message}/media/0");
    let read = s
        .app
        .api(&s.seed, Method::GET, &own, Some(&s.seed.ana), None)
        .await;
    assert_eq!(read.status(), 200);
    let again = s
        .app
        .api(
            &s.seed,
            Method::POST,
            &path,
            Some(&s.seed.ana),
            Some(reply(&sent)),
        )
        .await;
    assert_eq!(again.status(), 201);

    // The customer is deleted with their conversations: the links die with
    // the messages, and the sweep then deletes the file.
    let contact = s.contact(CUSTOMER).await;
    let deleted = s
        .app
        .api(
            &s.seed,
            Method::DELETE,
            &format!("/contacts/{}", contact["id"].as_str().unwrap()),
            Some(&s.seed.admin),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
    let gone = s.app.client.get(&url).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    switchboard_server::jobs::sweep(&s.app.state).await.unwrap();
    s.text(CUSTOMER, "Me again").await;
    let fresh = s.conversation_of(CUSTOMER).await;
    let refused = s
        .app
        .api(
            &s.seed,
            Method::POST,
            &format!("/conversations/{fresh}/messages"),
            Some(&s.seed.ana),
            Some(reply(&sent)),
        )
        .await;
    assert_problem(refused, 422, "validation").await;
}
