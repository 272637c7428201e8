//! Pictures in the web app's timeline: a customer's at the provider's
//! address, the team's through the message; never an SVG inline.

use store::Backend;

use super::super::{story, CUSTOMER};
use super::{replied_with, uploaded};

on_both_backends!(the_timeline_shows_pictures_inline_both_ways_and_never_an_svg);

async fn the_timeline_shows_pictures_inline_both_ways_and_never_an_svg(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let jpeg = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1";
    let svg = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2";
    let texted = s
        .standin
        .send_inbound_sms(
            &s.app.twilio_hook(&s.channel, "sms"),
            CUSTOMER,
            &s.channel.address,
            "",
            &[(jpeg, "image/jpeg"), (svg, "image/svg+xml")],
        )
        .await
        .unwrap();
    assert_eq!(texted.status(), 200);
    let conversation = s.conversation_of(CUSTOMER).await;
    let media = uploaded(&s).await;
    let posted = replied_with(&s, &conversation, "This one?", &media).await;
    let message = posted["message"]["id"].as_str().unwrap().to_string();

    // Ana's browser session (this app's client keeps no cookies).
    let mut tx = s.app.store.begin().await.unwrap();
    let ana = domain::UserId::parse(&s.seed.ana.id).unwrap();
    let now = s.app.state.clock.now();
    let (cookie, _) =
        store::sessions::create(&mut tx, &ana, now, std::time::Duration::from_secs(600))
            .await
            .unwrap();
    tx.commit().await.unwrap();
    let page = s
        .app
        .client
        .get(format!(
            "{}/w/{}/c/{conversation}/timeline",
            s.app.address, s.seed.workspace_id
        ))
        .header("cookie", format!("switchboard_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The customer's JPEG inline, at Twilio's address.
    assert!(page.contains(&format!("<img src=\"{jpeg}\"")), "{page}");
    // Their SVG only as a link: a browser would run its script.
    assert!(!page.contains(&format!("<img src=\"{svg}\"")), "{page}");
    assert!(page.contains(&format!("href=\"{svg}\"")), "{page}");
    // The team's own picture through the message, not the public link.
    let own = format!(
        "<img src=\"/api/v1/workspaces/{}/messages/{message}/media/0\"",
        s.seed.workspace_id
    );
    assert!(page.contains(&own), "{page}");
    assert!(!page.contains("/media/sbm_"), "{page}");
}
