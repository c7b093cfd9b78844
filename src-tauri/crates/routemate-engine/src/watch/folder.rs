//! The watched folder's layout and the durable file moves the watcher relies on.
//!
//! ```text
//! <watched>/                          files are dropped here
//! <watched>/.routemate/processing/    claimed files, `<claim>--<name>` (same filesystem: atomic)
//! <watched>/imported/                 original + <name>.result.json
//! <watched>/failed/                   original + <name>.report.txt + <name>.report.json
//! ```
//! A rename is made durable by fsyncing the directories involved; sidecar files are written to a
//! temporary name, fsynced and renamed, so a reader never sees half a report.
//!
//! Hostile folder contents: anyone who can write to the folder may plant symlinks, FIFOs or
//! device nodes. So nothing here follows a link or opens a non-regular file: the subfolders
//! must be real folders, temp files are created new (`O_EXCL|O_NOFOLLOW`) under unpredictable
//! names, and sidecars are read only when they are small regular files.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Paths of one watched folder.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub processing: PathBuf,
    pub imported: PathBuf,
    pub failed: PathBuf,
}

impl Layout {
    pub fn new(root: &Path) -> Layout {
        Layout {
            root: root.to_path_buf(),
            processing: root.join(".routemate").join("processing"),
            imported: root.join("imported"),
            failed: root.join("failed"),
        }
    }

    /// Creates the subfolders (the root must exist: a missing root is reported, not created).
    pub fn prepare(&self) -> io::Result<()> {
        if !self.root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "the watched folder is missing",
            ));
        }
        for d in self.subfolders() {
            match fs::symlink_metadata(d) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(d)?,
                _ => real_dir(d)?,
            }
        }
        Ok(())
    }

    /// Checks that the subfolders are still real folders, before a file is moved or written
    /// into one: someone who can write to the folder could swap one for a symlink meanwhile.
    pub fn verify(&self) -> io::Result<()> {
        self.subfolders().iter().try_for_each(|d| real_dir(d))
    }

    fn subfolders(&self) -> [&Path; 4] {
        let state = self.processing.parent().unwrap_or(&self.root);
        [state, &self.processing, &self.imported, &self.failed]
    }
}

/// `Ok` when `d` is a folder itself (not a symlink to one).
fn real_dir(d: &Path) -> io::Result<()> {
    match fs::symlink_metadata(d) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is a symlink or a file, not a folder; RouteMate does not write through \
                 links: remove it and start again",
                d.display()
            ),
        )),
        Err(e) => Err(e),
    }
}

/// Separates the claim id from the original name in `processing/`.
pub const CLAIM_SEP: &str = "--";

/// Splits `processing/<claim>--<name>` into (claim, name).
pub fn split_claimed(file_name: &str) -> Option<(&str, &str)> {
    file_name
        .split_once(CLAIM_SEP)
        .filter(|(c, n)| !c.is_empty() && !n.is_empty())
}

/// fsyncs a directory so renames into or out of it survive a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically and durably (temp file, fsync, rename, fsync dir).
pub fn write_durable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("sidecar");
    // Unpredictable and created new without following links: a planted `.x.tmp` symlink can
    // neither redirect the write nor be guessed in advance.
    let tmp = dir.join(format!(".{name}.{:016x}.tmp", rand::random::<u64>()));
    let written = create_new(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

/// Creates `path` for writing: it must not exist yet, and a symlink there is refused, not followed.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW);
    }
    o.open(path)
}

/// Reads `path` only if it is a regular file (not a link, FIFO or device) of at most `max` bytes;
/// `None` otherwise. The job-file reader does the opening (never following a link, never blocking
/// on a FIFO) and the size check.
pub fn read_small_regular(path: &Path, max: u64) -> Option<Vec<u8>> {
    crate::jobfile::read_file_limited(path, usize::try_from(max).unwrap_or(usize::MAX)).ok()
}

/// True when `path` is a regular file itself (a symlink to one is not).
pub fn is_regular(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// True when anything (even a dangling symlink) has this name.
pub fn occupied(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Renames `from` to `to` and fsyncs both directories.
pub fn move_durable(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)?;
    if let Some(d) = to.parent() {
        sync_dir(d)?;
    }
    match from.parent() {
        Some(d) if Some(d) != to.parent() => sync_dir(d),
        _ => Ok(()),
    }
}

/// `orders.csv` + `-abc` → `orders-abc.csv`.
pub fn with_suffix(name: &str, suffix: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}-{suffix}.{ext}"),
        _ => format!("{name}-{suffix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn sidecars_are_read_only_when_small_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("ok.json"), b"{}").unwrap();
        assert_eq!(read_small_regular(&d.join("ok.json"), 10).unwrap(), b"{}");
        std::fs::write(d.join("big.json"), vec![b' '; 11]).unwrap();
        assert!(read_small_regular(&d.join("big.json"), 10).is_none());
        // A link to /dev/zero used to be read without end (memory grew until the OOM killer).
        std::os::unix::fs::symlink("/dev/zero", d.join("zero.json")).unwrap();
        assert!(read_small_regular(&d.join("zero.json"), 10).is_none());
        std::os::unix::fs::symlink(d.join("ok.json"), d.join("link.json")).unwrap();
        assert!(read_small_regular(&d.join("link.json"), 10).is_none());
        assert!(std::process::Command::new("mkfifo")
            .arg(d.join("fifo.json"))
            .status()
            .unwrap()
            .success());
        assert!(
            read_small_regular(&d.join("fifo.json"), 10).is_none(),
            "and no hang"
        );
        assert!(!is_regular(&d.join("link.json")) && is_regular(&d.join("ok.json")));
        assert!(occupied(&d.join("zero.json")) && !occupied(&d.join("none.json")));
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_at_a_temp_name_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let link = dir.path().join(".x.tmp");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(create_new(&link).is_err());
        write_durable(&dir.path().join("x"), b"report").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(dir.path().join("x")).unwrap(), b"report");
        let temps = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(temps, 1, "only the planted link; our temp file was renamed");
    }
}
