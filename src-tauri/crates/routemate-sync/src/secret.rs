//! Where the hosted API's client secret lives: the OS keyring when one answers (Secret Service on
//! Linux, the macOS Keychain, Windows Credential Manager, via the `keyring` crate), else a file
//! `<data>/sync-secret` readable by the owner only (0600), with a warning the caller shows. It is
//! never written to the sled store or to a log.
//!
//! A keyring call runs on its own thread with a deadline: on a headless machine a D-Bus call to a
//! Secret Service that is not there can block for long, and sync must degrade, not hang.
//! `ROUTEMATE_SECRET_STORE=file` skips the keyring (tests, servers without a session).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The keyring service name the secret is filed under.
const SERVICE: &str = "app.routemate.sync";
/// How long a keyring call may take before the file is used instead.
const KEYRING_DEADLINE: Duration = Duration::from_secs(3);

/// The file used without a keyring.
pub fn file_path(data_dir: &Path) -> PathBuf {
    data_dir.join("sync-secret")
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("no client secret is stored: run `routemate sync login` (or Settings → Sync)")]
    Missing,
    #[error("the client secret file {path} cannot be used: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where a secret was stored, and what the user should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// `"keyring"` or `"file"`.
    pub store: &'static str,
    pub warning: Option<String>,
}

fn keyring_allowed() -> bool {
    !std::env::var("ROUTEMATE_SECRET_STORE").is_ok_and(|v| v == "file")
}

/// Runs a keyring call with a deadline; `None` when it failed or took too long.
fn with_deadline<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, keyring::Error> + Send + 'static,
) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(KEYRING_DEADLINE) {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "keyring unavailable");
            None
        }
        Err(_) => {
            tracing::debug!("keyring did not answer in time");
            None
        }
    }
}

/// Stores `secret` for `client_id`: in the keyring if one works, else in the 0600 file.
pub fn store(data_dir: &Path, client_id: &str, secret: &str) -> Result<Stored, SecretError> {
    if keyring_allowed() {
        let (id, s) = (client_id.to_string(), secret.to_string());
        let saved = with_deadline(move || {
            let entry = keyring::Entry::new(SERVICE, &id)?;
            entry.set_password(&s)?;
            // Read it back: some backends accept a write they cannot keep.
            entry.get_password()
        });
        if saved.as_deref() == Some(secret) {
            let _ = std::fs::remove_file(file_path(data_dir));
            return Ok(Stored {
                store: "keyring",
                warning: None,
            });
        }
    }
    let path = file_path(data_dir);
    write_private(&path, secret).map_err(|source| SecretError::File {
        path: path.clone(),
        source,
    })?;
    Ok(Stored {
        store: "file",
        warning: Some(format!(
            "no OS keyring is available: the client secret is kept in {} (readable by this user \
             only); protect this machine's account accordingly",
            path.display()
        )),
    })
}

/// Loads the secret from where `store` says it is (`"keyring"` or `"file"`).
pub fn load(data_dir: &Path, store: &str, client_id: &str) -> Result<String, SecretError> {
    if store == "keyring" {
        let id = client_id.to_string();
        return with_deadline(move || keyring::Entry::new(SERVICE, &id)?.get_password())
            .ok_or(SecretError::Missing);
    }
    let path = file_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Ok(_) => Err(SecretError::Missing),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SecretError::Missing),
        Err(source) => Err(SecretError::File { path, source }),
    }
}

/// Forgets the secret wherever it is.
pub fn forget(data_dir: &Path, client_id: &str) {
    if keyring_allowed() {
        let id = client_id.to_string();
        let _ = with_deadline(move || keyring::Entry::new(SERVICE, &id)?.delete_credential());
    }
    let _ = std::fs::remove_file(file_path(data_dir));
}

/// Writes `text` to `path` through a fresh 0600 temp file renamed into place.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_keyring_the_secret_is_a_private_file_and_reads_back() {
        // The default path first: the keyring when one answers (a desktop session), else the
        // file — on a headless machine without Secret Service it must degrade, not fail or hang.
        std::env::remove_var("ROUTEMATE_SECRET_STORE");
        let dir = tempfile::tempdir().unwrap();
        let started = std::time::Instant::now();
        let stored = store(dir.path(), "rm_ci_default", "default-secret").unwrap();
        assert!(
            started.elapsed() < KEYRING_DEADLINE * 3,
            "bounded wait for a keyring"
        );
        assert_eq!(
            load(dir.path(), stored.store, "rm_ci_default").unwrap(),
            "default-secret"
        );
        assert_eq!(stored.warning.is_some(), stored.store == "file");
        forget(dir.path(), "rm_ci_default");

        std::env::set_var("ROUTEMATE_SECRET_STORE", "file");
        let dir = tempfile::tempdir().unwrap();
        let stored = store(dir.path(), "rm_ci_x", "s3cret-value").unwrap();
        assert_eq!(stored.store, "file");
        assert!(stored.warning.unwrap().contains("no OS keyring"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file_path(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(load(dir.path(), "file", "rm_ci_x").unwrap(), "s3cret-value");
        forget(dir.path(), "rm_ci_x");
        assert!(matches!(
            load(dir.path(), "file", "rm_ci_x"),
            Err(SecretError::Missing)
        ));
    }
}
