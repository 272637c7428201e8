//! One contact's page (`/w/{ws}/contacts/{id}`: edit it, delete it) and the
//! form for a new one (`/w/{ws}/contacts/new`). A refusal about what was
//! typed (a phone number that is not one, an address another contact has)
//! shows the form again with the message and the fields as typed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::{Action, ContactId, DomainError, UserId};
use serde::Deserialize;

use super::contact_id;
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::pages::settings::{shown_on_page, Frame, Item};
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::{render, Chrome};
use crate::services::accounts::members as people;
use crate::services::contacts::{
    self, parse_email, parse_name, parse_phone, ContactChanges, NewContact,
};
use crate::services::state::AppState;

/// A contact's form: a new one's, or an existing one's with its delete card.
#[derive(Debug, Template)]
#[template(path = "contacts/edit.html")]
pub struct EditPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// The contact's id; `None` on the new contact's form.
    pub id: Option<String>,
    /// What the fields hold.
    pub form: EditForm,
    /// Who may own it.
    pub people: Vec<Item>,
    /// Why the last change was refused.
    pub error: Option<String>,
    /// What deleting the contact would take; `None` on the new contact's form.
    pub deletion: Option<Deletion>,
}

/// The delete card of a contact's page.
#[derive(Debug, Clone)]
pub struct Deletion {
    /// The conversations deleted with the contact.
    pub conversations: i64,
    /// Why the viewer may not delete it: the control is shown disabled with this.
    pub refused: Option<String>,
}

/// The contact form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Phone, as typed: read in the server's default region unless it starts with `+`.
    #[serde(default)]
    pub phone: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Owner's user id, or empty for nobody.
    #[serde(default)]
    pub owner_id: String,
}

impl EditForm {
    /// Parses the fields into domain types; an empty field is no value.
    fn parse(&self, region: &str) -> Result<NewContact, DomainError> {
        let owner_id = optional(&self.owner_id)
            .map(|o| {
                UserId::parse(o).map_err(|_| DomainError::invalid("owner_id", "choose someone"))
            })
            .transpose()?;
        Ok(NewContact {
            name: parse_name(&self.name)?,
            phone: optional(&self.phone)
                .map(|p| parse_phone(p, region))
                .transpose()?,
            email: optional(&self.email).map(parse_email).transpose()?,
            owner_id,
        })
    }
}

/// The form sets every field: an empty one clears it.
fn changes(new: NewContact) -> ContactChanges {
    ContactChanges {
        name: Some(new.name),
        phone: Some(new.phone),
        email: Some(new.email),
        owner_id: Some(new.owner_id),
    }
}

fn optional(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|s| !s.is_empty())
}

/// The delete form: the box that confirms it.
#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    /// `yes` when ticked.
    #[serde(default)]
    pub confirm: String,
}

/// The page of the contact `id` (or of a new one) with `form` in its fields.
async fn form_page(
    state: &AppState,
    agent: &Agent,
    id: Option<&ContactId>,
    form: EditForm,
    error: Option<String>,
) -> Result<EditPage, ApiError> {
    let people = people::list(state, &agent.who)
        .await?
        .into_iter()
        .map(|(user, role)| Item {
            id: user.id.to_string(),
            label: user.name,
            detail: domain::text::Word::as_str(role).to_string(),
            away: None,
        })
        .collect();
    let deletion = match id {
        Some(id) => {
            let conversations = contacts::conversation_count(state, &agent.who, id).await?;
            let refused = contacts::may_delete(&agent.who, conversations)
                .err()
                .map(|e| sentence(e.detail()));
            Some(Deletion {
                conversations,
                refused,
            })
        }
        None => None,
    };
    let title = match (id, form.name.is_empty()) {
        (None, _) => "New contact".to_string(),
        (Some(_), true) => "Contact".to_string(),
        (Some(_), false) => form.name.clone(),
    };
    Ok(EditPage {
        chrome: Chrome::new(title),
        frame: Frame::of(agent),
        id: id.map(ToString::to_string),
        form,
        people,
        error,
        deletion,
    })
}

/// The contact's page with its stored values and `error`.
async fn stored_page(
    state: &AppState,
    agent: &Agent,
    id: &ContactId,
    error: Option<String>,
) -> Result<Response, ApiError> {
    let c = contacts::get(state, &agent.who, id).await?;
    let form = EditForm {
        name: c.name,
        phone: c.phone.map(|p| p.as_str().to_string()).unwrap_or_default(),
        email: c.email.map(|e| e.to_string()).unwrap_or_default(),
        owner_id: c.owner_id.map(|o| o.to_string()).unwrap_or_default(),
    };
    Ok(render(&form_page(state, agent, Some(id), form, error).await?)?.into_response())
}

/// After a save: back to the list with `notice`, or the form again with
/// what was typed and why it was refused.
async fn after_save(
    state: &AppState,
    agent: &Agent,
    jar: CookieJar,
    id: Option<&ContactId>,
    form: EditForm,
    done: Result<(), ApiError>,
    notice: &str,
) -> Result<Response, ApiError> {
    match done {
        Ok(()) => {
            let jar = cookies::flash(jar, notice);
            let list = format!("/w/{}/contacts", agent.who.workspace_id);
            Ok((jar, Redirect::to(&list)).into_response())
        }
        Err(error) if shown_on_page(&error) => {
            let detail = Some(sentence(error.public_detail()));
            Ok(render(&form_page(state, agent, id, form, detail).await?)?.into_response())
        }
        Err(error) => Err(error),
    }
}

/// `GET /w/{ws}/contacts/{id}`.
pub async fn edit_page(
    State(state): State<AppState>,
    agent: Agent,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::UseWorkspace)?;
    let id = contact_id(&id)?;
    stored_page(&state, &agent, &id, None).await
}

/// `POST /w/{ws}/contacts/{id}`.
pub async fn edit(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::UseWorkspace)?;
    let id = contact_id(&id)?;
    let done = match form.parse(&state.settings.default_region) {
        Ok(new) => contacts::update(&state, &agent.who, &id, changes(new))
            .await
            .map(drop)
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    after_save(&state, &agent, jar, Some(&id), form, done, "Contact saved.").await
}

/// `GET /w/{ws}/contacts/new`.
pub async fn new_page(State(state): State<AppState>, agent: Agent) -> Result<Response, ApiError> {
    agent.who.may(Action::UseWorkspace)?;
    let page = form_page(&state, &agent, None, EditForm::default(), None).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /w/{ws}/contacts`: adds a contact.
pub async fn create(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::UseWorkspace)?;
    let done = match form.parse(&state.settings.default_region) {
        Ok(new) => contacts::create(&state, &agent.who, new)
            .await
            .map(drop)
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    after_save(&state, &agent, jar, None, form, done, "Contact added.").await
}

/// `POST /w/{ws}/contacts/{id}/delete`: deletes the contact (and their
/// conversations) once the confirming box is ticked.
pub async fn delete(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::UseWorkspace)?;
    let id = contact_id(&id)?;
    let done = if form.confirm == "yes" {
        contacts::delete(&state, &agent.who, &id)
            .await
            .map_err(ApiError::from)
    } else {
        Err(ApiError::unprocessable(
            "validation",
            "tick the box to confirm the deletion",
        ))
    };
    match done {
        Ok(()) => {
            let jar = cookies::flash(jar, "Contact deleted.");
            let list = format!("/w/{}/contacts", agent.who.workspace_id);
            Ok((jar, Redirect::to(&list)).into_response())
        }
        // A conversation may have arrived since the page was shown: the
        // refusal is shown on it like any other.
        Err(error) if shown_on_page(&error) || error.status() == StatusCode::FORBIDDEN => {
            let detail = Some(sentence(error.public_detail()));
            stored_page(&state, &agent, &id, detail).await
        }
        Err(error) => Err(error),
    }
}
