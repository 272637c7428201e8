//! Out-of-office: admins set an inbox's business hours and automatic reply;
//! customers who text while the team is away get it once per period,
//! through the channel, on the right side of a DST change; contacts who
//! opted out and keyword texts never do.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app, Seed, TestApp};

on_both_backends!(
    admins_set_business_hours_and_every_member_reads_them,
    bad_business_hours_are_refused_naming_the_field_and_nothing_is_saved,
    customers_who_text_after_hours_get_one_automatic_reply_across_a_dst_change,
);

/// Nine to five on weekdays in New York, Christmas off.
fn nine_to_five() -> Value {
    let day = json!([["09:00", "17:00"]]);
    json!({
        "enabled": true,
        "time_zone": "America/New_York",
        "hours": { "mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": [], "sun": [] },
        "holidays": ["2027-12-25"],
        "message": "Thanks for writing! We're closed now and answer from 9am Eastern.",
        "away_now": false,
    })
}

async fn set_out_of_office(app: &TestApp, seed: &Seed, setting: Value) -> reqwest::Response {
    app.patch_support_inbox(seed, json!({ "out_of_office": setting }))
        .await
}

async fn admins_set_business_hours_and_every_member_reads_them(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}", seed.inbox_id);
    let before = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    assert_eq!(
        before["out_of_office"],
        Value::Null,
        "none until an admin sets it"
    );

    let saved = json_of(set_out_of_office(&app, &seed, nine_to_five()).await, 200).await;
    let setting = &saved["out_of_office"];
    assert_eq!(setting["time_zone"], "America/New_York");
    assert_eq!(setting["hours"]["wed"], json!([["09:00", "17:00"]]));
    assert_eq!(setting["hours"]["sun"], json!([]));
    assert_eq!(setting["every_hours"], 12, "once per 12 hours unless set");

    // Agents read it; only admins change it.
    let read = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    assert_eq!(read["out_of_office"], *setting);
    let listed = json_of(
        app.api(&seed, Method::GET, "/inboxes", Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["out_of_office"], *setting);
    let body = json!({ "out_of_office": nine_to_five() });
    let refused = app
        .api(&seed, Method::PATCH, &path, Some(&seed.ana), Some(body))
        .await;
    let problem = assert_problem(refused, 403, "forbidden").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("out_of_office"));

    // Sent whole, it replaces the one before; intervals come back in order.
    let mut change = nine_to_five();
    change["hours"]["sat"] = json!([["13:00", "16:00"], ["09:00", "12:00"]]);
    change["every_hours"] = json!(24);
    change["away_now"] = json!(true);
    let saved = json_of(set_out_of_office(&app, &seed, change).await, 200).await;
    assert_eq!(
        saved["out_of_office"]["hours"]["sat"],
        json!([["09:00", "12:00"], ["13:00", "16:00"]])
    );
    assert_eq!(saved["out_of_office"]["every_hours"], 24);
    assert_eq!(saved["out_of_office"]["away_now"], true);
}

async fn bad_business_hours_are_refused_naming_the_field_and_nothing_is_saved(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}", seed.inbox_id);
    let with = |field: &str, value: Value| {
        let mut setting = nine_to_five();
        setting[field] = value;
        setting
    };
    let mut overlapping = nine_to_five();
    overlapping["hours"]["tue"] = json!([["09:00", "12:00"], ["11:30", "14:00"]]);
    let mut inverted = nine_to_five();
    inverted["hours"]["fri"] = json!([["17:00", "09:00"]]);
    let mut bad_time = nine_to_five();
    bad_time["hours"]["mon"] = json!([["9am", "5pm"]]);
    let cases = [
        (overlapping, "out_of_office.hours.tue"),
        (inverted, "out_of_office.hours.fri"),
        (bad_time, "out_of_office.hours.mon"),
        (
            with("time_zone", json!("America/Gotham")),
            "out_of_office.time_zone",
        ),
        (
            with("holidays", json!(["25/12/2027"])),
            "out_of_office.holidays",
        ),
        (with("message", json!("  ")), "out_of_office.message"),
        (with("every_hours", json!(0)), "out_of_office.every_hours"),
    ];
    for (setting, field) in cases {
        // A valid name beside it is not saved either.
        let body = json!({ "name": "Renamed", "out_of_office": setting });
        let response = app
            .api(&seed, Method::PATCH, &path, Some(&seed.admin), Some(body))
            .await;
        let problem = assert_problem(response, 422, "validation").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with(field), "{field}: {detail}");
    }
    let inbox = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(inbox["name"], "Support");
    assert_eq!(inbox["out_of_office"], Value::Null);
}

fn utc(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, month, day, hour, minute, 0)
        .unwrap()
}

/// The automatic replies in a conversation's timeline, with their delivery status.
async fn automatic_replies(app: &TestApp, seed: &Seed, conversation: &str) -> Vec<Value> {
    let path = format!("/conversations/{conversation}/timeline?limit=200");
    let timeline = json_of(
        app.api(seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["message"]["automatic"] == true)
        .map(|item| item["message"].clone())
        .collect()
}

/// A text arrives at `at`; the reactions and jobs run (the reply's job,
/// then its delivery). Returns the conversation.
async fn text_at(app: &TestApp, seed: &Seed, at: DateTime<Utc>, from: &str, body: &str) -> String {
    app.travel_to(at);
    let ingested = app.text_from_customer(seed, from, body).await;
    app.settle_jobs().await;
    ingested.conversation_id().unwrap().to_string()
}

async fn customers_who_text_after_hours_get_one_automatic_reply_across_a_dst_change(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    json_of(set_out_of_office(&app, &seed, nine_to_five()).await, 200).await;

    // Friday 2027-03-12, 17:30 EST: closed. One reply, sent through the channel.
    let maria = "+14155550111";
    let conversation = text_at(
        &app,
        &seed,
        utc(3, 12, 22, 30),
        maria,
        "Is my order shipped?",
    )
    .await;
    let replies = automatic_replies(&app, &seed, &conversation).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["kind"], "outbound");
    assert_eq!(replies[0]["author_id"], Value::Null);
    assert!(replies[0]["body"]
        .as_str()
        .unwrap()
        .starts_with("Thanks for writing!"));
    assert_ne!(
        replies[0]["delivery_status"], "queued",
        "handed to the channel"
    );
    let detail = json_of(
        app.api(
            &seed,
            Method::GET,
            &format!("/conversations/{conversation}"),
            Some(&seed.ana),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        detail["status"], "new",
        "an automatic reply is not the team's answer"
    );

    // An hour later she writes again: no second reply within 12 hours.
    text_at(&app, &seed, utc(3, 12, 23, 30), maria, "Hello?").await;
    assert_eq!(automatic_replies(&app, &seed, &conversation).await.len(), 1);

    // Clocks went forward on Sunday 2027-03-14. Monday 08:30 EDT is 12:30
    // UTC: still closed, and the period is over, so she gets another.
    text_at(&app, &seed, utc(3, 15, 12, 30), maria, "Anyone there?").await;
    assert_eq!(automatic_replies(&app, &seed, &conversation).await.len(), 2);
    // 13:30 UTC is 09:30 EDT (08:30 by last week's offset): open, no reply.
    let omar = text_at(&app, &seed, utc(3, 15, 13, 30), "+14155550112", "Hi").await;
    assert!(automatic_replies(&app, &seed, &omar).await.is_empty());

    // "Away now" answers during opening hours too.
    let mut away = nine_to_five();
    away["away_now"] = json!(true);
    json_of(set_out_of_office(&app, &seed, away).await, 200).await;
    let lena = text_at(&app, &seed, utc(3, 15, 14, 0), "+14155550113", "Hi").await;
    assert_eq!(automatic_replies(&app, &seed, &lena).await.len(), 1);

    // STOP is answered by the carrier, and an opted-out contact gets nothing.
    let stop = text_at(&app, &seed, utc(3, 15, 14, 5), "+14155550114", "STOP").await;
    text_at(
        &app,
        &seed,
        utc(3, 15, 14, 10),
        "+14155550114",
        "one more thing",
    )
    .await;
    assert!(automatic_replies(&app, &seed, &stop).await.is_empty());

    // Switched off, nobody gets one.
    let mut off = nine_to_five();
    off["enabled"] = json!(false);
    json_of(set_out_of_office(&app, &seed, off).await, 200).await;
    let night = text_at(&app, &seed, utc(3, 16, 3, 0), "+14155550115", "Hi").await;
    assert!(automatic_replies(&app, &seed, &night).await.is_empty());
}
