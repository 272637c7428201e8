//! What every test needs: a running app on a fresh database, and a client.

use domain::{
    Channel, ChannelId, ChannelKind, Inbox, InboxId, MessageBody, PhoneNumber, Provider, Purpose,
    Role, User, UserId, Workspace, WorkspaceId,
};
use reqwest::Method;
use serde_json::Value;
use store::{Backend, Store};
use switchboard_server::services::inbound::{self, InboundSms, Ingested};
use switchboard_server::{App, AppState, Settings};

/// Declares each named `async fn name(backend: Backend)` as two tests,
/// `name::sqlite` and `name::postgres`, so every story runs on both databases.
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn sqlite() {
                super::$test(store::Backend::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() {
                super::$test(store::Backend::Postgres).await
            }
        }
    )+};
}

/// A running app and the ways to talk to it.
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// Keeps cookies, as a browser would; never follows redirects, so tests see them.
    pub client: reqwest::Client,
    /// The app's database, for arranging and checking state directly.
    pub store: Store,
    /// The app's state: its clock (tests advance it) and the services' inputs.
    pub state: AppState,
}

impl TestApp {
    /// `GET {address}{path}`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("the request reaches the app")
    }
}

/// Builds the app on port 0 against a fresh database and serves it in the
/// background of this test's runtime. `None` when that backend is unavailable
/// outside CI (the store has said so on stderr): the test passes without running.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    let store = store::testing::fresh_store(backend)
        .await
        .expect("a fresh database")?;
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        // Follows the bound port, so links the app makes (invitations) open.
        public_url: "http://127.0.0.1:0".into(),
        // Tests step the job queue themselves with `reactions::run_due`.
        run_jobs: false,
        ..Settings::default()
    };
    let app = App::build_with_store(settings, store.clone())
        .await
        .expect("the app builds");
    let address = format!("http://{}", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Some(TestApp {
        address,
        client,
        store,
        state,
    })
}

/// A SQLite app with the seed, Ana signed in to the web app by password;
/// also returns her CSRF token for form posts. `None` as [`spawn_app`].
pub async fn signed_in_as_ana() -> Option<(TestApp, Seed, String)> {
    let app = spawn_app(Backend::Sqlite).await?;
    let seed = app.seed().await;
    app.set_password(&seed.ana, "correct horse battery").await;
    let csrf = app.login(&seed.ana.email, "correct horse battery").await;
    Some((app, seed, csrf))
}

/// Checks that `response` is an RFC 9457 problem with `status` and `code`,
/// and returns its body.
pub async fn assert_problem(
    response: reqwest::Response,
    status: u16,
    code: &str,
) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .expect("a content type")
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: serde_json::Value = response.json().await.expect("a JSON body");
    assert_eq!(body["status"], status);
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["type"], "about:blank");
    assert!(body["title"].is_string(), "{body}");
    assert!(body["detail"].is_string(), "{body}");
    body
}

/// A user of the seeded workspace, with an API token to act as them.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// The user's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Their login address.
    pub email: String,
    /// A bearer token for `Authorization`.
    pub token: String,
}

/// The cast of the seeds' story: one workspace with an owner, an admin, two
/// agents in the Support inbox, an agent outside it, and a stranger from
/// another workspace; a simulator number feeding the inbox.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The workspace.
    pub workspace_id: String,
    /// Its owner.
    pub owner: TestUser,
    /// An admin (not a member of the inbox).
    pub admin: TestUser,
    /// Ana, an agent in the inbox.
    pub ana: TestUser,
    /// Ben, another agent in the inbox.
    pub ben: TestUser,
    /// An agent of the workspace who is not in the inbox.
    pub outsider: TestUser,
    /// The owner of another workspace.
    pub stranger: TestUser,
    /// The Support inbox.
    pub inbox_id: String,
    /// Its simulator channel.
    pub channel: Channel,
}

impl TestApp {
    /// Creates the cast of [`Seed`] directly in the store. The first seed of
    /// an app logs in as `ana@example.com` and so on; addresses are unique
    /// across the whole database, so a later seed of the same app (a new
    /// workspace with a new cast) tags them: `ana+TAG@example.com`.
    pub async fn seed(&self) -> Seed {
        if let Some(seed) = self.try_seed("").await {
            return seed;
        }
        let tag = format!("+{}", uuid::Uuid::now_v7().simple());
        self.try_seed(&tag)
            .await
            .expect("tagged addresses are free")
    }

    /// [`TestApp::seed`] with `tag` after each local part; `None` when an
    /// address is taken already (nothing is written then).
    async fn try_seed(&self, tag: &str) -> Option<Seed> {
        let now = self.state.clock.now();
        let workspace = Workspace {
            id: WorkspaceId::generate(),
            name: "Acme Plumbing".into(),
            created_at: now,
        };
        let other = Workspace {
            id: WorkspaceId::generate(),
            name: "Elsewhere Ltd".into(),
            created_at: now,
        };
        let mut tx = self.store.begin().await.unwrap();
        store::workspaces::create(&mut tx, &workspace)
            .await
            .unwrap();
        store::workspaces::create(&mut tx, &other).await.unwrap();
        let mut cast = Vec::new();
        for (name, ws, role) in [
            ("Olivia Owner", &workspace.id, Role::Owner),
            ("Adam Admin", &workspace.id, Role::Admin),
            ("Ana Lima", &workspace.id, Role::Agent),
            ("Ben Okafor", &workspace.id, Role::Agent),
            ("Oscar Outside", &workspace.id, Role::Agent),
            ("Stella Stranger", &other.id, Role::Owner),
        ] {
            let user = User {
                id: UserId::generate(),
                email: domain::EmailAddress::parse(&format!(
                    "{}{tag}@example.com",
                    name.split(' ').next().unwrap().to_lowercase()
                ))
                .unwrap(),
                name: name.into(),
                created_at: now,
            };
            match store::users::create(&mut tx, &user, None).await {
                Err(store::StoreError::Duplicate(_)) => return None,
                other => other.unwrap(),
            }
            store::workspaces::add_member(&mut tx, ws, &user.id, role, now)
                .await
                .unwrap();
            let (_, token) = store::tokens::create(&mut tx, &user.id, "tests", now)
                .await
                .unwrap();
            cast.push(TestUser {
                id: user.id.to_string(),
                name: user.name,
                email: user.email.as_str().to_string(),
                token,
            });
        }
        let inbox = Inbox {
            emoji: "🛟".into(),
            color: "#2563eb".into(),
            purpose: Purpose::Support,
            ..Inbox::shared(&workspace.id, "Support", now)
        };
        store::inboxes::create(&mut tx, &inbox).await.unwrap();
        for member in [&cast[2], &cast[3]] {
            let id = UserId::parse(&member.id).unwrap();
            store::inboxes::add_member(&mut tx, &inbox.id, &id, now)
                .await
                .unwrap();
        }
        let channel = Channel {
            id: ChannelId::generate(),
            inbox_id: inbox.id.clone(),
            kind: ChannelKind::Sms,
            provider: Provider::Simulator,
            address: format!("+1415555{:04}", rand_suffix()),
            settings: "{}".into(),
            created_at: now,
        };
        store::channels::create(&mut tx, &channel).await.unwrap();
        tx.commit().await.unwrap();
        let mut cast = cast.into_iter();
        let mut next = || cast.next().unwrap();
        Some(Seed {
            workspace_id: workspace.id.to_string(),
            owner: next(),
            admin: next(),
            ana: next(),
            ben: next(),
            outsider: next(),
            stranger: next(),
            inbox_id: inbox.id.to_string(),
            channel,
        })
    }

    /// A customer texts the seeded inbox, through the same service a provider webhook uses.
    pub async fn text_from_customer(&self, seed: &Seed, from: &str, body: &str) -> Ingested {
        inbound::ingest_sms(
            &self.state,
            InboundSms {
                channel: seed.channel.clone(),
                from: PhoneNumber::parse(from, "US").unwrap(),
                body: MessageBody::parse(body, false).unwrap(),
                media: Vec::new(),
                provider_id: None,
            },
        )
        .await
        .unwrap()
    }

    /// A customer texts `channel` (any inbox's number), as [`TestApp::text_from_customer`] does.
    pub async fn text_channel(&self, channel: &Channel, from: &str, body: &str) -> Ingested {
        inbound::ingest_sms(
            &self.state,
            InboundSms {
                channel: channel.clone(),
                from: PhoneNumber::parse(from, "US").unwrap(),
                body: MessageBody::parse(body, false).unwrap(),
                media: Vec::new(),
                provider_id: None,
            },
        )
        .await
        .unwrap()
    }

    /// Calls `method {address}/api/v1/workspaces/{ws}{path}` as `user` (or anonymously).
    pub async fn api(
        &self,
        seed: &Seed,
        method: Method,
        path: &str,
        user: Option<&TestUser>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let url = format!(
            "{}/api/v1/workspaces/{}{path}",
            self.address, seed.workspace_id
        );
        self.request(method, &url, user, body).await
    }

    /// Calls an absolute URL as `user` (bearer token) or anonymously.
    pub async fn request(
        &self,
        method: Method,
        url: &str,
        user: Option<&TestUser>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, url);
        if let Some(user) = user {
            request = request.bearer_auth(&user.token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("the request reaches the app")
    }

    /// Moves the app's clock to `at` (forward or back): a text then arrives at `at`.
    pub fn travel_to(&self, at: domain::Timestamp) {
        self.state.clock.advance(at - self.state.clock.now());
    }

    /// Runs reactions and due jobs until a pass has nothing left to run,
    /// each pass once every committed event can be read: on a busy
    /// PostgreSQL server other databases' transactions hold the log back
    /// for longer than one pass waits. For work that makes more work (a job
    /// that writes a reply, whose delivery is another job).
    pub async fn settle_jobs(&self) {
        for _ in 0..10 {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
            loop {
                let mut reader = self.store.read().await.unwrap();
                let start = store::log::LogPosition::default();
                let held = store::log::held_back(&mut reader.conn(), start)
                    .await
                    .unwrap();
                if !held || std::time::Instant::now() > deadline {
                    break;
                }
                drop(reader);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            if self.run_due_jobs().await == 0 {
                return;
            }
        }
    }

    /// The admin changes the seed's Support inbox (`PATCH /inboxes/{id}`,
    /// a policy such as `{"sla": …}`).
    pub async fn patch_support_inbox(&self, seed: &Seed, body: Value) -> reqwest::Response {
        let path = format!("/inboxes/{}", seed.inbox_id);
        self.api(seed, Method::PATCH, &path, Some(&seed.admin), Some(body))
            .await
    }

    /// The items of type `kind` in a conversation's timeline as `user` reads it.
    pub async fn timeline_items(
        &self,
        seed: &Seed,
        user: &TestUser,
        conversation: &str,
        kind: &str,
    ) -> Vec<Value> {
        let path = format!("/conversations/{conversation}/timeline?limit=200");
        let timeline = json_of(
            self.api(seed, Method::GET, &path, Some(user), None).await,
            200,
        )
        .await;
        timeline["items"]
            .as_array()
            .expect("a timeline page")
            .iter()
            .filter(|item| item["type"] == kind)
            .cloned()
            .collect()
    }

    /// Runs the jobs that are due now, as the worker would.
    pub async fn run_due_jobs(&self) -> usize {
        switchboard_server::reactions::run_due(&self.state)
            .await
            .unwrap()
    }
}

/// Four digits that differ between calls, for unique phone numbers: 1000 to
/// 9999, so never a number tests write out (`+14155550177`, the simulator's
/// fictional 555-01xx range).
fn rand_suffix() -> u32 {
    // A counter, not random digits: an app seeded hundreds of times (the
    // permission matrix) would draw the same four digits twice.
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    1_000 + NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 9_000
}

/// The login address the seed gave `user` (`ana@example.com` for Ana Lima).
pub fn email_of(user: &TestUser) -> String {
    user.email.clone()
}

impl TestApp {
    /// Gives a seeded user a password (the seed makes them without one).
    pub async fn set_password(&self, user: &TestUser, password: &str) {
        use switchboard_server::services::accounts::{hash_password, Password};
        let hash = hash_password(Password::parse(password.into()).unwrap())
            .await
            .unwrap();
        let mut tx = self.store.begin().await.unwrap();
        store::users::set_password_hash(&mut tx, &UserId::parse(&user.id).unwrap(), Some(&hash))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    /// Logs in through the API; the client keeps the session cookie.
    /// Returns the CSRF token for cookie-authenticated writes.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .client
            .post(format!("{}/api/v1/session", self.address))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("the request reaches the app");
        assert_eq!(response.status(), 200, "logging in as {email}");
        let body: Value = response.json().await.unwrap();
        body["csrf_token"].as_str().unwrap().to_string()
    }
}

// ---- Conversations and live events ----

/// One Server-Sent Events message as a client receives it.
#[derive(Debug, Clone)]
pub struct SseMessage {
    /// `id:` (the event's sequence number).
    pub id: Option<String>,
    /// `event:` (the event's type).
    pub event: Option<String>,
    /// `data:` lines joined.
    pub data: String,
}

impl SseMessage {
    /// The data as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).expect("the data is JSON")
    }

    /// The id as a sequence number.
    pub fn seq(&self) -> i64 {
        self.id
            .as_deref()
            .expect("an id")
            .parse()
            .expect("a number")
    }
}

/// A live `GET /events` response, read one message at a time. Comments
/// (the greeting, keep-alives) are skipped.
#[derive(Debug)]
pub struct SseClient {
    response: reqwest::Response,
    buffer: String,
}

impl SseClient {
    /// Reads an already opened `GET /events` response.
    pub fn from_response(response: reqwest::Response) -> Self {
        assert_eq!(response.status(), 200, "opening the event stream");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// Whether the server ends the stream within `wait` (skipping what it sends first).
    pub async fn ends_within(mut self, wait: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None) | Err(_)) => return true,
            }
        }
    }

    /// The next message; fails the test when none comes within ten seconds.
    pub async fn next(&mut self) -> SseMessage {
        self.next_within(std::time::Duration::from_secs(10))
            .await
            .expect("an event within ten seconds")
    }

    /// The next message, or `None` when none comes within `wait`.
    pub async fn next_within(&mut self, wait: std::time::Duration) -> Option<SseMessage> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                if let Some(message) = parse_sse_frame(&frame) {
                    return Some(message);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .expect("the stream stays readable")
                .expect("the stream stays open");
            self.buffer
                .push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }
}

fn parse_sse_frame(frame: &str) -> Option<SseMessage> {
    let mut message = SseMessage {
        id: None,
        event: None,
        data: String::new(),
    };
    let mut has_data = false;
    for line in frame.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => message.id = Some(value.to_string()),
            "event" => message.event = Some(value.to_string()),
            "data" => {
                if has_data {
                    message.data.push('\n');
                }
                message.data.push_str(value);
                has_data = true;
            }
            _ => {}
        }
    }
    has_data.then_some(message)
}

impl TestApp {
    /// Opens `GET /events` as `user`, resuming after `last_event_id` when
    /// given. Returns once the subscription is live.
    pub async fn events(
        &self,
        seed: &Seed,
        user: &TestUser,
        last_event_id: Option<i64>,
    ) -> SseClient {
        let mut request = self
            .client
            .get(format!(
                "{}/api/v1/workspaces/{}/events",
                self.address, seed.workspace_id
            ))
            .bearer_auth(&user.token);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("the request reaches the app");
        assert_eq!(response.status(), 200, "opening the event stream");
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        SseClient {
            response,
            buffer: String::new(),
        }
    }

    /// Another node of the same deployment: a second app on the same
    /// database, with its own hub, as `switchboard serve` on another machine.
    pub async fn second_node(&self) -> TestApp {
        self.second_node_with(|_| {}).await
    }

    /// [`TestApp::second_node`] with settings changed by `change` first
    /// (`run_jobs` to run its own reactions and worker).
    pub async fn second_node_with(&self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings {
            listen: "127.0.0.1:0".parse().unwrap(),
            run_jobs: false,
            ..Settings::default()
        };
        change(&mut settings);
        let app = App::build_with_store(settings, self.store.clone())
            .await
            .expect("the second node builds");
        let address = format!("http://{}", app.address());
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        TestApp {
            address,
            client: reqwest::Client::new(),
            store: self.store.clone(),
            state,
        }
    }

    /// A customer's text that starts a conversation in the seeded inbox;
    /// returns the conversation's id.
    pub async fn new_conversation(&self, seed: &Seed, from: &str, body: &str) -> String {
        let ingested = self.text_from_customer(seed, from, body).await;
        ingested
            .conversation_id()
            .expect("a stored message")
            .to_string()
    }

    /// Adds `count` more agents to the seeded workspace and its Support
    /// inbox (`Agent 1`, `Agent 2`…, available); returns their ids.
    pub async fn more_agents(&self, seed: &Seed, count: usize) -> Vec<String> {
        let now = self.state.clock.now();
        let workspace = WorkspaceId::parse(&seed.workspace_id).unwrap();
        let inbox = InboxId::parse(&seed.inbox_id).unwrap();
        let mut tx = self.store.begin().await.unwrap();
        let mut ids = Vec::new();
        for n in 1..=count {
            let id = UserId::generate();
            let user = User {
                id: id.clone(),
                email: domain::EmailAddress::parse(&format!("agent.{id}@example.com")).unwrap(),
                name: format!("Agent {n}"),
                created_at: now,
            };
            store::users::create(&mut tx, &user, None).await.unwrap();
            store::workspaces::add_member(&mut tx, &workspace, &id, Role::Agent, now)
                .await
                .unwrap();
            store::inboxes::add_member(&mut tx, &inbox, &id, now)
                .await
                .unwrap();
            ids.push(id.to_string());
        }
        tx.commit().await.unwrap();
        ids
    }

    /// Creates another shared inbox with an SMS number and `members`.
    pub async fn extra_inbox(&self, seed: &Seed, name: &str, members: &[&TestUser]) -> Channel {
        let now = self.state.clock.now();
        let workspace = WorkspaceId::parse(&seed.workspace_id).unwrap();
        let inbox = Inbox {
            emoji: "📦".into(),
            color: "#16a34a".into(),
            ..Inbox::shared(&workspace, name, now)
        };
        let mut tx = self.store.begin().await.unwrap();
        store::inboxes::create(&mut tx, &inbox).await.unwrap();
        for member in members {
            let id = UserId::parse(&member.id).unwrap();
            store::inboxes::add_member(&mut tx, &inbox.id, &id, now)
                .await
                .unwrap();
        }
        let channel = Channel {
            id: ChannelId::generate(),
            inbox_id: inbox.id.clone(),
            kind: ChannelKind::Sms,
            provider: Provider::Simulator,
            address: format!("+1628555{:04}", rand_suffix()),
            settings: "{}".into(),
            created_at: now,
        };
        store::channels::create(&mut tx, &channel).await.unwrap();
        tx.commit().await.unwrap();
        channel
    }
}

/// The JSON body of a response that must have `status`.
pub async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(actual, status, "{body}");
    serde_json::from_str(&body).expect("a JSON body")
}

/// [`spawn_app`] with settings changed by `change` first.
pub async fn spawn_app_with(
    backend: Backend,
    change: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let (app, _running) = spawn_app_until(backend, change, std::future::pending()).await?;
    Some(app)
}

/// [`spawn_app_with`] that serves until `shutdown` completes; the handle
/// answers what `run_until_stopped` returned.
pub async fn spawn_app_until(
    backend: Backend,
    change: impl FnOnce(&mut Settings),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Option<(
    TestApp,
    tokio::task::JoinHandle<Result<(), switchboard_server::StartupError>>,
)> {
    let store = store::testing::fresh_store(backend)
        .await
        .expect("a fresh database")?;
    let mut settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        run_jobs: false,
        ..Settings::default()
    };
    change(&mut settings);
    let app = App::build_with_store(settings, store.clone())
        .await
        .expect("the app builds");
    let address = format!("http://{}", app.address());
    let state = app.state().clone();
    let running = tokio::spawn(app.run_until_stopped(shutdown));
    Some((
        TestApp {
            address,
            client: reqwest::Client::new(),
            store,
            state,
        },
        running,
    ))
}

// ---- Twilio ----

/// [`spawn_app`] for the Twilio stories: its public URL is its real address
/// (Twilio signs webhooks over it) and it sends through a fresh Twilio
/// stand-in, returned beside it.
pub async fn spawn_twilio_app(
    backend: Backend,
) -> Option<(TestApp, twilio_standin::TwilioStandin)> {
    spawn_twilio_app_with(backend, |_, _| {}).await
}

/// Like [`spawn_twilio_app`], with more settings changed (`change` sees the stand-in).
pub async fn spawn_twilio_app_with(
    backend: Backend,
    change: impl FnOnce(&mut Settings, &twilio_standin::TwilioStandin),
) -> Option<(TestApp, twilio_standin::TwilioStandin)> {
    let standin = twilio_standin::TwilioStandin::start()
        .await
        .expect("the Twilio stand-in starts");
    let app = spawn_app_with(backend, |settings| {
        // Port 0 here becomes the bound port in `App::build_with_store`.
        settings.public_url = "http://127.0.0.1:0".into();
        settings.twilio_api_base = standin.base_url.clone();
        change(settings, &standin);
    })
    .await?;
    assert_eq!(app.state.settings.public_url, app.address);
    Some((app, standin))
}

/// [`spawn_twilio_app`] whose operator Twilio account (`twilio_account_sid`,
/// `twilio_auth_token`) is the stand-in's, so admins can search and buy
/// numbers when they set up an inbox.
pub async fn spawn_twilio_operator_app(
    backend: Backend,
) -> Option<(TestApp, twilio_standin::TwilioStandin)> {
    spawn_twilio_app_with(backend, |settings, standin| {
        settings.twilio_account_sid = Some(standin.account_sid.clone());
        settings.twilio_auth_token = Some(switchboard_server::config::Secret::new(
            standin.auth_token.clone(),
        ));
    })
    .await
}

impl TestApp {
    /// Connects a Twilio number of the stand-in's account to the seeded inbox.
    pub async fn twilio_channel(
        &self,
        seed: &Seed,
        standin: &twilio_standin::TwilioStandin,
    ) -> Channel {
        let channel = Channel {
            id: ChannelId::generate(),
            inbox_id: InboxId::parse(&seed.inbox_id).unwrap(),
            kind: ChannelKind::Sms,
            provider: Provider::Twilio,
            // Another area code than the seed's simulator number, so the two never collide.
            address: format!("+1510555{:04}", rand_suffix()),
            settings: serde_json::json!({
                "account_sid": standin.account_sid,
                "auth_token": standin.auth_token,
            })
            .to_string(),
            created_at: self.state.clock.now(),
        };
        let mut tx = self.store.begin().await.unwrap();
        store::channels::create(&mut tx, &channel).await.unwrap();
        tx.commit().await.unwrap();
        channel
    }

    /// `{address}/hooks/twilio/{channel}/{hook}`: where Twilio posts (`sms`,
    /// `status`, `voice`).
    pub fn twilio_hook(&self, channel: &Channel, hook: &str) -> String {
        format!("{}/hooks/twilio/{}/{hook}", self.address, channel.id)
    }
}
