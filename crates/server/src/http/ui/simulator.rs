//! `GET /simulator`: the phone simulator's page. The server renders the
//! numbers there are to text; `static/simulator.js` plays the phone through
//! the JSON endpoints of [`crate::http::simulator_api`].

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use store::simulator::SimulatorNumber;

use super::{assets, render, Chrome};
use crate::http::error::ApiError;
use crate::services::simulator;
use crate::services::state::AppState;

/// The colour shown for an inbox whose own colour is not a `#hex` colour.
const FALLBACK_COLOR: &str = "#64748b";

/// The simulator page.
#[derive(Debug, Template)]
#[template(path = "simulator.html")]
pub struct SimulatorPage {
    /// The layout.
    pub chrome: Chrome,
    /// The script's fingerprinted URL.
    pub script: String,
    /// The businesses and their numbers, in order.
    pub businesses: Vec<Business>,
}

/// One business's simulator numbers. Its name is not shown: the page is
/// anonymous, and which businesses run on this server is theirs to tell.
#[derive(Debug, Clone)]
pub struct Business {
    /// The workspace, to group by (not shown).
    pub workspace_id: domain::WorkspaceId,
    /// Its numbers.
    pub numbers: Vec<NumberView>,
}

/// One number a customer can text, as the page shows it.
#[derive(Debug, Clone)]
pub struct NumberView {
    /// E.164, as the API takes it.
    pub number: String,
    /// For people: `(415) 555-0100`.
    pub display: String,
    /// The inbox's name.
    pub inbox_name: String,
    /// The inbox's emoji.
    pub emoji: String,
    /// The inbox's colour, a checked `#hex` (the script sets it as a CSS variable).
    pub color: String,
    /// What the phone calls the other end: the inbox's name.
    pub business: String,
}

/// `GET /simulator`.
pub async fn page(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let numbers = simulator::numbers(&state).await?;
    render(&SimulatorPage {
        chrome: Chrome::new("Phone simulator"),
        script: assets::url("simulator.js"),
        businesses: group(numbers),
    })
}

/// Groups numbers (already sorted by workspace) under their workspace.
fn group(numbers: Vec<SimulatorNumber>) -> Vec<Business> {
    let mut businesses: Vec<Business> = Vec::new();
    for n in numbers {
        let view = NumberView {
            number: n.number.as_str().to_string(),
            display: display_number(n.number.as_str()),
            inbox_name: n.inbox_name.clone(),
            emoji: n.emoji,
            color: checked_color(&n.color).to_string(),
            business: n.inbox_name.clone(),
        };
        match businesses.last_mut() {
            Some(last) if last.workspace_id == n.workspace_id => last.numbers.push(view),
            _ => businesses.push(Business {
                workspace_id: n.workspace_id,
                numbers: vec![view],
            }),
        }
    }
    businesses
}

/// `+14155550100` as `(415) 555-0100`; other countries stay in E.164.
pub fn display_number(e164: &str) -> String {
    match e164.strip_prefix("+1") {
        Some(n) if n.len() == 10 && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..])
        }
        _ => e164.to_string(),
    }
}

/// The colour if it is `#rgb` or `#rrggbb`, else the fallback: it ends up
/// in a CSS variable, so nothing else may pass.
pub(crate) fn checked_color(color: &str) -> &str {
    let hex = color.strip_prefix('#').unwrap_or("");
    if matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        color
    } else {
        FALLBACK_COLOR
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::PhoneNumber;

    fn number(workspace: &str, inbox: &str, e164: &str) -> SimulatorNumber {
        SimulatorNumber {
            number: PhoneNumber::from_trusted(e164.into()),
            inbox_name: inbox.into(),
            emoji: "🛟".into(),
            color: "#2563eb".into(),
            // The name stands for the workspace: only equality matters here.
            workspace_id: domain::WorkspaceId::from_trusted(workspace.to_string()),
        }
    }

    #[test]
    fn numbers_are_grouped_by_business_in_order() {
        let (acme, zenith) = ("Acme", "Zenith");
        let grouped = group(vec![
            number(acme, "Sales", "+14155550101"),
            number(acme, "Support", "+14155550100"),
            number(zenith, "Front desk", "+442071838750"),
        ]);
        let sizes: Vec<usize> = grouped.iter().map(|b| b.numbers.len()).collect();
        assert_eq!(sizes, vec![2, 1]);
        assert_eq!(grouped[0].numbers[1].display, "(415) 555-0100");
        assert_eq!(grouped[0].numbers[1].business, "Support");
        assert_eq!(grouped[1].numbers[0].display, "+442071838750");
    }

    #[test]
    fn only_hex_colours_reach_the_page() {
        assert_eq!(checked_color("#16a34a"), "#16a34a");
        assert_eq!(checked_color("#fff"), "#fff");
        for bad in ["red", "#12345", "#16a34a;background:url(x)", "", "#ggg"] {
            assert_eq!(checked_color(bad), FALLBACK_COLOR, "{bad}");
        }
    }

    #[test]
    fn the_page_escapes_inbox_names() {
        let mut evil = number(
            "<b>Acme</b>",
            "<img src=x onerror=alert(1)>",
            "+14155550100",
        );
        evil.emoji = "\"><script>".into();
        let html = SimulatorPage {
            chrome: Chrome::new("Phone simulator"),
            script: "/static/simulator.js".into(),
            businesses: group(vec![evil]),
        }
        .render()
        .unwrap();
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(!html.contains("<b>Acme"), "{html}");
        assert!(!html.contains("\"><script>"), "{html}");
        assert!(
            html.contains("&#60;img src=x onerror=alert(1)&#62;"),
            "{html}"
        );
    }
}
