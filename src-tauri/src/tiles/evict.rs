//! Keeps the tile cache within its size limit: when the files under the cache directory add up
//! to more than the limit, the longest-cached tiles are deleted until a quarter of the limit is
//! free again (so the next few downloads do not each trigger another sweep).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What one sweep found and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Bytes cached after the sweep.
    pub bytes: u64,
    pub removed_files: u64,
    pub removed_bytes: u64,
}

/// Deletes the oldest files under `dir` (by modification time, i.e. when they were fetched)
/// while the total exceeds `max_bytes`, down to three quarters of it. Files that cannot be
/// deleted are skipped; a missing directory is an empty cache.
pub fn sweep(dir: &Path, max_bytes: u64) -> Sweep {
    let mut files = Vec::new();
    collect(dir, &mut files);
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    let mut out = Sweep {
        bytes: total,
        ..Sweep::default()
    };
    if total <= max_bytes {
        return out;
    }
    let target = max_bytes / 4 * 3;
    // Oldest first; ties by path so the order is deterministic.
    files.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.cmp(&b.0)));
    for (path, len, _) in files {
        if total <= target {
            break;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => {
                total -= len;
                out.removed_files += 1;
                out.removed_bytes += len;
            }
            Err(e) => tracing::debug!(error = %e, path = %path.display(), "tile not evicted"),
        }
    }
    out.bytes = total;
    tracing::info!(
        removed = out.removed_files,
        bytes = out.bytes,
        "tile cache trimmed to its size limit"
    );
    out
}

fn collect(dir: &Path, out: &mut Vec<(PathBuf, u64, SystemTime)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        match e.file_type() {
            Ok(t) if t.is_dir() => collect(&e.path(), out),
            Ok(_) => {
                if let Ok(m) = e.metadata() {
                    let when = m.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                    out.push((e.path(), m.len(), when));
                }
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn oldest_tiles_go_first_until_a_quarter_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let base = SystemTime::now() - Duration::from_secs(3_600);
        for i in 0..10u64 {
            let p = dir.path().join(format!("5/{i}"));
            std::fs::create_dir_all(&p).unwrap();
            let f = p.join("0.png");
            std::fs::write(&f, vec![0u8; 100]).unwrap();
            let file = std::fs::File::options().write(true).open(&f).unwrap();
            file.set_modified(base + Duration::from_secs(i * 60))
                .unwrap();
        }
        assert_eq!(sweep(dir.path(), 1_000).removed_files, 0, "at the limit");
        let s = sweep(dir.path(), 800);
        assert_eq!(s.removed_files, 4, "down to 600 bytes: {s:?}");
        assert_eq!(s.bytes, 600);
        for i in 0..10 {
            let exists = dir.path().join(format!("5/{i}/0.png")).exists();
            assert_eq!(exists, i >= 4, "tile {i}");
        }
        assert_eq!(sweep(&dir.path().join("missing"), 10), Sweep::default());
    }
}
