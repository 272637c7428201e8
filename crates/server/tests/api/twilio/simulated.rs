//! The simulator beside a real provider: a simulated phone is a contact of
//! its own, so what it texts (STOP included) never reaches the real customer
//! who has the same number, and the reverse.

use serde_json::json;
use store::Backend;

use super::{story, Story, CUSTOMER};
use crate::helpers::json_of;

/// The simulator texts the seeded inbox's simulator number as `CUSTOMER`.
async fn simulate(s: &Story, body: &str) {
    let response = s
        .app
        .client
        .post(format!("{}/simulator/api/messages", s.app.address))
        .json(&json!({ "from": CUSTOMER, "to": s.seed.channel.address, "body": body }))
        .send()
        .await
        .unwrap();
    json_of(response, 201).await;
}

async fn a_stop_through_the_simulator_never_opts_out_the_real_customer_with_that_number(
    backend: Backend,
) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Where is my invoice?").await;
    simulate(&s, "STOP").await;
    simulate(&s, "Anyone there?").await;

    assert_eq!(s.contact(CUSTOMER).await["opted_out"], false);
    let real = s.conversation_of(CUSTOMER).await;
    let bodies: Vec<_> = s
        .messages(&real)
        .await
        .iter()
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(bodies, vec!["Where is my invoice?"]);
    s.replied(&real, "It is on its way").await;

    // The simulated phone has its own conversation, and it is opted out.
    let simulated = s.conversation_of_contact(CUSTOMER, true).await;
    assert_ne!(simulated, real);
    let bodies: Vec<_> = s
        .messages(&simulated)
        .await
        .iter()
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(bodies, vec!["STOP", "Anyone there?"]);
}

async fn a_real_customers_stop_never_reaches_the_simulated_phone_nor_what_was_sent_to_them(
    backend: Backend,
) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Where is my invoice?").await;
    let real = s.conversation_of(CUSTOMER).await;
    s.replied(&real, "Invoice 1234 is attached").await;
    s.text(CUSTOMER, "STOP").await;
    simulate(&s, "Hello from the simulator").await;

    let simulated = s.conversation_of_contact(CUSTOMER, true).await;
    s.replied(&simulated, "Hello, simulated phone").await;
    s.app.run_due_jobs().await;

    // The phone shows its own thread only.
    let url = format!(
        "{}/simulator/api/messages?number=%2B{}",
        s.app.address,
        CUSTOMER.trim_start_matches('+')
    );
    let phone = json_of(s.app.client.get(url).send().await.unwrap(), 200).await;
    let bodies: Vec<_> = phone["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        bodies,
        vec!["Hello from the simulator", "Hello, simulated phone"]
    );
}

on_both_backends!(
    a_stop_through_the_simulator_never_opts_out_the_real_customer_with_that_number,
    a_real_customers_stop_never_reaches_the_simulated_phone_nor_what_was_sent_to_them,
);
