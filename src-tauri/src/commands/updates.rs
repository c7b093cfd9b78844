//! Installing an update the check found, and the restart that runs it (`updating.rs`).

use super::UiError;
use crate::updating::{self, InstallOutcome, UpdateProblem, Updating};
use tauri::{AppHandle, Runtime, State};

impl From<UpdateProblem> for UiError {
    fn from(p: UpdateProblem) -> Self {
        UiError::new(p.code(), p.to_string())
    }
}

/// Downloads `version` (progress on `updates://progress`), verifies its signature and installs
/// it; a package that fails the signature check is refused (`update_refused`), nothing installed.
#[tauri::command]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    updating: State<'_, Updating>,
    version: String,
) -> Result<InstallOutcome, UiError> {
    Ok(updating::install(&app, &updating, &version).await?)
}

/// Restarts RouteMate so an installed update runs (offered after `install_update`).
#[tauri::command]
pub async fn restart_app<R: Runtime>(app: AppHandle<R>) -> Result<(), UiError> {
    updating::restart(&app);
    Ok(())
}
