//! Which files in the watched folder are job files to import, and which are left alone: hidden
//! files, editor and office temporaries (Excel's `~$orders.xlsx` owner file, LibreOffice's
//! `.~lock.orders.ods#`), partial downloads, our own subfolders and symlinks.

use crate::jobfile::Format;
use std::path::Path;

/// True for a file name the watcher should import once it is complete.
pub fn is_candidate_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let temporary = lower.starts_with('.')      // hidden, `.~lock.x.csv#`, `.x.csv.swp`
        || lower.starts_with("~$")              // Office owner files
        || lower.starts_with('~')
        || lower.ends_with('~')                 // editor backups
        || lower.ends_with('#')
        || [".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".swx", ".bak", ".filepart"]
            .iter()
            .any(|ext| lower.ends_with(ext));
    !temporary && Format::from_path(Path::new(&lower)).is_some()
}

/// True when `path` is a regular file (not a symlink, not a folder) with a candidate name.
pub fn is_candidate(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    is_candidate_name(name)
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_are_skipped() {
        for n in [
            "orders.csv",
            "ORDERS.CSV",
            "jobs.json",
            "run 1.tsv",
            "orders.xlsx",
            "Orders.XLS",
            "orders.ods",
        ] {
            assert!(is_candidate_name(n), "{n}");
        }
        for n in [
            ".orders.csv",
            "readme.txt",
            "~$orders.csv",
            ".~lock.orders.csv#",
            "orders.csv~",
            "orders.csv.tmp",
            "orders.csv.part",
            "orders.csv.crdownload",
            ".orders.csv.swp",
            "~$orders.xlsx",
            ".~lock.orders.ods#",
            "orders.xlsm",
            "notes.md",
            "orders.csv.bak",
            "#orders.csv#",
        ] {
            assert!(!is_candidate_name(n), "{n}");
        }
    }
}
