//! Settings → Sync, the status bar's sync indicator, the parked list and conflict choices: thin
//! calls into `routemate_sync` and the engine.

use super::{blocking, UiError};
use crate::state::Desktop;
use crate::syncing::SyncView;
use routemate_engine::sync::{Resolution, SyncBadge};
use routemate_engine::DEFAULT_ACCOUNT as ACCOUNT;
use serde::Serialize;
use tauri::State;

/// A job's sync badge, for the job list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct JobBadge {
    pub job_id: String,
    pub badge: SyncBadge,
}

fn view(state: &Desktop) -> Result<SyncView, UiError> {
    state.syncing.view(&state.api).map_err(UiError::from)
}

#[tauri::command]
pub async fn sync_status(state: State<'_, Desktop>) -> Result<SyncView, UiError> {
    view(&state)
}

/// Saves the hosted URL and credentials (secret to the keyring, else a 0600 file) after
/// checking them; the answer carries the login's warnings.
#[tauri::command]
pub async fn sync_login(
    state: State<'_, Desktop>,
    url: String,
    client_id: String,
    client_secret: String,
) -> Result<SyncView, UiError> {
    let report = routemate_sync::login(&state.api, &url, &client_id, &client_secret, ACCOUNT)
        .await
        .map_err(|e| UiError::new("sync_login_failed", e.to_string()))?;
    let mut v = view(&state)?;
    v.warnings = report.warnings;
    Ok(v)
}

/// "Test connection": asks the hosted API for a token with these credentials; saves nothing.
#[tauri::command]
pub async fn sync_test_connection(
    url: String,
    client_id: String,
    client_secret: String,
) -> Result<String, UiError> {
    routemate_sync::login::test_connection(&url, &client_id, &client_secret)
        .await
        .map(|()| "Connected: the hosted API accepted these credentials.".to_string())
        .map_err(|e| UiError::new("sync_unreachable", e))
}

#[tauri::command]
pub async fn sync_retry(state: State<'_, Desktop>, id: u64) -> Result<SyncView, UiError> {
    blocking(&state, move |api| api.outbox_retry(id)).await?;
    state.api.notify_settings_changed(); // wakes the background loop
    view(&state)
}

#[tauri::command]
pub async fn sync_discard(state: State<'_, Desktop>, id: u64) -> Result<SyncView, UiError> {
    blocking(&state, move |api| api.outbox_discard(id)).await?;
    view(&state)
}

/// The dispatcher's choice for a job changed on both sides.
#[tauri::command]
pub async fn sync_resolve(
    state: State<'_, Desktop>,
    job_id: String,
    keep_mine: bool,
) -> Result<SyncView, UiError> {
    let choice = if keep_mine {
        Resolution::KeepMine
    } else {
        Resolution::TakeHosted
    };
    blocking(&state, move |api| {
        api.sync_resolve(ACCOUNT, &job_id, choice)
    })
    .await?;
    state.api.notify_settings_changed();
    view(&state)
}

#[tauri::command]
pub async fn sync_badges(
    state: State<'_, Desktop>,
    job_ids: Vec<String>,
) -> Result<Vec<JobBadge>, UiError> {
    blocking(&state, move |api| {
        job_ids
            .into_iter()
            .map(|job_id| {
                Ok(JobBadge {
                    badge: api.sync_badge(&job_id)?,
                    job_id,
                })
            })
            .collect()
    })
    .await
}
