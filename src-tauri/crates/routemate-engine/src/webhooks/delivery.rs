//! What the deliverer reads and records in the store (trees in [`super::store`]): the deliveries
//! due for a subscription, the events one still has to send, acknowledgements, skips and
//! failures with their backoff, and the per-subscription attempt log.

use super::store::{
    be, entries_of, stream_prefix, tree, Ack, SubRecord, ACKS, EVENTS, LOG, STREAMS, SUBS,
};
use super::{Attempt, Due, DueLookup, Event, LOG_KEEP};
use crate::error::EngineError;
use crate::outbox::{self, Parked};
use crate::store::{decode, encode, key2, Store};
use chrono::{DateTime, Duration, Utc};

/// Subscription `id`'s deliveries that are due at `now` (oldest first), and the earliest time a
/// backing-off one becomes due.
pub(crate) fn due(
    store: &Store,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<Due>, Option<DateTime<Utc>>), EngineError> {
    let mut due = Vec::new();
    let mut next = None::<DateTime<Utc>>;
    for e in entries_of(store, id)? {
        sort_entry(id, e, now, &mut due, &mut next);
    }
    Ok((due, next))
}

/// [`due`] for the named jobs (subjects) only, one key lookup each: the delivery due now for
/// each (`None`: nothing queued, parked or backing off), and the earliest time a backing-off one
/// of them becomes due.
pub(crate) fn due_for(
    store: &Store,
    id: &str,
    subjects: &[String],
    now: DateTime<Utc>,
) -> Result<DueLookup, EngineError> {
    let mut out = Vec::with_capacity(subjects.len());
    let mut next = None::<DateTime<Utc>>;
    for subject in subjects {
        let mut due = Vec::new();
        let target = format!("{id}/{subject}");
        if let Some(e) = outbox::find(store, outbox::EntryKind::Webhook, &target)? {
            sort_entry(id, e, now, &mut due, &mut next);
        }
        out.push((subject.clone(), due.pop()));
    }
    Ok((out, next))
}

/// Puts `e` (an entry of subscription `id`) in `due` when it is due at `now`, else notes when it
/// will be (unless parked) in `next`.
fn sort_entry(
    id: &str,
    e: outbox::Entry,
    now: DateTime<Utc>,
    due: &mut Vec<Due>,
    next: &mut Option<DateTime<Utc>>,
) {
    if e.is_due(now) {
        due.push(Due {
            entry_id: e.id,
            subscription: id.to_string(),
            subject: e.target[id.len() + 1..].to_string(),
            upto: e.payload_ref,
        });
    } else if e.parked.is_none() {
        *next = match (*next, e.retry.next_attempt_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// The events of `d.subject` subscription `d.subscription` has not acknowledged, up to `d.upto`,
/// in order, with their sequence; only the types it subscribed to (the others count as
/// acknowledged when the next one is). Events past retention are gone and skipped.
pub(crate) fn pending(store: &Store, d: &Due) -> Result<Vec<Event>, EngineError> {
    let subs = tree(store, SUBS)?;
    let Some(v) = subs.get(d.subscription.as_bytes())? else {
        return Ok(Vec::new());
    };
    let rec: SubRecord = decode(&v)?;
    let acked = ack_of(store, &d.subscription, &d.subject)?.2.seq;
    let (events, streams) = (tree(store, EVENTS)?, tree(store, STREAMS)?);
    let prefix = stream_prefix(&rec.account, &d.subject);
    let mut from = prefix.clone();
    from.extend_from_slice(&be(acked + 1));
    let mut to = prefix.clone();
    to.extend_from_slice(&be(d.upto));
    // The newest event queued is not numbered yet: number what waits (a stream row is written
    // with the number), then read. Rows may also be missing because retention removed them.
    if !streams.contains_key(&to)? {
        super::numbering::number(store)?;
    }
    let mut out = Vec::new();
    for item in streams.range(from..=to) {
        let (_, n) = item?;
        let mut ek = rec.account.as_bytes().to_vec();
        ek.push(0);
        ek.extend_from_slice(&n);
        if let Some(v) = events.get(ek)? {
            let e: Event = decode(&v)?;
            if rec.events.contains(&e.kind) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// Subscription `sub`'s position in `subject`'s events (nothing acknowledged when it has none),
/// with the tree and key it is kept under.
fn ack_of(
    store: &Store,
    sub: &str,
    subject: &str,
) -> Result<(crate::store::kv::Tree, Vec<u8>, Ack), EngineError> {
    let acks = tree(store, ACKS)?;
    let k = key2(sub, subject);
    let a = acks
        .get(&k)?
        .map(|v| decode(&v))
        .transpose()?
        .unwrap_or_default();
    Ok((acks, k, a))
}

/// The log is trimmed back to [`LOG_KEEP`] every this many attempts (not on each: a trim reads
/// the subscription's whole log), so it holds at most `LOG_KEEP + TRIM_EVERY` between trims.
const TRIM_EVERY: u64 = 16;

fn put_attempt(store: &Store, sub: &str, attempt: &Attempt) -> Result<(), EngineError> {
    let log = tree(store, LOG)?;
    let mut k = sub.as_bytes().to_vec();
    k.push(0);
    let prefix = k.clone();
    let n = store.db.generate_id()?;
    k.extend_from_slice(&be(n));
    log.insert(k, encode(attempt))?;
    if n % TRIM_EVERY != 0 {
        return Ok(());
    }
    let keys: Vec<sled::IVec> = log.scan_prefix(&prefix).keys().collect::<Result<_, _>>()?;
    for old in keys.iter().take(keys.len().saturating_sub(LOG_KEEP)) {
        log.remove(old)?;
    }
    Ok(())
}

/// The newest `limit` attempts of subscription `sub`.
pub(super) fn attempts(
    store: &Store,
    sub: &str,
    limit: usize,
) -> Result<Vec<Attempt>, EngineError> {
    let mut prefix = sub.as_bytes().to_vec();
    prefix.push(0);
    tree(store, LOG)?
        .scan_prefix(prefix)
        .values()
        .rev()
        .take(limit)
        .map(|v| decode(&v?))
        .collect()
}

/// Records that the subscriber acknowledged `subject`'s event `seq` (and, with it, everything
/// before), with the attempt in the log. Not flushed: the deliverer flushes before it sends the
/// subject's next event (one flush for every delivery that finished meanwhile), so a restart
/// sends again at most what was acknowledged during that one flush.
pub(crate) fn acknowledged(
    store: &Store,
    sub: &str,
    subject: &str,
    seq: u64,
    attempt: &Attempt,
) -> Result<(), EngineError> {
    let (acks, k, mut a) = ack_of(store, sub, subject)?;
    a.seq = a.seq.max(seq);
    a.failing_since = None;
    acks.insert(k, encode(&a))?;
    put_attempt(store, sub, attempt)
}

/// Marks everything of `subject` up to `seq` as acknowledged without a delivery (the subscriber
/// wants none of those types). Not flushed: losing it only re-reads skipped events.
pub(crate) fn skip_to(
    store: &Store,
    sub: &str,
    subject: &str,
    seq: u64,
) -> Result<(), EngineError> {
    let (acks, k, mut a) = ack_of(store, sub, subject)?;
    if seq > a.seq {
        a.seq = seq;
        acks.insert(k, encode(&a))?;
    }
    Ok(())
}

/// How a failed delivery backs off.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: std::time::Duration,
    pub cap: std::time::Duration,
    /// Failing this long parks the subject's deliveries.
    pub park_after: std::time::Duration,
}

/// Records a failed attempt at `now`: the entry backs off (capped exponential, full jitter,
/// `retry_after` as a floor) or, once deliveries of this subject have failed for
/// `backoff.park_after`, is parked. Flushed. Answers whether it was parked.
pub(crate) fn failed(
    store: &Store,
    d: &Due,
    attempt: &Attempt,
    retry_after: Option<std::time::Duration>,
    backoff: Backoff,
    now: DateTime<Utc>,
) -> Result<bool, EngineError> {
    let (acks, k, mut a) = ack_of(store, &d.subscription, &d.subject)?;
    let since = *a.failing_since.get_or_insert(now);
    acks.insert(k, encode(&a))?;
    put_attempt(store, &d.subscription, attempt)?;
    let park = now - since >= Duration::from_std(backoff.park_after).unwrap_or(Duration::MAX);
    let error = attempt
        .error
        .clone()
        .unwrap_or_else(|| "delivery failed".into());
    outbox::update(store, d.entry_id, |e| {
        let r = &mut e.retry;
        let wait = outbox::backoff(
            r.attempts,
            backoff.base,
            backoff.cap,
            &mut rand::thread_rng(),
        )
        .max(retry_after.unwrap_or_default());
        r.attempts = r.attempts.saturating_add(1);
        r.next_attempt_at = Some(now + Duration::from_std(wait).unwrap_or(Duration::seconds(60)));
        r.last_error = Some(error.clone());
        if park {
            e.parked = Some(Parked {
                status: attempt.status.unwrap_or(0),
                problem: serde_json::json!({"type": "webhook_undeliverable", "detail": error}),
                at: now,
            });
        }
    })?;
    Ok(park)
}
