//! Export and print a job: the run sheet (PDF), GPX, CSV or XLSX through the native save dialog,
//! and the run sheet opened in the system's PDF viewer for printing.

use super::UiError;
use crate::printing::{self, PrintedSheet};
use crate::state::Desktop;
use routemate_engine::jobs::JobRef;
use routemate_engine::DEFAULT_ACCOUNT as ACCOUNT;
use routemate_export::{pack, Format};
use tauri::State;

/// Asks where to save the job's export (native dialog) and writes it there; `None` when the user
/// cancels. `format`: pdf, gpx, csv or xlsx.
#[tauri::command]
pub async fn export_job(
    state: State<'_, Desktop>,
    job_id: String,
    format: String,
) -> Result<Option<String>, UiError> {
    let format = Format::parse(&format).ok_or_else(|| {
        UiError::new(
            "invalid_format",
            format!("unknown export format '{format}'"),
        )
    })?;
    let api = state.api.clone();
    let job = tauri::async_runtime::spawn_blocking(move || api.job(ACCOUNT, &JobRef::Id(job_id)))
        .await
        .map_err(|e| UiError::new("internal", format!("the job could not be read: {e}")))??;
    let name = routemate_export::file_name(&job, format);
    let Some(path) = printing::pick_save_path(&name, format).await else {
        return Ok(None);
    };
    let out = path.clone();
    let api = state.api.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let options = routemate_export::basemap::options_for(&api, &job);
        let bytes = routemate_export::export_with(&job, format, &options)?;
        pack::write_atomic(&out, &bytes)
    })
    .await
    .map_err(|e| UiError::new("internal", format!("the export did not finish: {e}")))?
    .map_err(printing::ui_error)?;
    tracing::info!(format = format.as_str(), "job exported");
    Ok(Some(path.display().to_string()))
}

/// Writes the job's run sheet under the app's data folder and opens it in the system's PDF
/// viewer, whose print dialog prints it as laid out (A4).
#[tauri::command]
pub async fn print_run_sheet(
    state: State<'_, Desktop>,
    job_id: String,
) -> Result<PrintedSheet, UiError> {
    let api = state.api.clone();
    let dir = state.paths.data_dir.join("run-sheets");
    tauri::async_runtime::spawn_blocking(move || printing::print(&api, &dir, &job_id))
        .await
        .map_err(|e| UiError::new("internal", format!("the run sheet did not finish: {e}")))?
}
