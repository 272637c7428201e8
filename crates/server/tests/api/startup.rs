//! `App::build` and friends.

use store::Backend;
use switchboard_server::{App, Settings};

#[tokio::test]
async fn an_app_on_port_0_reports_the_port_it_got_and_uses_it_in_its_public_url() {
    let store = store::testing::fresh_store(Backend::Sqlite)
        .await
        .unwrap()
        .unwrap();
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: "http://127.0.0.1:0".into(),
        ..Settings::default()
    };
    let app = App::build_with_store(settings, store).await.unwrap();
    assert_ne!(app.port(), 0);
    assert_eq!(app.address().port(), app.port());
    assert_eq!(
        app.state().settings.public_url,
        format!("http://127.0.0.1:{}", app.port())
    );
}

#[tokio::test]
async fn an_app_stops_when_its_shutdown_future_completes() {
    let store = store::testing::fresh_store(Backend::Sqlite)
        .await
        .unwrap()
        .unwrap();
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Settings::default()
    };
    let app = App::build_with_store(settings, store).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("the server stops in time")
        .unwrap()
        .unwrap();
}

/// One sender of the shutdown load: signed webhooks one after another until
/// the server stops taking connections. Returns each answered `MessageSid`
/// with its status.
async fn send_until_refused(
    url: String,
    channel_address: String,
    auth_token: String,
    sender: usize,
    answers: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> Vec<(String, u16)> {
    use channels::twilio::signature;
    let client = reqwest::Client::new();
    let from = format!("+1415555{:04}", 1000 + sender);
    let mut answered = Vec::new();
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(20) {
        let sid = crate::twilio::new_sid();
        let params =
            crate::twilio::inbound_params(&sid, &from, &channel_address, "Still open?", &[]);
        let header = signature::sign(&url, &params, &auth_token);
        match client
            .post(&url)
            .header("x-twilio-signature", header)
            .form(&params)
            .send()
            .await
        {
            Ok(response) => {
                answered.push((sid, response.status().as_u16()));
                answers.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            // Refused or closed: the server no longer takes this request.
            Err(_) => break,
        }
    }
    answered
}

async fn a_shutdown_under_webhook_load_answers_every_accepted_text_200_and_exits_within_grace(
    backend: store::Backend,
) {
    let standin = twilio_standin::TwilioStandin::start().await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let Some((app, running)) = crate::helpers::spawn_app_until(
        backend,
        |settings| {
            settings.public_url = "http://127.0.0.1:0".into();
            settings.twilio_api_base = standin.base_url.clone();
            settings.shutdown_grace_secs = 10;
        },
        async {
            let _ = stopped.await;
        },
    )
    .await
    else {
        return;
    };
    let seed = app.seed().await;
    let channel = app.twilio_channel(&seed, &standin).await;
    let url = app.twilio_hook(&channel, "sms");
    let answers = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let senders: Vec<_> = (0..48)
        .map(|i| {
            tokio::spawn(send_until_refused(
                url.clone(),
                channel.address.clone(),
                standin.auth_token.clone(),
                i,
                answers.clone(),
            ))
        })
        .collect();
    // Stop while the load is flowing: some texts answered, 48 in flight.
    let flowing = std::time::Instant::now();
    while answers.load(std::sync::atomic::Ordering::Relaxed) < 96 {
        assert!(
            flowing.elapsed() < std::time::Duration::from_secs(30),
            "no load"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let signalled = std::time::Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(12), running)
        .await
        .expect("the server stops within its grace")
        .unwrap()
        .expect("the server stops cleanly");
    assert!(signalled.elapsed() < std::time::Duration::from_secs(11));

    let mut answered = Vec::new();
    for sender in senders {
        answered.extend(sender.await.unwrap());
    }
    let failed: Vec<_> = answered
        .iter()
        .filter(|(_, status)| *status != 200)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} answered other than 200: {:?}",
        failed.len(),
        answered.len(),
        &failed[..failed.len().min(5)]
    );
    assert!(
        answered.len() >= 96,
        "the load reached the server: {}",
        answered.len()
    );
}

on_both_backends!(
    a_shutdown_under_webhook_load_answers_every_accepted_text_200_and_exits_within_grace
);
