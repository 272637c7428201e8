//! The queue page over plain HTTP, as a browser without the script reads
//! it: past the first hundred rows a "Show more" link leads to the next
//! page, which ends the list.

use crate::helpers::signed_in_as_ana;

/// How many conversation rows a queue page lists.
fn rows(page: &str) -> usize {
    page.matches("data-conversation=\"").count()
}

#[tokio::test]
async fn past_a_hundred_rows_the_queue_links_to_the_next_page_without_the_script() {
    let Some((app, seed, _csrf)) = signed_in_as_ana().await else {
        return;
    };
    for n in 0..105 {
        app.new_conversation(&seed, &format!("+1415555{:04}", 5000 + n), "Hi")
            .await;
    }
    let url = format!("{}/w/{}?sort=waiting", app.address, seed.workspace_id);
    let first = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&first), 100);
    let start = first.find("id=\"queue-more\"").expect("a Show more row");
    let href_at = first[start..].find("href=\"").unwrap() + start + 6;
    let href = &first[href_at..href_at + first[href_at..].find('"').unwrap()];
    let href = href.replace("&amp;", "&").replace("&#38;", "&");
    assert!(
        href.contains("sort=waiting") && href.contains("after="),
        "{href}"
    );

    let second = app
        .client
        .get(format!("{}{href}", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&second), 5);
    assert!(!second.contains("id=\"queue-more\""));
    // The rows of the second page are not those of the first.
    let first_ids: Vec<&str> = first
        .split("data-conversation=\"")
        .skip(1)
        .map(|s| &s[..36])
        .collect();
    assert!(second
        .split("data-conversation=\"")
        .skip(1)
        .all(|s| !first_ids.contains(&&s[..36])));

    // A cursor that is not one comes back to the first page.
    let bad = app
        .client
        .get(format!("{url}&after=nonsense"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 200);
    assert_eq!(rows(&bad.text().await.unwrap()), 100);
}
