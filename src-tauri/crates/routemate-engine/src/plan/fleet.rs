//! The fleet saved in Settings: the drivers a day is planned over when a plan request (or a day's
//! job file) names none. Kept in the `settings` tree under its own key, beside the settings, so a
//! front end saving the settings never overwrites it.

use crate::error::EngineError;
use crate::store::{decode, encode, Store};
use routemate_core::dayplan::validate::parse_fleet;
use routemate_core::dayplan::Fleet;

const KEY: &str = "fleet";

/// The saved fleet (empty when none was saved).
pub fn load(store: &Store) -> Result<Fleet, EngineError> {
    match store.settings.get(KEY)? {
        Some(v) => decode(&v),
        None => Ok(Fleet::default()),
    }
}

/// Validates (every bad field named, nothing saved) and saves `fleet`.
pub fn save(store: &Store, fleet: &Fleet) -> Result<Fleet, EngineError> {
    // Through the JSON validator, so a typed caller is held to the same rules as a file.
    let checked = parse_fleet(&serde_json::to_value(fleet).unwrap_or_default())
        .map_err(EngineError::Invalid)?;
    store.settings.insert(KEY, encode(&checked))?;
    store.flush()?;
    Ok(checked)
}
