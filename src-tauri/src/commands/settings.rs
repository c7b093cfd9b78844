//! Settings: the engine's planning settings plus the desktop's own (in `ui`), and folder picking.

use super::{blocking, UiError};
use crate::state::Desktop;
use routemate_engine::settings::Settings;
use tauri::{AppHandle, Runtime, State};

#[tauri::command]
pub async fn get_settings(state: State<'_, Desktop>) -> Result<Settings, UiError> {
    blocking(&state, move |api| api.settings()).await
}

#[tauri::command]
pub async fn update_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
    settings: Settings,
) -> Result<Settings, UiError> {
    let saved = blocking(&state, move |api| api.update_settings(settings)).await?;
    // The online-geocoder switch takes effect at once: re-attach the stack.
    let (g, api, dir) = (
        state.geocoding.clone(),
        state.api.clone(),
        state.paths.data_dir.clone(),
    );
    tauri::async_runtime::spawn_blocking(move || g.attach(&api, &dir));
    // A new watched folder starts (or stops) watching now.
    state.watching.apply(&app, &state.api);
    Ok(saved)
}

/// Asks for a folder with the native dialog (the watched folder); `None` when cancelled.
#[tauri::command]
pub async fn pick_folder() -> Result<Option<String>, UiError> {
    let picked = rfd::AsyncFileDialog::new()
        .set_title("Choose the watched folder")
        .pick_folder()
        .await;
    Ok(picked.map(|f| f.path().display().to_string()))
}
