//! Group commit for the deliverer's acknowledgements: every delivery that finished while one
//! flush was running shares the next one, so three subscribers at a thousand deliveries a second
//! make a few hundred flushes, not thousands — each a disk sync the imports would queue behind.

use routemate_engine::Api;
use tokio::sync::{mpsc, oneshot};

type Waiter = oneshot::Sender<Result<(), String>>;

/// A handle to the flushing task (cheap to clone; the task ends with the last handle).
#[derive(Clone)]
pub struct GroupFlush {
    requests: mpsc::UnboundedSender<Waiter>,
}

impl GroupFlush {
    /// Starts the task on the current runtime.
    pub fn start(api: Api) -> GroupFlush {
        let (requests, mut rx) = mpsc::unbounded_channel::<Waiter>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut waiters = vec![first];
                while let Ok(w) = rx.try_recv() {
                    waiters.push(w);
                }
                let api = api.clone();
                let done = tokio::task::spawn_blocking(move || api.flush())
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| e.to_string()));
                tracing::trace!(writes = waiters.len(), "acknowledgements flushed");
                for w in waiters {
                    let _ = w.send(done.clone());
                }
            }
        });
        GroupFlush { requests }
    }

    /// Waits until every write made before this call is durable: joins the next flush (one
    /// started before the call may have missed the write).
    pub async fn flush(&self) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.requests
            .send(tx)
            .map_err(|_| "the flushing task stopped".to_string())?;
        rx.await
            .map_err(|_| "the flushing task stopped".to_string())?
    }
}
