//! The facade's webhook calls: subscriptions (create, list, delete, the delivery log, retry of
//! parked deliveries), replay, and what the deliverer (`routemate-sync`'s `webhooks`) reads and
//! records around each HTTP exchange. Blocking like the rest of the facade.

use super::Api;
use crate::error::EngineError;
use crate::outbox;
use crate::webhooks::delivery::{self, Backoff};
use crate::webhooks::store;
use crate::webhooks::{
    Attempt, CreatedSubscription, DeliveryLog, Due, DueLookup, Event, EventPage, NewSubscription,
    Subscription, Target,
};
use chrono::{DateTime, Utc};

/// Replay pages are at most this long.
pub const REPLAY_MAX: usize = 1000;

impl Api {
    /// Creates a webhook subscription; the answer holds its secret, shown this once. `local`:
    /// the caller is this machine's user (CLI, desktop, a loopback-bound server), who may
    /// subscribe plain `http://` loopback receivers; a server reachable from elsewhere passes
    /// `false`, refusing loopback and private addresses, and host names resolving only to such
    /// addresses (resolved once, here, outside the store's guard; the deliverer checks again at
    /// every connection).
    pub fn webhook_create(
        &self,
        account: &str,
        new: &NewSubscription,
        local: bool,
    ) -> Result<CreatedSubscription, EngineError> {
        crate::webhooks::check_url(&new.url, local)?;
        crate::webhooks::check_resolved(&new.url, local)?;
        let now = self.context().now();
        let store = self.store();
        store.guard(0, || store::create(store, account, new, local, now))
    }

    /// The account's subscriptions with their queue and last attempt (no secrets).
    pub fn webhook_list(&self, account: &str) -> Result<Vec<Subscription>, EngineError> {
        store::list(self.store(), account)
    }

    /// Deletes a subscription with its queue and log; `false` when there is none.
    pub fn webhook_delete(&self, account: &str, id: &str) -> Result<bool, EngineError> {
        store::delete(self.store(), account, id)
    }

    /// One subscription with its newest delivery attempts and parked jobs.
    pub fn webhook_log(&self, account: &str, id: &str) -> Result<DeliveryLog, EngineError> {
        store::delivery_log(self.store(), account, id)
    }

    /// Sends a subscription's parked deliveries again; answers how many.
    pub fn webhook_retry(&self, account: &str, id: &str) -> Result<usize, EngineError> {
        store::retry_parked(self.store(), account, id)
    }

    /// The account's events after the event id `after` (oldest first, at most `limit`, capped
    /// at [`REPLAY_MAX`]).
    pub fn webhook_events(
        &self,
        account: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<EventPage, EngineError> {
        store::replay(self.store(), account, after, limit.clamp(1, REPLAY_MAX))
    }

    /// Every subscription with its secret, for the deliverer only.
    pub fn webhook_targets(&self) -> Result<Vec<Target>, EngineError> {
        store::targets(self.store())
    }

    /// One subscription with its secret (`routemate webhooks test`).
    pub fn webhook_target(&self, account: &str, id: &str) -> Result<Target, EngineError> {
        store::target(self.store(), account, id)
    }

    /// Subscription `id`'s due deliveries, and when the next backing-off one is due.
    pub fn webhook_due(&self, id: &str) -> Result<(Vec<Due>, Option<DateTime<Utc>>), EngineError> {
        delivery::due(self.store(), id, self.context().now())
    }

    /// [`Api::webhook_due`] for the named jobs only (the deliverer's worker keeps its queue
    /// between passes and asks about the jobs that changed): each job's due delivery (`None`:
    /// nothing due), and when the next backing-off one of them is due.
    pub fn webhook_due_for(&self, id: &str, subjects: &[String]) -> Result<DueLookup, EngineError> {
        delivery::due_for(self.store(), id, subjects, self.context().now())
    }

    /// The events a due delivery still has to send, in order.
    pub fn webhook_pending(&self, due: &Due) -> Result<Vec<Event>, EngineError> {
        delivery::pending(self.store(), due)
    }

    /// Records an acknowledged event. Not flushed: the deliverer flushes (several deliveries'
    /// acknowledgements in one [`Api::flush`]) before it sends that job's next event.
    pub fn webhook_acknowledged(
        &self,
        due: &Due,
        seq: u64,
        attempt: &Attempt,
    ) -> Result<(), EngineError> {
        delivery::acknowledged(self.store(), &due.subscription, &due.subject, seq, attempt)
    }

    /// [`Api::webhook_acknowledged`] for several events at once, in order (the deliverer writes
    /// the acknowledgements that arrived meanwhile together, then flushes them with one
    /// [`Api::flush`]).
    pub fn webhook_acknowledged_all(
        &self,
        acks: &[(Due, u64, Attempt)],
    ) -> Result<(), EngineError> {
        for (due, seq, attempt) in acks {
            delivery::acknowledged(self.store(), &due.subscription, &due.subject, *seq, attempt)?;
        }
        Ok(())
    }

    /// Records that a delivery has nothing left to send up to `seq` (filtered-out types), then
    /// takes its outbox entry out unless newer events arrived meanwhile. Not flushed: losing it
    /// in a crash only makes the deliverer find nothing left to send for that entry.
    pub fn webhook_done(&self, due: &Due, seq: u64) -> Result<bool, EngineError> {
        Ok(self.webhook_done_all(&[(due.clone(), seq)])? == 1)
    }

    /// [`Api::webhook_done`] for several deliveries, their entries settled in one transaction
    /// (the deliverer collects the ones that finished meanwhile). Answers how many entries left.
    pub fn webhook_done_all(&self, done: &[(Due, u64)]) -> Result<usize, EngineError> {
        for (due, seq) in done {
            delivery::skip_to(self.store(), &due.subscription, &due.subject, *seq)?;
        }
        let entries: Vec<(u64, u64)> = done.iter().map(|(d, _)| (d.entry_id, d.upto)).collect();
        outbox::settle_many(self.store(), &entries)
    }

    /// Records a failed attempt: the delivery backs off, or is parked after
    /// `backoff.park_after` of failures. Answers whether it was parked.
    pub fn webhook_failed(
        &self,
        due: &Due,
        attempt: &Attempt,
        retry_after: Option<std::time::Duration>,
        backoff: Backoff,
    ) -> Result<bool, EngineError> {
        let now = self.context().now();
        delivery::failed(self.store(), due, attempt, retry_after, backoff, now)
    }

    /// Deletes events past their retention; answers how many.
    pub fn webhook_prune(&self) -> Result<usize, EngineError> {
        store::prune(self.store(), self.context().now())
    }
}
