//! Every webhook record in the store, in the style of `outbox`: sled trees opened through
//! [`Store::tree`], related writes in one sled transaction, a flush before anything is
//! acknowledged.
//!
//! Trees:
//! - `webhook_subscriptions`: subscription id → [`SubRecord`] (URL, event types, sealed secret).
//! - `webhook_unnumbered`: change id (big-endian `u64` from `Db::generate_id`) + draft index →
//!   [`Event`] without its id: what a change's transaction writes. [`super::numbering::number`] moves them on.
//! - `webhook_events`: account `\0` event number (big-endian `u64`) → [`Event`]; an account's
//!   events in the order they were numbered, which is the replay order.
//! - `webhook_streams`: account `\0` subject `\0` sequence (big-endian) → event number: one job's
//!   (or plan's) events in order, for delivery.
//! - `webhook_counters`: `events` → the last event number; `seq` `\0` account `\0` subject → the
//!   subject's last sequence, bumped inside the change's transaction (a job's changes are
//!   serialised by its revision anyway).
//! - `webhook_acks`: subscription `\0` subject → [`Ack`]: the last sequence the subscriber
//!   acknowledged, and since when delivery has been failing.
//! - `webhook_log`: subscription `\0` attempt number (big-endian) → [`super::Attempt`], the newest
//!   [`LOG_KEEP`] kept.
//!
//! The outbox holds one [`EntryKind::Webhook`] entry per (subscription, subject) with something
//! to deliver: target `subscription/subject`, payload reference = the subject's newest sequence.
//! It is written (or coalesced) in the change's transaction, like sync's.
//!
//! Event numbers are given after the change's commit: see [`super::numbering`]; what the
//! deliverer reads and records: [`super::delivery`].

use super::delivery::attempts;
use super::{
    parse_event_id, seal, CreatedSubscription, DeliveryLog, Event, EventPage, EventType,
    NewSubscription, ParkedStream, Subscription, Target, LOG_KEEP, MAX_SUBSCRIPTIONS,
    RETENTION_DAYS,
};
use crate::error::EngineError;
use crate::outbox::{self, Enqueue, Entry, EntryKind, Retry};
use crate::store::kv::transaction::{ConflictableTransactionError, TransactionalTree};
use crate::store::{decode, encode, key2, Store};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub(super) const SUBS: &str = "webhook_subscriptions";
pub(super) const UNNUMBERED: &str = "webhook_unnumbered";
pub(super) const EVENTS: &str = "webhook_events";
pub(super) const STREAMS: &str = "webhook_streams";
pub(super) const COUNTERS: &str = "webhook_counters";
pub(super) const ACKS: &str = "webhook_acks";
pub(super) const LOG: &str = "webhook_log";

type TxResult<T> = Result<T, ConflictableTransactionError<EngineError>>;

/// A subscription as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SubRecord {
    pub id: String,
    pub account: String,
    pub url: String,
    pub events: Vec<EventType>,
    pub description: Option<String>,
    /// The secret, sealed ([`seal`]); never the plaintext.
    pub sealed_secret: String,
    pub secret_hint: String,
    pub created_at: DateTime<Utc>,
    /// Created by this machine's user (`local` at creation). Records from before this field:
    /// `None`, judged by their URL (an internal literal or `localhost` only a local caller could
    /// have subscribed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<bool>,
}

impl SubRecord {
    fn private_ok(&self) -> bool {
        self.local
            .unwrap_or_else(|| super::check_url(&self.url, false).is_err())
    }

    fn view(&self) -> Subscription {
        Subscription {
            id: self.id.clone(),
            url: self.url.clone(),
            events: self.events.clone(),
            description: self.description.clone(),
            created_at: self.created_at,
            secret_hint: self.secret_hint.clone(),
            queued: 0,
            parked: 0,
            last_attempt: None,
        }
    }
}

/// A subscriber's position in one subject's events.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Ack {
    /// The last sequence acknowledged (0: none).
    pub seq: u64,
    /// When the current run of failures began (`None`: the last attempt succeeded).
    pub failing_since: Option<DateTime<Utc>>,
}

/// The event trees a change writes in its transaction.
pub(crate) struct EventTrees {
    pub unnumbered: crate::store::kv::Tree,
    pub counters: crate::store::kv::Tree,
}

/// What a change needs before its transaction: the account's subscriptions and one fresh outbox
/// id for each, and the change's own id (ids are generated outside transactions).
pub(crate) struct Prepared {
    pub trees: EventTrees,
    account: String,
    now: DateTime<Utc>,
    subs: Vec<(String, Vec<EventType>, u64)>,
    change_id: u64,
}

/// An event about to be recorded.
pub(crate) struct Draft {
    pub kind: EventType,
    pub data: serde_json::Value,
}

pub(super) fn tree(store: &Store, name: &str) -> Result<crate::store::kv::Tree, EngineError> {
    store.tree(name)
}

fn subs_of(store: &Store, account: &str) -> Result<Vec<SubRecord>, EngineError> {
    let subs = tree(store, SUBS)?;
    let mut out = Vec::new();
    for item in subs.iter() {
        let (_, v) = item?;
        let r: SubRecord = decode(&v)?;
        if r.account == account {
            out.push(r);
        }
    }
    out.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Reads what a change of `account` at `now` records with it.
pub(crate) fn prepare(
    store: &Store,
    account: &str,
    now: DateTime<Utc>,
) -> Result<Prepared, EngineError> {
    let subs = subs_of(store, account)?
        .into_iter()
        .map(|s| Ok((s.id, s.events, outbox::fresh_id(store)?)))
        .collect::<Result<Vec<_>, EngineError>>()?;
    Ok(Prepared {
        trees: EventTrees {
            unnumbered: tree(store, UNNUMBERED)?,
            counters: tree(store, COUNTERS)?,
        },
        account: account.to_string(),
        now,
        subs,
        change_id: store.db.generate_id()?,
    })
}

pub(super) fn be(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

pub(super) fn read_u64(v: Option<sled::IVec>) -> u64 {
    v.and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
        .map_or(0, u64::from_be_bytes)
}

pub(super) fn stream_prefix(account: &str, subject: &str) -> Vec<u8> {
    let mut k = key2(account, subject);
    k.push(0);
    k
}

fn entry_target(sub: &str, subject: &str) -> String {
    format!("{sub}/{subject}")
}

/// Records `drafts` about `subject` inside the change's transaction (trees in the order of
/// [`EventTrees`], then the outbox's), unnumbered, and queues (or coalesces) one outbox entry for
/// every subscription that wants one of them.
pub(crate) fn record(
    p: &Prepared,
    (tu, tc): (&TransactionalTree, &TransactionalTree),
    (toe, tok): (&TransactionalTree, &TransactionalTree),
    subject: &str,
    drafts: &[Draft],
) -> TxResult<()> {
    if drafts.is_empty() {
        return Ok(());
    }
    let seq_key = {
        let mut k = b"seq\0".to_vec();
        k.extend_from_slice(&key2(&p.account, subject));
        k
    };
    let mut seq = read_u64(tc.get(seq_key.as_slice())?);
    for (i, d) in drafts.iter().enumerate() {
        seq += 1;
        let event = Event {
            id: String::new(),
            kind: d.kind,
            created: p.now,
            account: p.account.clone(),
            subject: subject.to_string(),
            sequence: seq,
            data: d.data.clone(),
        };
        let mut k = be(p.change_id).to_vec();
        k.extend_from_slice(&be(i as u64));
        tu.insert(k, encode(&event))?;
    }
    tc.insert(seq_key, &be(seq))?;
    for (sub, kinds, fresh_id) in &p.subs {
        if drafts.iter().any(|d| kinds.contains(&d.kind)) {
            let e = Enqueue {
                kind: EntryKind::Webhook,
                account: p.account.clone(),
                target: entry_target(sub, subject),
                payload_ref: seq,
                now: p.now,
                fresh_id: *fresh_id,
            };
            outbox::enqueue(toe, tok, &e)?;
        }
    }
    Ok(())
}

// ---- subscriptions ----

/// Creates a subscription for `account`: checks the URL (see [`super::check_url`] for `local`) and
/// events, seals a fresh secret, and
/// answers the secret this once. Flushed.
pub(crate) fn create(
    store: &Store,
    account: &str,
    new: &NewSubscription,
    local: bool,
    now: DateTime<Utc>,
) -> Result<CreatedSubscription, EngineError> {
    super::check_url(&new.url, local)?;
    let mut events = new
        .events
        .clone()
        .unwrap_or_else(|| EventType::ALL.to_vec());
    if events.is_empty() {
        return Err(EngineError::invalid_field(
            "events",
            "empty",
            "name at least one event type (or leave it out for all of them)",
        ));
    }
    events.sort();
    events.dedup();
    if let Some(d) = &new.description {
        if d.chars().count() > 200 || d.chars().any(|c| c.is_control()) {
            return Err(EngineError::invalid_field(
                "description",
                "invalid",
                "must be at most 200 characters, without control characters",
            ));
        }
    }
    if subs_of(store, account)?.len() >= MAX_SUBSCRIPTIONS {
        return Err(EngineError::invalid_field(
            "url",
            "too_many",
            format!("an account has at most {MAX_SUBSCRIPTIONS} webhook subscriptions"),
        ));
    }
    let id = format!("wh_{}", uuid::Uuid::new_v4().simple());
    let secret = seal::new_secret()?;
    let rec = SubRecord {
        id: id.clone(),
        account: account.to_string(),
        url: new.url.clone(),
        events,
        description: new.description.clone(),
        sealed_secret: seal::seal(store.data_dir(), &id, &secret)?,
        secret_hint: secret[secret.len() - 4..].to_string(),
        created_at: now,
        local: Some(local),
    };
    tree(store, SUBS)?.insert(id.as_bytes(), encode(&rec))?;
    store.flush()?;
    Ok(CreatedSubscription {
        subscription: rec.view(),
        secret,
    })
}

fn find(store: &Store, account: &str, id: &str) -> Result<SubRecord, EngineError> {
    match tree(store, SUBS)?.get(id.as_bytes())? {
        Some(v) => {
            let r: SubRecord = decode(&v)?;
            if r.account == account {
                return Ok(r);
            }
            Err(EngineError::not_found(format!("webhook {id}")))
        }
        None => Err(EngineError::not_found(format!("webhook {id}"))),
    }
}

/// The outbox entries of subscription `id` (parked ones included), oldest first. Read through
/// the outbox's key tree (`webhook \0 subscription/…`), so a worker never decodes the other
/// subscriptions' or sync's entries.
pub(super) fn entries_of(store: &Store, id: &str) -> Result<Vec<Entry>, EngineError> {
    let keys = store.tree("outbox_keys")?;
    let entries = store.tree("outbox")?;
    let mut out = Vec::new();
    for item in keys.scan_prefix(key2("webhook", &format!("{id}/"))) {
        let (_, entry_id) = item?;
        if let Some(v) = entries.get(entry_id)? {
            let e: Entry = decode(&v)?;
            if e.kind == EntryKind::Webhook {
                out.push(e);
            }
        }
    }
    out.sort_by_key(|e| e.id);
    Ok(out)
}

fn with_status(store: &Store, rec: &SubRecord) -> Result<Subscription, EngineError> {
    let mut s = rec.view();
    for e in entries_of(store, &rec.id)? {
        if e.parked.is_some() {
            s.parked += 1;
        } else {
            s.queued += 1;
        }
    }
    s.last_attempt = attempts(store, &rec.id, 1)?.into_iter().next();
    Ok(s)
}

/// The account's subscriptions, oldest first, with their queue and last attempt.
pub(crate) fn list(store: &Store, account: &str) -> Result<Vec<Subscription>, EngineError> {
    subs_of(store, account)?
        .iter()
        .map(|r| with_status(store, r))
        .collect()
}

/// One subscription with its delivery log and parked jobs.
pub(crate) fn delivery_log(
    store: &Store,
    account: &str,
    id: &str,
) -> Result<DeliveryLog, EngineError> {
    let rec = find(store, account, id)?;
    let acks = tree(store, ACKS)?;
    let mut parked = Vec::new();
    for e in entries_of(store, id)? {
        if let Some(p) = &e.parked {
            let subject = e.target[id.len() + 1..].to_string();
            let since = acks
                .get(key2(id, &subject))?
                .map(|v| decode::<Ack>(&v))
                .transpose()?
                .and_then(|a| a.failing_since)
                .unwrap_or(p.at);
            parked.push(ParkedStream {
                subject,
                since,
                last_error: e.retry.last_error.clone(),
            });
        }
    }
    Ok(DeliveryLog {
        subscription: with_status(store, &rec)?,
        attempts: attempts(store, id, LOG_KEEP)?,
        parked,
    })
}

/// Deletes a subscription with its queue, positions and log. Flushed; `false` when absent.
pub(crate) fn delete(store: &Store, account: &str, id: &str) -> Result<bool, EngineError> {
    match find(store, account, id) {
        Ok(_) => {}
        Err(EngineError::NotFound { .. }) => return Ok(false),
        Err(e) => return Err(e),
    }
    tree(store, SUBS)?.remove(id.as_bytes())?;
    for e in entries_of(store, id)? {
        outbox::discard(store, e.id)?;
    }
    let mut prefix = id.as_bytes().to_vec();
    prefix.push(0);
    for name in [ACKS, LOG] {
        let t = tree(store, name)?;
        for k in t.scan_prefix(&prefix).keys() {
            t.remove(k?)?;
        }
    }
    store.flush()?;
    Ok(true)
}

/// Sends a subscription's parked jobs again (due now, failure clock reset). Flushed.
pub(crate) fn retry_parked(store: &Store, account: &str, id: &str) -> Result<usize, EngineError> {
    find(store, account, id)?;
    let acks = tree(store, ACKS)?;
    let mut n = 0;
    for e in entries_of(store, id)?
        .into_iter()
        .filter(|e| e.parked.is_some())
    {
        let subject = &e.target[id.len() + 1..];
        let k = key2(id, subject);
        if let Some(v) = acks.get(&k)? {
            let mut a: Ack = decode(&v)?;
            a.failing_since = None;
            acks.insert(k, encode(&a))?;
        }
        outbox::update(store, e.id, |e| {
            e.parked = None;
            e.retry = Retry::default();
        })?;
        n += 1;
    }
    store.flush()?;
    Ok(n)
}

/// Every subscription with its secret unsealed, for the deliverer (in memory only).
pub(crate) fn targets(store: &Store) -> Result<Vec<Target>, EngineError> {
    let mut out = Vec::new();
    for item in tree(store, SUBS)?.iter() {
        let (_, v) = item?;
        let r: SubRecord = decode(&v)?;
        out.push(Target {
            secret: seal::open(store.data_dir(), &r.id, &r.sealed_secret)?,
            private_ok: r.private_ok(),
            id: r.id,
            account: r.account,
            url: r.url,
        });
    }
    Ok(out)
}

/// The account's subscription `id` with its secret, for `webhooks test`.
pub(crate) fn target(store: &Store, account: &str, id: &str) -> Result<Target, EngineError> {
    let r = find(store, account, id)?;
    Ok(Target {
        secret: seal::open(store.data_dir(), &r.id, &r.sealed_secret)?,
        private_ok: r.private_ok(),
        id: r.id,
        account: r.account,
        url: r.url,
    })
}

// ---- replay and retention ----

/// The account's events after `after` (an event id; `None`: from the oldest kept), oldest first,
/// at most `limit`.
pub(crate) fn replay(
    store: &Store,
    account: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<EventPage, EngineError> {
    let start = match after {
        Some(id) => {
            parse_event_id(id).ok_or_else(|| {
                EngineError::invalid_field(
                    "after",
                    "invalid_event_id",
                    "must be an event id (evt_ + 16 hex digits)",
                )
            })? + 1
        }
        None => 0,
    };
    // Every event committed before this call gets its number first (module notes).
    super::numbering::number(store)?;
    let mut from = account.as_bytes().to_vec();
    from.push(0);
    let mut to = from.clone();
    to.extend_from_slice(&be(u64::MAX));
    from.extend_from_slice(&be(start));
    let mut events = Vec::new();
    let mut has_more = false;
    for item in tree(store, EVENTS)?.range(from..=to) {
        let (_, v) = item?;
        if events.len() == limit {
            has_more = true;
            break;
        }
        events.push(decode::<Event>(&v)?);
    }
    Ok(EventPage { events, has_more })
}

/// Deletes events older than [`RETENTION_DAYS`] (with their stream rows). Answers how many.
pub(crate) fn prune(store: &Store, now: DateTime<Utc>) -> Result<usize, EngineError> {
    let cutoff = now - Duration::days(RETENTION_DAYS);
    super::numbering::number(store)?;
    let (events, streams) = (tree(store, EVENTS)?, tree(store, STREAMS)?);
    let mut gone = 0;
    for item in events.iter() {
        let (k, v) = item?;
        let e: Event = decode(&v)?;
        if e.created < cutoff {
            let mut sk = stream_prefix(&e.account, &e.subject);
            sk.extend_from_slice(&be(e.sequence));
            streams.remove(sk)?;
            events.remove(k)?;
            gone += 1;
        }
    }
    if gone > 0 {
        store.flush()?;
    }
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::SubRecord;

    fn legacy(url: &str) -> SubRecord {
        crate::store::decode(
            serde_json::json!({
                "id": "wh_1", "account": "a", "url": url, "events": [], "description": null,
                "sealed_secret": "x", "secret_hint": "abcd",
                "created_at": "2026-11-01T08:00:00Z",
            })
            .to_string()
            .as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn records_from_before_the_local_mark_are_judged_by_their_url() {
        // Only this machine's user could have subscribed a loopback or private literal.
        assert!(legacy("http://127.0.0.1:9000/h").private_ok());
        assert!(legacy("http://localhost:9000/h").private_ok());
        assert!(legacy("https://10.0.0.5/h").private_ok());
        // A name may have come through a public server's API: checked at delivery there.
        assert!(!legacy("https://erp.example.com/h").private_ok());
    }
}
