//! Per-entry retry state and the backoff rule: capped exponential backoff with full jitter
//! (`sleep = random(0, min(cap, base × 2^attempt))`, AWS "Exponential Backoff and Jitter"),
//! base 1 s and cap 60 s, with a server's `Retry-After` as a floor. The state is persisted in the
//! entry, so a restart neither forgets the backoff nor hammers a failing host.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// First backoff ceiling.
pub const BASE: std::time::Duration = std::time::Duration::from_secs(1);
/// Largest backoff ceiling.
pub const CAP: std::time::Duration = std::time::Duration::from_secs(60);

/// Where an entry stands in its retries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Retry {
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not to be tried before this time (`None`: due now).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// What the last failed attempt met (no secrets: a status line or a transport error kind).
    pub last_error: Option<String>,
}

impl Retry {
    /// Records a failed attempt at `now`: the next one waits a full-jitter backoff, and at least
    /// `retry_after` when the server said so.
    pub fn failed(
        &mut self,
        now: DateTime<Utc>,
        error: String,
        retry_after: Option<std::time::Duration>,
        rng: &mut impl Rng,
    ) {
        let wait = backoff(self.attempts, BASE, CAP, rng).max(retry_after.unwrap_or_default());
        self.attempts = self.attempts.saturating_add(1);
        self.next_attempt_at =
            Some(now + Duration::from_std(wait).unwrap_or_else(|_| Duration::seconds(60)));
        self.last_error = Some(error);
    }
}

/// Full jitter: a uniform wait in `[0, min(cap, base × 2^attempt)]`.
pub fn backoff(
    attempt: u32,
    base: std::time::Duration,
    cap: std::time::Duration,
    rng: &mut impl Rng,
) -> std::time::Duration {
    let ceiling = base
        .checked_mul(1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX))
        .unwrap_or(cap)
        .min(cap);
    let ms = ceiling.as_millis() as u64;
    std::time::Duration::from_millis(rng.gen_range(0..=ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn backoff_is_jittered_below_a_capped_doubling_ceiling() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for attempt in 0..40 {
            let ceiling = (1u64 << attempt.min(20)).min(60) * 1000;
            let waits: Vec<u64> = (0..200)
                .map(|_| backoff(attempt, BASE, CAP, &mut rng).as_millis() as u64)
                .collect();
            assert!(waits.iter().all(|&w| w <= ceiling), "attempt {attempt}");
            let distinct: std::collections::HashSet<_> = waits.iter().collect();
            assert!(distinct.len() > 50, "jitter spreads the waits");
        }
    }

    #[test]
    fn retry_after_is_a_floor_and_attempts_persist() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let now = Utc::now();
        let mut r = Retry::default();
        r.failed(
            now,
            "503".into(),
            Some(std::time::Duration::from_secs(3)),
            &mut rng,
        );
        assert_eq!(r.attempts, 1);
        assert!(r.next_attempt_at.unwrap() >= now + Duration::seconds(3));
        let back: Retry = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
