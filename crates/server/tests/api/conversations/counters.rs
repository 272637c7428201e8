//! The badges come from counter rows kept beside the conversations (issue
//! 12): after any mix of texts, assignments, status changes, snoozes and
//! reads, several at once, they equal a recount of the conversations.

use std::collections::HashMap;

use domain::{Channel, InboxId, UserId, WorkspaceId};
use futures_util::future::join_all;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};
use store::queue::{ConversationFilter, InboxCounts, QueueCounts};
use store::{Backend, InboxScope};

use crate::helpers::{json_of, spawn_app, Seed, TestApp, TestUser};

on_both_backends!(badges_equal_a_recount_after_random_changes_made_at_once);

async fn badges_equal_a_recount_after_random_changes_made_at_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    // A second inbox whose team shares one read cursor, worked by Ana only.
    let sales = app.extra_inbox(&seed, "Sales", &[&seed.ana]).await;
    let shared = app
        .api(
            &seed,
            Method::PATCH,
            &format!("/inboxes/{}", sales.inbox_id),
            Some(&seed.owner),
            Some(json!({ "unread_mode": "shared" })),
        )
        .await;
    json_of(shared, 200).await;
    let channels = [seed.channel.clone(), sales];
    let agents = [&seed.ana, &seed.ben, &seed.owner];
    let mut rng = StdRng::seed_from_u64(12);
    let mut conversations: Vec<String> = Vec::new();
    for round in 0..12 {
        let ops: Vec<Op> = (0..6).map(|_| Op::pick(&mut rng, &conversations)).collect();
        let done = join_all(ops.iter().map(|op| op.run(&app, &seed, &channels, &agents))).await;
        conversations.extend(done.into_iter().flatten());
        conversations.sort();
        conversations.dedup();
        if round % 3 == 2 {
            app.state.clock.advance(chrono::Duration::hours(5));
            app.run_due_jobs().await;
        }
        for viewer in [&seed.ana, &seed.ben, &seed.owner] {
            assert_badges_equal_recount(&app, &seed, viewer, &channels).await;
        }
    }
    assert!(conversations.len() > 5, "the operations made conversations");
}

/// One change made through the API (or a customer's text), chosen at random.
#[derive(Debug)]
enum Op {
    Text {
        channel: usize,
        customer: u32,
    },
    Post {
        who: usize,
        conversation: String,
        path: &'static str,
        body: Option<Value>,
    },
}

impl Op {
    fn pick(rng: &mut StdRng, conversations: &[String]) -> Self {
        if conversations.is_empty() || rng.gen_bool(0.3) {
            return Op::Text {
                channel: rng.gen_range(0..2),
                customer: rng.gen_range(0..8),
            };
        }
        let conversation = conversations[rng.gen_range(0..conversations.len())].clone();
        let who = rng.gen_range(0..3);
        let (path, body) = match rng.gen_range(0..9) {
            0 => ("assign-to-me", None),
            1 => ("return-to-inbox", None),
            2 => ("done", None),
            3 => ("reopen", None),
            4 => (
                "snooze",
                Some(
                    json!({ "until": (chrono::Utc::now() + chrono::Duration::hours(3)).to_rfc3339() }),
                ),
            ),
            5 => {
                let status = ["pending", "on_hold", "closed"][rng.gen_range(0..3)];
                ("status", Some(json!({ "status": status })))
            }
            6 => (
                "messages",
                Some(json!({ "kind": "reply", "body": "On our way" })),
            ),
            _ => ("read", None),
        };
        Op::Post {
            who,
            conversation,
            path,
            body,
        }
    }

    /// Runs the change; a refusal (a closed conversation, someone else's)
    /// changes nothing, which the recount checks as well. Returns the
    /// conversation a text landed in.
    async fn run(
        &self,
        app: &TestApp,
        seed: &Seed,
        channels: &[Channel],
        agents: &[&TestUser],
    ) -> Option<String> {
        match self {
            Op::Text { channel, customer } => {
                let from = format!("+1415555{:04}", 100 + customer);
                let ingested = app
                    .text_channel(&channels[*channel], &from, "Any news?")
                    .await;
                ingested.conversation_id().map(|id| id.to_string())
            }
            Op::Post {
                who,
                conversation,
                path,
                body,
            } => {
                let path = format!("/conversations/{conversation}/{path}");
                app.api(seed, Method::POST, &path, Some(agents[*who]), body.clone())
                    .await;
                None
            }
        }
    }
}

async fn assert_badges_equal_recount(
    app: &TestApp,
    seed: &Seed,
    viewer: &TestUser,
    channels: &[Channel],
) {
    let workspace = WorkspaceId::parse(&seed.workspace_id).unwrap();
    let user = UserId::parse(&viewer.id).unwrap();
    let mut reader = app.store.read().await.unwrap();
    let mut conn = reader.conn();
    // Ben works the Support inbox only; Ana both; the owner sees everything.
    let visible: Vec<InboxId> = if viewer.id == seed.ben.id {
        vec![channels[0].inbox_id.clone()]
    } else {
        channels.iter().map(|c| c.inbox_id.clone()).collect()
    };
    let scope = if viewer.id == seed.owner.id {
        InboxScope::All
    } else {
        InboxScope::Only(visible.clone())
    };
    let mut filter = ConversationFilter::new(workspace.clone(), user.clone(), scope);
    let counts = json_of(
        app.api(
            seed,
            Method::GET,
            "/conversations/counts",
            Some(viewer),
            None,
        )
        .await,
        200,
    )
    .await;
    let recount = store::queue::recount(&mut conn, &filter).await.unwrap();
    assert_eq!(queue_counts(&counts), recount, "{}'s badges", viewer.name);
    for inbox in visible {
        let path = format!("/conversations/counts?inbox={inbox}");
        filter.inbox = Some(inbox);
        let counts = json_of(
            app.api(seed, Method::GET, &path, Some(viewer), None).await,
            200,
        )
        .await;
        let recount = store::queue::recount(&mut conn, &filter).await.unwrap();
        assert_eq!(
            queue_counts(&counts),
            recount,
            "{}'s badges in one inbox",
            viewer.name
        );
    }
    let sidebar = json_of(
        app.api(seed, Method::GET, "/inboxes", Some(viewer), None)
            .await,
        200,
    )
    .await;
    let shown: HashMap<InboxId, InboxCounts> = sidebar["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let c = &item["counts"];
            let n = |k: &str| c[k].as_i64().unwrap();
            (
                InboxId::parse(item["id"].as_str().unwrap()).unwrap(),
                InboxCounts {
                    unassigned: n("unassigned"),
                    mine: n("mine"),
                    open: n("open"),
                    unread: n("unread"),
                },
            )
        })
        .collect();
    let ids: Vec<InboxId> = shown.keys().cloned().collect();
    let recount = store::queue::recount_inboxes(&mut conn, &workspace, &user, &ids)
        .await
        .unwrap();
    assert_eq!(shown, recount, "{}'s sidebar", viewer.name);
}

fn queue_counts(json: &Value) -> QueueCounts {
    let n = |k: &str| json[k].as_i64().unwrap_or_else(|| panic!("{k} in {json}"));
    QueueCounts {
        unassigned: n("unassigned"),
        mine: n("mine"),
        assigned_others: n("assigned_others"),
        open: n("open"),
        done: n("done"),
        snoozed: n("snoozed"),
    }
}
