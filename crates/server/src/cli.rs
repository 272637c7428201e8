//! The command line: parsing with clap, and one short function per command
//! that loads the settings and calls the library.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use switchboard_server::config::{Overrides, Settings, CONFIG_PATH_ENV};
use switchboard_server::services::accounts::{self, NewOwner, Password};
use switchboard_server::{bench, demo, startup, telemetry, App};

/// Switchboard: a shared team inbox server.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version)]
pub struct Cli {
    /// Configuration file [default: ./switchboard.toml when present].
    #[arg(long, global = true, value_name = "PATH", env = CONFIG_PATH_ENV)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, then serve HTTP until SIGINT or SIGTERM.
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the effective configuration as TOML, secrets redacted.
    PrintConfig(ServeArgs),
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Load demo data (a team, inboxes, conversations) into the database.
    Demo(DatabaseArgs),
    /// Print the OpenAPI document of the HTTP API as JSON.
    Openapi,
    /// Measure this machine: start a server on a fresh database and load it.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Post signed Twilio inbound webhooks over loopback HTTP, then check that
    /// each acknowledged one is stored exactly once. The last line printed is
    /// the result as JSON.
    Ingest(BenchIngestArgs),
    /// Load a large realistic dataset (or reuse one), then time every list
    /// view, the counts, the sidebar, search and a few actions over the API.
    /// The last line printed is the result as JSON.
    Queue(BenchQueueArgs),
}

#[derive(Debug, Args)]
struct BenchQueueArgs {
    /// Conversations to load.
    #[arg(long, default_value_t = 100_000)]
    conversations: usize,
    /// Messages to load in all (each conversation gets 1 to twice the average).
    #[arg(long, default_value_t = 1_000_000)]
    messages: usize,
    /// A database for the bench alone: empty, or loaded by an earlier run
    /// (with --reuse). For PostgreSQL, create a scratch database first
    /// [default: a new SQLite file in a temporary directory, removed afterwards].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Time the database at --database-url as an earlier run loaded it.
    #[arg(long)]
    reuse: bool,
    /// Keep the temporary SQLite database and print its URL, for --reuse.
    #[arg(long)]
    keep: bool,
    /// Timed calls per figure (after 3 warm-up calls).
    #[arg(long, default_value_t = 30)]
    runs: usize,
    /// Log filter while the bench runs.
    #[arg(long, default_value = "warn")]
    log: String,
}

#[derive(Debug, Args)]
struct BenchIngestArgs {
    /// How many webhooks to send.
    #[arg(long, default_value_t = 20_000)]
    messages: usize,
    /// How many connections send at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// How many distinct customers text in (their conversations are reused).
    #[arg(long, default_value_t = 500)]
    contacts: usize,
    /// An EMPTY database to run on (for PostgreSQL, create one for the bench)
    /// [default: a new SQLite file in a temporary directory, removed afterwards].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Log filter while the bench runs; `info` logs every request and costs throughput.
    #[arg(long, default_value = "warn")]
    log: String,
    /// Run the reactions and the job worker during the load, as a real node does.
    #[arg(long)]
    jobs: bool,
    /// Notify a Slack channel (a local Slack) of the inbound messages, throttled
    /// as usual; implies --jobs. Compare with --jobs for what notifying costs.
    #[arg(long)]
    notify_slack: bool,
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB
    /// (prefer SWITCHBOARD_DATABASE_URL when it holds a password).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on, such as 127.0.0.1:8080 (port 0 picks a free port).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create a workspace and its first owner. The password is prompted for
    /// on a terminal, or read from the first line of standard input.
    CreateOwner(CreateOwnerArgs),
}

#[derive(Debug, Args)]
struct CreateOwnerArgs {
    /// The owner's email address, their login.
    #[arg(long)]
    email: String,
    /// The new workspace's name.
    #[arg(long)]
    workspace: String,
    /// The owner's display name.
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    database: DatabaseArgs,
}

impl ServeArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            listen: self.listen,
            database_url: self.database.database_url.clone(),
        }
    }
}

impl DatabaseArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            listen: None,
            database_url: self.database_url.clone(),
        }
    }
}

/// Runs the command given on the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config.as_deref();
    match cli.command {
        Command::Serve(args) => serve(Settings::load(config, &args.overrides())?).await,
        Command::Migrate(args) => migrate(Settings::load(config, &args.overrides())?).await,
        Command::PrintConfig(args) => {
            let settings = Settings::load(config, &args.overrides())?;
            print!("{}", settings.to_redacted_toml()?);
            Ok(())
        }
        Command::Admin(AdminCommand::CreateOwner(args)) => {
            let settings = Settings::load(config, &args.database.overrides())?;
            create_owner(settings, args).await
        }
        Command::Demo(args) => load_demo(Settings::load(config, &args.overrides())?).await,
        Command::Bench(BenchCommand::Ingest(args)) => bench_ingest(args).await,
        Command::Bench(BenchCommand::Queue(args)) => bench_queue(args).await,
        Command::Openapi => {
            println!(
                "{}",
                switchboard_server::http::api::document().to_pretty_json()?
            );
            Ok(())
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    telemetry::init(&settings.log)?;
    let app = App::build(settings).await?;
    // Scripts and tests read this line to learn the port when listening on port 0.
    println!("Switchboard is listening on http://{}", app.address());
    tracing::info!(address = %app.address(), "listening");
    app.run_until_stopped(startup::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    telemetry::init(&settings.log)?;
    let store = startup::connect(&settings).await?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    store.close().await;
    println!("Database {} is up to date.", settings.database_url);
    Ok(())
}

async fn create_owner(settings: Settings, args: CreateOwnerArgs) -> anyhow::Result<()> {
    telemetry::init(&settings.log)?;
    let email = domain::EmailAddress::parse(&args.email)?;
    let password = Password::parse(read_password(&args.email)?)?;
    let store = startup::connect(&settings).await?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    let owner = NewOwner {
        email,
        workspace: args.workspace,
        name: args.name,
        password,
    };
    let created = accounts::create_owner(&store, owner, chrono::Utc::now()).await;
    store.close().await;
    let created = created?;
    println!(
        "Created workspace {:?} ({}) with its owner {} ({}).",
        created.workspace.name,
        created.workspace.id,
        created.user.email.as_str(),
        created.user.id
    );
    Ok(())
}

/// Asks twice on a terminal; otherwise reads one line from standard input, so
/// scripts can pipe the password in without it showing in the process list.
fn read_password(email: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {email}: "))?;
        let again = rpassword::prompt_password("Repeat it: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("no password on standard input; pipe one in or run on a terminal");
    }
    Ok(password)
}

/// The bench ignores the configuration file and environment on purpose: it
/// must never run against the configured (production) database by accident.
async fn bench_ingest(args: BenchIngestArgs) -> anyhow::Result<()> {
    telemetry::init(&args.log)?;
    let options = bench::IngestOptions {
        messages: args.messages,
        concurrency: args.concurrency,
        contacts: args.contacts,
        database_url: args.database_url,
        jobs: args.jobs,
        notify_slack: args.notify_slack,
    };
    let report = bench::ingest(options).await?;
    println!("{report}");
    println!("{}", report.to_json());
    if report.lost > 0 || report.duplicated > 0 {
        bail!(
            "{} acknowledged messages lost, {} stored twice",
            report.lost,
            report.duplicated
        );
    }
    Ok(())
}

/// Like `bench ingest`, ignores the configuration on purpose.
async fn bench_queue(args: BenchQueueArgs) -> anyhow::Result<()> {
    telemetry::init(&args.log)?;
    let options = bench::queue::QueueOptions {
        conversations: args.conversations,
        messages: args.messages,
        database_url: args.database_url,
        reuse: args.reuse,
        keep: args.keep,
        runs: args.runs,
        ..bench::queue::QueueOptions::default()
    };
    let report = bench::queue::queue(options).await?;
    println!("{report}");
    println!("{}", report.to_json());
    if report.counter_drift != 0 {
        bail!("the queue counters differ from a recount");
    }
    Ok(())
}

async fn load_demo(settings: Settings) -> anyhow::Result<()> {
    telemetry::init(&settings.log)?;
    let store = startup::connect(&settings).await?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    let database = settings.database_url.to_string();
    let state = switchboard_server::AppState::new(store.clone(), settings);
    let loaded = demo::load(&state).await;
    store.close().await;
    let summary = loaded?;
    if summary.already_loaded {
        println!("The demo data is already in {database}; nothing to do.");
    } else {
        println!(
            "Loaded {} demo conversations into {database}.",
            summary.conversations
        );
    }
    for login in &summary.logins {
        println!("  log in as {login}");
    }
    println!("Start the server with: switchboard serve");
    Ok(())
}
