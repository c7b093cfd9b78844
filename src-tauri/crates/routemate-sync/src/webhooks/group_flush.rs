//! Group commit for the deliverer's acknowledgements: every acknowledgement that arrived while
//! one write was running is recorded and flushed together in the next one (one trip to the
//! store's thread and one disk sync for all of them), so three subscribers at a thousand
//! deliveries a second make a few hundred writes to the store, not thousands — each a disk sync
//! and a thread hand-off beside the imports.

use routemate_engine::webhooks::{Attempt, Due};
use routemate_engine::Api;
use tokio::sync::{mpsc, oneshot};

/// One acknowledged event: the delivery, the event's sequence, the attempt for the log.
pub type Ack = (Due, u64, Attempt);

type Request = (Ack, oneshot::Sender<Result<(), String>>);

/// A handle to the writing task (cheap to clone; the task ends with the last handle).
#[derive(Clone)]
pub struct GroupFlush {
    requests: mpsc::UnboundedSender<Request>,
}

impl GroupFlush {
    /// Starts the task on the current runtime.
    pub fn start(api: Api) -> GroupFlush {
        let (requests, mut rx) = mpsc::unbounded_channel::<Request>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while let Ok(r) = rx.try_recv() {
                    batch.push(r);
                }
                let (acks, waiters): (Vec<Ack>, Vec<_>) = batch.into_iter().unzip();
                let api = api.clone();
                let n = acks.len();
                let done = super::background::on_store_thread(move || {
                    api.webhook_acknowledged_all(&acks)?;
                    api.flush()
                })
                .await
                .and_then(|r| r.map(|_| ()).map_err(|e| e.to_string()));
                tracing::trace!(
                    acknowledgements = n,
                    "acknowledgements recorded and flushed"
                );
                for w in waiters {
                    let _ = w.send(done.clone());
                }
            }
        });
        GroupFlush { requests }
    }

    /// Records `ack` and waits until it is durable (written by the next group, then flushed).
    pub async fn acknowledge(&self, ack: Ack) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.requests
            .send((ack, tx))
            .map_err(|_| "the flushing task stopped".to_string())?;
        rx.await
            .map_err(|_| "the flushing task stopped".to_string())?
    }
}
