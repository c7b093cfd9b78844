//! Whether the store can still be written: latched off by the first storage error.
//!
//! sled 0.34 keeps an I/O error (a full disk, EIO) as a sticky global error: every later call
//! fails or, in some paths, waits forever. So after the first one the store refuses writes
//! itself, without calling sled, and a server watches [`Health::failed`] to exit cleanly and let
//! its supervisor restart it once the disk is fixed (a fresh process reopens from what was flushed).

use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Shared by all clones of a store.
#[derive(Clone)]
pub struct Health {
    failure: Arc<Mutex<Option<String>>>,
    tx: Arc<watch::Sender<bool>>,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            failure: Arc::default(),
            tx: Arc::new(watch::channel(false).0),
        }
    }
}

impl Health {
    /// The first storage error, once one happened.
    pub fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Latches the store as failed (the first detail wins) and wakes [`Health::failed`].
    pub fn fail(&self, detail: &str) {
        let mut f = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        if f.is_none() {
            tracing::error!(
                error = detail,
                "storage error: the store accepts no more writes in this process"
            );
            *f = Some(detail.to_string());
            self.tx.send_replace(true);
        }
    }

    /// Completes once the store has failed (immediately if it already has).
    pub async fn failed(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|failed| *failed).await;
    }
}
