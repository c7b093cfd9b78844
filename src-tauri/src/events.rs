//! Engine events → namespaced UI events (`jobs://imported`, `jobs://updated`,
//! `jobs://stop-status`, `settings://changed`), so every window refreshes live whether a job
//! came from the local API, a file or the app itself.

use routemate_engine::events::EngineEvent;
use routemate_engine::Api;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::broadcast::error::RecvError;

/// The UI event name for an engine event.
pub fn name(event: &EngineEvent) -> &'static str {
    match event {
        EngineEvent::JobImported { .. } => "jobs://imported",
        EngineEvent::JobUpdated { .. } => "jobs://updated",
        EngineEvent::StopStatusChanged { .. } => "jobs://stop-status",
        EngineEvent::SettingsChanged => "settings://changed",
    }
}

/// Forwards engine events to the UI until the app exits.
pub fn forward<R: Runtime>(app: AppHandle<R>, api: &Api) {
    let mut rx = api.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(event) => {
                    if let Err(e) = app.emit(name(&event), &event) {
                        tracing::warn!(error = %e, "event not delivered to the UI");
                    }
                }
                // Fell behind: tell the UI to reload everything rather than miss a change.
                Err(RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "UI events lagged");
                    let _ = app.emit("jobs://resync", n);
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}
