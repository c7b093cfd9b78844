//! The token endpoint's guards: the failed-attempt rate limit (per client id and peer, and per
//! peer) and the gate that bounds concurrent argon2 verifications.

use super::{FAILURE_WINDOW_SECS, MAX_FAILURES, MAX_PEER_FAILURES, TOKEN_SWEEP_SECS};
use argon2::Block;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Condvar, Mutex};

/// The rate limit and the verification gate of the token endpoint.
///
/// An attempt is counted *before* its secret is verified (and uncounted on success), so a
/// concurrent burst cannot slip past the limit while earlier attempts are still verifying.
pub(crate) struct FailureLimiter {
    /// Key → (attempts in the window, window start). Keys hash the client id, so a 64 KiB id
    /// costs the same few bytes as a real one.
    pub(super) entries: Mutex<HashMap<String, (u32, DateTime<Utc>)>>,
    pub(super) gate: VerifyGate,
    pub(super) last_sweep: Mutex<Option<DateTime<Utc>>>,
}

impl Default for FailureLimiter {
    fn default() -> Self {
        FailureLimiter {
            entries: Mutex::default(),
            gate: VerifyGate::sized_to_machine(),
            last_sweep: Mutex::default(),
        }
    }
}

/// Most keys the limiter keeps before pruning expired ones.
pub(super) const MAX_LIMITER_KEYS: usize = 100_000;

impl FailureLimiter {
    /// Counts an attempt against every `(key, bound)`; `Err(retry_after_secs)` (nothing
    /// counted) when any key is already at its bound.
    pub(super) fn begin(&self, keys: &[(String, u32)], now: DateTime<Utc>) -> Result<(), u64> {
        let window = Duration::seconds(FAILURE_WINDOW_SECS);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for (key, bound) in keys {
            if let Some((count, since)) = entries.get(key) {
                let window_end = *since + window;
                if *count >= *bound && now < window_end {
                    return Err((window_end - now).num_seconds().max(1) as u64);
                }
            }
        }
        if entries.len() > MAX_LIMITER_KEYS {
            entries.retain(|_, (_, since)| now - *since < window);
        }
        for (key, _) in keys {
            let e = entries.entry(key.clone()).or_insert((0, now));
            if now - e.1 >= window {
                *e = (0, now);
            }
            e.0 += 1;
        }
        Ok(())
    }

    /// Takes back an attempt that did not fail (verified, or never verified because the server
    /// was busy). The (client id, peer) key is cleared on success: a good secret ends a streak.
    pub(super) fn undo(&self, keys: &[(String, u32)], clear_first: bool) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for (i, (key, _)) in keys.iter().enumerate() {
            if i == 0 && clear_first {
                entries.remove(key);
            } else if let Some(e) = entries.get_mut(key) {
                e.0 = e.0.saturating_sub(1);
            }
        }
    }

    /// True (and remembered) when expired tokens have not been swept for [`TOKEN_SWEEP_SECS`].
    pub(super) fn sweep_due(&self, now: DateTime<Utc>) -> bool {
        let mut last = self.last_sweep.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|t| now - t < Duration::seconds(TOKEN_SWEEP_SECS)) {
            return false;
        }
        *last = Some(now);
        true
    }
}

/// The rate-limit keys of one attempt, the (client id, peer) pair first.
pub(super) fn limiter_keys(client_id: &str, peer: Option<&str>) -> Vec<(String, u32)> {
    // A short digest of the id: bounded memory whatever the caller sends.
    let id = hex::encode(&Sha256::digest(client_id.as_bytes())[..12]);
    match peer {
        Some(p) => vec![
            (format!("pair:{id}:{p}"), MAX_FAILURES),
            (format!("peer:{p}"), MAX_PEER_FAILURES),
        ],
        None => vec![(format!("id:{id}"), MAX_FAILURES)],
    }
}

/// Bounds concurrent argon2 verifications: each holds ~19 MiB, so an unbounded burst of bad
/// requests would cost gigabytes. Callers wait up to [`VERIFY_WAIT`] for a slot; beyond
/// [`MAX_VERIFY_WAITERS`] waiting, or after the wait, the request is refused as busy.
pub(super) struct VerifyGate {
    pub(super) slots: usize,
    /// (verifications running, callers waiting)
    pub(super) state: Mutex<(usize, usize)>,
    pub(super) freed: Condvar,
    /// Argon2 working memory, one buffer per slot at most, reused across verifications.
    pub(super) buffers: Mutex<Vec<Vec<Block>>>,
}

pub(super) const VERIFY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
pub(super) const MAX_VERIFY_WAITERS: usize = 64;

impl VerifyGate {
    /// One slot per CPU (at least 2, at most 16).
    pub(super) fn sized_to_machine() -> VerifyGate {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        VerifyGate::new(cpus.clamp(2, 16))
    }

    pub(super) fn new(slots: usize) -> VerifyGate {
        VerifyGate {
            slots,
            state: Mutex::new((0, 0)),
            freed: Condvar::new(),
            buffers: Mutex::default(),
        }
    }

    pub(super) fn acquire(&self) -> Option<VerifySlot<'_>> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.0 < self.slots {
            s.0 += 1;
            return Some(VerifySlot::new(self));
        }
        if s.1 >= MAX_VERIFY_WAITERS {
            return None;
        }
        s.1 += 1;
        let deadline = std::time::Instant::now() + VERIFY_WAIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let (guard, timeout) = self
                .freed
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner());
            s = guard;
            if s.0 < self.slots {
                s.1 -= 1;
                s.0 += 1;
                return Some(VerifySlot::new(self));
            }
            if timeout.timed_out() {
                s.1 -= 1;
                return None;
            }
        }
    }
}

/// A running verification: its place in the gate and its working memory.
pub(super) struct VerifySlot<'a> {
    pub(super) gate: &'a VerifyGate,
    pub(super) blocks: Vec<Block>,
}

impl<'a> VerifySlot<'a> {
    pub(super) fn new(gate: &'a VerifyGate) -> VerifySlot<'a> {
        let blocks = gate
            .buffers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        VerifySlot { gate, blocks }
    }
}

impl Drop for VerifySlot<'_> {
    fn drop(&mut self) {
        let blocks = std::mem::take(&mut self.blocks);
        self.gate
            .buffers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(blocks);
        let mut s = self.gate.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0 -= 1;
        self.gate.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_refuses_when_its_slots_and_waiters_are_taken() {
        let gate = VerifyGate::new(1);
        let held = gate.acquire().expect("a free slot");
        gate.state.lock().unwrap().1 = MAX_VERIFY_WAITERS;
        assert!(gate.acquire().is_none(), "no slot and no room to wait");
        gate.state.lock().unwrap().1 = 0;
        drop(held);
        assert!(gate.acquire().is_some());
    }
}
