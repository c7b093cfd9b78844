//! The watched import folder: files dropped into a folder are imported exactly once per content,
//! crash-safely, with a result or a report next to each (reliability.md §5.3).
//!
//! [`Watcher::start`] arms a file-system watcher (notify, debounced; or polling for network
//! drives), then finishes what a crash left in `processing/` and scans what is already there.
//! A file is claimed only when complete: after a close-after-write (Linux) or a rename-in, once
//! its size and mtime have stayed put for a short settle time; otherwise after a quiet period.
//! The owner gets [`WatchEvent`]s through a listener (CLI log, desktop activity list).
//!
//! Producer contract (as Maildir's): write under a temporary or hidden name (`.x.csv`, `x.tmp`)
//! and rename into the folder when done, or keep one handle open until the last byte. A writer
//! that closes and reopens the file with pauses longer than the settle time can be claimed early.
//!
//! Invariants: a file is in exactly one of the folder, `processing/`, `imported/`, `failed/`;
//! it leaves `processing/` only after its jobs and ledger record are flushed; the same bytes are
//! imported once (later copies are reported as duplicates).

mod candidate;
mod event;
mod folder;
mod ledger;
mod process;
mod report;
mod runner;

pub use candidate::{is_candidate, is_candidate_name};
pub use event::{Listener, WatchEvent};
pub use folder::Layout;
pub use ledger::{content_hash, Entry, ImportedJob, Ledger, TREE as LEDGER_TREE};

use crate::context::Context;
use crate::error::EngineError;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How changes in the folder are noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// The OS watcher (inotify, FSEvents, ReadDirectoryChangesW) through notify's debouncer.
    Native,
    /// notify's `PollWatcher` at this interval: for network drives, where the OS sends no events.
    Poll(Duration),
    /// No watcher at all: only the start-up scan, timer rescans and [`Watcher::rescan`].
    RescanOnly,
}

impl WatchMode {
    fn label(self) -> &'static str {
        match self {
            WatchMode::Native => "native",
            WatchMode::Poll(_) => "poll",
            WatchMode::RescanOnly => "rescan_only",
        }
    }
}

/// What to watch and how.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub folder: PathBuf,
    /// The account the jobs are imported into.
    pub account: String,
    pub mode: WatchMode,
    /// A file whose size and mtime stay unchanged this long is complete even without a close
    /// event (all platforms, poll mode).
    pub quiet_period: Duration,
    /// After a close-after-write or a rename-in, how long size and mtime must stay unchanged.
    pub settle: Duration,
    /// Full rescan interval, catching anything the watcher missed.
    pub rescan_interval: Duration,
}

impl WatchConfig {
    /// Defaults: native events, 2 s quiet period, 300 ms settle, rescan every 60 s.
    pub fn new(folder: impl Into<PathBuf>, account: impl Into<String>) -> WatchConfig {
        WatchConfig {
            folder: folder.into(),
            account: account.into(),
            mode: WatchMode::Native,
            quiet_period: Duration::from_secs(2),
            settle: Duration::from_millis(300),
            rescan_interval: Duration::from_secs(60),
        }
    }
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("the folder {0} does not exist or is not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot prepare the watched folder {path}: {source}")]
    Prepare {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl WatchError {
    pub fn code(&self) -> &'static str {
        match self {
            WatchError::NotAFolder(_) => "watch_folder_missing",
            WatchError::Prepare { .. } => "watch_folder_unusable",
            WatchError::Engine(e) => e.code(),
        }
    }
}

enum Msg {
    Events(notify_debouncer_full::DebounceEventResult),
    Rescan,
    Stop,
}

/// A running watcher. Dropping it stops watching (and waits for the file in hand to finish).
pub struct Watcher {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    folder: PathBuf,
}

impl Watcher {
    /// Starts watching `config.folder` (which must exist) on a thread of its own; `listener`
    /// receives every [`WatchEvent`].
    pub fn start(
        engine: impl Into<Context>,
        config: WatchConfig,
        listener: impl Fn(WatchEvent) + Send + Sync + 'static,
    ) -> Result<Watcher, WatchError> {
        let folder = config.folder.clone();
        if !folder.is_dir() {
            return Err(WatchError::NotAFolder(folder));
        }
        let layout = Layout::new(&folder);
        layout.prepare().map_err(|source| WatchError::Prepare {
            path: folder.clone(),
            source,
        })?;
        let ctx: Context = engine.into();
        let ledger = Ledger::open(ctx.store())?;
        let listener: Listener = Arc::new(listener);
        let processor = process::Processor {
            ctx,
            account: config.account.clone(),
            layout,
            ledger,
            listener,
        };
        let (tx, rx) = mpsc::channel();
        let runner = runner::Runner::new(processor, config, tx.clone(), rx);
        let (armed_tx, armed_rx) = mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("routemate-watch".into())
            .spawn(move || runner.run(armed_tx))
            .map_err(|source| WatchError::Prepare {
                path: folder.clone(),
                source,
            })?;
        // Return only once the watch is armed (or the thread died trying).
        let _ = armed_rx.recv();
        Ok(Watcher {
            tx,
            thread: Some(thread),
            folder,
        })
    }

    pub fn folder(&self) -> &std::path::Path {
        &self.folder
    }

    /// Rescans the whole folder now (what notify's `Rescan` flag triggers).
    pub fn rescan(&self) {
        let _ = self.tx.send(Msg::Rescan);
    }

    /// Feeds an event as if the OS watcher had sent it: for tests of missed events (an event
    /// flagged `Rescan`, as notify sends on an inotify queue overflow).
    #[doc(hidden)]
    pub fn inject(&self, event: notify::Event) {
        let ev = notify_debouncer_full::DebouncedEvent::new(event, std::time::Instant::now());
        let _ = self.tx.send(Msg::Events(Ok(vec![ev])));
    }

    /// Stops watching and waits for the watcher thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.shutdown();
    }
}
