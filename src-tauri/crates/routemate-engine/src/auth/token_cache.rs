//! Tokens this process resolved a moment ago, so a busy integration's requests do not each read
//! the token and its credential from the store (on PostgreSQL two round trips a request).
//!
//! An entry (the token's account, found not disabled) is trusted for [`FRESH`]: a revocation or
//! an account disabled by another process (several servers on one database) counts here within
//! that time; one made through this process (the admin socket, the CLI on sled through it, the
//! desktop) empties the cache at once. A token's expiry is still
//! checked against the clock on every request.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a resolved token is trusted without reading the store again.
pub const FRESH: Duration = Duration::from_secs(2);
/// Entries kept at most; a full cache starts over (a sweep would cost more than a miss).
const CAPACITY: usize = 10_000;

/// What a lookup resolved: the account, and when the token expires.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub account: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Default)]
pub(crate) struct TokenCache {
    entries: Mutex<HashMap<[u8; 32], (Resolved, Instant)>>,
}

impl TokenCache {
    /// The token (by its SHA-256) if it was resolved less than [`FRESH`] ago.
    pub fn get(&self, key: &[u8; 32]) -> Option<Resolved> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(_, at)| at.elapsed() < FRESH)
            .map(|(r, _)| r.clone())
    }

    pub fn put(&self, key: [u8; 32], resolved: Resolved) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (resolved, Instant::now()));
    }

    /// Forgets every token (a credential was revoked in this process).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_trusted_only_while_fresh_and_clear_forgets_all() {
        let cache = TokenCache::default();
        let r = Resolved {
            account: "a".into(),
            expires_at: Utc::now(),
        };
        cache.put([1; 32], r.clone());
        assert_eq!(cache.get(&[1; 32]).map(|r| r.account), Some("a".into()));
        assert!(cache.get(&[2; 32]).is_none());
        // Aged past FRESH: not trusted.
        cache.entries.lock().unwrap().get_mut(&[1; 32]).unwrap().1 -= FRESH;
        assert!(cache.get(&[1; 32]).is_none());
        cache.put([3; 32], r);
        cache.clear();
        assert!(cache.get(&[3; 32]).is_none());
    }
}
