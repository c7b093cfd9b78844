//! Import an extract into the pack under a data dir: read, cut to the largest component, merge
//! chains of two-road nodes ([`crate::simplify`]), contract for time and distance, write
//! atomically. The previous pack is untouched until the new one is complete, so a refused or
//! failed import leaves it working.

use crate::ch::Hierarchy;
use crate::graph::Metric;
use crate::import::{read_network, Progress};
use crate::pack::{pack_path, PackMeta, RoadPack};
use crate::profile::PROFILES;
use crate::RoadsError;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// The import's summary (`routemate roads import` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    #[serde(flatten)]
    pub meta: PackMeta,
    pub pack_bytes: u64,
    pub pack_path: String,
}

/// Imports `pbf` with `profile` into `<data_dir>/roads/`, stamped `now`.
pub fn import_extract(
    pbf: &Path,
    data_dir: &Path,
    profile: &str,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary, RoadsError> {
    if !PROFILES.contains(&profile) {
        return Err(RoadsError::UnknownProfile(profile.to_string()));
    }
    let started = Instant::now();
    let source_bytes = std::fs::metadata(pbf)
        .map_err(|e| RoadsError::io(pbf, e))?
        .len();
    let raw = read_network(pbf, progress)?;
    progress(Progress {
        stage: "component",
        done: 0,
        total: 1,
    });
    let (net, share) = raw.largest_component();
    if net.nodes.len() < 2 {
        return Err(RoadsError::NoRoads);
    }
    progress(Progress {
        stage: "simplify",
        done: 0,
        total: 1,
    });
    let (net, merged) = net.merge_chains();
    progress(Progress {
        stage: "hierarchy",
        done: 0,
        total: 2,
    });
    let time = Hierarchy::build(&net, Metric::Time)?;
    progress(Progress {
        stage: "hierarchy",
        done: 1,
        total: 2,
    });
    // Its own node order: contracting in the time order was slower (162 s against 102 s on the
    // synthetic state, `routemate-bench roads --state`) and gave more shortcuts.
    let distance = Hierarchy::build(&net, Metric::Distance)?;
    progress(Progress {
        stage: "hierarchy",
        done: 2,
        total: 2,
    });
    let mut bounds = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for c in &net.nodes {
        bounds[0] = bounds[0].min(c.lat());
        bounds[1] = bounds[1].min(c.lng());
        bounds[2] = bounds[2].max(c.lat());
        bounds[3] = bounds[3].max(c.lng());
    }
    let meta = PackMeta {
        profile: profile.to_string(),
        source_file: pbf
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        source_bytes,
        built_at: now,
        bounds,
        nodes: net.nodes.len() as u64,
        roads: net.roads.len() as u64,
        arcs: net.arcs().count() as u64,
        component_share: share,
        merged_nodes: merged as u64,
        hierarchy_edges_time: time.edge_count() as u64,
        hierarchy_edges_distance: distance.edge_count() as u64,
        import_seconds: 0.0,
    };
    let mut pack = RoadPack {
        meta,
        net,
        time,
        distance,
        snap: crate::snap::SnapIndex::build(&Default::default()),
    };
    pack.meta.import_seconds = (started.elapsed().as_secs_f64() * 10.0).round() / 10.0;
    progress(Progress {
        stage: "write",
        done: 0,
        total: 1,
    });
    let path = pack_path(data_dir);
    let pack_bytes = pack.save(&path)?;
    progress(Progress {
        stage: "write",
        done: 1,
        total: 1,
    });
    Ok(ImportSummary {
        meta: pack.meta,
        pack_bytes,
        pack_path: path.display().to_string(),
    })
}
