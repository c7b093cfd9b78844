//! The road pack on disk: `<data>/roads/car.pack`, one file written to a temporary name beside it
//! and renamed over it, so a reader sees the old pack or the new one, never half of one.
//!
//! Layout: `RMROADS\0`, a little-endian `u32` format version, a `u32` length and that many bytes
//! of JSON metadata ([`PackMeta`], readable without loading the graph), then the postcard body
//! (network and both hierarchies). A pack is rebuilt from its extract, never migrated: another
//! version is refused as `road_pack_damaged`.

use crate::ch::Hierarchy;
use crate::graph::RoadNetwork;
use crate::snap::SnapIndex;
use crate::RoadsError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"RMROADS\0";
const FORMAT: u32 = 1;
/// The metadata is small; a larger length means a damaged file.
const MAX_META: u32 = 1 << 20;

/// The pack's file under a data dir.
pub fn pack_path(data_dir: &Path) -> PathBuf {
    data_dir.join("roads").join("car.pack")
}

/// What a pack covers and how it was made (`routemate roads status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackMeta {
    pub profile: String,
    /// The extract's file name (no folder).
    pub source_file: String,
    pub source_bytes: u64,
    pub built_at: DateTime<Utc>,
    /// `[min_lat, min_lng, max_lat, max_lng]` of the kept junctions.
    pub bounds: [f64; 4],
    pub nodes: u64,
    pub roads: u64,
    /// Directed arcs (a two-way road counts twice).
    pub arcs: u64,
    /// Junctions kept in the largest strongly connected component, of all drivable ones.
    pub component_share: f64,
    /// Nodes that joined only two like roads, merged away before contraction (0 in packs built
    /// before the merge existed).
    #[serde(default)]
    pub merged_nodes: u64,
    pub hierarchy_edges_time: u64,
    pub hierarchy_edges_distance: u64,
    pub import_seconds: f64,
}

#[derive(Serialize, Deserialize)]
struct Body {
    net: RoadNetwork,
    time: Hierarchy,
    distance: Hierarchy,
}

/// A loaded pack: network, hierarchies and the snapping index.
pub struct RoadPack {
    pub meta: PackMeta,
    pub net: RoadNetwork,
    pub time: Hierarchy,
    pub distance: Hierarchy,
    pub snap: SnapIndex,
}

impl RoadPack {
    pub fn new(meta: PackMeta, net: RoadNetwork, time: Hierarchy, distance: Hierarchy) -> RoadPack {
        let snap = SnapIndex::build(&net);
        RoadPack {
            meta,
            net,
            time,
            distance,
            snap,
        }
    }

    /// Loads the pack at `path`. Errors: `Io` (missing or unreadable), `BadPack` (damaged,
    /// truncated or another format version).
    pub fn load(path: &Path) -> Result<RoadPack, RoadsError> {
        let bytes = std::fs::read(path).map_err(|e| RoadsError::io(path, e))?;
        let (meta, body_at) = parse_header(path, &bytes)?;
        let body: Body = postcard::from_bytes(&bytes[body_at..])
            .map_err(|e| RoadsError::bad_pack(path, e.to_string()))?;
        drop(bytes);
        Ok(RoadPack::new(meta, body.net, body.time, body.distance))
    }

    /// Writes the pack to `path` atomically (temporary file in the same folder, fsync, rename,
    /// fsync of the folder). Returns the file's size.
    pub fn save(&self, path: &Path) -> Result<u64, RoadsError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| RoadsError::io(dir, e))?;
        let meta =
            serde_json::to_vec(&self.meta).map_err(|e| RoadsError::Internal(e.to_string()))?;
        let body = postcard::to_allocvec(&BodyRef {
            net: &self.net,
            time: &self.time,
            distance: &self.distance,
        })
        .map_err(|e| RoadsError::Internal(e.to_string()))?;
        let tmp = dir.join(format!(
            ".car.pack.tmp-{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or(0)
        ));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(MAGIC)?;
            f.write_all(&FORMAT.to_le_bytes())?;
            f.write_all(&(meta.len() as u32).to_le_bytes())?;
            f.write_all(&meta)?;
            f.write_all(&body)?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)?;
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&tmp);
            return Err(RoadsError::io(path, e));
        }
        Ok((16 + meta.len() + body.len()) as u64)
    }
}

#[derive(Serialize)]
struct BodyRef<'a> {
    net: &'a RoadNetwork,
    time: &'a Hierarchy,
    distance: &'a Hierarchy,
}

/// The metadata of the pack at `path` without loading the graph; `Ok(None)` when there is none.
pub fn read_meta(path: &Path) -> Result<Option<PackMeta>, RoadsError> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(RoadsError::io(path, e)),
    };
    let mut head = [0u8; 16];
    f.read_exact(&mut head)
        .map_err(|e| RoadsError::bad_pack(path, e.to_string()))?;
    let len = u32::from_le_bytes(head[12..16].try_into().expect("4 bytes")).min(MAX_META);
    let mut rest = vec![0u8; len as usize];
    f.read_exact(&mut rest)
        .map_err(|e| RoadsError::bad_pack(path, e.to_string()))?;
    let mut all = head.to_vec();
    all.extend(rest);
    parse_header(path, &all).map(|(m, _)| Some(m))
}

fn parse_header(path: &Path, bytes: &[u8]) -> Result<(PackMeta, usize), RoadsError> {
    let bad = |why: &str| RoadsError::bad_pack(path, why.to_string());
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err(bad("not a RouteMate road pack"));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT {
        return Err(bad(&format!(
            "format {version}, this build reads {FORMAT}; import the extract again"
        )));
    }
    let len = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes"));
    if len > MAX_META || bytes.len() < 16 + len as usize {
        return Err(bad("cut short"));
    }
    let meta: PackMeta =
        serde_json::from_slice(&bytes[16..16 + len as usize]).map_err(|e| bad(&e.to_string()))?;
    Ok((meta, 16 + len as usize))
}
