//! What the watcher tells its owner (the CLI log, the desktop's activity list and notifications).

use super::ledger::ImportedJob;
use serde::Serialize;
use std::path::PathBuf;

/// One thing that happened in the watched folder. Serialises as `{"kind": "imported", …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WatchEvent {
    /// Watching began and the files already there are queued (`mode`: "native", "poll" or
    /// "rescan_only"). Files left in `processing/` by a crash were finished just before.
    Started {
        folder: PathBuf,
        mode: String,
    },
    /// A file was imported; `result` is its `<name>.result.json`.
    Imported {
        file: String,
        jobs: Vec<ImportedJob>,
        warnings: usize,
        result: PathBuf,
    },
    /// The same bytes were imported before (as `duplicate_of`); nothing was imported again.
    Duplicate {
        file: String,
        duplicate_of: String,
        result: PathBuf,
    },
    /// The file was refused; `report` is its `<name>.report.txt` (a `.report.json` sits next to it).
    Failed {
        file: String,
        code: String,
        message: String,
        problems: usize,
        report: PathBuf,
    },
    /// The file could not be finished now (e.g. the store is busy); it stays claimed and is
    /// retried on the next scan.
    Retrying {
        file: String,
        error: String,
    },
    /// The watched folder disappeared; watching resumes by itself when it is back.
    FolderMissing {
        folder: PathBuf,
    },
    FolderRestored {
        folder: PathBuf,
    },
    /// The file-system watcher reported a problem (events may have been missed; a rescan follows).
    WatcherError {
        message: String,
    },
    /// Watching stopped.
    Stopped {
        folder: PathBuf,
    },
}

/// Receives watch events. Called on the watcher's thread: forward, don't block.
pub type Listener = std::sync::Arc<dyn Fn(WatchEvent) + Send + Sync>;
