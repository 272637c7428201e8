//! `switchboard demo`: fills a database with a believable team, inboxes and
//! conversations in every status, so a newcomer can try everything with no
//! account anywhere. Conversations are made through the same services the
//! API uses (inbound texts, assignments, replies, notes, snoozes), with the
//! clock moved back so that the last two weeks look lived in.

mod cast;
mod scripts;

use chrono::{Duration, Utc};
use domain::{
    Channel, ChannelId, ChannelKind, Contact, ContactId, EmailAddress, Inbox, PhoneNumber,
    Provider, Purpose, Registration, Role, User, UserId, Workspace, WorkspaceId,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::services::access::Principal;
use crate::services::accounts::{hash_password, Password};
use crate::services::state::AppState;
use crate::services::ServiceError;

pub use cast::{OWNER_EMAIL, PASSWORD};

/// How many customers (and so conversations) the demo makes.
const CUSTOMERS: usize = 300;

/// What the demo data holds, printed after loading it.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    /// How to log in, one line per demo user (`email / password`).
    pub logins: Vec<String>,
    /// Number of conversations created (0 when the demo was already loaded).
    pub conversations: usize,
    /// The demo workspace existed already; nothing was written.
    pub already_loaded: bool,
}

/// An inbox of the demo with the people who work it.
struct Team {
    workspace_id: WorkspaceId,
    owner: Principal,
    people: Vec<Principal>,
    inboxes: Vec<(Inbox, Channel, Vec<usize>)>,
}

/// Loads the demo data through `state`'s services. Running it again on the
/// same database changes nothing.
pub async fn load(state: &AppState) -> Result<DemoSummary, ServiceError> {
    let owner_email = EmailAddress::parse(OWNER_EMAIL)?;
    let mut logins = vec![format!("{OWNER_EMAIL} / {PASSWORD}  (owner)")];
    logins.extend(cast::TEAM.iter().map(|(_, local, admin)| {
        let role = if *admin { "admin" } else { "agent" };
        format!("{local}@acme-plumbing.example / {PASSWORD}  ({role})")
    }));
    let mut reader = state.store.read().await?;
    if store::users::by_email(&mut reader.conn(), &owner_email)
        .await?
        .is_some()
    {
        return Ok(DemoSummary {
            logins,
            conversations: 0,
            already_loaded: true,
        });
    }
    drop(reader);

    let mut rng = StdRng::seed_from_u64(2026);
    let real_now = Utc::now();
    // Everything starts two weeks ago; each conversation moves the clock on from its start.
    move_clock(state, real_now - Duration::days(15));
    let team = create_team(state, owner_email).await?;
    let contacts = create_contacts(state, &team, &mut rng).await?;
    let mut made = 0;
    for (i, contact) in contacts.iter().enumerate() {
        let started = real_now - Duration::minutes(rng.gen_range(20..14 * 24 * 60));
        move_clock(state, started);
        let inbox = pick_inbox(&team, &mut rng);
        scripts::play(state, &team, inbox, contact, i, real_now, &mut rng).await?;
        made += 1;
    }
    move_clock(state, real_now);
    Ok(DemoSummary {
        logins,
        conversations: made,
        already_loaded: false,
    })
}

/// Sets the services' clock to `at`.
fn move_clock(state: &AppState, at: chrono::DateTime<Utc>) {
    let now = state.clock.now();
    state.clock.advance(at - now);
}

fn pick_inbox<'a>(team: &'a Team, rng: &mut StdRng) -> &'a (Inbox, Channel, Vec<usize>) {
    let total: u32 = cast::INBOXES.iter().map(|i| i.weight).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (i, spec) in cast::INBOXES.iter().enumerate() {
        if roll < spec.weight {
            return &team.inboxes[i];
        }
        roll -= spec.weight;
    }
    &team.inboxes[0]
}

async fn create_team(state: &AppState, owner_email: EmailAddress) -> Result<Team, ServiceError> {
    let now = state.clock.now();
    let hash = hash_password(Password::parse(PASSWORD.to_string())?).await?;
    let workspace = Workspace {
        id: WorkspaceId::generate(),
        name: cast::WORKSPACE.to_string(),
        created_at: now,
    };
    let mut tx = state.store.begin().await?;
    store::workspaces::create(&mut tx, &workspace).await?;
    let add = |user: User, role: Role| Principal {
        user,
        workspace_id: workspace.id.clone(),
        role,
    };
    let owner_user = User {
        id: UserId::generate(),
        email: owner_email,
        name: "Maya Chen".to_string(),
        created_at: now,
    };
    store::users::create(&mut tx, &owner_user, Some(&hash)).await?;
    store::workspaces::add_member(&mut tx, &workspace.id, &owner_user.id, Role::Owner, now).await?;
    let owner = add(owner_user, Role::Owner);
    let mut people = Vec::new();
    for (name, local, admin) in cast::TEAM {
        let role = if *admin { Role::Admin } else { Role::Agent };
        let user = User {
            id: UserId::generate(),
            email: EmailAddress::parse(&format!("{local}@acme-plumbing.example"))?,
            name: (*name).to_string(),
            created_at: now,
        };
        store::users::create(&mut tx, &user, Some(&hash)).await?;
        store::workspaces::add_member(&mut tx, &workspace.id, &user.id, role, now).await?;
        people.push(add(user, role));
    }
    let mut inboxes = Vec::new();
    for spec in cast::INBOXES {
        let inbox = Inbox {
            emoji: spec.emoji.to_string(),
            color: spec.color.to_string(),
            purpose: domain::text::Word::parse(spec.purpose).unwrap_or(Purpose::General),
            registration: if spec.approved {
                Registration::Approved
            } else {
                Registration::Pending
            },
            ..Inbox::shared(&workspace.id, spec.name, now)
        };
        store::inboxes::create(&mut tx, &inbox).await?;
        for member in spec.members {
            store::inboxes::add_member(&mut tx, &inbox.id, &people[*member].user.id, now).await?;
        }
        let channel = Channel {
            id: ChannelId::generate(),
            inbox_id: inbox.id.clone(),
            kind: ChannelKind::Sms,
            provider: Provider::Simulator,
            address: PhoneNumber::parse(spec.number, "US")?.as_str().to_string(),
            settings: "{}".to_string(),
            created_at: now,
        };
        store::channels::create(&mut tx, &channel).await?;
        inboxes.push((inbox, channel, spec.members.to_vec()));
    }
    tx.commit().await?;
    Ok(Team {
        workspace_id: workspace.id,
        owner,
        people,
        inboxes,
    })
}

async fn create_contacts(
    state: &AppState,
    team: &Team,
    rng: &mut StdRng,
) -> Result<Vec<Contact>, ServiceError> {
    let now = state.clock.now();
    let mut contacts = Vec::new();
    let mut tx = state.store.begin().await?;
    for i in 0..CUSTOMERS {
        let first = cast::FIRST_NAMES[i % cast::FIRST_NAMES.len()];
        let last = cast::LAST_NAMES[(i / cast::FIRST_NAMES.len()) % cast::LAST_NAMES.len()];
        let area = cast::AREA_CODES[i / 100 % cast::AREA_CODES.len()];
        let phone = PhoneNumber::parse(&format!("({area}) 555-01{:02}", i % 100), "US")?;
        let email = rng
            .gen_bool(0.5)
            .then(|| {
                let local: String = format!("{first}.{last}{i}")
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_lowercase();
                EmailAddress::parse(&format!("{local}@example.com"))
            })
            .transpose()?;
        let owner_id = rng.gen_bool(0.3).then(|| {
            team.people[rng.gen_range(0..team.people.len())]
                .user
                .id
                .clone()
        });
        let contact = Contact {
            id: ContactId::generate(),
            workspace_id: team.workspace_id.clone(),
            name: format!("{first} {last}"),
            phone: Some(phone),
            email,
            owner_id,
            opted_out_at: None,
            // The demo talks through simulator numbers: its customers are simulated phones.
            simulated: true,
            created_at: now,
            updated_at: now,
        };
        store::contacts::create(&mut tx, &contact).await?;
        contacts.push(contact);
    }
    tx.commit().await?;
    Ok(contacts)
}
