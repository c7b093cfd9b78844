//! A day plan to its drivers from the plan view: Export (native folder dialog) writes every
//! driver's pack; `export_plan_to` does the same into a given folder (what the dialog feeds,
//! and what E2E drives); Print opens all run sheets as one PDF in the system's viewer.

use super::UiError;
use crate::plan_export::{self, PlanPacks};
use crate::printing::PrintedSheet;
use crate::state::Desktop;
use tauri::State;

/// Asks for a folder (native dialog) and writes a driver pack for every driver of the plan
/// there; `None` when the user cancels.
#[tauri::command]
pub async fn export_plan(
    state: State<'_, Desktop>,
    plan_id: String,
) -> Result<Option<PlanPacks>, UiError> {
    let Some(folder) = rfd::AsyncFileDialog::new()
        .set_title("Export the plan's driver packs into…")
        .pick_folder()
        .await
    else {
        return Ok(None);
    };
    export_plan_to(state, plan_id, folder.path().display().to_string())
        .await
        .map(Some)
}

/// Writes a driver pack for every driver of the plan into `folder` (created when missing).
#[tauri::command]
pub async fn export_plan_to(
    state: State<'_, Desktop>,
    plan_id: String,
    folder: String,
) -> Result<PlanPacks, UiError> {
    let api = state.api.clone();
    tauri::async_runtime::spawn_blocking(move || {
        plan_export::export_packs(&api, &plan_id, std::path::Path::new(&folder))
    })
    .await
    .map_err(|e| UiError::new("internal", format!("the export did not finish: {e}")))?
}

/// Writes every run sheet of the plan into one PDF under the app's data folder and opens it in
/// the system's PDF viewer for printing.
#[tauri::command]
pub async fn print_plan(
    state: State<'_, Desktop>,
    plan_id: String,
) -> Result<PrintedSheet, UiError> {
    let api = state.api.clone();
    let dir = state.paths.data_dir.join("run-sheets");
    tauri::async_runtime::spawn_blocking(move || plan_export::print(&api, &dir, &plan_id))
        .await
        .map_err(|e| UiError::new("internal", format!("the run sheets did not finish: {e}")))?
}
