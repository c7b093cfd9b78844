//! The road pack in Settings: what is loaded, and importing an OpenStreetMap extract through
//! the native file dialog, with progress events (`roads://progress`, a `RoadImportProgress`).

use super::{blocking, UiError};
use crate::state::Desktop;
use routemate_engine::api::roads::RoadPackStatus;
use tauri::{AppHandle, Emitter, Runtime, State};

/// The road pack the engine plans on (read from its header).
#[tauri::command]
pub async fn road_pack_status(state: State<'_, Desktop>) -> Result<RoadPackStatus, UiError> {
    blocking(&state, |api| api.road_pack_status()).await
}

/// Asks for an `.osm.pbf` and builds the road pack from it (the previous one keeps working if
/// the file is refused); `None` when the user cancels.
#[tauri::command]
pub async fn import_road_pack<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
) -> Result<Option<RoadPackStatus>, UiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Import an OpenStreetMap extract (.osm.pbf)")
        .add_filter("OpenStreetMap extract", &["pbf"])
        .pick_file()
        .await
    else {
        return Ok(None);
    };
    let path = file.path().to_path_buf();
    blocking(&state, move |api| {
        api.import_road_pack(&path, &mut |p| {
            let _ = app.emit("roads://progress", &p);
        })
    })
    .await
    .map(Some)
}
