//! The `switchboard` binary, run as an operator would run it.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;
use tokio::time::timeout;

/// Long enough for a loaded CI machine, short enough that a hang fails fast.
const PATIENCE: Duration = Duration::from_secs(30);

/// The binary, in `dir`, with no SWITCHBOARD_* variable from the caller's
/// environment and nothing on standard input.
pub(crate) fn switchboard(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    command
        .current_dir(dir)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    for (key, _) in std::env::vars() {
        if key.starts_with("SWITCHBOARD_") {
            command.env_remove(key);
        }
    }
    command
}

/// An empty directory of this test's own under the target directory.
pub(crate) fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(format!("{name}-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn run(command: &mut Command) -> Output {
    timeout(PATIENCE, command.output())
        .await
        .expect("the command finishes in time")
        .expect("the command starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn print_config_shows_environment_overrides_and_hides_the_password() {
    let dir = scratch_dir("print-config");
    let output = run(switchboard(&dir)
        .arg("print-config")
        .env("SWITCHBOARD_LISTEN", "127.0.0.1:9999")
        .env("SWITCHBOARD_DATABASE_URL", "postgres://app:hunter2@db/sb")
        .env("SWITCHBOARD_AUTO_CLOSE_AFTER_SECS", "60"))
    .await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("listen = \"127.0.0.1:9999\""), "{stdout}");
    assert!(
        stdout.contains("public_url = \"http://127.0.0.1:9999\""),
        "{stdout}"
    );
    assert!(stdout.contains("auto_close_after_secs = 60"), "{stdout}");
    assert!(
        stdout.contains("database_url = \"postgres://app:***@db/sb\""),
        "{stdout}"
    );
    assert!(!stdout.contains("hunter2"), "{stdout}");
}

#[tokio::test]
async fn print_config_flags_beat_the_environment_and_the_file() {
    let dir = scratch_dir("print-config-flags");
    std::fs::write(dir.join("switchboard.toml"), "log = \"debug\"\n").unwrap();
    let output = run(switchboard(&dir)
        .args(["print-config", "--listen", "127.0.0.1:7777"])
        .env("SWITCHBOARD_LISTEN", "127.0.0.1:9999"))
    .await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("listen = \"127.0.0.1:7777\""), "{stdout}");
    assert!(stdout.contains("log = \"debug\""), "{stdout}");
}

#[tokio::test]
async fn print_config_refuses_an_unknown_environment_variable_and_names_it() {
    let dir = scratch_dir("unknown-env");
    let output = run(switchboard(&dir)
        .arg("print-config")
        .env("SWITCHBOARD_LISTN", "127.0.0.1:9999"))
    .await;
    let stderr = text(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.to_lowercase().contains("listn"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn print_config_refuses_an_unknown_key_in_the_file_and_names_it() {
    let dir = scratch_dir("unknown-key");
    std::fs::write(dir.join("custom.toml"), "lisen = \"127.0.0.1:1\"\n").unwrap();
    let output = run(switchboard(&dir).args(["print-config", "--config", "custom.toml"])).await;
    let stderr = text(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("lisen"), "{stderr}");
}

#[tokio::test]
async fn migrate_creates_and_migrates_a_fresh_sqlite_file() {
    let dir = scratch_dir("migrate");
    let file = dir.join("fresh.db");
    let url = format!("sqlite://{}", file.display());
    let output = run(switchboard(&dir).args(["migrate", "--database-url", &url])).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(file.is_file());
    // Migrating again is a no-op, not an error.
    let again = run(switchboard(&dir).args(["migrate", "--database-url", &url])).await;
    assert!(again.status.success(), "{}", text(&again.stderr));
}

#[tokio::test]
async fn a_bad_database_url_gives_a_readable_error_and_a_failing_exit() {
    let dir = scratch_dir("bad-url");
    let missing_dir = format!("sqlite://{}/no/such/dir/x.db", dir.display());
    for url in ["mysql://root@127.0.0.1/switchboard", missing_dir.as_str()] {
        let output = run(switchboard(&dir).args(["migrate", "--database-url", url])).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{url}: {stderr}");
        assert!(
            stderr.contains("error: cannot open the database: "),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test]
async fn serve_answers_healthz_then_exits_cleanly_on_sigterm() {
    let dir = scratch_dir("serve");
    let url = format!("sqlite://{}", dir.join("serve.db").display());
    let mut child = switchboard(&dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let address = timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(address) = line.strip_prefix("Switchboard is listening on ") {
                return address.to_string();
            }
        }
        panic!("serve exited without saying where it listens");
    })
    .await
    .expect("serve says where it listens in time");

    let response = reqwest::get(format!("{address}/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);

    let pid = child.id().unwrap().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let output = timeout(PATIENCE, child.wait_with_output())
        .await
        .expect("serve stops in time after SIGTERM")
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// Runs `admin create-owner` with `password` piped to standard input.
async fn create_owner(dir: &Path, url: &str, email: &str, password: &str) -> Output {
    let mut child = switchboard(dir)
        .args([
            "admin",
            "create-owner",
            "--workspace",
            "Acme",
            "--email",
            email,
        ])
        .args(["--database-url", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{password}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    timeout(PATIENCE, child.wait_with_output())
        .await
        .expect("create-owner finishes in time")
        .unwrap()
}

#[tokio::test]
async fn admin_create_owner_reads_the_password_from_stdin_and_refuses_a_taken_address() {
    let dir = scratch_dir("create-owner");
    let url = format!("sqlite://{}", dir.join("owner.db").display());

    let created = create_owner(&dir, &url, "ana@acme.test", "correct horse").await;
    let stdout = text(&created.stdout);
    assert!(created.status.success(), "{}", text(&created.stderr));
    assert!(stdout.contains("ana@acme.test"), "{stdout}");

    let again = create_owner(&dir, &url, "ana@acme.test", "correct horse").await;
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );

    let short = create_owner(&dir, &url, "bo@acme.test", "short").await;
    assert!(!short.status.success());
    assert!(
        text(&short.stderr).contains("password"),
        "{}",
        text(&short.stderr)
    );
}
