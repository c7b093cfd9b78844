//! Reading a job file from disk without trusting it: a symlink is refused (opened with
//! `O_NOFOLLOW`, so it cannot point the import at `/dev/zero` or another user's file), only a
//! regular file is read (a FIFO, a device or a directory is refused after opening, and the open
//! itself never waits for a FIFO's writer), and the size is checked on the open file before a
//! byte is read, with the read itself capped at the limit + 1 byte (a file that grows meanwhile
//! is still refused, never read whole).

use super::quote::quote;
use super::{JobFileError, MAX_FILE_BYTES};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Reads the job file at `path` (at most [`MAX_FILE_BYTES`]).
pub fn read_file(path: &Path) -> Result<Vec<u8>, JobFileError> {
    read_file_limited(path, MAX_FILE_BYTES)
}

/// [`read_file`] with another size limit (tests use a small one).
pub fn read_file_limited(path: &Path, limit: usize) -> Result<Vec<u8>, JobFileError> {
    let name = display_name(path);
    let file = open(path).map_err(|e| open_error(&name, e))?;
    let meta = file.metadata().map_err(|e| unreadable(&name, &e))?;
    if !meta.is_file() {
        return Err(JobFileError::NotAFile {
            name,
            kind: kind(&meta).to_string(),
        });
    }
    if meta.len() > limit as u64 {
        return Err(JobFileError::TooLarge {
            bytes: usize::try_from(meta.len()).unwrap_or(usize::MAX),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&name, &e))?;
    if bytes.len() > limit {
        // It grew after the size check: still refused, and only limit + 1 bytes were read.
        return Err(JobFileError::TooLarge {
            bytes: bytes.len(),
            limit,
        });
    }
    Ok(bytes)
}

/// Opens for reading without following a final symlink and without blocking on a FIFO.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// Elsewhere: refuse a symlink by its metadata, then open.
#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other(SYMLINK));
    }
    File::open(path)
}

#[cfg(not(unix))]
const SYMLINK: &str = "symbolic link";

fn open_error(name: &str, e: std::io::Error) -> JobFileError {
    #[cfg(unix)]
    let symlink = e.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    let symlink = e.to_string() == SYMLINK;
    if symlink {
        JobFileError::Symlink(name.to_string())
    } else {
        unreadable(name, &e)
    }
}

fn unreadable(name: &str, e: &std::io::Error) -> JobFileError {
    JobFileError::Unreadable {
        name: name.to_string(),
        detail: e.to_string(),
    }
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// The file's name as a report shows it (quoted: it comes from whoever dropped the file).
pub(super) fn display_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    quote(&name)
}
