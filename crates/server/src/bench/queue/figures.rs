//! What is timed: every list view, the counts, the sidebar, one
//! conversation's timeline and detail, searches, and three actions, each
//! as the admin or the agent would ask for it over the API.

use serde_json::{json, Value};

use super::client::{text, Call, Client};
use super::dataset::TAGS;
use super::words::Words;
use crate::bench::BenchError;

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The admin: sees every inbox.
    Admin,
    /// The agent: a member of some inboxes only.
    Agent,
}

/// One figure: its name, who asks, and the calls its runs make (one for
/// all runs, or one per run for actions that change what they act on).
#[derive(Debug, Clone)]
pub struct Figure {
    /// The name in the report (`list.open.mine`, `search.rare`, …).
    pub name: String,
    /// Who asks.
    pub who: Who,
    /// The calls, used in turn.
    pub calls: Vec<Call>,
    /// The goal for its median, in milliseconds, if issue 12 set one.
    pub goal_ms: Option<f64>,
}

const LIST_GOAL: Option<f64> = Some(10.0);
const SEARCH_GOAL: Option<f64> = Some(50.0);

fn figure(name: impl Into<String>, who: Who, call: Call, goal_ms: Option<f64>) -> Figure {
    Figure {
        name: name.into(),
        who,
        calls: vec![call],
        goal_ms,
    }
}

/// The figures, with the ids they need read from the loaded database
/// through the API. `calls` is how many times each figure is called
/// (warm-up included): marking done needs as many open conversations.
pub async fn plan(admin: &Client, agent: &Client, calls: usize) -> Result<Vec<Figure>, BenchError> {
    let list =
        |client: &Client, query: &str| Call::Get(client.ws(&format!("/conversations?{query}")));
    let mut figures = Vec::new();
    let tabs = ["open", "done", "snoozed"];
    let segments = [
        ("unassigned", "&assignee=none"),
        ("mine", "&assignee=me"),
        ("others", "&assignee=others"),
        ("all", ""),
    ];
    for tab in tabs {
        for (segment, filter) in segments {
            let call = list(agent, &format!("view={tab}{filter}"));
            figures.push(figure(
                format!("list.{tab}.{segment}"),
                Who::Agent,
                call,
                LIST_GOAL,
            ));
        }
    }
    for (name, query) in [
        ("list.admin.open.all", "view=open"),
        ("list.admin.open.unassigned", "view=open&assignee=none"),
        ("list.admin.done.all", "view=done"),
    ] {
        figures.push(figure(name, Who::Admin, list(admin, query), LIST_GOAL));
    }
    let inboxes = agent.call(&Call::Get(agent.ws("/inboxes"))).await?;
    let inbox = text(&inboxes, "/items/0/id")?;
    figures.push(figure(
        "list.inbox.open.all",
        Who::Agent,
        list(agent, &format!("view=open&inbox={inbox}")),
        LIST_GOAL,
    ));

    // Ids and names the filters and searches need, from the agent's open queue.
    let first = agent.call(&list(agent, "view=open&limit=200")).await?;
    let item = first
        .pointer("/items/0")
        .cloned()
        .ok_or(BenchError::Options(
            "the agent's open queue is empty: load more conversations",
        ))?;
    let contact_id = text(&item, "/contact/id")?;
    let contact_name = text(&item, "/contact/name")?;
    let phone = text(&item, "/contact/phone")?;
    let conversation = text(&item, "/id")?;
    let others = admin
        .call(&Call::Get(admin.ws(&format!("/inboxes/{inbox}/members"))))
        .await?;
    let colleague = others
        .pointer("/items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.pointer("/id").and_then(Value::as_str))
        .find(|id| *id != agent.user_id)
        .map(str::to_string)
        .ok_or(BenchError::Options("the agent's inbox has no other member"))?;
    for (name, query) in [
        ("filter.status", "view=all&status=pending".to_string()),
        ("filter.priority", "priority=high".to_string()),
        ("filter.tag", format!("tag={}", TAGS[1])),
        ("filter.unread", "unread=true".to_string()),
        ("filter.contact_owner", "contact_owner=me".to_string()),
        ("filter.contact", format!("view=all&contact={contact_id}")),
        ("filter.assignee", format!("assignee={colleague}")),
        ("sort.created", "sort=created".to_string()),
        ("sort.priority", "sort=priority".to_string()),
        ("sort.waiting", "sort=waiting".to_string()),
        ("sort.due", "sort=due".to_string()),
    ] {
        figures.push(figure(name, Who::Agent, list(agent, &query), LIST_GOAL));
    }
    // Page 2 of the open queue (of 2-item pages when a tiny dataset has no second page of 50).
    let mut page = "view=open";
    if agent
        .call(&list(agent, page))
        .await?
        .pointer("/next_cursor")
        .and_then(Value::as_str)
        .is_none()
    {
        page = "view=open&limit=2";
    }
    let cursor = text(&agent.call(&list(agent, page)).await?, "/next_cursor")?;
    let encoded: String = url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
    figures.push(figure(
        "page2.open.all",
        Who::Agent,
        list(agent, &format!("{page}&cursor={encoded}")),
        LIST_GOAL,
    ));

    figures.push(figure(
        "counts.agent",
        Who::Agent,
        Call::Get(agent.ws("/conversations/counts")),
        LIST_GOAL,
    ));
    figures.push(figure(
        "counts.admin",
        Who::Admin,
        Call::Get(admin.ws("/conversations/counts")),
        LIST_GOAL,
    ));
    figures.push(figure(
        "sidebar.agent",
        Who::Agent,
        Call::Get(agent.ws("/inboxes")),
        LIST_GOAL,
    ));
    figures.push(figure(
        "sidebar.admin",
        Who::Admin,
        Call::Get(admin.ws("/inboxes")),
        LIST_GOAL,
    ));
    figures.push(figure(
        "timeline",
        Who::Agent,
        Call::Get(agent.ws(&format!("/conversations/{conversation}/timeline"))),
        None,
    ));
    figures.push(figure(
        "detail",
        Who::Agent,
        Call::Get(agent.ws(&format!("/conversations/{conversation}"))),
        None,
    ));

    let words = Words::new();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let digits = digits[digits.len().saturating_sub(7)..].to_string();
    for (name, q) in [
        (
            "search.rare",
            words.at(super::words::VOCABULARY - 1).to_string(),
        ),
        ("search.common", "thanks".to_string()),
        ("search.contact_name", contact_name),
        ("search.phone_digits", digits),
        ("search.prefix", "sched".to_string()),
    ] {
        let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        figures.push(figure(
            name,
            Who::Admin,
            list(admin, &format!("view=all&q={q}")),
            SEARCH_GOAL,
        ));
    }

    // Actions, as the admin on the agent's inbox: assign back and forth
    // between two members, mark distinct conversations done, add notes.
    let targets = admin
        .call(&list(admin, &format!("view=open&inbox={inbox}&limit=200")))
        .await?;
    let open: Vec<String> = targets
        .pointer("/items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.pointer("/id").and_then(Value::as_str).map(str::to_string))
        .collect();
    if open.len() < calls + 1 {
        return Err(BenchError::Options(
            "too few open conversations for the actions: load more or run fewer",
        ));
    }
    let assign_on = admin.ws(&format!("/conversations/{}/assign", open[0]));
    let assign = [&agent.user_id, &colleague]
        .iter()
        .map(|user| Call::Post(assign_on.clone(), json!({ "user_id": user })))
        .collect();
    figures.push(Figure {
        name: "action.assign".into(),
        who: Who::Admin,
        calls: assign,
        goal_ms: None,
    });
    let done = open[1..=calls]
        .iter()
        .map(|id| Call::Post(admin.ws(&format!("/conversations/{id}/done")), Value::Null))
        .collect();
    figures.push(Figure {
        name: "action.done".into(),
        who: Who::Admin,
        calls: done,
        goal_ms: None,
    });
    let note = Call::Post(
        admin.ws(&format!("/conversations/{}/messages", open[0])),
        json!({ "kind": "note", "body": "Bench note: checked the queue." }),
    );
    figures.push(figure("action.note", Who::Admin, note, None));
    Ok(figures)
}
