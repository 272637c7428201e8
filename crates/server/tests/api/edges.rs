//! What the edge decides for itself rather than taking from the client.

use store::Backend;

use crate::helpers::spawn_app;

on_both_backends!(a_request_id_sent_by_the_client_is_replaced_by_one_the_server_makes,);

async fn a_request_id_sent_by_the_client_is_replaced_by_one_the_server_makes(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    // A client-chosen id would let anyone collide or forge log lines.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .get(format!("{}/healthz", app.address))
            .header("x-request-id", "00000000-0000-0000-0000-000000000000")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        assert_ne!(id, "00000000-0000-0000-0000-000000000000");
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1]);
}
