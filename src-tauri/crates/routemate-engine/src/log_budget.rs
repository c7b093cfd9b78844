//! Bounds on log lines that an unauthenticated caller can trigger: a per-window line budget with a
//! count of what was held back, and a bounded, sanitised rendering of caller-supplied text.
//!
//! A refused token request costs the attacker nothing but costs the server a log line; without a
//! budget one keep-alive connection can fill the disk. The window uses the monotonic clock
//! (`Instant`), not the engine's business clock: it only paces diagnostics.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many characters of caller-supplied text (a client id, a path) reach a log line.
pub const MAX_LOGGED_CHARS: usize = 48;

/// At most `per_window` lines per `window`; the rest are counted, and the count is reported on
/// the first line of a later window.
pub struct LogBudget {
    per_window: u32,
    window: Duration,
    state: Mutex<BudgetState>,
}

struct BudgetState {
    started: Option<Instant>,
    used: u32,
    suppressed: u64,
}

impl LogBudget {
    /// A budget of `per_window` lines every `window_secs` seconds (usable in a `static`).
    pub const fn new(per_window: u32, window_secs: u64) -> LogBudget {
        LogBudget {
            per_window,
            window: Duration::from_secs(window_secs),
            state: Mutex::new(BudgetState {
                started: None,
                used: 0,
                suppressed: 0,
            }),
        }
    }

    /// `Some(n)` when a line may be written now, `n` being how many were held back since the
    /// last line written; `None` when the line must be dropped (it is counted).
    pub fn allow(&self) -> Option<u64> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let expired = match s.started {
            Some(t) => now.duration_since(t) >= self.window,
            None => true,
        };
        if expired {
            s.started = Some(now);
            s.used = 0;
        }
        if s.used >= self.per_window {
            s.suppressed += 1;
            return None;
        }
        s.used += 1;
        Some(std::mem::take(&mut s.suppressed))
    }
}

/// Caller-supplied text made safe for one log line: at most [`MAX_LOGGED_CHARS`] characters,
/// anything but printable ASCII shown as `?`, and the original length noted when cut.
pub fn bounded(text: &str) -> String {
    bounded_to(text, MAX_LOGGED_CHARS)
}

/// [`bounded`] with another length (request paths carry ids, so they get more room).
pub fn bounded_to(text: &str, max_chars: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max_chars)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if text.chars().nth(max_chars).is_some() {
        out.push_str(&format!("...({} bytes)", text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_lets_its_lines_through_then_counts_the_rest() {
        let b = LogBudget::new(3, 3600);
        assert_eq!((0..3).map(|_| b.allow()).collect::<Vec<_>>(), [Some(0); 3]);
        assert_eq!(b.allow(), None);
        assert_eq!(b.allow(), None);
        // The next window reports the two lines held back.
        b.state.lock().unwrap().started = Some(Instant::now() - Duration::from_secs(3601));
        assert_eq!(b.allow(), Some(2));
        assert_eq!(b.allow(), Some(0));
    }

    #[test]
    fn caller_text_is_cut_and_sanitised() {
        assert_eq!(bounded("rm_ci_abc"), "rm_ci_abc");
        assert_eq!(bounded("a\nb\u{202e}c\0"), "a?b?c?");
        let long = "x".repeat(65_536);
        let shown = bounded(&long);
        assert!(shown.len() < 80, "{shown}");
        assert!(shown.ends_with("...(65536 bytes)"), "{shown}");
    }
}
