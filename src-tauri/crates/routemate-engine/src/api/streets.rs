//! The road pack's streets for drawing (the desktop's offline street basemap, the run sheet's
//! map): the roads in a box by class and zoom (`routemate_roads::streets`). The box index is
//! built once per loaded pack and rebuilt when a new pack is imported.

use super::Api;
use crate::error::EngineError;
use routemate_roads::streets::{self, BBox, StreetIndex};
use routemate_roads::RoadPack;
use serde::Serialize;
use std::sync::{Arc, Mutex, Weak};

/// At most this many roads in one answer (a 256-px tile at zoom 16 in a dense city centre holds
/// a few hundred); the biggest classes are kept when a box holds more.
pub const MAX_STREETS: usize = 20_000;

/// One road to draw: its OSM class, its rank (0 = motorway/trunk, 1 = primary/secondary,
/// 2 = tertiary/residential, 3 = service) and its points as `[lat, lng]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StreetLine {
    pub class: String,
    pub rank: u8,
    pub points: Vec<[f64; 2]>,
}

/// The streets of a box at a zoom level. `covered` is false when no road pack is loaded or
/// the box lies outside it (the caller draws its fallback).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StreetsView {
    pub covered: bool,
    /// Minor classes first: draw in order and the big roads lie on top.
    pub streets: Vec<StreetLine>,
    /// The box held more than [`MAX_STREETS`] roads; the most minor were left out.
    pub truncated: bool,
    /// The attribution to show with them.
    pub attribution: String,
}

/// The attribution the ODbL asks for wherever the roads are shown.
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors (ODbL)";

/// The index of the last pack asked about; a new pack (another `Arc`) rebuilds it.
static INDEX: Mutex<Option<(Weak<RoadPack>, Arc<StreetIndex>)>> = Mutex::new(None);

fn index_for(pack: &Arc<RoadPack>) -> Arc<StreetIndex> {
    let mut slot = INDEX.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((weak, index)) = slot.as_ref() {
        if weak.upgrade().is_some_and(|p| Arc::ptr_eq(&p, pack)) {
            return index.clone();
        }
    }
    let index = Arc::new(StreetIndex::build(&pack.net));
    *slot = Some((Arc::downgrade(pack), index.clone()));
    index
}

impl Api {
    /// The road pack's streets inside `[south, west, north, east]` (degrees) drawn at `zoom`
    /// (web map zoom, 0–24). Errors: `invalid_field` on `bbox` naming the bad edge.
    pub fn streets(&self, bbox: [f64; 4], zoom: u8) -> Result<StreetsView, EngineError> {
        let bbox = BBox::new(bbox[0], bbox[1], bbox[2], bbox[3])
            .map_err(|why| EngineError::invalid_field("bbox", "invalid_bbox", why))?;
        let Some(pack) = self.context().road_pack() else {
            return Ok(StreetsView::default());
        };
        let [s, w, n, e] = pack.meta.bounds;
        if bbox.north < s || bbox.south > n || bbox.east < w || bbox.west > e {
            return Ok(StreetsView {
                attribution: ATTRIBUTION.into(),
                ..StreetsView::default()
            });
        }
        let found = index_for(&pack).streets(&pack.net, bbox, zoom.min(24), MAX_STREETS);
        Ok(StreetsView {
            covered: true,
            truncated: found.truncated,
            attribution: ATTRIBUTION.into(),
            streets: found
                .streets
                .into_iter()
                .map(|s| StreetLine {
                    class: s.class_name().to_string(),
                    rank: streets::rank(s.class),
                    points: s.points.iter().map(|c| [c.lat(), c.lng()]).collect(),
                })
                .collect(),
        })
    }
}
