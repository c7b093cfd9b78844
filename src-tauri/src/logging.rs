//! `tracing` to daily-rotated files in the app log dir (a week kept) and to stderr, and the
//! tail the in-app log view reads.

use crate::commands::UiError;
use serde::Serialize;
use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

const PREFIX: &str = "routemate";
const KEEP_FILES: usize = 7;

/// Starts logging; keep the guard alive for the app's lifetime (it flushes on drop). Returns
/// `None` when logging was already set up (tests that start the app twice).
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    std::fs::create_dir_all(log_dir).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(log_dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        EnvFilter::try_from_env("ROUTEMATE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_ansi(false).with_writer(writer))
        .with(fmt::layer().with_writer(std::io::stderr))
        .try_init()
        .ok()?;
    Some(guard)
}

/// The end of the newest log file.
#[derive(Debug, Clone, Serialize)]
pub struct LogTail {
    pub file: Option<String>,
    pub lines: Vec<String>,
}

pub fn tail(log_dir: &Path, max_lines: usize) -> Result<LogTail, UiError> {
    let Some(file) = newest(log_dir) else {
        return Ok(LogTail {
            file: None,
            lines: Vec::new(),
        });
    };
    let text = std::fs::read_to_string(&file)
        .map_err(|e| UiError::new("io_error", format!("cannot read {}: {e}", file.display())))?;
    let all: Vec<&str> = text.lines().collect();
    let lines = all[all.len().saturating_sub(max_lines.min(5000))..]
        .iter()
        .map(|l| l.to_string())
        .collect();
    Ok(LogTail {
        file: Some(file.display().to_string()),
        lines,
    })
}

fn newest(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(PREFIX))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}
