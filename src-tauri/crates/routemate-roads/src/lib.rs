//! Offline roads: import an OpenStreetMap extract into a road pack (the car graph's largest
//! strongly connected component, contracted for both time and distance), then answer matrices,
//! routes and snaps from it, in process, with no routing server.
//!
//! - [`profile`]: what a car may drive and how fast.
//! - [`import`]: the two-pass streaming PBF reader; [`graph`]: roads, arcs, the component cut.
//! - [`ch`]: contraction hierarchies (`fast_paths` preparation, our own many-to-many queries).
//! - [`snap`]: nearest drivable segment; [`query`]: matrices and routes; [`reference`]: plain
//!   Dijkstra for tests and benchmarks.
//! - [`streets`]: the roads in a box by class and zoom, for drawing (basemap, run sheet).
//! - [`pack`]: the file under `<data>/roads/`, written atomically; [`build`]: import → pack.

pub mod build;
pub mod ch;
pub mod geometry;
pub mod graph;
pub mod import;
pub mod pack;
pub mod profile;
pub mod query;
pub mod reference;
pub mod simplify;
pub mod snap;
pub mod streets;

pub use build::{import_extract, ImportSummary};
pub use geometry::Coord;
pub use graph::Metric;
pub use pack::{pack_path, read_meta, PackMeta, RoadPack};
pub use query::{Matrix, Route, Solver, DEFAULT_MAX_SNAP_M};
pub use streets::{BBox, StreetIndex, Streets};

use std::path::{Path, PathBuf};

/// What can go wrong importing, loading or querying roads. `code()` is stable.
#[derive(Debug, thiserror::Error)]
pub enum RoadsError {
    #[error("not an OpenStreetMap PBF file: {0}")]
    NotPbf(String),
    #[error("damaged OpenStreetMap PBF file: {0}")]
    Corrupt(String),
    #[error("no drivable roads in the extract")]
    NoRoads,
    #[error("unknown profile {0:?} (known: car)")]
    UnknownProfile(String),
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the road pack {} is damaged or of another version: {why}", path.display())]
    BadPack { path: PathBuf, why: String },
    #[error("internal error building the road pack: {0}")]
    Internal(String),
}

impl RoadsError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> RoadsError {
        RoadsError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn bad_pack(path: &Path, why: String) -> RoadsError {
        RoadsError::BadPack {
            path: path.to_path_buf(),
            why,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            RoadsError::NotPbf(_) => "not_pbf",
            RoadsError::Corrupt(_) => "pbf_damaged",
            RoadsError::NoRoads => "no_drivable_roads",
            RoadsError::UnknownProfile(_) => "unknown_profile",
            RoadsError::Io { .. } => "io",
            RoadsError::BadPack { .. } => "road_pack_damaged",
            RoadsError::Internal(_) => "internal",
        }
    }
}
