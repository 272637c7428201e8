//! Signatures and interaction payloads, from Slack's own test data.

use channels::slack::{self, Interaction, SignatureError};

use crate::helpers::testdata_json;

#[test]
fn the_slack_sdk_vector_verifies_and_its_negative_cases_do_not() {
    let v = testdata_json("slack/signature_vector.json");
    let secret = v["signing_secret"].as_str().unwrap();
    let timestamp = v["x-slack-request-timestamp"].as_str().unwrap();
    let body = v["raw_body"].as_str().unwrap();
    let signature = v["x-slack-signature"].as_str().unwrap();
    let now: i64 = timestamp.parse().unwrap();
    assert_eq!(slack::sign(secret, timestamp, body.as_bytes()), signature);
    assert_eq!(
        slack::verify(secret, timestamp, signature, body.as_bytes(), now),
        Ok(())
    );
    // Body with '------' appended.
    let tampered = format!("{body}------");
    assert_eq!(
        slack::verify(secret, timestamp, signature, tampered.as_bytes(), now),
        Err(SignatureError::Mismatch)
    );
    // The real clock: a request from 2018 is stale.
    assert_eq!(
        slack::verify(secret, timestamp, signature, body.as_bytes(), now + 301),
        Err(SignatureError::Stale)
    );
    assert_eq!(
        slack::verify(secret, timestamp, signature, body.as_bytes(), now - 300),
        Ok(()),
        "five minutes either way is still fresh"
    );
    for (ts, sig) in [
        ("soon", signature),
        (timestamp, "v1=00"),
        (timestamp, "v0=zz"),
    ] {
        assert_eq!(
            slack::verify(secret, ts, sig, body.as_bytes(), now),
            Err(SignatureError::Malformed),
            "{ts} {sig}"
        );
    }
}

#[test]
fn a_button_press_from_bolts_tests_is_read() {
    let v = testdata_json("slack/block_actions_payload.json");
    let raw = v["raw_form_body"].as_str().unwrap();
    let read = slack::parse_interaction(raw.as_bytes()).unwrap();
    assert_eq!(
        read,
        Interaction::BlockAction {
            user_id: "W111".into(),
            action_id: "a".into(),
            value: "click_me_123".into(),
            trigger_id: "111.222.valid".into(),
            channel_id: Some("C111".into()),
            message_ts: Some("111.222".into()),
        }
    );
}

#[test]
fn a_submitted_modal_from_bolts_tests_is_read() {
    let v = testdata_json("slack/view_submission_payload.json");
    let raw = v["raw_form_body"].as_str().unwrap();
    let Interaction::ViewSubmission {
        user_id,
        callback_id,
        private_metadata,
        values,
    } = slack::parse_interaction(raw.as_bytes()).unwrap()
    else {
        panic!("not a view submission");
    };
    assert_eq!(user_id, "W111");
    assert_eq!(callback_id, "view-id");
    assert_eq!(private_metadata, "This is for you!");
    assert_eq!(values["hspI"]["maBWU"].value.as_deref(), Some("test"));
}

#[test]
fn what_is_not_an_interaction_is_refused_with_a_reason() {
    for (body, why) in [
        ("", "no payload"),
        ("payload=not-json", "not an interaction"),
        ("payload=%7B%22type%22%3A%22shortcut%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%7D", "shortcut"),
        ("payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%7D", "without an action"),
    ] {
        let refused = slack::parse_interaction(body.as_bytes()).unwrap_err();
        assert!(refused.to_string().contains(why), "{body}: {refused}");
    }
}

#[test]
fn a_customers_text_cannot_mention_the_channel_or_link_elsewhere() {
    let n = slack::Notification {
        conversation_id: "c1".into(),
        url: "https://sb.example/w/1/c/c1".into(),
        inbox_emoji: "📞".into(),
        inbox_name: "Support".into(),
        contact_name: "Ana <script>".into(),
        contact_number: "(415) 555-0100".into(),
        text: "<!channel> see <https://evil.example|your bank> & more".into(),
        status: "Open".into(),
        priority: "Normal".into(),
        assignee: String::new(),
        tags: vec!["vip".into()],
    };
    let blocks = n.blocks().to_string();
    assert!(!blocks.contains("<!channel>"), "{blocks}");
    assert!(!blocks.contains("<https://evil"), "{blocks}");
    assert!(blocks.contains("&lt;!channel&gt;"), "{blocks}");
    assert!(blocks.contains("Unassigned"));
    let actions: Vec<String> = n.blocks()[3]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"]["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["Open", "Assign", "Hide"]);
    assert_eq!(n.blocks()[3]["elements"][0]["url"], n.url);
}

#[test]
fn the_team_of_an_interaction_is_read_before_anything_else() {
    for file in [
        "slack/block_actions_payload.json",
        "slack/view_submission_payload.json",
    ] {
        let v = testdata_json(file);
        let raw = v["raw_form_body"].as_str().unwrap();
        assert_eq!(slack::team_of(raw.as_bytes()).unwrap(), "T111", "{file}");
    }
    let without = "payload=%7B%22type%22%3A%22block_actions%22%7D";
    let refused = slack::team_of(without.as_bytes()).unwrap_err();
    assert!(refused.to_string().contains("no team"), "{refused}");
    assert!(slack::team_of(b"").is_err());
}
