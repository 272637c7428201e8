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
