//! The watcher's loop: turns notify events, timer rescans and folder checks into a set of
//! pending files, decides when each is complete, and hands complete ones to the [`Processor`].

use super::candidate::{is_candidate, is_candidate_name};
use super::event::WatchEvent;
use super::process::{Finish, Processor};
use super::{Msg, WatchConfig, WatchMode};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, PollWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, new_debouncer_opt, Debouncer, NoCache, RecommendedCache,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant, SystemTime};

/// Loop period: how often pending files are re-checked.
const TICK: Duration = Duration::from_millis(100);
/// Debounce window: events for one path are delivered once they are this old.
const DEBOUNCE: Duration = Duration::from_millis(100);
/// Files processed per loop turn, so events and stop requests are not starved by a burst.
const BATCH: usize = 64;
/// Delay before a file that hit an engine error is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(5);
/// How often the ledger's old entries are expired (also once at start).
const EXPIRE_EVERY: Duration = Duration::from_secs(24 * 3600);

/// The armed notify watcher. Never read: holding it keeps the watch alive, dropping it stops it.
#[allow(dead_code)]
enum Armed {
    Native(Debouncer<notify::RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
    None,
}

/// A file seen in the folder, not yet claimed.
struct Pending {
    size: u64,
    mtime: Option<SystemTime>,
    /// When size/mtime were last seen to change (or first seen).
    stable_since: Instant,
    /// The last event said the writer is done (close-after-write, rename-in).
    closed: bool,
}

pub struct Runner {
    proc: Processor,
    cfg: WatchConfig,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    armed: Armed,
    pending: HashMap<PathBuf, Pending>,
    missing: bool,
    last_scan: Instant,
    retry_at: Option<Instant>,
    last_expiry: Instant,
}

impl Runner {
    pub fn new(proc: Processor, cfg: WatchConfig, tx: Sender<Msg>, rx: Receiver<Msg>) -> Runner {
        Runner {
            proc,
            cfg,
            tx,
            rx,
            armed: Armed::None,
            pending: HashMap::new(),
            missing: false,
            last_scan: Instant::now(),
            retry_at: None,
            last_expiry: Instant::now(),
        }
    }

    /// Runs until stopped. `armed` is signalled once the watch is in place, so a file dropped
    /// after `Watcher::start` returns is always seen by an event.
    pub fn run(mut self, armed: std::sync::mpsc::SyncSender<()>) {
        // Watch first, then scan: a file arriving in between is seen by one or the other.
        self.arm();
        let _ = armed.send(());
        self.recover_processing();
        self.expire_ledger();
        self.scan();
        // After the first scan: what is in the folder now is known (and queued).
        (self.proc.listener)(WatchEvent::Started {
            folder: self.cfg.folder.clone(),
            mode: self.cfg.mode.label().into(),
        });
        let mut busy = false;
        loop {
            let wait = if busy { Duration::ZERO } else { TICK };
            match self.rx.recv_timeout(wait) {
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Msg::Events(Ok(events))) => {
                    for ev in events {
                        if ev.need_rescan() {
                            tracing::info!("watcher asked for a rescan (events were missed)");
                            self.scan();
                        } else {
                            self.note_event(&ev.event);
                        }
                    }
                }
                Ok(Msg::Events(Err(errors))) => {
                    for e in errors {
                        tracing::warn!(error = %e, "file watcher error; rescanning");
                        (self.proc.listener)(WatchEvent::WatcherError {
                            message: e.to_string(),
                        });
                    }
                    self.scan();
                }
                Ok(Msg::Rescan) => self.scan(),
                Err(RecvTimeoutError::Timeout) => {}
            }
            busy = false;
            if !self.check_folder() {
                continue;
            }
            if self.last_scan.elapsed() >= self.cfg.rescan_interval {
                self.scan();
            }
            if self.last_expiry.elapsed() >= EXPIRE_EVERY {
                self.expire_ledger();
            }
            if self.retry_at.is_some_and(|t| Instant::now() >= t) {
                self.retry_at = None;
                self.recover_processing();
            }
            busy = self.process_ready();
        }
        self.armed = Armed::None;
        (self.proc.listener)(WatchEvent::Stopped {
            folder: self.cfg.folder.clone(),
        });
    }

    /// Arms the notify watcher for the current mode; on failure falls back to rescans only.
    fn arm(&mut self) {
        let tx = self.tx.clone();
        let handler = move |r| {
            let _ = tx.send(Msg::Events(r));
        };
        let root = self.cfg.folder.clone();
        let armed = match self.cfg.mode {
            WatchMode::Native => {
                new_debouncer(DEBOUNCE, Some(DEBOUNCE / 2), handler).and_then(|mut d| {
                    d.watch(&root, RecursiveMode::NonRecursive)?;
                    Ok(Armed::Native(d))
                })
            }
            WatchMode::Poll(interval) => {
                let config = notify::Config::default().with_poll_interval(interval);
                new_debouncer_opt::<_, PollWatcher, NoCache>(
                    DEBOUNCE,
                    Some(DEBOUNCE / 2),
                    handler,
                    NoCache,
                    config,
                )
                .and_then(|mut d| {
                    d.watch(&root, RecursiveMode::NonRecursive)?;
                    Ok(Armed::Poll(d))
                })
            }
            WatchMode::RescanOnly => Ok(Armed::None),
        };
        self.armed = armed.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot watch the folder; relying on timer rescans");
            (self.proc.listener)(WatchEvent::WatcherError {
                message: format!("cannot watch {}: {e}; relying on rescans", root.display()),
            });
            Armed::None
        });
    }

    /// Tracks the watched folder disappearing and coming back. Returns whether it is there.
    fn check_folder(&mut self) -> bool {
        let present = self.cfg.folder.is_dir();
        if !present && !self.missing {
            self.missing = true;
            self.armed = Armed::None;
            self.pending.clear();
            tracing::warn!(folder = %self.cfg.folder.display(), "the watched folder is gone");
            (self.proc.listener)(WatchEvent::FolderMissing {
                folder: self.cfg.folder.clone(),
            });
        } else if present && self.missing {
            if let Err(e) = self.proc.layout.prepare() {
                tracing::warn!(error = %e, "the watched folder is back but not usable yet");
                return false;
            }
            self.missing = false;
            self.arm();
            tracing::info!(folder = %self.cfg.folder.display(), "the watched folder is back");
            (self.proc.listener)(WatchEvent::FolderRestored {
                folder: self.cfg.folder.clone(),
            });
            self.recover_processing();
            self.scan();
        }
        present
    }

    fn note_event(&mut self, ev: &notify::Event) {
        let done = matches!(
            ev.kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
        );
        let writing = matches!(
            ev.kind,
            EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
        );
        // For a rename (Both) the destination is the last path.
        let Some(path) = ev.paths.last() else { return };
        if path.parent() != Some(self.cfg.folder.as_path()) {
            return;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !is_candidate_name(name) {
            return;
        }
        tracing::trace!(kind = ?ev.kind, file = name, "event");
        let p = self.pending.entry(path.clone()).or_insert_with(|| Pending {
            size: u64::MAX,
            mtime: None,
            stable_since: Instant::now(),
            closed: false,
        });
        if done {
            p.closed = true;
        } else if writing {
            p.closed = false;
        }
    }

    /// Lists the folder and tracks every candidate not yet pending.
    fn scan(&mut self) {
        self.last_scan = Instant::now();
        let entries = match std::fs::read_dir(&self.cfg.folder) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "cannot list the watched folder");
                return;
            }
        };
        let mut found = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if is_candidate(&path) && !self.pending.contains_key(&path) {
                found += 1;
                self.pending.insert(
                    path,
                    Pending {
                        size: u64::MAX,
                        mtime: None,
                        stable_since: Instant::now(),
                        closed: false,
                    },
                );
            }
        }
        tracing::debug!(
            found,
            pending = self.pending.len(),
            "scanned the watched folder"
        );
    }

    /// Processes what a crash (or an engine error) left in `processing/`.
    fn recover_processing(&mut self) {
        // Every entry, links and special files included: `process` moves those to `failed/`
        // unopened (`is_file()` here would follow a planted symlink to its target).
        let mut left: Vec<PathBuf> = match std::fs::read_dir(&self.proc.layout.processing) {
            Ok(e) => e.flatten().map(|e| e.path()).collect(),
            Err(_) => return,
        };
        left.sort();
        for path in left {
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
            {
                continue; // a sidecar temp file of ours, not a claimed file
            }
            tracing::info!(file = %path.display(), "finishing a file claimed before a restart");
            if self.proc.process(&path) == Finish::Retry {
                self.retry_at = Some(Instant::now() + RETRY_AFTER);
            }
        }
    }

    /// Drops ledger entries past the retention (see [`super::ledger`]); failures are logged.
    fn expire_ledger(&mut self) {
        self.last_expiry = Instant::now();
        let now = self.proc.ctx.now();
        match self.proc.ledger.expire(now) {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired old watch ledger entries"),
            Err(e) => tracing::warn!(error = %e, "cannot expire the watch ledger"),
        }
    }

    /// Claims and processes the complete files. Returns true if more may be ready.
    fn process_ready(&mut self) -> bool {
        let now = Instant::now();
        let wall = SystemTime::now();
        let mut ready = Vec::new();
        let cfg = &self.cfg;
        self.pending.retain(|path, p| {
            let Ok(meta) = std::fs::symlink_metadata(path) else {
                return false; // gone (claimed by us, renamed away, deleted)
            };
            if !meta.file_type().is_file() {
                return false;
            }
            let mtime = meta.modified().ok();
            if (meta.len(), mtime) != (p.size, p.mtime) {
                p.size = meta.len();
                p.mtime = mtime;
                p.stable_since = now;
                return true;
            }
            let stable = now.duration_since(p.stable_since);
            let untouched = mtime
                .and_then(|m| wall.duration_since(m).ok())
                .is_some_and(|age| age >= cfg.quiet_period);
            if (p.closed && p.size > 0 && stable >= cfg.settle)
                || stable >= cfg.quiet_period
                || (untouched && stable >= cfg.settle)
            {
                ready.push(path.clone());
            }
            true
        });
        ready.sort();
        let more = ready.len() > BATCH;
        for path in ready.into_iter().take(BATCH) {
            self.pending.remove(&path);
            self.claim_and_process(&path);
        }
        more
    }

    fn claim_and_process(&mut self, path: &Path) {
        match self.proc.claim(path) {
            Ok(Some(claimed)) => {
                if self.proc.process(&claimed) == Finish::Retry {
                    self.retry_at = Some(Instant::now() + RETRY_AFTER);
                }
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "cannot claim the file");
                (self.proc.listener)(WatchEvent::Retrying {
                    file: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    error: format!("cannot claim: {e}"),
                });
            }
        }
    }
}
