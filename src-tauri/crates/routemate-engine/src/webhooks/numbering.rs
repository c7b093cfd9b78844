//! Event numbers (the ids replay pages by), given after the change's commit: a change's
//! transaction writes its events to `webhook_unnumbered` (see [`super::store`]), and [`number`]
//! numbers them in its own short transaction, not in the change's: one counter bumped by every
//! change would make every pair of concurrent changes conflict (on PostgreSQL, imports on two
//! servers retried each other in turn). Whoever reads events numbers what is waiting first — the
//! replay before it reads, the deliverer when a stream row it needs is missing, the retention —
//! and numbering is serialised on the counter, so the numbers committed always form a prefix: a
//! replay `after` an id never misses an event that is numbered later, because it gets a larger
//! number. A job's events are numbered in their per-job sequence order.

use super::store::{be, read_u64, stream_prefix, tree, COUNTERS, EVENTS, STREAMS, UNNUMBERED};
use super::{event_id, Event};
use crate::error::EngineError;
use crate::store::kv::transaction::ConflictableTransactionError;
use crate::store::{decode, encode, Store};

/// Events numbered per transaction at most.
const NUMBER_BATCH: usize = 512;

fn event_key(account: &str, n: u64) -> Vec<u8> {
    let mut k = account.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(&be(n));
    k
}

/// Gives every event waiting in `webhook_unnumbered` its account-wide number (see the module
/// notes): each batch in one transaction that bumps the counter, writes the events and their
/// stream rows and removes them from the waiting tree; flushed, so a number handed out is never
/// handed out again after a crash. Answers how many this call numbered.
pub(crate) fn number(store: &Store) -> Result<usize, EngineError> {
    use crate::store::kv::Transactional;
    let (unnumbered, events, streams, counters) = (
        tree(store, UNNUMBERED)?,
        tree(store, EVENTS)?,
        tree(store, STREAMS)?,
        tree(store, COUNTERS)?,
    );
    let mut total = 0;
    loop {
        let keys: Vec<sled::IVec> = unnumbered
            .iter()
            .keys()
            .take(NUMBER_BATCH)
            .collect::<Result<_, _>>()?;
        if keys.is_empty() {
            break;
        }
        let done =
            (&unnumbered, &events, &streams, &counters).transaction(|(tu, te, ts, tc)| {
                let mut batch = Vec::new();
                for k in &keys {
                    // Gone: another process (or worker) numbered it meanwhile.
                    if let Some(v) = tu.get(k)? {
                        let e: Event = decode(&v).map_err(ConflictableTransactionError::Abort)?;
                        batch.push((k.clone(), e));
                    }
                }
                in_sequence_order(&mut batch);
                let mut n = read_u64(tc.get("events")?);
                for (k, mut e) in batch.iter().cloned() {
                    n += 1;
                    e.id = event_id(n);
                    te.insert(event_key(&e.account, n), encode(&e))?;
                    let mut sk = stream_prefix(&e.account, &e.subject);
                    sk.extend_from_slice(&be(e.sequence));
                    ts.insert(sk, &be(n))?;
                    tu.remove(k)?;
                }
                if !batch.is_empty() {
                    tc.insert("events", &be(n))?;
                }
                Ok::<_, ConflictableTransactionError<EngineError>>(batch.len())
            })?;
        total += done;
        if keys.len() < NUMBER_BATCH {
            break;
        }
    }
    if total > 0 {
        store.flush()?;
        tracing::debug!(events = total, "webhook events numbered");
    }
    Ok(total)
}

/// Orders a batch by change id, then puts each subject's events in their sequence order within
/// the places the subject holds (already so unless changes of one job committed out of the
/// order of their ids).
fn in_sequence_order(batch: &mut [(sled::IVec, Event)]) {
    use std::collections::BTreeMap;
    let mut places: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, (_, e)) in batch.iter().enumerate() {
        places
            .entry((e.account.clone(), e.subject.clone()))
            .or_default()
            .push(i);
    }
    for idx in places.values().filter(|v| v.len() > 1) {
        let mut group: Vec<_> = idx.iter().map(|&i| batch[i].clone()).collect();
        group.sort_by_key(|(_, e)| e.sequence);
        for (&i, item) in idx.iter().zip(group) {
            batch[i] = item;
        }
    }
}
