//! Contacts: the customers. Any member of the workspace may find, add and
//! edit them (the handlers check [`domain::Action::UseWorkspace`]); a phone
//! number or email address belongs to at most one contact per workspace.

pub mod import;

use chrono::SubsecRound;
use domain::{Contact, ContactId, DomainError, EmailAddress, PhoneNumber, UserId, WorkspaceId};
use store::{Conn, Page, StoreError};

use super::access::Principal;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The longest contact name kept.
const MAX_NAME_CHARS: usize = 200;

/// A new contact, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    /// Display name, possibly empty.
    pub name: String,
    /// Mobile number.
    pub phone: Option<PhoneNumber>,
    /// Email address.
    pub email: Option<EmailAddress>,
    /// The user who owns the relationship.
    pub owner_id: Option<UserId>,
}

/// What `PATCH /contacts/{id}` changes, already parsed. `None` leaves a
/// field as it is; `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactChanges {
    /// New name.
    pub name: Option<String>,
    /// New or no phone number.
    pub phone: Option<Option<PhoneNumber>>,
    /// New or no email address.
    pub email: Option<Option<EmailAddress>>,
    /// New or no owner.
    pub owner_id: Option<Option<UserId>>,
}

/// Checks a contact's name: trimmed, at most 200 characters, no control
/// characters. It may be empty: a texter's name is often unknown.
pub fn parse_name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid(
            "name",
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "name",
            "must not contain control characters",
        ));
    }
    Ok(name.to_string())
}

/// Parses a phone number as people of `region` write it, naming the field
/// in the error.
pub fn parse_phone(raw: &str, region: &str) -> Result<PhoneNumber, DomainError> {
    PhoneNumber::parse(raw, region).map_err(|e| DomainError::invalid("phone", e.to_string()))
}

/// Parses an email address, naming the field in the error.
pub fn parse_email(raw: &str) -> Result<EmailAddress, DomainError> {
    EmailAddress::parse(raw).map_err(|e| DomainError::invalid("email", e.to_string()))
}

/// A page of the workspace's contacts by name; with `q`, those whose name,
/// phone or email contains it.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id, limit), err(level = "debug"))]
pub async fn search(
    state: &AppState,
    who: &Principal,
    q: Option<&str>,
    limit: u32,
    cursor: Option<&str>,
) -> Result<Page<Contact>, ServiceError> {
    let mut reader = state.store.read().await?;
    Ok(store::contacts::search(&mut reader.conn(), &who.workspace_id, q, limit, cursor).await?)
}

/// One contact of the caller's workspace.
#[tracing::instrument(skip_all, fields(contact_id = %id), err(level = "debug"))]
pub async fn get(
    state: &AppState,
    who: &Principal,
    id: &ContactId,
) -> Result<Contact, ServiceError> {
    let mut reader = state.store.read().await?;
    load(&mut reader.conn(), &who.workspace_id, id).await
}

/// Adds a contact. A phone or email another contact has is refused with
/// 409 `contact_exists`, naming that contact.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn create(
    state: &AppState,
    who: &Principal,
    new: NewContact,
) -> Result<Contact, ServiceError> {
    reachable(new.phone.as_ref(), new.email.as_ref())?;
    // Milliseconds, as stored: what this answers equals what a later read returns.
    let now = state.clock.now().trunc_subsecs(3);
    let mut tx = state.store.begin().await?;
    let mut conn = tx.conn();
    check_owner(&mut conn, &who.workspace_id, new.owner_id.as_ref()).await?;
    check_free(
        &mut conn,
        &who.workspace_id,
        None,
        false,
        new.phone.as_ref(),
        new.email.as_ref(),
    )
    .await?;
    let contact = Contact {
        id: ContactId::generate(),
        workspace_id: who.workspace_id.clone(),
        name: new.name,
        phone: new.phone,
        email: new.email,
        owner_id: new.owner_id,
        opted_out_at: None,
        simulated: false,
        created_at: now,
        updated_at: now,
    };
    store::contacts::create(&mut tx, &contact)
        .await
        .map_err(contact_exists)?;
    tx.commit().await?;
    Ok(contact)
}

/// Changes a contact's name, addresses or owner.
#[tracing::instrument(skip_all, fields(contact_id = %id), err(level = "debug"))]
pub async fn update(
    state: &AppState,
    who: &Principal,
    id: &ContactId,
    changes: ContactChanges,
) -> Result<Contact, ServiceError> {
    let mut tx = state.store.begin().await?;
    let mut conn = tx.conn();
    let mut contact = load(&mut conn, &who.workspace_id, id).await?;
    if let Some(owner) = &changes.owner_id {
        check_owner(&mut conn, &who.workspace_id, owner.as_ref()).await?;
    }
    let ContactChanges {
        name,
        phone,
        email,
        owner_id,
    } = changes;
    let new_phone = phone.as_ref().and_then(Option::as_ref);
    let new_email = email.as_ref().and_then(Option::as_ref);
    check_free(
        &mut conn,
        &who.workspace_id,
        Some(id),
        contact.simulated,
        new_phone,
        new_email,
    )
    .await?;
    if let Some(name) = name {
        contact.name = name;
    }
    if let Some(phone) = phone {
        contact.phone = phone;
    }
    if let Some(email) = email {
        contact.email = email;
    }
    if let Some(owner_id) = owner_id {
        contact.owner_id = owner_id;
    }
    reachable(contact.phone.as_ref(), contact.email.as_ref())?;
    // Milliseconds, as stored: what this answers equals what a later read returns.
    contact.updated_at = state.clock.now().trunc_subsecs(3);
    store::contacts::update(&mut tx, &contact)
        .await
        .map_err(contact_exists)?;
    tx.commit().await?;
    Ok(contact)
}

/// Deletes a contact, and with it their conversations in every inbox. An
/// agent may delete only a contact without conversations: the cascade would
/// otherwise remove conversations of inboxes they cannot see.
#[tracing::instrument(skip_all, fields(contact_id = %id), err(level = "debug"))]
pub async fn delete(state: &AppState, who: &Principal, id: &ContactId) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    load(&mut tx.conn(), &who.workspace_id, id).await?;
    let conversations = store::contacts::conversation_count(&mut tx.conn(), id).await?;
    may_delete(who, conversations)?;
    store::contacts::delete(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(contact_id = %id, conversations, "contact deleted");
    Ok(())
}

/// How many conversations a contact of the caller's workspace has: deleting
/// the contact deletes them too, so the page offering it says how many.
#[tracing::instrument(skip_all, fields(contact_id = %id), err(level = "debug"))]
pub async fn conversation_count(
    state: &AppState,
    who: &Principal,
    id: &ContactId,
) -> Result<i64, ServiceError> {
    let mut reader = state.store.read().await?;
    load(&mut reader.conn(), &who.workspace_id, id).await?;
    Ok(store::contacts::conversation_count(&mut reader.conn(), id).await?)
}

/// The rule [`delete`] applies, for pages to show before anyone tries: an
/// agent may delete only a contact without conversations.
pub fn may_delete(who: &Principal, conversations: i64) -> Result<(), ServiceError> {
    if conversations > 0 && !who.role.is_admin() {
        let counted = if conversations == 1 {
            "1 conversation".to_string()
        } else {
            format!("{conversations} conversations")
        };
        return Err(ServiceError::denied(format!(
            "this contact has {counted}, which would be deleted with them; \
                 only an admin can do that"
        )));
    }
    Ok(())
}

/// A contact of `workspace`; any other is "not found".
async fn load(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    id: &ContactId,
) -> Result<Contact, ServiceError> {
    store::contacts::get(conn, id)
        .await?
        .filter(|c| c.workspace_id == *workspace)
        .ok_or_else(|| ServiceError::not_found("no such contact"))
}

/// A contact nobody can write to is of no use to an inbox.
fn reachable(
    phone: Option<&PhoneNumber>,
    email: Option<&EmailAddress>,
) -> Result<(), ServiceError> {
    if phone.is_none() && email.is_none() {
        return Err(ServiceError::invalid(
            "validation",
            "phone, email: a contact needs a phone number or an email address",
        ));
    }
    Ok(())
}

/// The owner must be a person of the workspace.
async fn check_owner(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    owner: Option<&UserId>,
) -> Result<(), ServiceError> {
    let Some(owner) = owner else { return Ok(()) };
    if store::workspaces::role_of(conn, workspace, owner)
        .await?
        .is_none()
    {
        return Err(ServiceError::invalid(
            "validation",
            format!("owner_id: {owner} is not a member of this workspace"),
        ));
    }
    Ok(())
}

/// Refuses a phone or email that a contact other than `except` already has,
/// naming that contact so the client can open it instead. A simulated
/// phone's number is checked among simulated phones only, a real contact's
/// among real contacts.
async fn check_free(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    except: Option<&ContactId>,
    simulated: bool,
    phone: Option<&PhoneNumber>,
    email: Option<&EmailAddress>,
) -> Result<(), ServiceError> {
    let other = |c: &Contact| Some(&c.id) != except;
    if let Some(phone) = phone {
        if let Some(c) = store::contacts::by_phone(conn, workspace, phone, simulated)
            .await?
            .filter(other)
        {
            return Err(ServiceError::conflict(
                "contact_exists",
                format!("phone: {phone} already belongs to contact {}", c.id),
            ));
        }
    }
    if let Some(email) = email {
        if let Some(c) = store::contacts::by_email(conn, workspace, email)
            .await?
            .filter(other)
        {
            return Err(ServiceError::conflict(
                "contact_exists",
                format!("email: {email} already belongs to contact {}", c.id),
            ));
        }
    }
    Ok(())
}

/// Another writer took the phone or email between the check and the write.
fn contact_exists(error: StoreError) -> ServiceError {
    match error {
        StoreError::Duplicate(_) => ServiceError::conflict(
            "contact_exists",
            "phone, email: another contact already has this phone number or email address",
        )
        .with_source(error),
        other => other.into(),
    }
}
