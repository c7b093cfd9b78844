//! About the app itself: paths and local API status, the log view, update checks, tile cache.

use super::UiError;
use crate::logging::{self, LogTail};
use crate::state::{AppInfo, Desktop};
use crate::tiles::TileCacheInfo;
use crate::updating::{self, UpdateStatus, Updating};
use tauri::{AppHandle, Runtime, State};

#[tauri::command]
pub async fn app_info(state: State<'_, Desktop>) -> Result<AppInfo, UiError> {
    Ok(state.info())
}

/// The last `max_lines` lines of the newest log file.
#[tauri::command]
pub async fn read_log(state: State<'_, Desktop>, max_lines: usize) -> Result<LogTail, UiError> {
    logging::tail(&state.paths.log_dir, max_lines)
}

/// "Check for updates": up to date, a newer version, offline (the server cannot be reached),
/// misconfigured or failed (what the server answered) — never an error dialog.
#[tauri::command]
pub async fn check_update<R: Runtime>(
    app: AppHandle<R>,
    updating: State<'_, Updating>,
) -> Result<UpdateStatus, UiError> {
    Ok(updating::check(&app, &updating).await)
}

#[tauri::command]
pub async fn tile_cache_info(state: State<'_, Desktop>) -> Result<TileCacheInfo, UiError> {
    state.tiles.info()
}

#[tauri::command]
pub async fn clear_tile_cache(state: State<'_, Desktop>) -> Result<TileCacheInfo, UiError> {
    state.tiles.clear()
}

/// The UI has painted its first screen: logs and returns the time since start (cold start to
/// first paint, the startup benchmark).
#[tauri::command]
pub async fn ui_ready(state: State<'_, Desktop>) -> Result<u64, UiError> {
    let ms = state.uptime_ms();
    tracing::info!(startup_ms = ms, "first paint");
    Ok(ms)
}
