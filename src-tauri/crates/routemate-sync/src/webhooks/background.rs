//! The deliverer in the background, so fanning events out to subscribers (HTTP, signing, JSON)
//! takes only the CPU that imports and API requests leave idle:
//!
//! - its own runtime, whose threads ("routemate-webhooks") run under Linux's `SCHED_IDLE` policy:
//!   a request thread that wakes up takes the core from them at once. With `nice` alone (10 or 19)
//!   the kernel let a deliverer thread finish its time slice first, and imports beside a fan-out
//!   waited 1–3 ms for a core (their run-queue delay, read from `/proc/thread-self/schedstat`);
//! - its calls into the store on two threads of its own ("routemate-webhooks-store") at `nice`
//!   [`NICE`], not `SCHED_IDLE`: a thread that holds the store's write lock must not be one that
//!   waits for an idle core while an import waits for the lock (at `nice` 10 it still gets its
//!   share of a busy machine).
//!
//! Where `SCHED_IDLE` is refused the HTTP threads fall back to `nice` [`NICE`] as well. On a machine that is
//! busy all the time deliveries wait (they are durable in the outbox) rather than the imports.

use super::{run, Options};
use routemate_engine::Api;
use std::sync::{mpsc, Arc, Mutex, OnceLock};

/// The `nice` value of the deliverer's store threads, and of its HTTP threads where
/// `SCHED_IDLE` is not allowed.
pub const NICE: i32 = 10;

/// How many threads make the deliverer's store calls.
const STORE_THREADS: usize = 2;

type Call = Box<dyn FnOnce() + Send>;

/// The deliverer's store threads, started by the first [`start`] (from a thread of ordinary
/// priority: a thread inherits its creator's policy).
static STORE_CALLS: OnceLock<Mutex<mpsc::Sender<Call>>> = OnceLock::new();

fn start_store_threads() -> std::io::Result<()> {
    if STORE_CALLS.get().is_some() {
        return Ok(());
    }
    let (tx, rx) = mpsc::channel::<Call>();
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..STORE_THREADS {
        let rx = rx.clone();
        std::thread::Builder::new()
            .name(format!("routemate-webhooks-store-{i}"))
            .spawn(move || {
                lower_nice();
                loop {
                    let call = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match call {
                        Ok(call) => call(),
                        Err(_) => return,
                    }
                }
            })?;
    }
    // Another deliverer may have set it meanwhile: its threads do as well.
    let _ = STORE_CALLS.set(Mutex::new(tx));
    Ok(())
}

/// Runs `f` (a call into the store) on the store threads once [`start`] made them, otherwise on
/// the current runtime's blocking threads; a panic in `f` is an error.
pub(crate) async fn on_store_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let Some(calls) = STORE_CALLS.get() else {
        return tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| e.to_string());
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let call: Call = Box::new(move || {
        if let Ok(v) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            let _ = tx.send(v);
        }
    });
    calls
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send(call)
        .map_err(|_| "the webhook store threads stopped".to_string())?;
    rx.await
        .map_err(|_| "a webhook store call panicked".to_string())
}

/// Starts the deliverer on its own runtime ([`lower_priority`] threads, store calls on the store
/// threads); it runs until the process ends.
pub fn start(api: Api, options: Options) -> std::io::Result<()> {
    start_store_threads()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(2)
        .thread_name("routemate-webhooks")
        .on_thread_start(lower_priority)
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("routemate-webhooks".into())
        .spawn(move || {
            lower_priority();
            rt.block_on(run(api, options, std::future::pending::<()>()));
        })?;
    Ok(())
}

/// Moves the calling thread to `SCHED_IDLE` (Linux: scheduling is per thread), or where that is
/// refused lowers its priority to `nice` [`NICE`]. Best effort: a refusal of both leaves it as
/// it was. A thread cannot take its priority back without privileges.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
            ThreadSchedulePolicy,
        };
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        let Err(e) = set_thread_priority_and_policy(
            thread_native_id(),
            thread_priority::ThreadPriority::Min,
            idle,
        ) else {
            return;
        };
        tracing::debug!(error = ?e, "webhook deliverer not at SCHED_IDLE; lowering its nice value");
        lower_nice();
    }
}

/// Raises the calling thread's `nice` value to [`NICE`] (best effort).
fn lower_nice() {
    #[cfg(target_os = "linux")]
    {
        let tid = rustix::thread::gettid();
        if let Err(e) = rustix::process::setpriority_process(Some(tid), NICE) {
            tracing::debug!(error = %e, "webhook deliverer keeps its priority");
        }
    }
}
