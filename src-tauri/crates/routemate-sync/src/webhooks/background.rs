//! The deliverer on threads of its own at a lower CPU priority, so fanning events out to
//! subscribers (HTTP, signing, bookkeeping) takes the CPU imports and API requests leave idle
//! instead of competing with them: on a two-core machine delivering 1,500 events a second beside
//! a stream of imports otherwise made the imports wait for a core.

use super::{run, Options};
use routemate_engine::Api;

/// The `nice` value of the deliverer's threads (the default is 0; higher yields).
pub const NICE: i32 = 10;

/// Starts the deliverer on its own runtime ("routemate-webhooks" threads at [`NICE`]); it runs
/// until the process ends.
pub fn start(api: Api, options: Options) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(4)
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

/// Lowers the calling thread's priority to [`NICE`] (Linux: `nice` is per thread). Best effort: a refusal leaves
/// it as it was.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let tid = rustix::thread::gettid();
        if let Err(e) = rustix::process::setpriority_process(Some(tid), NICE) {
            tracing::debug!(error = %e, "webhook deliverer keeps its priority");
        }
    }
}
