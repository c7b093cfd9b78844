//! Settings → Planning: where the depot address is, by the app's geocoder (offline stack, and
//! the online one when Settings turns it on).

use super::UiError;
use crate::state::Desktop;
use routemate_core::geocode::{GeocodeCandidate, Geocoder};
use routemate_engine::DEFAULT_ACCOUNT;
use tauri::State;

/// The places the depot address could be, best first (empty: it could not be placed).
#[tauri::command]
pub async fn geocode_depot(
    state: State<'_, Desktop>,
    address: String,
) -> Result<Vec<GeocodeCandidate>, UiError> {
    if address.trim().is_empty() {
        return Err(UiError::new(
            "validation_failed",
            "Type the depot address first",
        ));
    }
    let Some(stack) = state.geocoding.stack() else {
        return Err(UiError::new(
            "geocoder_unavailable",
            "The geocoder is still opening (or could not open: see Logs); try again in a moment",
        ));
    };
    tauri::async_runtime::spawn_blocking(move || {
        crate::depot::candidates(&address, &stack.geocode(DEFAULT_ACCOUNT, &address))
    })
    .await
    .map_err(|e| UiError::new("internal", e.to_string()))
}
