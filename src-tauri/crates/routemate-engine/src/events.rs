//! What the engine tells its front ends as it happens (the desktop maps these to UI events).
//! Job events carry the job's revision after the change, so a window that already shows that
//! revision (it made the change itself) need not load the job again.

use serde::Serialize;
use tokio::sync::broadcast;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineEvent {
    /// A job was created by an import.
    JobImported {
        account: String,
        job_id: String,
        external_job_id: String,
        revision: u64,
    },
    /// An existing job changed (re-import, edit, re-optimization).
    JobUpdated {
        account: String,
        job_id: String,
        external_job_id: String,
        revision: u64,
    },
    /// A stop's status changed.
    StopStatusChanged {
        account: String,
        job_id: String,
        external_stop_id: String,
        revision: u64,
    },
    /// Settings were saved.
    SettingsChanged,
}

/// Fan-out of engine events; sending never blocks and never fails when nobody listens.
#[derive(Clone)]
pub struct EventBus(broadcast::Sender<EngineEvent>);

impl Default for EventBus {
    fn default() -> Self {
        EventBus(broadcast::channel(256).0)
    }
}

impl EventBus {
    pub fn emit(&self, event: EngineEvent) {
        tracing::debug!(?event, "engine event");
        let _ = self.0.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.0.subscribe()
    }
}
