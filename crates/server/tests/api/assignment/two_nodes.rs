//! Two `switchboard serve` nodes on one PostgreSQL database, each running
//! its reactions and worker: 1,000 new conversations (half through each
//! node) and ten available agents in a round-robin inbox. Nobody is
//! assigned a conversation twice and each agent gets 100 ± 1.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use domain::{EventKind, UserId, WorkspaceId};
use serde_json::json;
use store::{Backend, InboxScope};

use super::set_policy;
use crate::helpers::{spawn_app_with, Seed, TestApp};

const CONVERSATIONS: usize = 1_000;

/// How long the nodes get to work through the queue before the test gives
/// up (a failure, not a measurement: it normally takes seconds).
const GIVE_UP_AFTER: Duration = Duration::from_secs(300);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_round_robin_fairly_and_assign_nobody_twice() {
    let Some(first) = spawn_app_with(Backend::Postgres, |s| s.run_jobs = true).await else {
        return;
    };
    let second = first.second_node_with(|s| s.run_jobs = true).await;
    let seed = first.seed().await;
    let mut agents = vec![seed.ana.id.clone(), seed.ben.id.clone()];
    agents.extend(first.more_agents(&seed, 8).await);
    set_policy(&first, &seed, json!({ "mode": "round_robin" })).await;

    // Customers write in through both nodes at once.
    let writing = Instant::now();
    let half = CONVERSATIONS / 2;
    tokio::join!(
        customers(&first, &seed, 0..half),
        customers(&second, &seed, half..CONVERSATIONS),
    );

    let workspace = WorkspaceId::parse(&seed.workspace_id).unwrap();
    let inbox = domain::InboxId::parse(&seed.inbox_id).unwrap();
    let started = Instant::now();
    let counts = loop {
        let mut reader = first.store.read().await.unwrap();
        let mut counts = HashMap::new();
        for agent in &agents {
            let user = UserId::parse(agent).unwrap();
            let held = store::conversations::assigned_to(
                &mut reader.conn(),
                &workspace,
                Some(&inbox),
                &user,
            )
            .await
            .unwrap();
            counts.insert(agent.clone(), held.len());
        }
        if counts.values().sum::<usize>() >= CONVERSATIONS {
            break counts;
        }
        assert!(
            started.elapsed() < GIVE_UP_AFTER,
            "the nodes stopped assigning: {counts:?}"
        );
        drop(reader);
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    eprintln!(
        "two nodes: {CONVERSATIONS} conversations written in {:?}, all assigned {:?} later",
        started.duration_since(writing),
        started.elapsed()
    );
    assert_eq!(counts.values().sum::<usize>(), CONVERSATIONS);
    for (agent, held) in &counts {
        assert!(
            (99..=101).contains(held),
            "agent {agent} got {held}: {counts:?}"
        );
    }

    // Exactly one assignment each, all made by round robin.
    let mut reader = first.store.read().await.unwrap();
    let events = store::events::since(&mut reader.conn(), &workspace, 0, &InboxScope::All, 100_000)
        .await
        .unwrap();
    let mut assigned = HashMap::new();
    for event in &events {
        if let EventKind::Assigned { auto, .. } = &event.kind {
            assert_eq!(*auto, Some(domain::AssignmentMode::RoundRobin));
            *assigned.entry(event.conversation_id.clone()).or_insert(0) += 1;
        }
    }
    assert_eq!(assigned.len(), CONVERSATIONS);
    assert!(
        assigned.values().all(|n| *n == 1),
        "someone was assigned twice"
    );
}

/// New customers `range` text the seeded inbox through `node`.
async fn customers(node: &TestApp, seed: &Seed, range: std::ops::Range<usize>) {
    for n in range {
        node.text_channel(&seed.channel, &format!("+1415777{n:04}"), "Hello")
            .await;
    }
}
