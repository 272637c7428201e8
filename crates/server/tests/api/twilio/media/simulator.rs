//! The simulated phone receives the team's pictures at their public links.

use serde_json::{json, Value};
use store::Backend;

use super::super::story;
use super::{png, replied_with, uploaded};

on_both_backends!(the_simulated_phone_gets_a_replys_pictures_at_their_public_links);

async fn the_simulated_phone_gets_a_replys_pictures_at_their_public_links(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let phone = "+14155550166";
    // The seed's own number is a simulator one.
    let texted: Value = s
        .app
        .client
        .post(format!("{}/simulator/api/messages", s.app.address))
        .json(&json!({"from": phone, "to": s.seed.channel.address, "body": "Show me"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let conversation = texted["conversation_id"].as_str().unwrap();
    let media = uploaded(&s).await;
    let posted = replied_with(&s, conversation, "This one", &media).await;
    let url = posted["message"]["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    // The phone as the simulator page reads it, once the reply is delivered
    // (the event log may take a moment to hand the reply to the worker).
    let mut reply = Value::Null;
    for _ in 0..50 {
        s.app.run_due_jobs().await;
        let seen: Value = s
            .app
            .client
            .get(format!(
                "{}/simulator/api/messages?number={}",
                s.app.address,
                phone.replace('+', "%2B")
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        reply = seen["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["direction"] == "to_phone")
            .expect("the reply is on the phone")
            .clone();
        if reply["delivery_status"] == "delivered" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(reply["delivery_status"], "delivered");
    assert_eq!(reply["body"], "This one");
    assert_eq!(
        reply["media"],
        json!([{"url": url, "content_type": "image/png"}])
    );
    let fetched = s.app.client.get(&url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().to_vec(), png());
}
