//! `routemate sync login|now|status|retry|discard|resolve|logout`: sync with the hosted API
//! (README "Sync"; the work is the `routemate-sync` crate's).

use super::{open_api, print_json, Cli};
use anyhow::Context;
use clap::{Args, Subcommand};
use routemate_engine::sync::Resolution;
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub enum SyncCmd {
    /// Save the hosted API's URL and this installation's credentials (the secret goes to the OS
    /// keyring, else a 0600 file), after checking them.
    Login(LoginArgs),
    /// One round: push what is due (waiting out backoff up to --max-wait-s), then pull. Prints
    /// {"pushed","parked","queued","pulled"}; a host that is down is not an error.
    Now(NowArgs),
    /// The sync state as JSON (no network).
    Status,
    /// Retry a parked outbox entry now.
    Retry { id: u64 },
    /// Drop a parked outbox entry undelivered.
    Discard { id: u64 },
    /// Settle a job changed on both sides.
    Resolve(ResolveArgs),
    /// Forget the login and the secret (queued changes stay queued).
    Logout,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    #[arg(long)]
    pub url: String,
    #[arg(long)]
    pub client_id: String,
    /// The client secret (or ROUTEMATE_SYNC_CLIENT_SECRET, which keeps it out of `ps`).
    #[arg(long, env = "ROUTEMATE_SYNC_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
}

#[derive(Debug, Args)]
pub struct NowArgs {
    /// Longest time to wait for entries that are backing off.
    #[arg(long, default_value_t = 0)]
    pub max_wait_s: u64,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("choice").required(true).args(["keep_mine", "take_hosted"])))]
pub struct ResolveArgs {
    /// The local job id.
    pub job_id: String,
    #[arg(long)]
    pub keep_mine: bool,
    #[arg(long)]
    pub take_hosted: bool,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub fn run(cli: &Cli, cmd: &SyncCmd) -> anyhow::Result<()> {
    let api = open_api(cli)?;
    match cmd {
        SyncCmd::Login(a) => {
            let report = runtime()?.block_on(routemate_sync::login(
                &api,
                &a.url,
                &a.client_id,
                &a.client_secret,
                &cli.account,
            ))?;
            for w in &report.warnings {
                eprintln!("routemate: warning: {w}");
            }
            print_json(&report)
        }
        SyncCmd::Now(a) => {
            let syncer = routemate_sync::Syncer::open(&api, &Default::default())
                .map_err(anyhow::Error::msg)?
                .context("not logged in: run `routemate sync login --url URL --client-id ID --client-secret SECRET` first")?;
            let report = runtime()?.block_on(syncer.round(Duration::from_secs(a.max_wait_s)));
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        SyncCmd::Status => print_json(&routemate_sync::status(&api)?),
        SyncCmd::Retry { id } => {
            anyhow::ensure!(api.outbox_retry(*id)?, "no outbox entry {id}");
            print_json(&routemate_sync::status(&api)?)
        }
        SyncCmd::Discard { id } => {
            anyhow::ensure!(api.outbox_discard(*id)?, "no outbox entry {id}");
            print_json(&routemate_sync::status(&api)?)
        }
        SyncCmd::Resolve(a) => {
            let choice = if a.keep_mine {
                Resolution::KeepMine
            } else {
                Resolution::TakeHosted
            };
            api.sync_resolve(&cli.account, &a.job_id, choice)?;
            print_json(&routemate_sync::status(&api)?)
        }
        SyncCmd::Logout => {
            routemate_sync::login::logout(&api)?;
            print_json(&routemate_sync::status(&api)?)
        }
    }
}
