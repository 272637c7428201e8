//! The queue: filters, pages, counts, and bad query values.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::{get, ids, post, three_conversations};
use crate::helpers::{assert_problem, json_of, spawn_app};

on_both_backends!(
    the_queue_filters_by_assignee_priority_tag_text_and_unread,
    the_queue_pages_with_a_cursor_and_counts_in_one_answer,
    an_unknown_query_value_is_a_validation_problem_naming_the_parameter,
    the_queue_lists_one_contacts_conversations_and_finds_words_by_their_start,
    a_search_marks_the_words_it_found_in_an_escaped_snippet_and_stays_in_the_callers_inboxes,
);

async fn a_search_marks_the_words_it_found_in_an_escaped_snippet_and_stays_in_the_callers_inboxes(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let support = app
        .new_conversation(
            &seed,
            "+14155550111",
            "<b>Refund</b> me & thanks <i>now</i>",
        )
        .await;
    // Ben's other inbox, which Ana is not in, has a newer refund.
    let sales = app.extra_inbox(&seed, "Sales", &[&seed.ben]).await;
    app.text_channel(&sales, "+14155550112", "A refund for the quote")
        .await;
    let search = |user, q: &'static str| {
        let (app, seed) = (&app, &seed);
        async move { get(app, seed, user, &format!("/conversations?q={q}")).await }
    };

    let found = search(&seed.ana, "refu").await;
    assert_eq!(ids(&found), [support.as_str()], "only Support's, for Ana");
    assert_eq!(
        found["items"][0]["snippet"],
        "&lt;b&gt;<mark>Refund</mark>&lt;/b&gt; me &amp; thanks &lt;i&gt;now&lt;/i&gt;"
    );
    assert_eq!(ids(&search(&seed.ben, "refund").await).len(), 2);
    // Found by the contact's phone digits, typed as people do: no snippet.
    let by_phone = search(&seed.ana, "(415)%20555-0111").await;
    assert_eq!(ids(&by_phone), [support.as_str()]);
    assert_eq!(by_phone["items"][0]["snippet"], Value::Null);
    // No search, no snippet.
    let all = search(&seed.ana, "").await;
    assert_eq!(all["items"][0]["snippet"], Value::Null);
}

async fn the_queue_lists_one_contacts_conversations_and_finds_words_by_their_start(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let (anas, _, _) = three_conversations(&app, &seed).await;
    let ana = &seed.ana;
    let detail = get(&app, &seed, ana, &format!("/conversations/{anas}")).await;
    let contact = detail["contact"]["id"].as_str().unwrap().to_string();
    let list = |query: String| {
        let (app, seed) = (&app, &seed);
        async move { ids(&get(app, seed, ana, &format!("/conversations?{query}")).await) }
    };
    assert_eq!(
        list(format!("contact={contact}&view=all")).await,
        [anas.as_str()]
    );
    // "invo" is the start of "invoice"; "nvoice" is not the start of a word.
    assert_eq!(list("q=invo".into()).await, [anas.as_str()]);
    assert_eq!(list("q=INVO%20wro".into()).await, [anas.as_str()]);
    assert!(list("q=nvoice".into()).await.is_empty());
}

async fn the_queue_filters_by_assignee_priority_tag_text_and_unread(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let (anas, bens, nobodys) = three_conversations(&app, &seed).await;
    let ana = &seed.ana;
    let list = |query: &'static str| {
        let (app, seed) = (&app, &seed);
        async move { ids(&get(app, seed, ana, &format!("/conversations?{query}")).await) }
    };
    assert_eq!(list("assignee=me").await, [anas.as_str()]);
    assert_eq!(list("assignee=none").await, [nobodys.as_str()]);
    assert_eq!(list("assignee=others").await, [bens.as_str()]);
    assert_eq!(
        ids(&get(
            &app,
            &seed,
            ana,
            &format!("/conversations?assignee={}", seed.ben.id)
        )
        .await),
        [bens.as_str()]
    );
    assert_eq!(list("priority=high").await, [anas.as_str()]);
    assert_eq!(list("tag=billing").await, [anas.as_str()]);
    assert_eq!(list("q=invoice").await, [anas.as_str()]);
    assert_eq!(list("status=new").await, [nobodys.as_str()]);
    assert!(list("contact_owner=me").await.is_empty());
    assert_eq!(
        ids(&get(
            &app,
            &seed,
            ana,
            &format!("/conversations?inbox={}&assignee=none", seed.inbox_id)
        )
        .await),
        [nobodys.as_str()]
    );
    assert_eq!(list("unread=true").await.len(), 3);
    assert_eq!(list("view=all").await.len(), 3);
    assert!(list("view=done").await.is_empty());

    // Newest activity first by default; the most urgent first when asked.
    let by_priority = list("sort=priority").await;
    assert_eq!(by_priority[0], anas);
    let item = &get(&app, &seed, ana, "/conversations?assignee=me").await["items"][0];
    assert_eq!(item["priority"], "high");
    assert_eq!(item["tags"], json!(["billing"]));
    assert_eq!(item["assignee_id"], ana.id.as_str());
    assert_eq!(item["inbox_id"], seed.inbox_id.as_str());
    assert!(item["version"].as_i64().unwrap() > 1);
    assert!(item["last_activity_at"].is_string());
}

async fn the_queue_pages_with_a_cursor_and_counts_in_one_answer(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let (anas, bens, nobodys) = three_conversations(&app, &seed).await;
    let first = get(&app, &seed, &seed.ana, "/conversations?limit=2").await;
    assert_eq!(ids(&first).len(), 2);
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let second = get(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations?limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(ids(&second).len(), 1);
    assert_eq!(second["next_cursor"], Value::Null);
    let mut all: Vec<String> = ids(&first).into_iter().chain(ids(&second)).collect();
    all.sort();
    let mut expected = vec![anas, bens, nobodys.clone()];
    expected.sort();
    assert_eq!(all, expected);

    let counts = get(&app, &seed, &seed.ana, "/conversations/counts").await;
    assert_eq!(
        counts,
        json!({ "unassigned": 1, "mine": 1, "assigned_others": 1, "open": 3, "done": 0, "snoozed": 0 })
    );
    json_of(
        post(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{nobodys}/done"),
            None,
        )
        .await,
        200,
    )
    .await;
    let counts = get(&app, &seed, &seed.ben, "/conversations/counts?tag=billing").await;
    assert_eq!(
        counts,
        json!({ "unassigned": 0, "mine": 0, "assigned_others": 1, "open": 1, "done": 0, "snoozed": 0 })
    );
    let counts = get(&app, &seed, &seed.ben, "/conversations/counts").await;
    assert_eq!(
        (counts["done"].as_i64(), counts["mine"].as_i64()),
        (Some(1), Some(1))
    );

    let bad = app
        .api(
            &seed,
            Method::GET,
            "/conversations?cursor=nonsense",
            Some(&seed.ana),
            None,
        )
        .await;
    assert_problem(bad, 400, "validation").await;
}

async fn an_unknown_query_value_is_a_validation_problem_naming_the_parameter(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    for (query, parameter) in [
        ("view=later", "view"),
        ("status=sleeping", "status"),
        ("sort=random", "sort"),
        ("assignee=someone", "assignee"),
        ("priority=asap", "priority"),
        ("unread=maybe", "unread"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("inbox=support", "inbox"),
        ("contact_owner=you", "contact_owner"),
        ("contact=someone", "contact"),
    ] {
        let response = app
            .api(
                &seed,
                Method::GET,
                &format!("/conversations?{query}"),
                Some(&seed.ana),
                None,
            )
            .await;
        let problem = assert_problem(response, 422, "validation").await;
        assert!(
            problem["detail"].as_str().unwrap().contains(parameter),
            "{query}: {problem}"
        );
    }
    let counts = app
        .api(
            &seed,
            Method::GET,
            "/conversations/counts?view=later",
            Some(&seed.ana),
            None,
        )
        .await;
    assert_problem(counts, 422, "validation").await;
    // An inbox the caller is not in does not exist for them.
    let hidden = app
        .api(
            &seed,
            Method::GET,
            &format!("/conversations?inbox={}", seed.inbox_id),
            Some(&seed.outsider),
            None,
        )
        .await;
    assert_problem(hidden, 404, "not_found").await;
}
