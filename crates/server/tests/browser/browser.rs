//! Starting Chromium under chromedriver, and signing a browser in.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{spawn_app, Seed, TestApp};

/// A browser and a seeded SQLite app, or `None` when either is unavailable
/// (the reason was printed).
pub async fn app_and_browser() -> Option<(TestApp, Seed, Browser)> {
    let browser = start().await?;
    let app = spawn_app(store::Backend::Sqlite).await?;
    let seed = app.seed().await;
    Some((app, seed, browser))
}

/// A customer texts the seeded inbox through the simulator's endpoint.
pub async fn customer_texts(app: &TestApp, seed: &Seed, from: &str, body: &str) {
    let response = app
        .client
        .post(format!("{}/simulator/api/messages", app.address))
        .json(&json!({"from": from, "to": seed.channel.address, "body": body}))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
}

/// A headless Chromium and its chromedriver, stopped on drop.
///
/// Drop kills chromedriver and then every process of this browser's
/// Chromium, found by its own `--user-data-dir`: killing chromedriver alone
/// left Chromium running whenever a test ended without closing its session
/// or panicked (80 of them after three suite runs), and a running Chromium
/// writes its profile again after it was removed. Only when none of them is
/// left is the profile removed. They all stay in the test's process group,
/// so a run interrupted with Ctrl-C (no Drop) still stops them with the test.
/// (Chromium's crash handler has no profile argument and a session of its
/// own; it exits by itself once the browser it watches is gone.)
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    profile: std::path::PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let flag = format!("--user-data-dir={}", self.profile.display());
        // SIGKILL is delivered at once but a process takes a moment to go.
        for _ in 0..100 {
            let left = processes_with_argument(&flag);
            if left.is_empty() {
                break;
            }
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--"])
                .args(&left)
                .stderr(Stdio::null())
                .status();
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The ids of the running processes one of whose arguments is `argument`
/// (a zombie, which only waits for its parent to collect it, has none).
fn processes_with_argument(argument: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().into_string().ok()?;
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            cmdline
                .split(|&b| b == 0)
                .any(|arg| arg == argument.as_bytes())
                .then_some(pid)
        })
        .collect()
}

fn find(names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    })
}

/// Starts a browser, or `None` (after saying why) when Chromium or
/// chromedriver is missing outside CI.
pub async fn start() -> Option<Browser> {
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        let message = "BROWSER TESTS SKIPPED: chromium and chromedriver are not installed \
                       (apt-get install -y chromium chromium-driver, or run scripts/test)";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{message}");
        }
        eprintln!("\n!!!!! {message} !!!!!\n");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile =
        std::env::temp_dir().join(format!("switchboard-chromium-{}", uuid::Uuid::now_v7()));
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1440,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = String::new();
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Some(Browser {
                    client,
                    driver: child,
                    profile,
                })
            }
            Err(error) => last_error = error.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    panic!("chromedriver did not answer: {last_error}");
}

impl Browser {
    /// Signs `user_id` in by giving the browser a fresh session cookie.
    pub async fn sign_in_as(&self, app: &TestApp, user_id: &str) {
        let mut tx = app.store.begin().await.unwrap();
        let user = domain::UserId::parse(user_id).unwrap();
        let (cookie_value, _) = store::sessions::create(
            &mut tx,
            &user,
            app.state.clock.now(),
            Duration::from_secs(3600),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // A cookie can only be set on the site it belongs to.
        self.client
            .goto(&format!("{}/healthz", app.address))
            .await
            .unwrap();
        // chromedriver refuses cookies for bare IP hosts; the page may set it.
        self.client
            .execute(
                "document.cookie = 'switchboard_session=' + arguments[0] + '; path=/';",
                vec![json!(cookie_value)],
            )
            .await
            .unwrap();
    }

    /// Waits up to 10 s for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} within 10 s: {e}"))
    }

    /// Waits up to 10 s until the text of `css` contains `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) {
        let mut seen = String::new();
        for _ in 0..100 {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                seen = el.text().await.unwrap_or_default();
                if seen.contains(needle) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never said {needle:?}; it said {seen:?}");
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await.click().await.unwrap();
    }

    /// Scrolls the element matching `css` to the middle of the window, then
    /// clicks it: for controls far down a page, which WebDriver would
    /// otherwise scroll to the top edge, under the sticky top bar.
    pub async fn click_centred(&self, css: &str) {
        let element = self.wait_for(css).await;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&element).unwrap()],
            )
            .await
            .unwrap();
        element.click().await.unwrap();
    }

    /// Replaces the text of the field matching `css` with `text`, typed.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Sets the value of the field matching `css` directly (colour pickers
    /// and selects, which do not take typing).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap();
    }

    /// The current value of the field matching `css`.
    pub async fn value(&self, css: &str) -> String {
        self.wait_for(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Presses `key` on the page, as a person using a keyboard shortcut.
    pub async fn press(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await.unwrap();
    }

    /// Saves the page as `artifacts/{name}-desktop.png` (1440×900) and
    /// `artifacts/{name}-phone.png` (390×844) at the workspace's root (the
    /// folder is ignored by git), then goes back to the desktop size.
    pub async fn screenshots(&self, name: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        for (size, width, height) in [("desktop", 1440, 900), ("phone", 390, 844)] {
            self.client.set_window_size(width, height).await.unwrap();
            // Let the layout settle at the new size before taking it.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{size}.png")), png).unwrap();
        }
        self.client.set_window_size(1440, 900).await.unwrap();
    }

    /// Whether the element matching `css` is shown now.
    pub async fn is_shown(&self, css: &str) -> bool {
        match self.client.find(Locator::Css(css)).await {
            Ok(el) => el.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Waits up to 10 s until the element matching `css` is shown.
    pub async fn wait_until_shown(&self, css: &str) {
        for _ in 0..100 {
            if self.is_shown(css).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} was never shown");
    }

    /// The path of the page shown, split at `/`.
    pub async fn path_segments(&self) -> Vec<String> {
        let url = self.client.current_url().await.unwrap();
        url.path_segments()
            .map(|s| s.map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// Sets the window to a phone's size (390×844) or back to a desktop's
    /// (1440×900), and lets the layout settle.
    pub async fn resize(&self, phone: bool) {
        let (w, h) = if phone { (390, 844) } else { (1440, 900) };
        self.client.set_window_size(w, h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    /// Fails unless the page fits its window's width: nothing scrolls
    /// sideways (`what` names the page in the failure).
    pub async fn assert_fits(&self, what: &str) {
        let widths = self
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        let scroll = widths[0].as_i64().unwrap();
        let inner = widths[1].as_i64().unwrap();
        assert!(
            scroll <= inner,
            "{what} scrolls sideways: {scroll}px wide in a {inner}px window"
        );
    }

    /// Saves the page as it is now as `artifacts/{name}.png`.
    pub async fn screenshot(&self, name: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}
