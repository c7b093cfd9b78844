//! Dispatcher edit commands: reorder, lock, move a pin, re-optimize, undo (restore), triage.

use super::{blocking, UiError};
use crate::state::Desktop;
use routemate_engine::api::edit::{ReoptimizeOutcome, StopPlacement, TriageItem};
use routemate_engine::jobs::JobView;
use routemate_engine::DEFAULT_ACCOUNT as ACCOUNT;
use tauri::State;

#[tauri::command]
pub async fn move_stop_to(
    state: State<'_, Desktop>,
    job_id: String,
    stop_id: String,
    position: u32,
) -> Result<JobView, UiError> {
    blocking(&state, move |api| {
        api.move_stop_to(ACCOUNT, &job_id, &stop_id, position)
    })
    .await
}

#[tauri::command]
pub async fn set_stop_locked(
    state: State<'_, Desktop>,
    job_id: String,
    stop_id: String,
    locked: bool,
) -> Result<JobView, UiError> {
    blocking(&state, move |api| {
        api.set_stop_locked(ACCOUNT, &job_id, &stop_id, locked)
    })
    .await
}

#[tauri::command]
pub async fn move_stop_pin(
    state: State<'_, Desktop>,
    job_id: String,
    stop_id: String,
    lat: f64,
    lng: f64,
) -> Result<JobView, UiError> {
    blocking(&state, move |api| {
        api.move_stop_pin(ACCOUNT, &job_id, &stop_id, lat, lng)
    })
    .await
}

#[tauri::command]
pub async fn reoptimize_job(
    state: State<'_, Desktop>,
    job_id: String,
) -> Result<ReoptimizeOutcome, UiError> {
    blocking(&state, move |api| api.reoptimize(ACCOUNT, &job_id)).await
}

#[tauri::command]
pub async fn restore_stops(
    state: State<'_, Desktop>,
    job_id: String,
    placements: Vec<StopPlacement>,
) -> Result<JobView, UiError> {
    blocking(&state, move |api| {
        api.restore_stops(ACCOUNT, &job_id, &placements)
    })
    .await
}

#[tauri::command]
pub async fn list_triage(state: State<'_, Desktop>) -> Result<Vec<TriageItem>, UiError> {
    blocking(&state, move |api| api.triage(ACCOUNT)).await
}
