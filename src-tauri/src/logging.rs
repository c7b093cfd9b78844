//! `tracing` to size-capped log files in the app log dir and to stderr, and the tail the in-app
//! log view reads.
//!
//! The current file is `routemate.log`; past [`MAX_FILE_BYTES`] it becomes `routemate.log.1`
//! (older ones shift up) and at most [`KEEP_OLD`] old files are kept, so the logs never take
//! more than about 6 × 5 MB however long the app runs or however chatty a failure is. The
//! folder is private to the user (0700) and so is each file (0600): logs name addresses,
//! folders and clients.

use crate::commands::UiError;
use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use routemate_engine::store::space::make_private;
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// The current log file's name.
pub const FILE_NAME: &str = "routemate.log";
/// A log file is rotated once it grows past this.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Rotated files kept besides the current one.
pub const KEEP_OLD: usize = 5;
/// The log view reads at most this much from the end of the file.
const TAIL_BYTES: u64 = 512 * 1024;

/// Starts logging; keep the guard alive for the app's lifetime (it flushes on drop). Returns
/// `None` when logging was already set up (tests that start the app twice).
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let writer = writer(log_dir, MAX_FILE_BYTES, KEEP_OLD).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(writer);
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

/// The rotating file writer: the private folder made first, files created 0600.
pub fn writer(
    log_dir: &Path,
    max_bytes: usize,
    keep_old: usize,
) -> std::io::Result<FileRotate<AppendCount>> {
    private_dir(log_dir)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true).create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let path = log_dir.join(FILE_NAME);
    let writer = FileRotate::new(
        &path,
        AppendCount::new(keep_old),
        ContentLimit::BytesSurpassed(max_bytes.max(1)),
        Compression::None,
        Some(options),
    );
    // A file an older version created keeps its old mode: tighten it (rotation renames files,
    // so the mode carries over to the rotated ones).
    if path.exists() {
        make_private(&path)?;
    }
    Ok(writer)
}

/// Creates `dir` (and parents) and makes it 0700 on Unix, also when it already existed.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)?;
    make_private(dir)
}

/// The end of the current log file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LogTail {
    pub file: Option<String>,
    pub lines: Vec<String>,
}

/// The last `max_lines` (at most 5,000) lines of the current log, read from its last 512 KB
/// only: the view stays quick however big the file is.
pub fn tail(log_dir: &Path, max_lines: usize) -> Result<LogTail, UiError> {
    let Some(file) = current(log_dir) else {
        return Ok(LogTail {
            file: None,
            lines: Vec::new(),
        });
    };
    let io = |e: std::io::Error| {
        UiError::new("io_error", format!("cannot read {}: {e}", file.display()))
    };
    let mut f = std::fs::File::open(&file).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    f.seek(SeekFrom::Start(start)).map_err(io)?;
    let mut bytes = Vec::with_capacity((len - start) as usize);
    f.take(TAIL_BYTES).read_to_end(&mut bytes).map_err(io)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut all: Vec<&str> = text.lines().collect();
    if start > 0 && !all.is_empty() {
        // Reading began mid-line: that partial line is not shown.
        all.remove(0);
    }
    let lines = all[all.len().saturating_sub(max_lines.min(5000))..]
        .iter()
        .map(|l| l.to_string())
        .collect();
    Ok(LogTail {
        file: Some(file.display().to_string()),
        lines,
    })
}

/// `routemate.log`, or failing that the newest `routemate*` file (logs of older versions).
fn current(dir: &Path) -> Option<PathBuf> {
    let path = dir.join(FILE_NAME);
    if path.is_file() {
        return Some(path);
    }
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("routemate"))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn files(dir: &Path) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into(),
                    e.metadata().unwrap().len(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn log_files_are_capped_by_size_and_count() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        let mut w = writer(&logs, 1000, 3).unwrap();
        let line = format!("{}\n", "x".repeat(99));
        for _ in 0..200 {
            w.write_all(line.as_bytes()).unwrap();
        }
        w.flush().unwrap();
        let found = files(&logs);
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "routemate.log",
                "routemate.log.1",
                "routemate.log.2",
                "routemate.log.3"
            ],
            "the current file and 3 old ones, no more"
        );
        for (name, len) in &found {
            assert!(*len <= 1000 + 100, "{name} is {len} bytes");
        }
        let total: u64 = found.iter().map(|(_, l)| l).sum();
        assert!(total < 200 * 100 / 4, "20 KB written, {total} bytes kept");
    }

    #[cfg(unix)]
    #[test]
    fn the_log_folder_and_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        // A folder and file left world-readable by an older version are tightened.
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(logs.join(FILE_NAME), "old\n").unwrap();
        std::fs::set_permissions(logs.join(FILE_NAME), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        let mut w = writer(&logs, 200, 2).unwrap();
        for _ in 0..10 {
            w.write_all(&[b'y'; 99]).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&logs), 0o700);
        for (name, _) in files(&logs) {
            assert_eq!(mode(&logs.join(&name)), 0o600, "{name}");
        }
    }

    #[test]
    fn the_tail_reads_only_the_end_of_a_big_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(tail(dir.path(), 10).unwrap().file.is_none());
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!("line {i:06} {}\n", "z".repeat(200)));
        }
        assert!(text.len() as u64 > 4 * TAIL_BYTES);
        std::fs::write(dir.path().join(FILE_NAME), &text).unwrap();
        let t = tail(dir.path(), 3).unwrap();
        assert_eq!(t.lines.len(), 3);
        assert!(t.lines[2].starts_with("line 019999 "));
        // Asking for everything gives what is in the last 512 KB, each line whole.
        let t = tail(dir.path(), usize::MAX).unwrap();
        let window = (TAIL_BYTES / 213) as usize;
        assert!(
            (window - 1..=window).contains(&t.lines.len()),
            "{}",
            t.lines.len()
        );
        assert!(t
            .lines
            .iter()
            .all(|l| l.starts_with("line ") && l.len() == 212));
    }
}
