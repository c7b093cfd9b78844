//! One-time hand-over of pins learned before the geocoder kept its own store. Older versions
//! kept every pin twice in the engine's store: per account in `corrections` (with the address as
//! written) and globally in `geocode_corrections`, beside a global `geocode_cache`. The first
//! geocoder attached to such a store is taught each account's pins; then all three trees go.

use crate::context::Context;
use crate::error::EngineError;
use routemate_core::geo::LatLng;
use routemate_core::geocode::Geocoder;
use serde::Deserialize;

/// The engine's old per-account pin tree (account \0 address → pin).
pub(crate) const LEGACY_PINS: &str = "corrections";
/// The geocoder's old global trees inside the engine's store.
const LEGACY_GEOCODER_TREES: [&str; 2] = ["geocode_corrections", "geocode_cache"];

#[derive(Deserialize)]
struct LegacyPin {
    address: String,
    lat: f64,
    lng: f64,
}

/// Teaches `geocoder` every pin in the old tree, then drops the old trees. Returns how many
/// pins were handed over.
pub(crate) fn hand_over_pins(ctx: &Context, geocoder: &dyn Geocoder) -> Result<usize, EngineError> {
    let store = ctx.store();
    let names = store.db.tree_names();
    let present = |name: &str| names.iter().any(|n| n.as_ref() == name.as_bytes());
    if !present(LEGACY_PINS) && !LEGACY_GEOCODER_TREES.iter().any(|t| present(t)) {
        return Ok(0);
    }
    let mut moved = 0;
    for item in store.tree(LEGACY_PINS)?.iter() {
        let (key, value) = item?;
        let account = key.split(|&b| b == 0).next().unwrap_or_default();
        let account = String::from_utf8_lossy(account);
        match serde_json::from_slice::<LegacyPin>(&value) {
            Ok(pin) => {
                geocoder.learn(&account, &pin.address, LatLng::new(pin.lat, pin.lng));
                moved += 1;
            }
            Err(e) => tracing::warn!(error = %e, "unreadable old pin skipped"),
        }
    }
    for name in std::iter::once(LEGACY_PINS).chain(LEGACY_GEOCODER_TREES) {
        store.db.drop_tree(name)?;
    }
    store.flush()?;
    tracing::info!(pins = moved, "pins handed over to the geocoder's own store");
    Ok(moved)
}
