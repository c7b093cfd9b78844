//! The road pack through the facade: what is loaded, and importing an OpenStreetMap extract into
//! the data dir the engine was given (the engine never looks elsewhere for a pack).

use super::Api;
use crate::error::EngineError;
use serde::Serialize;
use std::path::Path;

/// What road pack the engine plans on (`Settings → Roads`).
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoadPackStatus {
    pub loaded: bool,
    /// The extract's file name.
    pub source_file: Option<String>,
    /// RFC 3339.
    pub built_at: Option<String>,
    /// `[min_lat, min_lng, max_lat, max_lng]`.
    pub bounds: Option<Vec<f64>>,
    pub nodes: u64,
    pub roads: u64,
    pub pack_bytes: u64,
    /// Share of drivable junctions in the largest strongly connected component (0–1).
    pub component_share: f64,
}

/// Where an import is: `stage` (`ways`, `nodes`, `graph`, `component`, `hierarchy`, `write`)
/// and a fraction of that stage, 0–1.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoadImportProgress {
    pub stage: String,
    pub fraction: f64,
}

impl Api {
    /// The pack under the data dir, read from its header (the graph is not loaded).
    pub fn road_pack_status(&self) -> Result<RoadPackStatus, EngineError> {
        let path = routemate_roads::pack_path(self.context().data_dir());
        let meta = routemate_roads::read_meta(&path).map_err(roads_error)?;
        Ok(match meta {
            None => RoadPackStatus::default(),
            Some(m) => RoadPackStatus {
                loaded: true,
                source_file: Some(m.source_file),
                built_at: Some(m.built_at.to_rfc3339()),
                bounds: Some(m.bounds.to_vec()),
                nodes: m.nodes,
                roads: m.roads,
                pack_bytes: std::fs::metadata(&path).map(|f| f.len()).unwrap_or(0),
                component_share: m.component_share,
            },
        })
    }

    /// Builds the road pack from `file` (an `.osm.pbf`) and swaps it in; the engine plans on it
    /// from the next job. A refused file (`not_pbf`, `pbf_damaged`, `no_drivable_roads`) leaves
    /// the previous pack in place. Blocking: seconds for a city, minutes for a state.
    pub fn import_road_pack(
        &self,
        file: &Path,
        progress: &mut dyn FnMut(RoadImportProgress),
    ) -> Result<RoadPackStatus, EngineError> {
        let ctx = self.context();
        routemate_roads::import_extract(file, ctx.data_dir(), "car", ctx.now(), &mut |p| {
            progress(RoadImportProgress {
                stage: p.stage.to_string(),
                fraction: if p.total > 0 {
                    p.done as f64 / p.total as f64
                } else {
                    0.0
                },
            })
        })
        .map_err(roads_error)?;
        self.road_pack_status()
    }
}

fn roads_error(e: routemate_roads::RoadsError) -> EngineError {
    match e {
        routemate_roads::RoadsError::Io { path, source } => EngineError::Io { path, source },
        other => EngineError::invalid_field("file", other.code(), other.to_string()),
    }
}
