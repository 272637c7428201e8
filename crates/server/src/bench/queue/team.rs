//! The bench's workspace: an owner, an admin, 20 agents and six inboxes of
//! different sizes, each agent a member of two or three of them.

use domain::{
    Channel, ChannelId, ChannelKind, EmailAddress, Inbox, Provider, Purpose, Role, User, UserId,
    Workspace, WorkspaceId,
};

use crate::bench::BenchError;
use crate::services::accounts::{hash_password, Password};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The password of every bench user.
pub const PASSWORD: &str = "bench queue password";
/// The admin the bench signs in as.
pub const ADMIN_EMAIL: &str = "admin@bench-queue.example";
/// The agent the bench signs in as (a member of some inboxes only).
pub const AGENT_EMAIL: &str = "agent1@bench-queue.example";
/// How many agents.
pub const AGENTS: usize = 20;
/// The inboxes' names and relative sizes.
pub const INBOXES: [(&str, u32); 6] = [
    ("Support", 40),
    ("Sales", 20),
    ("Billing", 15),
    ("Dispatch", 10),
    ("Warranty", 10),
    ("Front desk", 5),
];

/// What the dataset needs to know of the team.
#[derive(Debug, Clone)]
pub struct Team {
    /// The workspace.
    pub workspace_id: String,
    /// Each inbox's id and channel id, in [`INBOXES`] order.
    pub inboxes: Vec<(String, String)>,
    /// Each inbox's members (agent ids), in [`INBOXES`] order.
    pub members: Vec<Vec<String>>,
    /// The agents' ids (the first is [`AGENT_EMAIL`]).
    pub agents: Vec<String>,
}

/// The inboxes agent `a` belongs to: two neighbours, and a third for every third agent.
fn memberships(a: usize) -> Vec<usize> {
    let n = INBOXES.len();
    let mut of = vec![a % n, (a + 1) % n];
    if a.is_multiple_of(3) {
        of.push((a + 3) % n);
    }
    of
}

/// Writes the team straight to the store (one password hash for all).
pub async fn create(state: &AppState) -> Result<Team, BenchError> {
    let now = state.clock.now();
    let password = Password::parse(PASSWORD.to_string()).map_err(ServiceError::from)?;
    let hash = hash_password(password).await?;
    let workspace = Workspace {
        id: WorkspaceId::generate(),
        name: "Bench queue".into(),
        created_at: now,
    };
    let mut tx = state.store.begin().await?;
    store::workspaces::create(&mut tx, &workspace).await?;
    let people = [
        (
            "owner@bench-queue.example".to_string(),
            "Owner".to_string(),
            Role::Owner,
        ),
        (ADMIN_EMAIL.to_string(), "Admin".to_string(), Role::Admin),
    ]
    .into_iter()
    .chain((1..=AGENTS).map(|i| {
        (
            format!("agent{i}@bench-queue.example"),
            format!("Agent {i}"),
            Role::Agent,
        )
    }));
    let mut agents = Vec::new();
    for (email, name, role) in people {
        let user = User {
            id: UserId::generate(),
            email: EmailAddress::parse(&email).map_err(ServiceError::from)?,
            name,
            created_at: now,
        };
        store::users::create(&mut tx, &user, Some(&hash)).await?;
        store::workspaces::add_member(&mut tx, &workspace.id, &user.id, role, now).await?;
        if role == Role::Agent {
            agents.push(user.id);
        }
    }
    let mut inboxes = Vec::new();
    let mut members = Vec::new();
    for (i, (name, _)) in INBOXES.iter().enumerate() {
        let inbox = Inbox {
            purpose: Purpose::Support,
            ..Inbox::shared(&workspace.id, name, now)
        };
        store::inboxes::create(&mut tx, &inbox).await?;
        let mut of = Vec::new();
        for (a, agent) in agents.iter().enumerate() {
            if memberships(a).contains(&i) {
                store::inboxes::add_member(&mut tx, &inbox.id, agent, now).await?;
                of.push(agent.to_string());
            }
        }
        let channel = Channel {
            id: ChannelId::generate(),
            inbox_id: inbox.id.clone(),
            kind: ChannelKind::Sms,
            provider: Provider::Simulator,
            address: format!("+1555010{:04}", i),
            settings: "{}".to_string(),
            created_at: now,
        };
        store::channels::create(&mut tx, &channel).await?;
        inboxes.push((inbox.id.to_string(), channel.id.to_string()));
        members.push(of);
    }
    tx.commit().await?;
    Ok(Team {
        workspace_id: workspace.id.to_string(),
        inboxes,
        members,
        agents: agents.iter().map(|a| a.to_string()).collect(),
    })
}
