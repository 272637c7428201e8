//! The ingest writer's lookups of a batch's senders (their contacts, their
//! conversations, a returning customer's latest one) read what they ask
//! for and nothing more, even on a PostgreSQL database that has no
//! statistics yet: a new deployment taking its first thousands of
//! customers, before autovacuum's first ANALYZE. With `IN (…)` lists,
//! PostgreSQL then read every contact of the workspace and every open
//! conversation of the inbox for each batch (issue 12).

use domain::{ContactId, PhoneNumber};
use store::{contacts, conversations};

use crate::support;

/// Customers in the team's workspace, each with an open conversation in
/// its inbox, written behind the store's back and never analyzed.
const CUSTOMERS: i64 = 3_000;

#[tokio::test]
async fn a_batchs_senders_are_read_one_lookup_each_before_any_statistics() {
    for store in support::stores().await {
        if store.backend() != store::Backend::Postgres {
            continue;
        }
        let team = support::new_team(&store).await;
        let ws = team.workspace.id.as_str();
        let inbox = team.inbox.id.as_str();
        support::postgres_sql(
            &store,
            &[
                format!(
                    "INSERT INTO contacts (id, workspace_id, name, phone, created_at, updated_at) \
                     SELECT 'many' || i, '{ws}', 'Many ' || i, '+1' || (2000000000 + i), 0, 0 \
                     FROM generate_series(1, {CUSTOMERS}) i"
                ),
                format!(
                    "INSERT INTO conversations (id, workspace_id, inbox_id, contact_id, status, priority, created_at, last_activity_at) \
                     SELECT 'many' || i, '{ws}', '{inbox}', 'many' || i, 'open', 'normal', i, i \
                     FROM generate_series(1, {CUSTOMERS}) i"
                ),
            ],
        )
        .await;
        let phones = [
            PhoneNumber::from_trusted("+12000000007".to_string()),
            PhoneNumber::from_trusted("+12000002999".to_string()),
        ];
        let ids = [
            ContactId::from_trusted("many7".to_string()),
            ContactId::from_trusted("many2999".to_string()),
        ];
        // Within one transaction, whose own counts PostgreSQL shows at once.
        let mut tx = store.begin().await.unwrap();
        let found = contacts::by_phones(
            &mut tx.conn(),
            &team.workspace.id,
            &phones.iter().collect::<Vec<_>>(),
            false,
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 2);
        assert!(
            rows_read(&mut tx, "contacts").await <= 10,
            "read only the two contacts"
        );
        let open = conversations::active_for_contacts(
            &mut tx.conn(),
            &team.inbox.id,
            &ids.iter().collect::<Vec<_>>(),
        )
        .await
        .unwrap();
        assert_eq!(open.len(), 2);
        let latest = conversations::latest(&mut tx.conn(), &team.inbox.id, &ids[0])
            .await
            .unwrap();
        assert_eq!(
            latest.map(|c| c.id.as_str().to_string()),
            Some("many7".to_string())
        );
        assert!(
            rows_read(&mut tx, "conversations").await <= 20,
            "read only the two customers' conversations"
        );
    }
}

/// Rows this transaction read from `table`, through its indexes or whole.
async fn rows_read(tx: &mut store::Tx<'_>, table: &str) -> i64 {
    let store::Conn::Postgres(c) = tx.conn() else {
        unreachable!("PostgreSQL only")
    };
    sqlx::query_scalar(
        "SELECT (SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) \
                 FROM pg_stat_xact_user_tables WHERE relname = $1)::int8 \
              + (SELECT COALESCE(SUM(pg_stat_get_xact_tuples_returned(indexrelid)), 0) \
                 FROM pg_index WHERE indrelid = $1::regclass)::int8",
    )
    .bind(table)
    .fetch_one(&mut *c)
    .await
    .unwrap()
}
