//! Job commands: list, open, stop status, and the three ways in (sample, file dialog, dropped text).

use super::{blocking, UiError};
use crate::importing::{self, ImportReport};
use crate::state::Desktop;
use routemate_core::model::{JobStatus, StopStatus};
use routemate_engine::jobs::{JobPage, JobQuery, JobRef, JobView};
use routemate_engine::DEFAULT_ACCOUNT as ACCOUNT;
use serde::Deserialize;
use tauri::State;

/// Filters for the jobs list (a subset of the engine's `JobQuery` the UI needs).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
// Absent options deserialize as None, so the UI may leave them out.
#[cfg_attr(test, ts(optional_fields = nullable))]
pub struct JobListArgs {
    pub status: Option<String>,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

#[tauri::command]
pub async fn list_jobs(state: State<'_, Desktop>, args: JobListArgs) -> Result<JobPage, UiError> {
    let status =
        match args.status.as_deref() {
            None | Some("") => None,
            Some(s) => Some(JobStatus::parse(s).ok_or_else(|| {
                UiError::new("invalid_status", format!("unknown job status '{s}'"))
            })?),
        };
    let q = JobQuery {
        status,
        limit: args.limit,
        cursor: args.cursor,
        ..Default::default()
    };
    blocking(&state, move |api| api.list_jobs(ACCOUNT, &q)).await
}

#[tauri::command]
pub async fn get_job(state: State<'_, Desktop>, job_id: String) -> Result<JobView, UiError> {
    blocking(&state, move |api| api.job(ACCOUNT, &JobRef::Id(job_id))).await
}

#[tauri::command]
pub async fn set_stop_status(
    state: State<'_, Desktop>,
    job_id: String,
    stop_id: String,
    status: String,
    note: Option<String>,
) -> Result<JobView, UiError> {
    let status = StopStatus::parse(&status)
        .ok_or_else(|| UiError::new("invalid_status", format!("unknown stop status '{status}'")))?;
    blocking(&state, move |api| {
        api.set_stop_status(ACCOUNT, &job_id, &stop_id, status, note)
    })
    .await
}

/// Imports the bundled sample job (the first-run welcome's button).
#[tauri::command]
pub async fn import_sample(state: State<'_, Desktop>) -> Result<ImportReport, UiError> {
    let api = state.api.clone();
    importing::run(move || importing::import_text(&api, "sample-job.json", importing::SAMPLE_JOB))
        .await
}

/// Asks for a job file with the native dialog and imports it; `None` when the user cancels.
#[tauri::command]
pub async fn import_file(state: State<'_, Desktop>) -> Result<Option<ImportReport>, UiError> {
    let Some(path) = importing::pick_job_file().await else {
        return Ok(None);
    };
    let api = state.api.clone();
    importing::run(move || importing::import_path(&api, &path))
        .await
        .map(Some)
}

/// Imports a file the user dropped on the window: its bytes as base64, so the engine sees them
/// exactly (a CSV's own encoding, a workbook) and `name` gives the format.
#[tauri::command]
pub async fn import_dropped(
    state: State<'_, Desktop>,
    name: String,
    content_base64: String,
) -> Result<ImportReport, UiError> {
    let api = state.api.clone();
    importing::run(move || importing::import_dropped(&api, &name, &content_base64)).await
}
