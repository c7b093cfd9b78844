//! The webhook deliverer (README "Webhooks"): one worker per subscription, so a slow or dead
//! receiver holds up only its own deliveries, never imports (the events are already durable in
//! the engine's outbox) nor other subscribers. A worker delivers up to [`STREAMS`] jobs at once,
//! each job's events one at a time in sequence order, the next only after the previous was
//! acknowledged (2xx) and that acknowledgement recorded and flushed (together with every other
//! that arrived meanwhile, [`group_flush`]). A worker goes to the store once per pass
//! ([`pass`]): it settles the deliveries that finished, reads its queue and the events of the
//! jobs it starts. Any other answer, or none within the
//! timeout, backs the job off (capped exponential with full jitter, `Retry-After` a floor) and
//! closes the worker's gate: until a delivery succeeds again only one job is tried at a time, so
//! a receiver coming back is not met by a burst. A job failing for `park_after` (24 h) is parked,
//! visible in the delivery log, until retried. A public server (`allow_private` off) connects
//! only to public addresses for subscriptions made through its API ([`resolve`]). Where the
//! deliverer's threads run and at what priority: [`background`].

pub mod background;
pub mod group_flush;
pub mod queue;
pub mod resolve;
pub mod send;

use group_flush::GroupFlush;
use queue::{Changed, Queue};

use routemate_engine::webhooks::delivery::Backoff;
use routemate_engine::webhooks::{Attempt, Due, Event, Target};
use routemate_engine::Api;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Jobs delivered at once per subscription (each waits for its acknowledgement's flush between
/// events, so this bounds a subscriber's rate: 8 fell behind 1,000 changes a second).
pub const STREAMS: usize = 16;
/// How often the subscription list is re-read.
const REFRESH: Duration = Duration::from_secs(1);
/// A worker goes to the store at most this often: engine events and finished deliveries wake it
/// by the thousand a second under load.
const SCAN_EVERY: Duration = Duration::from_millis(5);
/// How often expired events are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Timeouts and retry policy.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The whole exchange, connect to answer.
    pub timeout: Duration,
    pub backoff: Backoff,
    /// Whether every subscription may be delivered to loopback and private addresses (desktop,
    /// CLI, a loopback-bound server). Off on a server reachable from elsewhere: then only
    /// subscriptions made by this machine's user ([`Target::private_ok`]) may, and the others'
    /// host names must resolve to public addresses.
    pub allow_private: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(10),
            backoff: Backoff {
                base: Duration::from_secs(1),
                cap: Duration::from_secs(60),
                park_after: Duration::from_secs(24 * 3600),
            },
            allow_private: true,
        }
    }
}

impl Options {
    /// The defaults, tuned by `ROUTEMATE_WEBHOOK_TIMEOUT_SECS`, `ROUTEMATE_WEBHOOK_BACKOFF_CAP_SECS`
    /// and `ROUTEMATE_WEBHOOK_PARK_AFTER_SECS` (tests shorten them).
    pub fn from_env() -> Options {
        let secs = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| *v > 0.0)
                .map(Duration::from_secs_f64)
        };
        let mut o = Options::default();
        if let Some(t) = secs("ROUTEMATE_WEBHOOK_TIMEOUT_SECS") {
            o.timeout = t;
        }
        if let Some(c) = secs("ROUTEMATE_WEBHOOK_BACKOFF_CAP_SECS") {
            o.backoff.cap = c;
            o.backoff.base = o.backoff.base.min(c);
        }
        if let Some(p) = secs("ROUTEMATE_WEBHOOK_PARK_AFTER_SECS") {
            o.backoff.park_after = p;
        }
        o
    }
}

async fn blocking<T: Send + 'static>(
    api: &Api,
    f: impl FnOnce(&Api) -> Result<T, routemate_engine::EngineError> + Send + 'static,
) -> Result<T, String> {
    let api = api.clone();
    background::on_store_thread(move || f(&api))
        .await?
        .map_err(|e| e.to_string())
}

struct Worker {
    wake: Arc<Notify>,
    changed: Arc<Mutex<Changed>>,
    task: tokio::task::JoinHandle<()>,
}

/// Runs the deliverer until `stop` resolves: a worker per subscription (added and removed as
/// subscriptions are), woken by every engine event, which also names the job that changed
/// ([`queue`]).
pub async fn run(api: Api, options: Options, stop: impl std::future::Future<Output = ()>) {
    let clients = send::client(options.timeout, true)
        .and_then(|open| Ok((open, send::client(options.timeout, false)?)));
    let (open_http, public_http) = match clients {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "webhooks not started");
            return;
        }
    };
    let mut events = api.subscribe();
    let flusher = GroupFlush::start(api.clone());
    let mut workers: HashMap<String, Worker> = HashMap::new();
    let mut last_prune = None::<std::time::Instant>;
    tokio::pin!(stop);
    loop {
        match blocking(&api, |a| a.webhook_targets()).await {
            Ok(targets) => {
                let ids: HashSet<String> = targets.iter().map(|t| t.id.clone()).collect();
                workers.retain(|id, w| {
                    let keep = ids.contains(id);
                    if !keep {
                        w.task.abort();
                    }
                    keep
                });
                for t in targets {
                    if !workers.contains_key(&t.id) {
                        let wake = Arc::new(Notify::new());
                        let changed = Arc::new(Mutex::new(Changed::default()));
                        let id = t.id.clone();
                        let http = if options.allow_private || t.private_ok {
                            open_http.clone()
                        } else {
                            public_http.clone()
                        };
                        let task = tokio::spawn(worker(
                            api.clone(),
                            http,
                            flusher.clone(),
                            t,
                            options,
                            wake.clone(),
                            changed.clone(),
                        ));
                        workers.insert(
                            id,
                            Worker {
                                wake,
                                changed,
                                task,
                            },
                        );
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "webhook subscriptions unreadable"),
        }
        if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
            last_prune = Some(std::time::Instant::now());
            if let Err(e) = blocking(&api, |a| a.webhook_prune()).await {
                tracing::warn!(error = %e, "expired webhook events not pruned");
            }
        }
        let tick = tokio::time::sleep(REFRESH);
        tokio::pin!(tick);
        loop {
            tokio::select! {
                _ = &mut stop => {
                    for w in workers.values() {
                        w.task.abort();
                    }
                    return;
                }
                _ = &mut tick => break,
                ev = events.recv() => {
                    use tokio::sync::broadcast::error::RecvError;
                    for w in workers.values() {
                        let mut changed = w.changed.lock().unwrap_or_else(|e| e.into_inner());
                        match &ev {
                            Ok(event) => changed.note(event),
                            Err(RecvError::Lagged(_)) => changed.everything(),
                            Err(RecvError::Closed) => {}
                        }
                        drop(changed);
                        w.wake.notify_one();
                    }
                    if let Err(RecvError::Closed) = ev {
                        tokio::time::sleep(REFRESH).await;
                    }
                }
            }
        }
    }
}

/// What a subscription's deliveries share.
struct Shared {
    api: Api,
    http: send::Http,
    flusher: GroupFlush,
    target: Target,
    options: Options,
    wake: Arc<Notify>,
    /// The jobs engine events named since the last pass.
    changed: Arc<Mutex<Changed>>,
    in_flight: Mutex<HashSet<String>>,
    /// Deliveries that sent everything, their outbox entries to settle together (their jobs stay
    /// in flight until then).
    finished: Mutex<Vec<Due>>,
    /// Open: deliver up to [`STREAMS`] jobs at once; closed after a failure: one at a time.
    gate_open: AtomicBool,
}

async fn worker(
    api: Api,
    http: send::Http,
    flusher: GroupFlush,
    target: Target,
    options: Options,
    wake: Arc<Notify>,
    changed: Arc<Mutex<Changed>>,
) {
    let s = Arc::new(Shared {
        api,
        http,
        flusher,
        target,
        options,
        wake,
        changed,
        in_flight: Mutex::new(HashSet::new()),
        finished: Mutex::new(Vec::new()),
        gate_open: AtomicBool::new(true),
    });
    let mut queue = Queue::default();
    loop {
        if let Err(e) = pass(&s, &mut queue).await {
            tracing::warn!(error = %e, subscription = %s.target.id, "webhook queue unreadable");
        }
        let wait = queue.wait(chrono::Utc::now());
        let scanned = tokio::time::Instant::now();
        tokio::select! {
            _ = s.wake.notified() => {},
            _ = tokio::time::sleep(wait) => {},
        }
        tokio::time::sleep_until(scanned + SCAN_EVERY).await;
    }
}

/// Deliveries to start, with the events each has to send.
type Start = Vec<(Due, Vec<Event>)>;

/// One trip to the store for the worker: settles the outbox entries of the deliveries that
/// finished since the last pass (one transaction), brings its [`Queue`] up to date (the jobs
/// that changed or finished, or now and then the whole queue) and, for as many jobs as there are
/// free slots, reads the events to send; then starts those deliveries.
async fn pass(s: &Arc<Shared>, queue: &mut Queue) -> Result<(), String> {
    let finished = std::mem::take(&mut *s.finished.lock().unwrap_or_else(|e| e.into_inner()));
    let limit = if s.gate_open.load(Ordering::SeqCst) {
        STREAMS
    } else {
        1
    };
    let busy: HashSet<String> = {
        let in_flight = s.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let done: HashSet<&String> = finished.iter().map(|d| &d.subject).collect();
        in_flight
            .iter()
            .filter(|j| !done.contains(j))
            .cloned()
            .collect()
    };
    let room = limit.saturating_sub(busy.len());
    // With every slot busy and nothing to settle there is nothing to do yet (what changed stays
    // noted): a finished delivery wakes the worker.
    if room == 0 && finished.is_empty() {
        return Ok(());
    }
    let (mut look, all) = s.changed.lock().unwrap_or_else(|e| e.into_inner()).take();
    let full = queue.needs_full_read(all, chrono::Utc::now());
    // A finished job may have more to send (events that came while it was delivered).
    look.extend(finished.iter().map(|d| d.subject.clone()));
    let look: Vec<String> = look.into_iter().collect();
    let id = s.target.id.clone();
    let done: Vec<(Due, u64)> = finished.iter().map(|d| (d.clone(), d.upto)).collect();
    let mut q = std::mem::take(queue);
    let result = blocking(&s.api, move |a| {
        let settle_error = if done.is_empty() {
            None
        } else {
            a.webhook_done_all(&done).err().map(|e| e.to_string())
        };
        if full {
            let (due, later) = a.webhook_due(&id)?;
            q.replace(due, later, &busy);
        } else if !look.is_empty() {
            let (found, later) = a.webhook_due_for(&id, &look)?;
            q.update(found, later, &busy);
        }
        let mut start: Start = Vec::new();
        for d in q.take_oldest(room) {
            let events = a.webhook_pending(&d)?;
            start.push((d, events));
        }
        Ok((q, settle_error, start))
    })
    .await;
    {
        let mut in_flight = s.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        for d in &finished {
            in_flight.remove(&d.subject);
        }
    }
    // On an error the queue stays empty and unread: the next pass reads it whole.
    let (q, settle_error, start) = result?;
    *queue = q;
    if let Some(e) = settle_error {
        tracing::warn!(error = %e, subscription = %s.target.id, "webhook deliveries not settled");
    }
    let mut in_flight = s.in_flight.lock().unwrap_or_else(|e| e.into_inner());
    for (d, events) in start {
        if in_flight.insert(d.subject.clone()) {
            tokio::spawn(deliver(s.clone(), d, events));
        }
    }
    Ok(())
}

/// Delivers one job's pending events in order; stops at the first failure.
async fn deliver(s: Arc<Shared>, d: Due, events: Vec<Event>) {
    let result = deliver_inner(&s, &d, events).await;
    match result {
        // Settled with the others that finished meanwhile (the job stays in flight until then).
        Ok(true) => s.finished.lock().unwrap_or_else(|e| e.into_inner()).push(d),
        // Backing off (or not recorded): freed, and looked up again so the worker knows when.
        Ok(false) => free_and_look_again(&s, &d.subject),
        Err(e) => {
            tracing::warn!(error = %e, subscription = %s.target.id, "webhook delivery not recorded");
            free_and_look_again(&s, &d.subject);
        }
    }
    s.wake.notify_one();
}

fn free_and_look_again(s: &Shared, job: &str) {
    s.in_flight
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(job);
    s.changed.lock().unwrap_or_else(|e| e.into_inner()).job(job);
}

/// Sends `events` (the job's pending ones, in order) and answers whether all were acknowledged
/// (the entry can be settled).
async fn deliver_inner(s: &Shared, d: &Due, events: Vec<Event>) -> Result<bool, String> {
    for e in events {
        let body = serde_json::to_vec(&e).map_err(|e| e.to_string())?;
        let out = send::post(&s.http, &s.target, &e.id, e.kind.as_str(), body).await;
        if out.attempt.ok {
            s.gate_open.store(true, Ordering::SeqCst);
            // Recorded and durable before the job's next event goes out (or the entry is
            // settled), together with the other acknowledgements that arrived meanwhile.
            s.flusher
                .acknowledge((d.clone(), e.sequence, out.attempt))
                .await?;
        } else {
            s.gate_open.store(false, Ordering::SeqCst);
            let (due, attempt) = (d.clone(), out.attempt.clone());
            let (retry_after, backoff) = (out.retry_after, s.options.backoff);
            let parked = blocking(&s.api, move |a| {
                a.webhook_failed(&due, &attempt, retry_after, backoff)
            })
            .await?;
            tracing::info!(
                subscription = %s.target.id,
                event = %e.id,
                status = ?out.attempt.status,
                error = ?out.attempt.error,
                parked,
                "webhook delivery failed; will retry"
            );
            return Ok(false);
        }
    }
    Ok(true)
}

/// Sends a `webhook.test` event (not recorded, not retried) to the account's subscription `id`:
/// the receiver's answer, as the log would show it.
pub async fn send_test(
    api: &Api,
    account: &str,
    id: &str,
    options: &Options,
) -> Result<Attempt, String> {
    let (account, id) = (account.to_string(), id.to_string());
    let target = blocking(api, move |a| a.webhook_target(&account, &id)).await?;
    let http = send::client(options.timeout, options.allow_private || target.private_ok)?;
    let event_id = format!("evt_test_{}", chrono::Utc::now().timestamp_millis());
    let body = serde_json::json!({
        "id": event_id,
        "type": "webhook.test",
        "created": chrono::Utc::now(),
        "account": target.account,
        "subject": null,
        "sequence": 0,
        "data": {"message": "a test delivery from RouteMate"},
    });
    let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
    Ok(send::post(&http, &target, &event_id, "webhook.test", body)
        .await
        .attempt)
}
