//! Search at scale (issue 12): `cargo test -p switchboard-store --test story
//! search_at_scale -- --ignored --nocapture` loads ~1M messages on each
//! database (SEARCH_BENCH_MESSAGES to change it) and prints the p50 of a
//! search for a rare word, a common word (~10 % of messages), a prefix, a
//! contact-name prefix and phone digits. The scratch databases go with the
//! test, as every test's do.

use std::time::Instant;

use domain::View;
use store::queue::{self, ConversationFilter};
use store::{Backend, InboxScope, Store};

use crate::support::{self, new_team};

/// Words drawn log-uniformly from a vocabulary of this many, so that rank
/// r is drawn with probability ∝ 1/r (Zipf): eight words a message make
/// the rank-10 word appear in about one message in ten.
const VOCABULARY: i64 = 3000;

/// Draw buckets: bucket b gives rank floor(V^(b/BUCKETS)), fine enough
/// that every rank of the vocabulary is drawn.
const BUCKETS: i64 = 65536;

#[tokio::test]
#[ignore = "a benchmark: minutes of loading"]
async fn search_at_scale() {
    let messages: i64 = std::env::var("SEARCH_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    for store in support::stores().await {
        let team = new_team(&store).await;
        let started = Instant::now();
        load(&store, &team, messages).await;
        println!(
            "{:?}: loaded {messages} messages in {:.0?}",
            store.backend(),
            started.elapsed()
        );
        let word = |rank: i64| word_at(&store, rank);
        let common = word(10).await;
        // About one message in 3,000 (~350 of a million).
        let rare = word(2900).await;
        let filter = |q: &str| ConversationFilter {
            q: Some(q.to_string()),
            view: View::All,
            ..ConversationFilter::new(
                team.workspace.id.clone(),
                team.admin.id.clone(),
                InboxScope::All,
            )
        };
        let cases = [
            ("rare word", rare.clone()),
            ("common word", common.clone()),
            ("common prefix (4 letters)", common[..4].to_string()),
            ("two-letter prefix", common[..2].to_string()),
            ("contact name prefix", "rodr".to_string()),
            ("phone digits", "(555) 0123".to_string()),
        ];
        for (name, q) in cases {
            let f = filter(&q);
            let mut times = Vec::new();
            let mut found = 0;
            for _ in 0..11 {
                let mut r = store.read().await.unwrap();
                let t = Instant::now();
                let page = queue::list(&mut r.conn(), &f, 50, None).await.unwrap();
                times.push(t.elapsed());
                found = page.items.len();
            }
            times.sort();
            println!(
                "{:?}: {name:28} {q:12} p50 {:>8.1?}  (max {:>8.1?}, {found} rows)",
                store.backend(),
                times[times.len() / 2],
                times[times.len() - 1],
            );
            let counts_started = Instant::now();
            let mut r = store.read().await.unwrap();
            queue::counts(&mut r.conn(), &f).await.unwrap();
            println!("    counts {:.1?}", counts_started.elapsed());
        }
        if std::env::var("SEARCH_BENCH_BEFORE").is_ok() {
            before(&store, &team, &rare, &common).await;
        }
    }
}

async fn word_at(store: &Store, rank: i64) -> String {
    let mut r = store.read().await.unwrap();
    let sql = "SELECT word FROM bench_words WHERE rank = $1";
    store::on_backend!(r.conn(), c => sqlx::query_scalar(sql).bind(rank).fetch_one(&mut *c).await)
        .unwrap()
}

/// Runs `sql` (one statement) in its own transaction.
async fn run(store: &Store, sql: &str) {
    let mut tx = store.begin().await.unwrap();
    store::on_backend!(tx.conn(), c => sqlx::query(sql).execute(&mut *c).await.map(|_| ()))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    tx.commit().await.unwrap();
}

/// `messages` messages, ten per conversation, one conversation per
/// contact, all in the team's inbox; contacts named from 40 first and 40
/// last names with E.164 phones.
async fn load(store: &Store, team: &support::Team, messages: i64) {
    let (ws, inbox) = (team.workspace.id.as_str(), team.inbox.id.as_str());
    let conversations = messages / 10;
    let sqlite = store.backend() == Backend::Sqlite;
    // The vocabulary (letters only, the same on both databases), and the
    // draw table: a uniform bucket draws rank r with p ∝ 1/r.
    run(
        store,
        "CREATE TABLE bench_words (rank BIGINT PRIMARY KEY, word TEXT NOT NULL)",
    )
    .await;
    run(
        store,
        "CREATE TABLE bench_zipf (b BIGINT PRIMARY KEY, rank BIGINT NOT NULL)",
    )
    .await;
    run(
        store,
        "CREATE TABLE bench_names (i BIGINT PRIMARY KEY, name TEXT NOT NULL)",
    )
    .await;
    let mut seed: u64 = 12345;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let words: Vec<String> = (1..=VOCABULARY)
        .map(|rank| {
            let len = 5 + next() % 4;
            let word: String = (0..len)
                .map(|_| (b'a' + (next() % 26) as u8) as char)
                .collect();
            format!("({rank}, '{word}{}')", to_letters(rank))
        })
        .collect();
    run(
        store,
        &format!(
            "INSERT INTO bench_words (rank, word) VALUES {}",
            words.join(", ")
        ),
    )
    .await;
    let buckets: Vec<String> = (0..BUCKETS)
        .map(|b| {
            let rank = (VOCABULARY as f64).powf(b as f64 / BUCKETS as f64).floor() as i64;
            format!("({b}, {})", rank.clamp(1, VOCABULARY))
        })
        .collect();
    run(
        store,
        &format!(
            "INSERT INTO bench_zipf (b, rank) VALUES {}",
            buckets.join(", ")
        ),
    )
    .await;
    let (series, rand01) = if sqlite {
        (
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {N}) SELECT i FROM s",
            "((random() & 9007199254740991) / 9007199254740992.0)",
        )
    } else {
        ("SELECT i FROM generate_series(1, {N}) i", "random()")
    };
    let series = |n: i64| series.replace("{N}", &n.to_string());
    let first = [
        "Maria", "José", "Ana", "Luis", "Carmen", "Juan", "Rosa", "Pedro", "Elena", "Jorge",
        "Sofia", "Miguel", "Laura", "Diego", "Lucia", "Pablo", "Marta", "Andres", "Paula", "Raul",
        "John", "Mary", "James", "Linda", "Robert", "Susan", "Michael", "Karen", "David", "Nancy",
        "Chen", "Wei", "Amir", "Fatima", "Olga", "Ivan", "Yuki", "Kenji", "Aisha", "Omar",
    ];
    let last = [
        "Rodríguez",
        "García",
        "Martínez",
        "López",
        "González",
        "Pérez",
        "Sánchez",
        "Ramírez",
        "Torres",
        "Flores",
        "Rivera",
        "Gómez",
        "Díaz",
        "Cruz",
        "Morales",
        "Reyes",
        "Ortiz",
        "Gutiérrez",
        "Chávez",
        "Ramos",
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Miller",
        "Davis",
        "Wilson",
        "Anderson",
        "Taylor",
        "Thomas",
        "Moore",
        "Martin",
        "Jackson",
        "Thompson",
        "White",
        "Harris",
        "Clark",
        "Lewis",
        "Walker",
    ];
    let mut names = Vec::new();
    for (i, f) in first.iter().enumerate() {
        for (j, l) in last.iter().enumerate() {
            names.push(format!("({}, '{f} {l}')", i * last.len() + j));
        }
    }
    run(
        store,
        &format!(
            "INSERT INTO bench_names (i, name) VALUES {}",
            names.join(", ")
        ),
    )
    .await;
    let n_names = first.len() * last.len();
    // A draw from 0 to n - 1: SQLite's CAST truncates, PostgreSQL's rounds.
    let pick = |n: i64| {
        if sqlite {
            format!("CAST({rand01} * {n} AS BIGINT)")
        } else {
            format!("CAST(floor({rand01} * {n}) AS BIGINT)")
        }
    };
    run(
        store,
        &format!(
            "INSERT INTO contacts (id, workspace_id, name, phone, created_at, updated_at) \
         SELECT 'ct' || s.i, '{ws}', (SELECT name FROM bench_names WHERE i = s.pick), \
           '+1' || CAST(2000000000 + s.i * 7919 % 7999999999 AS TEXT), 0, 0 \
         FROM (SELECT i, {} AS pick FROM ({}) x) s",
            pick(n_names as i64),
            series(conversations)
        ),
    )
    .await;
    let pad = |col: &str| {
        if sqlite {
            format!("printf('%012d', {col})")
        } else {
            format!("lpad(({col})::text, 12, '0')")
        }
    };
    run(store, &format!(
        "INSERT INTO conversations (id, workspace_id, inbox_id, contact_id, status, priority, created_at, last_activity_at) \
         SELECT {}, '{ws}', '{inbox}', 'ct' || i, 'open', 'none', i, i FROM ({}) s",
        pad("i"),
        series(conversations)
    )).await;
    // Eight words a message, each bucket drawn per row in the inner select.
    let draws: Vec<String> = (1..=8)
        .map(|k| format!("{} AS b{k}", pick(BUCKETS)))
        .collect();
    let body: Vec<String> = (1..=8)
        .map(|k| {
            format!("(SELECT w.word FROM bench_zipf z JOIN bench_words w ON w.rank = z.rank WHERE z.b = s.b{k})")
        })
        .collect();
    let body = body.join(" || ' ' || ");
    let chunk = 250_000.min(messages);
    let mut done = 0;
    while done < messages {
        run(
            store,
            &format!(
                "INSERT INTO messages (id, conversation_id, kind, body, created_at) \
             SELECT {}, {}, 'inbound', {body}, s.i \
             FROM (SELECT i + {done} AS i, {} FROM ({}) x) s",
                pad("s.i"),
                pad(&format!("((s.i - 1) % {conversations}) + 1")),
                draws.join(", "),
                series(chunk.min(messages - done))
            ),
        )
        .await;
        done += chunk;
    }
    run(store, "ANALYZE").await;
}

/// A number as letters (a word's suffix that keeps every word distinct).
fn to_letters(mut n: i64) -> String {
    let mut out = String::new();
    while n > 0 {
        out.insert(0, (b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    out
}

/// The search as it was before migration 0020 (the list query's search
/// condition, without the page's joins): every match gathered, and every
/// conversation's contact tested with LIKE.
async fn before(store: &Store, team: &support::Team, rare: &str, common: &str) {
    let sqlite = store.backend() == Backend::Sqlite;
    let messages = if sqlite {
        "SELECT m.conversation_id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid \
         WHERE messages_fts MATCH $2"
    } else {
        "SELECT m.conversation_id FROM messages m WHERE m.search @@ to_tsquery('simple', $2)"
    };
    let sql = format!(
        "SELECT c.id FROM conversations c WHERE c.workspace_id = $1 AND c.id IN ({messages} \
         UNION SELECT cc.id FROM conversations cc JOIN contacts ct ON ct.id = cc.contact_id \
         WHERE cc.workspace_id = $1 AND (lower(ct.name) LIKE lower($3) ESCAPE '\\' \
         OR lower(ct.email) LIKE lower($3) ESCAPE '\\' OR ct.phone LIKE $4)) \
         ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 51"
    );
    let cases = [
        ("rare word", rare.to_string(), "x"),
        ("common word", common.to_string(), "x"),
        ("contact name prefix", "rodr".to_string(), "x"),
        ("phone digits", "5550123".to_string(), "5550123"),
    ];
    for (name, q, digits) in cases {
        let (fts, like, phone) = if sqlite {
            (format!("\"{q}\"*"), format!("%{q}%"), format!("%{digits}%"))
        } else {
            (format!("'{q}':*"), format!("%{q}%"), format!("%{digits}%"))
        };
        let mut times = Vec::new();
        for _ in 0..5 {
            let mut r = store.read().await.unwrap();
            let t = Instant::now();
            let rows: Vec<(String,)> = store::on_backend!(r.conn(), c => sqlx::query_as(&sql)
                .bind(team.workspace.id.as_str())
                .bind(&fts)
                .bind(&like)
                .bind(&phone)
                .fetch_all(&mut *c)
                .await)
            .unwrap();
            times.push(t.elapsed());
            assert!(rows.len() <= 51);
        }
        times.sort();
        println!(
            "{:?}: BEFORE {name:28} {q:12} p50 {:>8.1?}",
            store.backend(),
            times[times.len() / 2]
        );
    }
}
