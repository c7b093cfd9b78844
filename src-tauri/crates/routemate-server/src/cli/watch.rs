//! `routemate watch DIR`: imports the job files dropped into DIR until SIGINT/SIGTERM (headless,
//! e.g. on a depot server), into the store of `--data`/`ROUTEMATE_DATA`. Every activity event is
//! printed on stdout as one JSON line (`{"kind": "imported", …}`); logs go to stderr.

use super::{open_api, Cli};
use anyhow::Context;
use clap::Args;
use routemate_engine::watch::{WatchConfig, WatchEvent, WatchMode, Watcher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The folder to watch (imported/ and failed/ are created inside it).
    pub dir: PathBuf,
    #[command(flatten)]
    pub opts: WatchOpts,
}

/// How the folder is watched (shared with `serve --watch`).
#[derive(Debug, Clone, Args)]
pub struct WatchOpts {
    /// Poll the folder every SECS seconds instead of relying on OS events: for network drives
    /// (NFS, SMB, WSL paths to Windows drives), which send no events.
    #[arg(long, value_name = "SECS")]
    pub poll: Option<f64>,
    /// A file unchanged this long (ms) counts as complete even without a close event.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    pub quiet_ms: u64,
    /// After the writer closes (or renames in) a file, how long (ms) it must stay unchanged.
    #[arg(long, default_value_t = 300, value_name = "MS")]
    pub settle_ms: u64,
    /// Full rescan interval (s), catching anything the OS watcher missed.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub rescan_secs: u64,
}

impl Default for WatchOpts {
    fn default() -> Self {
        WatchOpts {
            poll: None,
            quiet_ms: 2000,
            settle_ms: 300,
            rescan_secs: 60,
        }
    }
}

impl WatchOpts {
    pub fn config(&self, dir: &Path, account: &str) -> anyhow::Result<WatchConfig> {
        let mode = match self.poll {
            Some(s) if s > 0.0 && s.is_finite() => WatchMode::Poll(Duration::from_secs_f64(s)),
            Some(s) => anyhow::bail!("--poll must be a positive number of seconds (got {s})"),
            None => WatchMode::Native,
        };
        Ok(WatchConfig {
            mode,
            quiet_period: Duration::from_millis(self.quiet_ms),
            settle: Duration::from_millis(self.settle_ms),
            rescan_interval: Duration::from_secs(self.rescan_secs.max(1)),
            ..WatchConfig::new(dir, account)
        })
    }
}

/// Prints one event as a JSON line on stdout (flushed, so a supervising script sees it at once).
pub fn print_event(event: WatchEvent) {
    if let Ok(line) = serde_json::to_string(&event) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// Starts a watcher on `dir` for the CLI's account; `listener` gets the events.
pub fn start(
    api: &routemate_engine::Api,
    cli: &Cli,
    dir: &Path,
    opts: &WatchOpts,
    listener: impl Fn(WatchEvent) + Send + Sync + 'static,
) -> anyhow::Result<Watcher> {
    let config = opts.config(dir, &cli.account)?;
    Watcher::start(api.clone(), config, listener)
        .with_context(|| format!("cannot watch {}", dir.display()))
}

pub fn run(cli: &Cli, args: &WatchArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the signal handler")?;
    runtime.block_on(async {
        // Take over SIGINT/SIGTERM before opening the store, so a stop request during start-up
        // is a clean stop rather than the default kill.
        let stop = super::serve::shutdown_signal();
        tokio::pin!(stop);
        tokio::select! {
            biased;
            _ = &mut stop => return Ok(()),
            _ = tokio::task::yield_now() => {}
        }
        let api = open_api(cli)?;
        let watcher = start(&api, cli, &args.dir, &args.opts, print_event)?;
        tracing::info!(folder = %args.dir.display(), data = %api.data_dir().display(), "watching");
        let health = api.store().health().clone();
        tokio::select! {
            _ = stop => {}
            _ = health.failed() => {
                // The disk failed a write: leave (exit 75) without touching sled again; the
                // claimed file stays in processing/ and is finished after the restart.
                std::mem::forget(watcher);
                let detail = health.failure().unwrap_or_default();
                anyhow::bail!(routemate_engine::EngineError::StorageFailed { detail });
            }
        }
        // Finishes the file in hand (it is in processing/ and would be redone anyway), then stops.
        watcher.stop();
        api.flush()?;
        Ok(())
    })
}
