//! A worker's queue between passes. Reading a subscription's whole queue decodes every outbox
//! entry it has (hundreds under load), so a worker reads it whole only now and then
//! ([`RESCAN`], when a backing-off delivery falls due, or when it may have missed a change) and
//! otherwise asks the store about the jobs that changed: those the engine's events name since the
//! last pass ([`Changed`]) and those whose delivery just finished. Changes made by another
//! process (several servers on PostgreSQL) or without an engine event (day plans, a retried
//! parked job) are found by the next whole read.

use chrono::{DateTime, Utc};
use routemate_engine::events::EngineEvent;
use routemate_engine::webhooks::Due;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// The whole queue is read at least this often.
pub const RESCAN: Duration = Duration::from_secs(1);
/// More changed jobs than this between two passes: the next pass reads the whole queue.
const MAX_NOTED: usize = 4096;

/// The jobs that changed since the worker's last pass.
#[derive(Debug, Default)]
pub struct Changed {
    jobs: HashSet<String>,
    /// Something changed that is not in `jobs` (events lost, too many): read everything.
    all: bool,
}

impl Changed {
    /// Notes what an engine event changed (settings changes make no webhook events).
    pub fn note(&mut self, event: &EngineEvent) {
        match event {
            EngineEvent::JobImported { job_id, .. }
            | EngineEvent::JobUpdated { job_id, .. }
            | EngineEvent::StopStatusChanged { job_id, .. } => self.job(job_id),
            EngineEvent::SettingsChanged => {}
        }
    }

    /// Notes that job `job_id`'s queue entry may have changed.
    pub fn job(&mut self, job_id: &str) {
        if self.all {
            return;
        }
        if self.jobs.len() >= MAX_NOTED {
            self.everything();
        } else {
            self.jobs.insert(job_id.to_string());
        }
    }

    /// Notes that anything may have changed (engine events were missed).
    pub fn everything(&mut self) {
        self.all = true;
        self.jobs.clear();
    }

    /// Takes what was noted: the jobs, and whether anything else may have changed.
    pub fn take(&mut self) -> (HashSet<String>, bool) {
        (
            std::mem::take(&mut self.jobs),
            std::mem::take(&mut self.all),
        )
    }
}

/// The deliveries due and not started, as the worker last read them.
#[derive(Debug, Default)]
pub struct Queue {
    due: HashMap<String, Due>,
    /// When the earliest backing-off delivery becomes due.
    later: Option<DateTime<Utc>>,
    /// When the whole queue was last read (`None`: never, or the last pass failed).
    read_at: Option<Instant>,
}

impl Queue {
    /// Whether the next pass reads the whole queue.
    pub fn needs_full_read(&self, all_changed: bool, now: DateTime<Utc>) -> bool {
        all_changed
            || self.read_at.is_none_or(|t| t.elapsed() >= RESCAN)
            || self.later.is_some_and(|t| t <= now)
    }

    /// Replaces the queue with a whole read (`later`: the earliest backing-off delivery); jobs
    /// being delivered (`busy`) are left out.
    pub fn replace(&mut self, due: Vec<Due>, later: Option<DateTime<Utc>>, busy: &HashSet<String>) {
        self.due = due
            .into_iter()
            .filter(|d| !busy.contains(&d.subject))
            .map(|d| (d.subject.clone(), d))
            .collect();
        self.later = later;
        self.read_at = Some(Instant::now());
    }

    /// Applies what the store said about some jobs: each one's due delivery or none.
    pub fn update(
        &mut self,
        found: Vec<(String, Option<Due>)>,
        later: Option<DateTime<Utc>>,
        busy: &HashSet<String>,
    ) {
        for (job, due) in found {
            match due {
                Some(d) if !busy.contains(&job) => {
                    self.due.insert(job, d);
                }
                _ => {
                    self.due.remove(&job);
                }
            }
        }
        self.later = match (self.later, later) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// Takes the `n` oldest deliveries (by outbox entry, so jobs are served in turn).
    pub fn take_oldest(&mut self, n: usize) -> Vec<Due> {
        if n == 0 || self.due.is_empty() {
            return Vec::new();
        }
        let mut order: Vec<(u64, &String)> =
            self.due.iter().map(|(j, d)| (d.entry_id, j)).collect();
        order.sort_unstable();
        let jobs: Vec<String> = order.into_iter().take(n).map(|(_, j)| j.clone()).collect();
        jobs.iter().filter_map(|j| self.due.remove(j)).collect()
    }

    /// How long the worker may sleep if nothing wakes it: until the next whole read or the
    /// earliest backing-off delivery.
    pub fn wait(&self, now: DateTime<Utc>) -> Duration {
        let rescan = self
            .read_at
            .map_or(Duration::ZERO, |t| RESCAN.saturating_sub(t.elapsed()));
        match self.later {
            Some(t) => rescan.min((t - now).to_std().unwrap_or_default()),
            None => rescan,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(entry_id: u64, job: &str) -> Due {
        Due {
            entry_id,
            subscription: "wh_1".into(),
            subject: job.into(),
            upto: 1,
        }
    }

    #[test]
    fn oldest_entries_first_and_busy_jobs_left_out() {
        let mut q = Queue::default();
        let busy: HashSet<String> = ["b".to_string()].into();
        q.replace(vec![due(3, "c"), due(1, "a"), due(2, "b")], None, &busy);
        assert_eq!(q.take_oldest(1)[0].subject, "a");
        assert_eq!(q.take_oldest(5).len(), 1, "b is busy, a was taken");
        assert!(q.take_oldest(5).is_empty());
    }

    #[test]
    fn a_lookup_adds_updates_and_removes_jobs() {
        let mut q = Queue::default();
        let none = HashSet::new();
        q.replace(vec![due(1, "a"), due(2, "b")], None, &none);
        let mut newer = due(1, "a");
        newer.upto = 7;
        q.update(
            vec![
                ("a".into(), Some(newer)),
                ("b".into(), None),
                ("c".into(), Some(due(9, "c"))),
            ],
            None,
            &none,
        );
        let taken = q.take_oldest(10);
        let got: Vec<(&str, u64)> = taken.iter().map(|d| (d.subject.as_str(), d.upto)).collect();
        assert_eq!(got, [("a", 7), ("c", 1)]);
    }

    #[test]
    fn whole_reads_come_first_then_every_rescan_or_when_a_backoff_ends() {
        let now = Utc::now();
        let mut q = Queue::default();
        assert!(q.needs_full_read(false, now), "never read");
        q.replace(Vec::new(), None, &HashSet::new());
        assert!(!q.needs_full_read(false, now));
        assert!(q.needs_full_read(true, now), "changes were missed");
        assert!(q.wait(now) <= RESCAN);
        q.update(
            Vec::new(),
            Some(now - chrono::Duration::seconds(1)),
            &HashSet::new(),
        );
        assert!(
            q.needs_full_read(false, now),
            "a backing-off delivery is due"
        );
        assert_eq!(q.wait(now), Duration::ZERO);
    }

    #[test]
    fn too_many_changes_turn_into_a_whole_read() {
        let mut c = Changed::default();
        c.note(&EngineEvent::SettingsChanged);
        assert_eq!(c.take(), (HashSet::new(), false));
        for i in 0..=MAX_NOTED {
            c.job(&format!("job-{i}"));
        }
        let (jobs, all) = c.take();
        assert!(all);
        assert!(jobs.is_empty());
    }
}
