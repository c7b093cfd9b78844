//! Dispatcher settings that shape every plan: depot, speed, service time, road factor, day start.
//! Stored in the `settings` tree; unknown UI-only settings ride along in `ui`.

use crate::error::EngineError;
use crate::store::{decode, encode, Store};
use routemate_core::validate::parse_hhmm;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Settings {
    /// Where routes start unless a job names its own depot.
    pub depot: Option<DepotSetting>,
    /// Average travel speed for durations, km/h.
    pub average_speed_kmh: f64,
    /// Service time per stop unless the stop says otherwise, minutes.
    pub service_minutes: f64,
    /// Straight-line distance × this factor estimates road distance.
    pub road_factor: f64,
    /// "HH:MM" the route starts, for ETAs.
    pub day_start: String,
    /// Free-form settings owned by front ends (tile URL, local API port, watched folder, …).
    pub ui: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DepotSetting {
    #[serde(default)]
    pub address: Option<String>,
    pub lat: f64,
    pub lng: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            depot: None,
            average_speed_kmh: 30.0,
            service_minutes: 3.0,
            road_factor: 1.3,
            day_start: "08:00".to_string(),
            ui: serde_json::Value::Object(Default::default()),
        }
    }
}

impl Settings {
    /// Checks ranges; every bad field is named.
    pub fn validate(&self) -> Result<(), EngineError> {
        let mut errs = Vec::new();
        let mut bad = |field: &str, detail: &str| {
            errs.push(routemate_core::validate::FieldError {
                field: field.into(),
                pointer: format!("/{}", field.replace('.', "/")),
                code: "invalid_value".into(),
                detail: detail.into(),
            })
        };
        if !(1.0..=200.0).contains(&self.average_speed_kmh) {
            bad("average_speed_kmh", "must be between 1 and 200");
        }
        if !(0.0..=240.0).contains(&self.service_minutes) {
            bad("service_minutes", "must be between 0 and 240");
        }
        if !(1.0..=3.0).contains(&self.road_factor) {
            bad("road_factor", "must be between 1 and 3");
        }
        if parse_hhmm(&self.day_start).is_none() {
            bad("day_start", "must be a time HH:MM");
        }
        if let Some(d) = &self.depot {
            if !routemate_core::geo::LatLng::new(d.lat, d.lng).is_valid() {
                bad("depot", "lat must be within ±90 and lng within ±180");
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(EngineError::Invalid(errs))
        }
    }

    pub(crate) fn load(store: &Store) -> Result<Settings, EngineError> {
        match store.settings.get("settings")? {
            Some(v) => decode(&v),
            None => Ok(Settings::default()),
        }
    }

    pub(crate) fn save(&self, store: &Store) -> Result<(), EngineError> {
        store.settings.insert("settings", encode(self))?;
        store.flush()
    }
}
