//! Keeps the geocode cache bounded. An answer computed against an older gazetteer generation is
//! never served again (the stack recomputes it), so it is dropped; past [`MAX_CACHE_ENTRIES`]
//! live answers a pseudo-random quarter goes (random replacement: no access times are kept, and
//! the key order would always evict the same account or street first).
//!
//! The stack calls [`after_insert`] after each cache write; it sweeps the tree on about one
//! write in [`CHECK_ONE_IN`] (chosen by a hash of the address, so no counter is needed), which
//! keeps the cost of a sweep (one pass over the tree) small per write.

use serde::Deserialize;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Live answers kept at most (an answer is a few hundred bytes: tens of MB at most).
pub const MAX_CACHE_ENTRIES: usize = 100_000;
/// About one cache write in this many sweeps the tree.
pub const CHECK_ONE_IN: u64 = 1_024;

/// What a sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trimmed {
    pub stale: usize,
    pub excess: usize,
    /// Entries left.
    pub kept: usize,
}

/// The only field a sweep reads of a cache entry.
#[derive(Deserialize)]
struct Generation {
    generation: u64,
}

fn hash_of(bytes: &[u8]) -> u64 {
    // DefaultHasher::new() has fixed keys: the same input always hashes the same.
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Sweeps `cache` when `address` falls on a check point; errors are logged, never returned (a
/// cache that could not be trimmed still answers).
pub fn after_insert(cache: &sled::Tree, address: &str, generation: u64) {
    if !hash_of(address.as_bytes()).is_multiple_of(CHECK_ONE_IN) {
        return;
    }
    match trim(cache, generation, MAX_CACHE_ENTRIES) {
        Ok(t) if t.stale + t.excess > 0 => {
            tracing::info!(
                stale = t.stale,
                excess = t.excess,
                kept = t.kept,
                "geocode cache trimmed"
            )
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "geocode cache not trimmed"),
    }
}

/// Removes entries of another generation (or unreadable ones), then, if more than
/// `max_entries` remain, a pseudo-random selection down to three quarters of it.
pub fn trim(
    cache: &sled::Tree,
    generation: u64,
    max_entries: usize,
) -> Result<Trimmed, sled::Error> {
    let mut out = Trimmed::default();
    let mut live: Vec<(u64, sled::IVec)> = Vec::new();
    for item in cache.iter() {
        let (key, value) = item?;
        let current =
            serde_json::from_slice::<Generation>(&value).is_ok_and(|g| g.generation == generation);
        if current {
            live.push((hash_of(&key), key));
        } else {
            cache.remove(&key)?;
            out.stale += 1;
        }
    }
    if live.len() > max_entries {
        let target = max_entries / 4 * 3;
        live.sort_unstable();
        for (_, key) in live.drain(..live.len() - target) {
            cache.remove(&key)?;
            out.excess += 1;
        }
    }
    out.kept = live.len();
    Ok(out)
}
