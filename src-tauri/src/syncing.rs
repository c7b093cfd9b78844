//! Sync with the hosted API in the desktop: the background loop (`routemate_sync`), its last
//! round for the status bar, and the view the UI shows (`sync://status` after every round and
//! change). The engine and `routemate-sync` do the work; this file only wires and shapes it.

use routemate_engine::Api;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Emitter, Runtime};

/// The UI event carrying a fresh [`SyncView`].
pub const EVENT: &str = "sync://status";

/// What the last background round saw.
#[derive(Debug, Default, Clone)]
pub struct LastRound {
    pub online: bool,
    pub pushed: usize,
    pub pulled: usize,
}

/// Shared between the loop and the commands.
#[derive(Debug, Default)]
pub struct Syncing {
    last: Mutex<Option<LastRound>>,
}

/// One parked outbox entry, as the parked list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ParkedItem {
    #[cfg_attr(test, ts(type = "number"))]
    pub id: u64,
    pub job_id: String,
    pub title: String,
    pub external_job_id: String,
    pub status: u16,
    /// The server's problem, as text.
    pub problem: String,
    /// Changed on both sides: settled by keep mine / take hosted, not by retry.
    pub conflict: bool,
}

/// The sync state for the status bar and Settings → Sync.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncView {
    pub configured: bool,
    pub url: Option<String>,
    pub client_id: Option<String>,
    /// "keyring" or "file".
    pub secret_store: Option<String>,
    /// "off" (not logged in), "connecting" (no round yet), "online", "offline", or "syncing"
    /// (work queued, host answering).
    pub state: String,
    pub queued: usize,
    pub parked: usize,
    pub conflicts: usize,
    pub last_success: Option<String>,
    pub parked_items: Vec<ParkedItem>,
    /// Warnings of the last login (e.g. the secret is in a file).
    pub warnings: Vec<String>,
}

impl Syncing {
    /// The view now, from the store and the last round.
    pub fn view(&self, api: &Api) -> Result<SyncView, routemate_engine::EngineError> {
        let st = routemate_sync::status(api)?;
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let state = match (&last, st.configured) {
            (_, false) => "off",
            (None, true) => "connecting",
            (Some(l), true) if l.online && st.queued > 0 => "syncing",
            (Some(l), true) if l.online => "online",
            _ => "offline",
        };
        let parked_items = st
            .parked_entries
            .iter()
            .map(|e| {
                let job = api
                    .job(
                        routemate_engine::DEFAULT_ACCOUNT,
                        &routemate_engine::jobs::JobRef::Id(e.target.clone()),
                    )
                    .ok();
                let p = e.parked.as_ref();
                ParkedItem {
                    id: e.id,
                    job_id: e.target.clone(),
                    title: job.as_ref().map(|j| j.title.clone()).unwrap_or_default(),
                    external_job_id: job.map(|j| j.external_job_id).unwrap_or_default(),
                    status: p.map_or(0, |p| p.status),
                    problem: p.map_or(String::new(), |p| problem_text(&p.problem)),
                    conflict: p.is_some_and(|p| p.problem["type"] == "conflict"),
                }
            })
            .collect();
        Ok(SyncView {
            configured: st.configured,
            url: st.url,
            client_id: st.client_id,
            secret_store: st.secret_store,
            state: state.into(),
            queued: st.queued,
            parked: st.parked,
            conflicts: st.conflicts,
            last_success: st.last_success.map(|t| t.to_rfc3339()),
            parked_items,
            warnings: Vec::new(),
        })
    }
}

/// A problem body as one line: title, detail, then the first field problems.
fn problem_text(p: &serde_json::Value) -> String {
    let mut parts: Vec<String> = ["title", "detail"]
        .iter()
        .filter_map(|k| p[*k].as_str().map(str::to_string))
        .collect();
    if let Some(errors) = p["errors"].as_array() {
        parts.extend(errors.iter().take(3).filter_map(|e| {
            Some(format!(
                "{}: {}",
                e["field"].as_str()?,
                e["detail"].as_str()?
            ))
        }));
    }
    if parts.is_empty() {
        p.as_str().map_or_else(|| p.to_string(), str::to_string)
    } else {
        parts.join(" — ")
    }
}

/// Starts the background sync; every round and every job change refreshes the UI's view.
pub fn start<R: Runtime>(app: AppHandle<R>, api: Api, syncing: Arc<Syncing>) {
    let (a, s) = (api.clone(), syncing.clone());
    tauri::async_runtime::spawn(routemate_sync::run_background(
        api,
        std::future::pending::<()>(),
        move |report, online| {
            *s.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(LastRound {
                online,
                pushed: report.pushed,
                pulled: report.pulled,
            });
            if let Ok(view) = s.view(&a) {
                let _ = app.emit(EVENT, &view);
            }
        },
    ));
}
