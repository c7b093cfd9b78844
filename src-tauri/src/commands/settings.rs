//! Settings: the engine's planning settings with the desktop's own in `ui` (typed and validated
//! by `crate::settings::DesktopSettings`), and folder picking.

use super::{blocking, UiError};
use crate::settings::{DesktopSettings, FolderRules};
use crate::state::Desktop;
use routemate_engine::settings::Settings;
use routemate_engine::EngineError;
use tauri::{AppHandle, Manager, Runtime, State};

#[tauri::command]
pub async fn get_settings(state: State<'_, Desktop>) -> Result<Settings, UiError> {
    let mut settings = blocking(&state, move |api| api.settings()).await?;
    // The UI sees every desktop setting, defaults filled in, unknown keys gone.
    settings.ui = DesktopSettings::from_stored(&settings.ui).to_value();
    Ok(settings)
}

/// Saves the planning settings and the desktop's own; a bad field saves nothing.
#[tauri::command]
pub async fn update_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
    settings: Settings,
) -> Result<Settings, UiError> {
    let mut settings = settings;
    let home = app.path().home_dir().ok();
    let rules = FolderRules {
        home: home.as_deref(),
        data_dir: &state.paths.data_dir,
    };
    let desktop = DesktopSettings::parse(&settings.ui, &rules)
        .map_err(|fields| UiError::from(EngineError::Invalid(fields)))?;
    settings.ui = desktop.to_value();
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
