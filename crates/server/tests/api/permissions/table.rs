//! The rows of the matrix: every endpoint of the API, what it is sent, and
//! what each caller must get, in the order of [`super::ACTORS`]:
//!
//! `[owner, admin, member (Ana), non-member (Oscar), anonymous, other workspace (Stella)]`
//!
//! The admin is in no inbox (admins see every inbox); Ana is an agent in
//! Support and the conversation is assigned to her, so every button is hers
//! to press; Oscar is an agent of the workspace outside Support; Stella owns
//! another workspace.

use reqwest::Method;
use serde_json::{json, Value};

use super::fixture::{Fixture, PASSWORD};

/// What a row sends.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// Nothing.
    Empty,
    /// JSON made from the fixture.
    Json(fn(&Fixture) -> Value),
    /// A CSV file (`Content-Type: text/csv`).
    Csv(&'static str),
    /// The test PNG (`Content-Type: image/png`).
    Png,
}

/// One endpoint of the OpenAPI document and what each caller must get.
#[derive(Debug, Clone)]
pub struct Row {
    /// The method.
    pub method: Method,
    /// The path template exactly as the OpenAPI document writes it.
    pub path: String,
    /// What is sent.
    pub body: Body,
    /// The status each caller gets, in the order of [`super::ACTORS`].
    pub expect: [u16; 6],
    /// Whether Ana needs a password (rows that log in).
    pub password: bool,
}

impl Row {
    /// `METHOD /path`.
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn json(mut self, body: fn(&Fixture) -> Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    fn csv(mut self, body: &'static str) -> Self {
        self.body = Body::Csv(body);
        self
    }

    fn png(mut self) -> Self {
        self.body = Body::Png;
        self
    }

    fn with_password(mut self) -> Self {
        self.password = true;
        self
    }
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const PATCH: Method = Method::PATCH;
const DELETE: Method = Method::DELETE;

/// A row for `/api/v1{path}`.
fn account(method: Method, path: &str, expect: [u16; 6]) -> Row {
    Row {
        method,
        path: format!("/api/v1{path}"),
        body: Body::Empty,
        expect,
        password: false,
    }
}

/// A row for `/api/v1/workspaces/{ws}{path}`.
fn ws(method: Method, path: &str, expect: [u16; 6]) -> Row {
    account(method, &format!("/workspaces/{{ws}}{path}"), expect)
}

/// The matrix. Keep it in the order of the OpenAPI document's paths.
pub fn rows() -> Vec<Row> {
    vec![
        // ---- Accounts: the caller's own things; another workspace changes nothing ----
        account(GET, "/me", [200, 200, 200, 200, 401, 200]),
        // Invitations are each person's own: one that is not theirs is not found.
        account(GET, "/me/invitations", [200, 200, 200, 200, 401, 200]),
        account(
            DELETE,
            "/me/invitations/{id}",
            [404, 404, 404, 404, 401, 404],
        ),
        account(
            POST,
            "/me/invitations/{id}/accept",
            [404, 404, 404, 404, 401, 404],
        ),
        // Each person's own profile: anyone signed in, for themselves only.
        account(GET, "/me/profile", [200, 200, 200, 200, 401, 200]),
        account(PATCH, "/me/profile", [200, 200, 200, 200, 401, 200])
            .json(|_| json!({ "time_zone": "Europe/Lisbon" })),
        account(PUT, "/me/availability", [200, 200, 200, 200, 401, 200])
            .json(|_| json!({ "availability": "away" })),
        // Nobody in the fixture has this password: refused as the wrong one
        // (a refusal about the body, not about who asks).
        account(PUT, "/me/password", [422, 422, 422, 422, 401, 422]).json(|_| {
            json!({ "current_password": "not anyone's password", "new_password": "a new password" })
        }),
        // Anyone may log in, with or without a token; the body is Ana's credentials.
        account(POST, "/session", [200, 200, 200, 200, 200, 200])
            .json(|f| json!({ "email": f.seed.ana.email, "password": PASSWORD }))
            .with_password(),
        // With a token there is no session: nothing to end, but the caller is known.
        account(DELETE, "/session", [204, 204, 204, 204, 401, 204]),
        // First run only: once any account exists, it is refused to everyone alike.
        account(POST, "/setup", [409, 409, 409, 409, 409, 409]).json(|f| {
            json!({
                "email": format!("founder-{}@example.com", f.unique),
                "password": PASSWORD,
                "name": "Fay Founder",
                "workspace_name": "Founders Inc",
            })
        }),
        account(GET, "/tokens", [200, 200, 200, 200, 401, 200]),
        account(POST, "/tokens", [201, 201, 201, 201, 401, 201])
            .json(|_| json!({ "name": "matrix" })),
        // `{id}` is a spare token of the caller's own.
        account(DELETE, "/tokens/{id}", [204, 204, 204, 204, 401, 204]),
        // ---- Contacts: workspace-wide, any member ----
        ws(GET, "/contacts", [200, 200, 200, 200, 401, 404]),
        ws(POST, "/contacts", [201, 201, 201, 201, 401, 404])
            .json(|_| json!({ "name": "Jane Doe", "phone": "+14155550124" })),
        ws(POST, "/contacts/import", [200, 200, 200, 200, 401, 404])
            .csv("name,phone,email\nJane Doe,+14155550124,jane@example.com\n"),
        ws(GET, "/contacts/{id}", [200, 200, 200, 200, 401, 404]),
        // The customer has a conversation, which would go with them: admins only.
        // (Oscar may know the contact, as every member may; he learns only that
        // conversations exist, not where.)
        ws(DELETE, "/contacts/{id}", [204, 204, 403, 403, 401, 404]),
        ws(PATCH, "/contacts/{id}", [200, 200, 200, 200, 401, 404])
            .json(|_| json!({ "name": "Jane Customer" })),
        // ---- Conversations ----
        // Oscar's queue and counts are empty, not refused.
        ws(GET, "/conversations", [200, 200, 200, 200, 401, 404]),
        // Compose to a new number: a new conversation. Oscar cannot see Support.
        ws(POST, "/conversations", [201, 201, 201, 404, 401, 404]).json(|f| {
            json!({
                "inbox_id": f.seed.inbox_id,
                "to": "+14155550125",
                "body": "Hello from Acme",
            })
        }),
        ws(GET, "/conversations/counts", [200, 200, 200, 200, 401, 404]),
        ws(GET, "/conversations/{id}", [200, 200, 200, 404, 401, 404]),
        ws(PATCH, "/conversations/{id}", [200, 200, 200, 404, 401, 404])
            .json(|_| json!({ "subject": "Leaking sink", "priority": "high" })),
        // Assigning anyone is the admin's button.
        ws(
            POST,
            "/conversations/{id}/assign",
            [200, 200, 403, 404, 401, 404],
        )
        .json(|f| json!({ "user_id": f.seed.ben.id })),
        // Admins take any conversation; Ana has it already.
        ws(
            POST,
            "/conversations/{id}/assign-to-me",
            [200, 200, 200, 404, 401, 404],
        ),
        ws(
            POST,
            "/conversations/{id}/done",
            [200, 200, 200, 404, 401, 404],
        ),
        ws(
            POST,
            "/conversations/{id}/links",
            [201, 201, 201, 404, 401, 404],
        )
        .json(|_| {
            json!({
                "kind": "deal",
                "external_id": "D-7",
                "url": "https://crm.example.com/deals/7",
            })
        }),
        ws(
            DELETE,
            "/conversations/{id}/links/{link}",
            [204, 204, 204, 404, 401, 404],
        ),
        ws(
            POST,
            "/conversations/{id}/lock",
            [200, 200, 200, 404, 401, 404],
        ),
        // Releasing a lock one does not hold changes nothing, and is no error.
        ws(
            DELETE,
            "/conversations/{id}/lock",
            [204, 204, 204, 404, 401, 404],
        ),
        ws(
            POST,
            "/conversations/{id}/messages",
            [201, 201, 201, 404, 401, 404],
        )
        .json(|_| json!({ "kind": "reply", "body": "A plumber is on the way." })),
        ws(
            POST,
            "/conversations/{id}/read",
            [204, 204, 204, 404, 401, 404],
        ),
        ws(
            POST,
            "/conversations/{id}/reopen",
            [200, 200, 200, 404, 401, 404],
        ),
        ws(
            POST,
            "/conversations/{id}/return-to-inbox",
            [200, 200, 200, 404, 401, 404],
        ),
        ws(
            POST,
            "/conversations/{id}/snooze",
            [200, 200, 200, 404, 401, 404],
        )
        .json(|f| json!({ "until": f.tomorrow })),
        ws(
            POST,
            "/conversations/{id}/status",
            [200, 200, 200, 404, 401, 404],
        )
        .json(|_| json!({ "status": "pending" })),
        ws(
            PUT,
            "/conversations/{id}/tags",
            [200, 200, 200, 404, 401, 404],
        )
        .json(|_| json!({ "tags": ["vip"] })),
        ws(
            GET,
            "/conversations/{id}/timeline",
            [200, 200, 200, 404, 401, 404],
        ),
        // To Ben, a member of the inbox.
        ws(
            POST,
            "/conversations/{id}/transfer",
            [200, 200, 200, 404, 401, 404],
        )
        .json(|f| json!({ "user_id": f.seed.ben.id })),
        // ---- Live events: everyone of the workspace gets a stream of what they may see ----
        ws(GET, "/events", [200, 200, 200, 200, 401, 404]),
        ws(GET, "/jobs", [200, 200, 403, 403, 401, 404]),
        ws(GET, "/webhooks", [200, 200, 403, 403, 401, 404]),
        ws(POST, "/webhooks", [201, 201, 403, 403, 401, 404])
            .json(|_| json!({ "url": "https://erp.example.com/in", "event_types": ["message"] })),
        ws(DELETE, "/webhooks/{id}", [204, 204, 403, 403, 401, 404]),
        // Slack: the matrix's app has no Slack stand-in, so a well-formed
        // token is never sent; one not shaped like a bot token is refused
        // before Slack is asked, and disconnecting needs a connection.
        ws(GET, "/integrations/slack", [200, 200, 403, 403, 401, 404]),
        ws(PUT, "/integrations/slack", [422, 422, 403, 403, 401, 404])
            .json(|_| json!({ "bot_token": "not-a-bot-token", "signing_secret": "s" })),
        ws(DELETE, "/integrations/slack", [404, 404, 403, 403, 401, 404]),
        ws(
            GET,
            "/webhooks/{id}/deliveries",
            [200, 200, 403, 403, 401, 404],
        ),
        // ---- Canned replies: everyone keeps their own; the shared one is the admins' ----
        ws(GET, "/canned-replies", [200, 200, 200, 200, 401, 404]),
        ws(POST, "/canned-replies", [201, 201, 201, 201, 401, 404])
            .json(|_| json!({ "shortcut": "thanks", "body": "Thanks, {{contact.first_name}}!" })),
        ws(PATCH, "/canned-replies/{id}", [200, 200, 403, 403, 401, 404])
            .json(|_| json!({ "body": "Hello {{contact.first_name}}!" })),
        ws(DELETE, "/canned-replies/{id}", [204, 204, 403, 403, 401, 404]),
        // ---- Inboxes ----
        // Oscar's list is empty, not refused.
        ws(GET, "/inboxes", [200, 200, 200, 200, 401, 404]),
        ws(POST, "/inboxes", [201, 201, 403, 403, 401, 404])
            .json(|_| json!({ "name": "Sales", "kind": "shared", "purpose": "sales" })),
        // Ambiguous: the order is each member's own, kept on their membership.
        // The owner and the admin are in no inbox, so Support is "not one of
        // your inboxes" to them (422), the same answer Oscar gets, which
        // reveals nothing to him.
        ws(PUT, "/inboxes/order", [422, 422, 204, 422, 401, 404])
            .json(|f| json!({ "inbox_ids": [f.seed.inbox_id] })),
        ws(GET, "/inboxes/{id}", [200, 200, 200, 404, 401, 404]),
        // Owners only, confirming the name.
        ws(DELETE, "/inboxes/{id}", [204, 403, 403, 404, 401, 404])
            .json(|_| json!({ "confirm": "Support" })),
        // A rename with policy fields (unread mode, out-of-office,
        // auto-assignment, SLA targets): the policy is the admins'.
        ws(PATCH, "/inboxes/{id}", [200, 200, 403, 404, 401, 404]).json(|_| {
            json!({
                "name": "Help desk", "unread_mode": "shared",
                "out_of_office": {
                    "enabled": true, "time_zone": "America/New_York",
                    "hours": { "mon": [["09:00", "17:00"]] }, "message": "We're closed.",
                },
                "assignment": { "mode": "balanced", "cap": 3 },
                "sla": { "normal": { "first_response_mins": 60 } },
            })
        }),
        ws(
            GET,
            "/inboxes/{id}/available-numbers",
            [200, 200, 403, 404, 401, 404],
        ),
        // Ambiguous: API.md lists channels under "admin", but members may list
        // them (never their settings) to pick the number they compose from;
        // connecting and disconnecting are the admins'.
        ws(
            GET,
            "/inboxes/{id}/channels",
            [200, 200, 200, 404, 401, 404],
        ),
        ws(
            POST,
            "/inboxes/{id}/channels",
            [201, 201, 403, 404, 401, 404],
        )
        .json(|f| json!({ "kind": "sms", "provider": "simulator", "phone_number": f.free_number })),
        ws(
            DELETE,
            "/inboxes/{id}/channels/{ch}",
            [204, 204, 403, 404, 401, 404],
        ),
        ws(GET, "/inboxes/{id}/members", [200, 200, 200, 404, 401, 404]),
        ws(
            POST,
            "/inboxes/{id}/members",
            [201, 201, 403, 404, 401, 404],
        )
        .json(|f| json!({ "user_id": f.seed.outsider.id })),
        // `{user}` is Ben.
        ws(
            DELETE,
            "/inboxes/{id}/members/{user}",
            [204, 204, 403, 404, 401, 404],
        ),
        // Ambiguous: mute is kept on the membership; the owner and the admin
        // are not members and get no notifications to mute (422, as the
        // endpoint documents).
        ws(PUT, "/inboxes/{id}/mute", [422, 422, 204, 404, 401, 404])
            .json(|_| json!({ "muted": true })),
        // "Notify users and channels" is inbox policy: admins only.
        ws(GET, "/inboxes/{id}/notify", [200, 200, 403, 404, 401, 404]),
        ws(PUT, "/inboxes/{id}/notify", [200, 200, 403, 404, 401, 404])
            .json(|f| json!({ "notify_throttle_secs": 60,
                "targets": [{ "type": "member", "user_id": f.seed.ben.id }] })),
        ws(
            PUT,
            "/inboxes/{id}/registration",
            [200, 200, 403, 404, 401, 404],
        )
        .json(|_| json!({ "state": "approved" })),
        // ---- Workspace members: everyone may list them, admins manage them ----
        ws(GET, "/members", [200, 200, 200, 200, 401, 404]),
        ws(POST, "/members", [202, 202, 403, 403, 401, 404]).json(|f| {
            json!({
                "email": format!("nia-{}@example.com", f.unique),
                "name": "Nia New",
                "role": "agent",
            })
        }),
        // `{user}` is Ben, an agent.
        ws(DELETE, "/members/{user}", [204, 204, 403, 403, 401, 404]),
        ws(PATCH, "/members/{user}", [200, 200, 403, 403, 401, 404])
            .json(|_| json!({ "role": "admin" })),
        // ---- Open invitations: admins list and revoke them ----
        ws(GET, "/invitations", [200, 200, 403, 403, 401, 404]),
        // `{id}` is nobody's invitation: admins learn it is not there,
        // agents are refused before any lookup.
        ws(
            DELETE,
            "/invitations/{id}",
            [404, 404, 403, 403, 401, 404],
        ),
        // ---- Each person's own notifications in the workspace ----
        ws(GET, "/me/notifications", [200, 200, 200, 200, 401, 404]),
        ws(
            POST,
            "/me/notifications/read-all",
            [204, 204, 204, 204, 401, 404],
        ),
        ws(
            POST,
            "/me/notifications/{id}/read",
            [404, 404, 404, 404, 401, 404],
        ),
        ws(
            GET,
            "/me/notification-preferences",
            [200, 200, 200, 200, 401, 404],
        ),
        ws(
            PUT,
            "/me/notification-preferences",
            [200, 200, 200, 200, 401, 404],
        )
        .json(|_| json!({ "inbound": "off" })),
        // ---- Permalinks ----
        ws(GET, "/messages/{id}", [200, 200, 200, 404, 401, 404]),
        // ---- Scheduled replies: the fixture's message is the customer's, so
        // those who may see it learn it is not a scheduled reply (the author
        // and admin rules have their own stories in twilio/scheduled.rs) ----
        ws(PATCH, "/messages/{id}", [409, 409, 409, 404, 401, 404])
            .json(|_| json!({ "body": "Changed" })),
        ws(DELETE, "/messages/{id}", [409, 409, 409, 404, 401, 404]),
        // ---- Media: any member uploads; a message's files go with the message ----
        ws(POST, "/media", [201, 201, 201, 201, 401, 404]).png(),
        ws(
            GET,
            "/messages/{id}/media/{index}",
            [200, 200, 200, 404, 401, 404],
        ),
    ]
}
