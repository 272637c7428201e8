//! The durable job queue.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use domain::ConversationId;
use serde_json::json;
use store::jobs::{self, JobCounts, JobStatus, NewJob};
use store::{Store, StoreError};

use crate::support::{self, at_millis};

const T0: i64 = 1_700_000_000_000;
const LEASE: Duration = Duration::from_secs(60);

async fn enqueue(store: &Store, job: NewJob) -> String {
    let mut tx = store.begin().await.unwrap();
    let id = jobs::enqueue(&mut tx, job).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn get(store: &Store, id: &str) -> Option<jobs::Job> {
    jobs::get(&mut store.read().await.unwrap().conn(), id)
        .await
        .unwrap()
}

async fn counts(store: &Store) -> JobCounts {
    jobs::status_counts(&mut store.read().await.unwrap().conn())
        .await
        .unwrap()
}

fn ids(jobs: &[jobs::Job]) -> Vec<&str> {
    jobs.iter().map(|j| j.id.as_str()).collect()
}

#[tokio::test]
async fn due_jobs_are_claimed_oldest_first_and_future_ones_wait() {
    for store in support::stores().await {
        let later = enqueue(
            &store,
            NewJob::new("send_sms", json!({"n": 2}), at_millis(T0 + 20)),
        )
        .await;
        let first = enqueue(
            &store,
            NewJob::new("send_sms", json!({"n": 1}), at_millis(T0 + 10)),
        )
        .await;
        let future = enqueue(
            &store,
            NewJob::new("wake", json!({}), at_millis(T0 + 1_000)),
        )
        .await;
        let last = enqueue(
            &store,
            NewJob::new("send_sms", json!({"n": 3}), at_millis(T0 + 30)),
        )
        .await;

        let now = at_millis(T0 + 100);
        let claimed = jobs::claim_due(&store, now, LEASE, 2).await.unwrap();
        assert_eq!(ids(&claimed), [first.as_str(), later.as_str()]);
        let job = &claimed[0];
        assert_eq!(
            (job.kind.as_str(), &job.payload),
            ("send_sms", &json!({"n": 1}))
        );
        assert_eq!(
            (job.status, job.attempts, job.max_attempts),
            (JobStatus::Pending, 1, 10)
        );
        assert_eq!(job.locked_until, Some(at_millis(T0 + 100 + 60_000)));

        let rest = jobs::claim_due(&store, now, LEASE, 10).await.unwrap();
        assert_eq!(ids(&rest), [last.as_str()]);
        assert!(jobs::claim_due(&store, now, LEASE, 10)
            .await
            .unwrap()
            .is_empty());
        let waiting = get(&store, &future).await.unwrap();
        assert_eq!((waiting.attempts, waiting.locked_until), (0, None));
        assert_eq!(
            counts(&store).await,
            JobCounts {
                pending: 4,
                done: 0,
                failed: 0
            }
        );
    }
}

#[tokio::test]
async fn a_crashed_workers_job_is_claimed_again_after_its_lease_with_attempts_counted() {
    for store in support::stores().await {
        let id = enqueue(&store, NewJob::new("send_email", json!({}), at_millis(T0))).await;
        let first = jobs::claim_due(&store, at_millis(T0), LEASE, 10)
            .await
            .unwrap();
        assert_eq!(first[0].attempts, 1);
        // The worker dies without a word; the lease holds until it runs out.
        assert!(jobs::claim_due(&store, at_millis(T0 + 59_999), LEASE, 10)
            .await
            .unwrap()
            .is_empty());
        let again = jobs::claim_due(&store, at_millis(T0 + 60_000), LEASE, 10)
            .await
            .unwrap();
        assert_eq!(ids(&again), [id.as_str()]);
        assert_eq!(again[0].attempts, 2);
        assert_eq!(again[0].locked_until, Some(at_millis(T0 + 120_000)));
    }
}

#[tokio::test]
async fn a_retried_job_waits_for_its_new_time_keeps_its_error_and_counts_attempts() {
    for store in support::stores().await {
        let id = enqueue(
            &store,
            NewJob::new("webhook", json!({"url": "x"}), at_millis(T0)),
        )
        .await;
        jobs::claim_due(&store, at_millis(T0), LEASE, 10)
            .await
            .unwrap();
        assert!(
            jobs::retry_at(&store, &id, "503 from the CRM", at_millis(T0 + 5_000))
                .await
                .unwrap()
        );

        let job = get(&store, &id).await.unwrap();
        assert_eq!(job.status, JobStatus::Pending);
        assert_eq!(job.last_error.as_deref(), Some("503 from the CRM"));
        assert_eq!(
            (job.run_at, job.locked_until, job.attempts),
            (at_millis(T0 + 5_000), None, 1)
        );

        assert!(jobs::claim_due(&store, at_millis(T0 + 4_999), LEASE, 10)
            .await
            .unwrap()
            .is_empty());
        let again = jobs::claim_due(&store, at_millis(T0 + 5_000), LEASE, 10)
            .await
            .unwrap();
        assert_eq!(again[0].attempts, 2);
        assert_eq!(again[0].last_error.as_deref(), Some("503 from the CRM"));
    }
}

#[tokio::test]
async fn a_completed_job_is_done_and_a_failed_one_is_given_up_for_good() {
    for store in support::stores().await {
        let ok = enqueue(&store, NewJob::new("send_sms", json!({}), at_millis(T0))).await;
        let bad = enqueue(
            &store,
            NewJob::new("send_sms", json!({}), at_millis(T0)).with_max_attempts(1),
        )
        .await;
        enqueue(
            &store,
            NewJob::new("send_sms", json!({}), at_millis(T0 + 1)),
        )
        .await;
        let claimed = jobs::claim_due(&store, at_millis(T0), LEASE, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2);
        assert_eq!(
            claimed.iter().find(|j| j.id == bad).unwrap().max_attempts,
            1
        );

        assert!(jobs::complete(&store, &ok).await.unwrap());
        assert!(jobs::fail(&store, &bad, "number is not mobile")
            .await
            .unwrap());
        // Finished jobs are not finished twice, nor retried.
        assert!(!jobs::complete(&store, &ok).await.unwrap());
        // A worker's batch: only what is still pending counts.
        assert_eq!(
            jobs::complete_all(&store, &[ok.clone(), bad.clone()])
                .await
                .unwrap(),
            0
        );
        assert!(!jobs::retry_at(&store, &bad, "again", at_millis(T0))
            .await
            .unwrap());
        assert!(!jobs::fail(&store, "no-such-job", "x").await.unwrap());

        let done = get(&store, &ok).await.unwrap();
        assert_eq!((done.status, done.locked_until), (JobStatus::Done, None));
        let failed = get(&store, &bad).await.unwrap();
        assert_eq!(failed.status, JobStatus::Failed);
        assert_eq!(failed.last_error.as_deref(), Some("number is not mobile"));
        let far_later = at_millis(T0 + 86_400_000);
        let claimed = jobs::claim_due(&store, far_later, LEASE, 10).await.unwrap();
        assert_eq!(claimed.len(), 1, "only the third job is left to run");
        assert_eq!(
            counts(&store).await,
            JobCounts {
                pending: 1,
                done: 1,
                failed: 1
            }
        );
    }
}

#[tokio::test]
async fn enqueueing_with_a_dedupe_key_replaces_that_job_whatever_its_status() {
    for store in support::stores().await {
        let wake = |at: i64, n: i64| {
            NewJob::new("wake", json!({ "n": n }), at_millis(at)).with_dedupe_key("wake:c1")
        };
        let first = enqueue(&store, wake(T0 + 1_000, 1)).await;
        let second = enqueue(&store, wake(T0 + 2_000, 2)).await;
        assert_ne!(first, second, "a replaced job gets a new id");
        assert!(get(&store, &first).await.is_none());
        assert_eq!(
            counts(&store).await,
            JobCounts {
                pending: 1,
                done: 0,
                failed: 0
            }
        );
        assert!(jobs::claim_due(&store, at_millis(T0 + 1_000), LEASE, 10)
            .await
            .unwrap()
            .is_empty());

        // Running, then replaced: the old worker can no longer finish the new job.
        let running = jobs::claim_due(&store, at_millis(T0 + 2_000), LEASE, 10)
            .await
            .unwrap();
        assert_eq!(ids(&running), [second.as_str()]);
        let third = enqueue(&store, wake(T0 + 3_000, 3)).await;
        assert!(!jobs::complete(&store, &second).await.unwrap());
        let job = get(&store, &third).await.unwrap();
        assert_eq!(
            (job.status, job.attempts, job.locked_until),
            (JobStatus::Pending, 0, None)
        );
        assert_eq!(
            (job.payload, job.run_at),
            (json!({"n": 3}), at_millis(T0 + 3_000))
        );

        // Failed, then replaced: pending again with no attempts and no error.
        jobs::claim_due(&store, at_millis(T0 + 3_000), LEASE, 10)
            .await
            .unwrap();
        assert!(jobs::fail(&store, &third, "boom").await.unwrap());
        let fourth = enqueue(&store, wake(T0 + 4_000, 4)).await;
        let job = get(&store, &fourth).await.unwrap();
        assert_eq!(
            (job.status, job.attempts, job.last_error),
            (JobStatus::Pending, 0, None)
        );
        assert_eq!(job.dedupe_key.as_deref(), Some("wake:c1"));
        assert_eq!(
            counts(&store).await,
            JobCounts {
                pending: 1,
                done: 0,
                failed: 0
            }
        );

        // Jobs without a key never replace one another.
        enqueue(&store, NewJob::new("wake", json!({}), at_millis(T0))).await;
        enqueue(&store, NewJob::new("wake", json!({}), at_millis(T0))).await;
        assert_eq!(counts(&store).await.pending, 3);
    }
}

#[tokio::test]
async fn cancelling_drops_a_pending_job_but_keeps_finished_ones() {
    for store in support::stores().await {
        let snooze = enqueue(
            &store,
            NewJob::new("wake", json!({}), at_millis(T0)).with_dedupe_key("wake:a"),
        )
        .await;
        let mut tx = store.begin().await.unwrap();
        assert!(jobs::cancel(&mut tx, "wake:a").await.unwrap());
        assert!(!jobs::cancel(&mut tx, "wake:a").await.unwrap());
        assert!(!jobs::cancel(&mut tx, "wake:unknown").await.unwrap());
        tx.commit().await.unwrap();
        assert!(get(&store, &snooze).await.is_none());

        let done = enqueue(
            &store,
            NewJob::new("wake", json!({}), at_millis(T0)).with_dedupe_key("wake:b"),
        )
        .await;
        jobs::claim_due(&store, at_millis(T0), LEASE, 10)
            .await
            .unwrap();
        jobs::complete(&store, &done).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert!(!jobs::cancel(&mut tx, "wake:b").await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(get(&store, &done).await.unwrap().status, JobStatus::Done);
    }
}

#[tokio::test]
async fn a_job_for_a_conversation_that_does_not_exist_is_refused() {
    for store in support::stores().await {
        let job = NewJob::new("send_sms", json!({}), at_millis(T0))
            .with_conversation(ConversationId::generate());
        let mut tx = store.begin().await.unwrap();
        let err = jobs::enqueue(&mut tx, job).await.unwrap_err();
        assert!(matches!(err, StoreError::MissingReference(_)), "{err:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_take_the_same_job() {
    for store in support::stores().await {
        let mut tx = store.begin().await.unwrap();
        for n in 0..50 {
            jobs::enqueue(
                &mut tx,
                NewJob::new("send_sms", json!({ "n": n }), at_millis(T0 + n)),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();

        let start = Arc::new(tokio::sync::Barrier::new(6));
        let claimers: Vec<_> = (0..6)
            .map(|_| {
                let (store, start) = (store.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    let mut mine = Vec::new();
                    loop {
                        let batch = jobs::claim_due(&store, at_millis(T0 + 100), LEASE, 3)
                            .await
                            .unwrap();
                        if batch.is_empty() {
                            return mine;
                        }
                        mine.extend(batch.into_iter().map(|j| j.id));
                    }
                })
            })
            .collect();
        let mut all = Vec::new();
        for claimer in claimers {
            all.extend(claimer.await.unwrap());
        }
        let distinct: HashSet<&String> = all.iter().collect();
        assert_eq!(
            all.len(),
            50,
            "every job claimed once, on {:?}",
            store.backend()
        );
        assert_eq!(
            distinct.len(),
            50,
            "no job claimed twice, on {:?}",
            store.backend()
        );
    }
}
