//! A real SMTP server on loopback for the email stories: Python's aiosmtpd
//! (`scripts/smtp-sink.py`, installed by `scripts/test` into
//! `target/venv-smtp`), which writes each message it accepts to a directory.
//! Without it the tests that need it say so and pass; with `CI=true` they fail.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use mail_parser::MessageParser;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running sink; stopped and its directory removed when dropped.
#[derive(Debug)]
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`, for `smtp_url`.
    pub url: String,
    dir: PathBuf,
    _child: Child,
}

/// One message the sink accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope's recipients.
    pub rcpt_to: String,
    /// The `From` header.
    pub from: String,
    /// The `Subject` header.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// The message as it arrived, headers included.
    pub raw: String,
}

impl SmtpSink {
    /// Starts a sink that accepts everything.
    pub async fn start() -> Option<Self> {
        Self::start_with(&[]).await
    }

    /// Starts a sink with `scripts/smtp-sink.py` options
    /// (`--refuse-recipient ADDR`, `--fail-data N`).
    pub async fn start_with(args: &[&str]) -> Option<Self> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let python = root.join("target/venv-smtp/bin/python");
        if !python.exists() {
            let why = "the SMTP sink is not installed (scripts/test installs aiosmtpd into target/venv-smtp)";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
            eprintln!("SKIPPED: {why}");
            return None;
        }
        let dir = std::env::temp_dir().join(format!(
            "switchboard-smtp-{}",
            uuid_like(std::process::id())
        ));
        let mut child = Command::new(python)
            .arg(root.join("scripts/smtp-sink.py"))
            .arg(&dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the SMTP sink starts");
        let stdout = child.stdout.take().expect("its stdout");
        let mut first = String::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut first),
        )
        .await
        .expect("the SMTP sink says its port in time")
        .expect("its port");
        let port: u16 = first.trim().parse().expect("a port number");
        Some(Self {
            url: format!("smtp://127.0.0.1:{port}"),
            dir,
            _child: child,
        })
    }

    /// Every message received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut names: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| parse(&std::fs::read_to_string(p).expect("a message")))
            .collect()
    }

    /// Waits until at least `count` messages arrived (at most 10 s).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn parse(raw: &str) -> Received {
    let message = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a MIME message");
    let header = |name: &str| {
        raw.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_default()
            .to_string()
    };
    Received {
        rcpt_to: header("X-Sink-Rcpt-To"),
        from: header("From"),
        subject: message.subject().unwrap_or_default().to_string(),
        text: message
            .body_text(0)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        raw: raw.to_string(),
    }
}

/// A name no other test's sink has.
fn uuid_like(pid: u32) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{pid}-{}-{nanos}", NEXT.fetch_add(1, Ordering::Relaxed))
}
