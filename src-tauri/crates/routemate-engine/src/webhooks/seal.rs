//! Subscription secrets at rest: sealed with ChaCha20-Poly1305 (ring) under a 256-bit key kept in
//! `<data>/webhook-key` (mode 0600, created on first use), with the subscription id as associated
//! data, so a sealed secret cannot be moved to another subscription. The store (and its backups)
//! hold only the sealed form; the plaintext exists in memory only while signing.

use crate::error::EngineError;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;

const KEY_FILE: &str = "webhook-key";

fn io(path: &Path, source: std::io::Error) -> EngineError {
    EngineError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The sealing key of the data dir, created (0600) when absent.
fn key(data_dir: &Path) -> Result<LessSafeKey, EngineError> {
    let path = data_dir.join(KEY_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut fresh = [0u8; 32];
            SystemRandom::new()
                .fill(&mut fresh)
                .map_err(|_| EngineError::Store("no system randomness".into()))?;
            write_private(&path, &fresh)?;
            // Another writer may have won the race: read back what is on disk.
            std::fs::read(&path).map_err(|e| io(&path, e))?
        }
        Err(e) => return Err(io(&path, e)),
    };
    let unbound = UnboundKey::new(&CHACHA20_POLY1305, &bytes)
        .map_err(|_| EngineError::Store(format!("{} is not a 32-byte key", path.display())))?;
    Ok(LessSafeKey::new(unbound))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(bytes).map_err(|e| io(path, e))?;
            f.sync_all().map_err(|e| io(path, e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io(path, e)),
    }
}

/// Seals `secret` for subscription `id`: base64 of nonce ‖ ciphertext ‖ tag.
pub(crate) fn seal(data_dir: &Path, id: &str, secret: &str) -> Result<String, EngineError> {
    let key = key(data_dir)?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| EngineError::Store("no system randomness".into()))?;
    let mut buf = secret.as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(id.as_bytes()),
        &mut buf,
    )
    .map_err(|_| EngineError::Store("sealing failed".into()))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&buf);
    Ok(B64.encode(out))
}

/// Opens a sealed secret of subscription `id`. A wrong key file or a tampered value is an error
/// naming the subscription, never the secret.
pub(crate) fn open(data_dir: &Path, id: &str, sealed: &str) -> Result<String, EngineError> {
    let bad = || {
        EngineError::Store(format!(
            "the secret of webhook {id} cannot be unsealed (was {KEY_FILE} replaced?)"
        ))
    };
    let key = key(data_dir)?;
    let raw = B64.decode(sealed).map_err(|_| bad())?;
    if raw.len() < NONCE_LEN {
        return Err(bad());
    }
    let (nonce, ct) = raw.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| bad())?;
    let mut buf = ct.to_vec();
    let plain = key
        .open_in_place(nonce, Aad::from(id.as_bytes()), &mut buf)
        .map_err(|_| bad())?;
    String::from_utf8(plain.to_vec()).map_err(|_| bad())
}

/// A fresh secret: `whsec_` + 32 random bytes in URL-safe base64 (43 characters).
pub(crate) fn new_secret() -> Result<String, EngineError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| EngineError::Store("no system randomness".into()))?;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_subscription_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let secret = new_secret().unwrap();
        assert_eq!(secret.len(), 6 + 43);
        let sealed = seal(dir.path(), "wh_a", &secret).unwrap();
        assert!(!sealed.contains(&secret[6..]));
        assert_eq!(open(dir.path(), "wh_a", &sealed).unwrap(), secret);
        assert!(
            open(dir.path(), "wh_b", &sealed).is_err(),
            "bound to its id"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions();
            assert_eq!(mode.mode() & 0o777, 0o600);
        }
        let other = tempfile::tempdir().unwrap();
        assert!(open(other.path(), "wh_a", &sealed).is_err(), "another key");
    }
}
