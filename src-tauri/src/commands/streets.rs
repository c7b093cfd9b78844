//! The road pack for the map: its streets in a box (the offline street basemap draws them when
//! tiles are unavailable), importing an extract into both the road pack and the gazetteer
//! (Settings), and live totals of a proposed stop order from the engine's travel costs.

use super::{blocking, UiError};
use crate::extract::{self, ExtractImport};
use crate::state::Desktop;
use routemate_engine::api::preview::OrderTotals;
use routemate_engine::api::streets::StreetsView;
use routemate_engine::DEFAULT_ACCOUNT as ACCOUNT;
use tauri::{AppHandle, Emitter, Runtime, State};

/// The road pack's streets inside `bbox` (`[south, west, north, east]`, degrees) of the classes
/// drawn at `zoom`; `covered: false` without a pack or outside it.
#[tauri::command]
pub async fn road_streets(
    state: State<'_, Desktop>,
    bbox: Vec<f64>,
    zoom: u32,
) -> Result<StreetsView, UiError> {
    let bbox: [f64; 4] = bbox
        .try_into()
        .map_err(|_| UiError::new("invalid_bbox", "bbox must be [south, west, north, east]"))?;
    blocking(&state, move |api| api.streets(bbox, zoom.min(24) as u8)).await
}

/// Totals the job would have with its routed stops in `order` (external stop ids), planned as
/// the drop would plan it (road pack or estimate); nothing is written.
#[tauri::command]
pub async fn preview_order(
    state: State<'_, Desktop>,
    job_id: String,
    order: Vec<String>,
) -> Result<OrderTotals, UiError> {
    blocking(&state, move |api| {
        api.preview_order(ACCOUNT, &job_id, &order)
    })
    .await
}

/// Asks for an `.osm.pbf` (native dialog) and builds the road pack and the address gazetteer
/// from it, with `extract://progress` events; `None` when the user cancels.
#[tauri::command]
pub async fn import_extract<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
) -> Result<Option<ExtractImport>, UiError> {
    let Some(file) = rfd::AsyncFileDialog::new()
        .set_title("Import an OpenStreetMap extract (.osm.pbf)")
        .add_filter("OpenStreetMap extract", &["pbf"])
        .pick_file()
        .await
    else {
        return Ok(None);
    };
    import_extract_from(app, state, file.path().display().to_string())
        .await
        .map(Some)
}

/// Builds the road pack and the address gazetteer from the `.osm.pbf` at `path`, with
/// `extract://progress` events (an `ExtractProgress`).
#[tauri::command]
pub async fn import_extract_from<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
    path: String,
) -> Result<ExtractImport, UiError> {
    let api = state.api.clone();
    let geocoding = state.geocoding.clone();
    let data_dir = state.paths.data_dir.clone();
    tauri::async_runtime::spawn_blocking(move || {
        extract::import(
            &api,
            &geocoding,
            &data_dir,
            std::path::Path::new(&path),
            &mut |p| {
                let _ = app.emit("extract://progress", &p);
            },
        )
    })
    .await
    .map_err(|e| UiError::new("internal", format!("the import did not finish: {e}")))?
}
