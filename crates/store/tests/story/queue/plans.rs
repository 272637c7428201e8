//! Query plans of the list views that matter (issue 12): each page is an
//! index walk in the page's order, never a full scan or a sort of every
//! match, so a later index change cannot silently turn one into a scan.

use domain::View;
use store::queue::{self, AssigneeFilter, ConversationFilter, SlaFilter, SlaStanding, Sort};
use store::{InboxScope, Store};

use super::{due, seed, Seed};
use crate::support;

/// A shape of the list, and the indexes that may serve it in order.
struct Shape {
    name: &'static str,
    filter: ConversationFilter,
    indexes: &'static [&'static str],
}

fn shapes(s: &Seed) -> Vec<Shape> {
    let admin = s.filter(&s.team.admin.id);
    let agent = ConversationFilter {
        scope: InboxScope::Only(vec![s.team.inbox.id.clone(), s.sales.id.clone()]),
        ..s.filter(&s.team.ana.id)
    };
    let with = |base: &ConversationFilter, change: &dyn Fn(&mut ConversationFilter)| {
        let mut filter = base.clone();
        change(&mut filter);
        filter
    };
    let by_activity = &[
        "conversations_list_by_activity",
        "conversations_inbox_list_by_activity",
    ];
    let by_due = &[
        "conversations_list_by_due",
        "conversations_inbox_list_by_due",
    ];
    vec![
        Shape {
            name: "open, newest activity",
            filter: admin.clone(),
            indexes: by_activity,
        },
        Shape {
            name: "an agent's open, newest activity",
            filter: agent.clone(),
            indexes: by_activity,
        },
        Shape {
            name: "one inbox, newest activity",
            filter: with(&agent, &|f| f.inbox = Some(s.sales.id.clone())),
            indexes: by_activity,
        },
        Shape {
            // The admin has no conversation: the walk ends at once.
            name: "assignee=me for someone with none",
            filter: with(&admin, &|f| f.assignee = Some(AssigneeFilter::Me)),
            indexes: &["conversations_open_by_assignee"],
        },
        Shape {
            name: "an agent's assignee=me",
            filter: with(&agent, &|f| f.assignee = Some(AssigneeFilter::Me)),
            indexes: &["conversations_open_by_assignee"],
        },
        Shape {
            // Most open conversations may be unassigned: walking by activity
            // and skipping the few assigned ones is as good.
            name: "unassigned",
            filter: with(&agent, &|f| f.assignee = Some(AssigneeFilter::Nobody)),
            indexes: &[
                "conversations_open_by_assignee",
                "conversations_list_by_activity",
            ],
        },
        Shape {
            name: "sort=waiting",
            filter: with(&agent, &|f| f.sort = Sort::Waiting),
            indexes: &["conversations_open_by_waiting"],
        },
        Shape {
            name: "sort=priority",
            filter: with(&admin, &|f| f.sort = Sort::Priority),
            indexes: &["conversations_open_by_priority"],
        },
        Shape {
            name: "sort=created",
            filter: with(&agent, &|f| f.sort = Sort::Created),
            indexes: &["conversations_list_by_created"],
        },
        Shape {
            name: "done, sort=created",
            filter: with(&admin, &|f| {
                f.view = View::Done;
                f.sort = Sort::Created;
            }),
            indexes: &["conversations_list_by_created"],
        },
        Shape {
            name: "snoozed, newest activity",
            filter: with(&agent, &|f| f.view = View::Snoozed),
            indexes: &["conversations_snoozed_by_activity"],
        },
        Shape {
            name: "snoozed, assignee=me",
            filter: with(&agent, &|f| {
                f.view = View::Snoozed;
                f.assignee = Some(AssigneeFilter::Me);
            }),
            indexes: &["conversations_snoozed_by_activity"],
        },
        Shape {
            name: "snoozed, unassigned",
            filter: with(&agent, &|f| {
                f.view = View::Snoozed;
                f.assignee = Some(AssigneeFilter::Nobody);
            }),
            indexes: &["conversations_snoozed_by_activity"],
        },
        Shape {
            name: "unread, newest activity",
            filter: with(&agent, &|f| f.unread = Some(true)),
            indexes: by_activity,
        },
        Shape {
            // "Breaching soon": a range of the due index, read in its order.
            name: "sla=at_risk, sort=due",
            filter: with(&agent, &|f| {
                f.sort = Sort::Due;
                f.sla = Some(at(SlaStanding::AtRisk));
            }),
            indexes: by_due,
        },
        Shape {
            name: "one inbox, sla=soon, sort=due",
            filter: with(&admin, &|f| {
                f.sort = Sort::Due;
                f.inbox = Some(s.team.inbox.id.clone());
                f.sla = Some(at(SlaStanding::Soon));
            }),
            indexes: by_due,
        },
        Shape {
            name: "sla=breached, sort=due",
            filter: with(&admin, &|f| {
                f.sort = Sort::Due;
                f.sla = Some(at(SlaStanding::Breached));
            }),
            indexes: by_due,
        },
    ]
}

/// An `sla=` filter at the moment the seeded due times are read.
fn at(standing: SlaStanding) -> SlaFilter {
    SlaFilter {
        standing,
        now: due::now(),
    }
}

#[tokio::test]
async fn every_list_view_that_matters_walks_an_index_in_its_order() {
    for store in support::stores().await {
        let s = seed(&store).await;
        due::set_due_times(&store, &s).await;
        for shape in shapes(&s) {
            let plan = plan_of(&store, &shape.filter, None).await;
            assert_walks_index(&plan, &shape, "first page");
            // Page 2 starts after the cursor inside the same index walk.
            let mut reader = store.read().await.unwrap();
            let page = queue::list(&mut reader.conn(), &shape.filter, 1, None)
                .await
                .unwrap();
            drop(reader);
            if let Some(cursor) = page.next_cursor {
                let plan = plan_of(&store, &shape.filter, Some(&cursor)).await;
                assert_walks_index(&plan, &shape, "page 2");
            }
        }
    }
}

/// One contact's conversations in any view: found by contact (a few) and
/// sorted, never a walk of the workspace testing each conversation's
/// contact. A contact owner's: their stretch of their own index, newest
/// activity first read in order; in other orders that stretch sorted.
#[tokio::test]
async fn a_contact_or_contact_owner_filter_reads_its_own_index() {
    for store in support::stores().await {
        let s = seed(&store).await;
        if store.backend() == store::Backend::Postgres {
            // PostgreSQL plans from statistics: give it a workspace of many
            // contacts, each with a closed conversation.
            support::postgres_sql(
                &store,
                &[
                    format!(
                        "INSERT INTO contacts (id, workspace_id, name, phone, created_at, updated_at) \
                         SELECT 'bulk' || i, '{}', 'Bulk' || i, '+1' || (2000000000::bigint + i * 7919), 0, 0 \
                         FROM generate_series(1, 20000) i",
                        s.team.workspace.id
                    ),
                    format!(
                        "INSERT INTO conversations (id, workspace_id, inbox_id, contact_id, status, priority, created_at, last_activity_at) \
                         SELECT 'bulk' || i, '{}', '{}', 'bulk' || i, 'closed', 'normal', i, i \
                         FROM generate_series(1, 20000) i",
                        s.team.workspace.id, s.team.inbox.id
                    ),
                    "ANALYZE".to_string(),
                ],
            )
            .await;
        }
        let agent = ConversationFilter {
            scope: InboxScope::Only(vec![s.team.inbox.id.clone(), s.sales.id.clone()]),
            ..s.filter(&s.team.ana.id)
        };
        let contact = ConversationFilter {
            view: View::All,
            contact: Some(s.team.contact.id.clone()),
            ..agent.clone()
        };
        let shape = Shape {
            name: "one contact",
            filter: contact,
            // PostgreSQL may take the open ones by (inbox, contact).
            indexes: &["conversations_by_contact", "conversations_one_active"],
        };
        let plan = plan_of(&store, &shape.filter, None).await;
        assert_uses_index(&plan, &shape, "first page");

        let owner = ConversationFilter {
            contact_owner: Some(s.team.bruno.id.clone()),
            ..agent.clone()
        };
        let by_owner = &["conversations_contact_owner_by_activity"];
        for view in [View::Open, View::Done, View::All] {
            let shape = Shape {
                name: "a contact owner's, newest activity",
                filter: ConversationFilter {
                    view,
                    ..owner.clone()
                },
                indexes: by_owner,
            };
            let plan = plan_of(&store, &shape.filter, None).await;
            assert_walks_index(&plan, &shape, &format!("{view:?}"));
        }
        for sort in [Sort::Created, Sort::Waiting, Sort::Priority, Sort::Due] {
            let shape = Shape {
                name: "a contact owner's, another order",
                filter: ConversationFilter {
                    sort,
                    ..owner.clone()
                },
                indexes: by_owner,
            };
            let plan = plan_of(&store, &shape.filter, None).await;
            assert_uses_index(&plan, &shape, &format!("{sort:?}"));
        }
    }
}

async fn plan_of(store: &Store, filter: &ConversationFilter, cursor: Option<&str>) -> Vec<String> {
    let mut tx = store.begin().await.unwrap();
    store::testing::discourage_scans(&mut tx).await.unwrap();
    queue::explain(&mut tx.conn(), filter, 25, cursor)
        .await
        .unwrap()
}

/// `plan` reads one of `shape`'s indexes in the page's order: no sort, no scan.
fn assert_walks_index(plan: &[String], shape: &Shape, page: &str) {
    assert_uses_index(plan, shape, page);
    let sorts = plan.iter().any(|line| {
        line.contains("TEMP B-TREE")
            || line
                .trim_start()
                .trim_start_matches("->  ")
                .starts_with("Sort")
            || line.contains("Incremental Sort")
    });
    assert!(
        !sorts,
        "{} ({page}) sorts instead of reading in order:\n{}",
        shape.name,
        plan.join("\n")
    );
}

/// `plan` reads one of `shape`'s indexes and never every conversation.
fn assert_uses_index(plan: &[String], shape: &Shape, page: &str) {
    let text = plan.join("\n");
    let uses = |index: &str| {
        plan.iter().any(|line| {
            // SQLite: "SEARCH c USING INDEX name (…)"; PostgreSQL: "Index Scan [Backward] using name on conversations c".
            line.contains(&format!("USING INDEX {index} "))
                || line.contains(&format!("using {index} on conversations"))
        })
    };
    assert!(
        shape.indexes.iter().any(|index| uses(index)),
        "{} ({page}) walks one of {:?}:\n{text}",
        shape.name,
        shape.indexes
    );
    let scans = plan
        .iter()
        .any(|line| line.contains("SCAN c") || line.contains("Seq Scan on conversations"));
    assert!(
        !scans,
        "{} ({page}) scans every conversation:\n{text}",
        shape.name
    );
}

/// A search reads messages through the full-text index (newest first, a
/// bounded number), and contacts through theirs (migration 0020): never a
/// walk over every conversation, contact or message.
#[tokio::test]
async fn a_search_reads_the_full_text_and_contact_indexes() {
    for store in support::stores().await {
        let s = seed(&store).await;
        if store.backend() == store::Backend::Postgres {
            // PostgreSQL plans from statistics: with a handful of rows any
            // index of the workspace will do. Give it the shape of a real
            // workspace: many contacts and messages, each word in few.
            let statements = [
                format!(
                    "INSERT INTO contacts (id, workspace_id, name, phone, created_at, updated_at) \
                     SELECT 'bulk' || i, '{}', 'Bulk' || i || ' Person', '+1' || (2000000000::bigint + i * 7919), 0, 0 \
                     FROM generate_series(1, 20000) i",
                    s.team.workspace.id
                ),
                format!(
                    "INSERT INTO messages (id, conversation_id, kind, body, created_at) \
                     SELECT '0' || i, '{}', 'note', 'filler number ' || i, 0 FROM generate_series(1, 20000) i",
                    s.c7.id
                ),
                "ANALYZE".to_string(),
            ];
            support::postgres_sql(&store, &statements).await;
        }
        let mut filter = ConversationFilter {
            scope: InboxScope::Only(vec![s.team.inbox.id.clone(), s.sales.id.clone()]),
            ..s.filter(&s.team.ana.id)
        };
        filter.q = Some("(415) 555".into());
        let phone = search_plan(&store, &filter).await;
        filter.q = Some("carla invoi".into());
        let words = search_plan(&store, &filter).await;
        let text = format!("{}\n--\n{}", phone.join("\n"), words.join("\n"));
        let uses = |plan: &[String], index: &str| {
            plan.iter().any(|line| {
                // SQLite: "SCAN messages_fts VIRTUAL TABLE INDEX 0:M…";
                // PostgreSQL: "Bitmap Index Scan on messages_search", or
                // newest first: "Index Scan Backward using messages_pkey".
                line.contains(&format!("SCAN {index} VIRTUAL TABLE INDEX"))
                    || line.contains(&format!("Index Scan on {index}"))
                    || line.contains(&format!("using {index} on"))
            })
        };
        match store.backend() {
            store::Backend::Sqlite => {
                assert!(uses(&words, "messages_fts"), "{text}");
                // Each typed word's indexed words, by a seek to the range of
                // words it starts (term >= and <: index 6), not a walk over
                // every word of the index.
                assert!(
                    words
                        .iter()
                        .any(|l| l.starts_with("SCAN messages_fts_words VIRTUAL TABLE INDEX 6:")),
                    "{text}"
                );
                assert!(uses(&words, "contacts_fts"), "{text}");
                assert!(uses(&phone, "contacts_phone_fts"), "{text}");
            }
            store::Backend::Postgres => {
                assert!(
                    uses(&words, "messages_search") || uses(&words, "messages_pkey"),
                    "{text}"
                );
                // A rare word's matches are sorted before their
                // conversations are looked up, so the LIMIT stops the lookups.
                assert!(
                    words.iter().any(|l| l.contains("Sort Key: hits.id DESC")),
                    "{text}"
                );
                assert!(uses(&words, "contacts_search_words"), "{text}");
                assert!(uses(&phone, "contacts_search_phone"), "{text}");
            }
        }
        if store.backend() == store::Backend::Sqlite {
            // The matches' ids looked up, not every conversation walked.
            assert!(
                words
                    .iter()
                    .any(|l| l.starts_with("SEARCH c USING INDEX sqlite_autoindex_conversations_1")),
                "{text}"
            );
        }
        // SQLite: "SCAN c" or "SCAN c USING [COVERING] INDEX …" reads a
        // whole table (the full-text tables and the `found` co-routine are
        // what is meant to be scanned); PostgreSQL: "Seq Scan".
        let scans = |line: &String| {
            let table = line
                .strip_prefix("SCAN ")
                .and_then(|rest| rest.split(' ').next());
            matches!(table, Some("c" | "cc" | "ct" | "m" | "sc" | "i" | "rc"))
                || line.contains("Seq Scan")
        };
        assert!(
            !phone.iter().chain(&words).any(scans),
            "a search scans a table:\n{text}"
        );
    }
}

/// The plan of the first page of `filter`, with sequential scans made
/// costly on PostgreSQL (its tables are tiny here) but bitmap scans allowed:
/// GIN indexes are read only through them.
async fn search_plan(store: &Store, filter: &ConversationFilter) -> Vec<String> {
    let mut tx = store.begin().await.unwrap();
    if let store::Conn::Postgres(c) = tx.conn() {
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *c)
            .await
            .unwrap();
    }
    queue::explain(&mut tx.conn(), filter, 25, None)
        .await
        .unwrap()
}
