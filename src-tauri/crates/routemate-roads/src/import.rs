//! Streaming OSM PBF import of the car graph, in two passes over the file.
//!
//! Pass 1 reads only ways: the drivable ones (by [`crate::profile`]) keep their node references
//! in one flat `Vec<i64>`. Their ids are then sorted and deduplicated, and a node used twice (or a
//! way's end) is a junction. Pass 2 reads only nodes and keeps the coordinates of the needed ids
//! (binary search in that sorted list). Memory is bounded by the drivable ways' references (about
//! 8 + 8 + 1 bytes each), never by the file's node count. Ways are then cut at junctions into
//! roads whose inner points are geometry only; a way referencing a node the file lacks (a clipped
//! extract) is cut there.

use crate::geometry::{haversine_m, Coord};
use crate::graph::{Road, RoadNetwork};
use crate::profile::{car_rule, RoadClass};
use crate::RoadsError;
use osmpbf::{BlobDecode, BlobReader};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Where an import is, for a progress bar: `stage` is `ways` or `nodes` (a read of the file),
/// then `graph`, `component`, `simplify`, `hierarchy`, `write`.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

/// A drivable way from pass 1: its references are `refs[start..start + len]`.
struct WayRec {
    start: usize,
    len: u32,
    class: RoadClass,
    speed_kmh: f32,
    forward: bool,
    backward: bool,
}

/// Counts the bytes read, for progress.
struct Counting<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads `path` and returns the drivable road network (before the component filter).
///
/// Errors: [`RoadsError::NotPbf`] when the first block is no OSM PBF block,
/// [`RoadsError::Corrupt`] for a damaged or truncated file, [`RoadsError::NoRoads`] when nothing
/// drivable is in it, [`RoadsError::Io`] when the file cannot be read.
pub fn read_network(
    path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<RoadNetwork, RoadsError> {
    let total = std::fs::metadata(path)
        .map_err(|e| RoadsError::io(path, e))?
        .len();
    if total == 0 {
        return Err(RoadsError::NotPbf("the file is empty".into()));
    }

    // Pass 1: drivable ways.
    let mut refs: Vec<i64> = Vec::new();
    let mut ways: Vec<WayRec> = Vec::new();
    for_each_block(path, total, "ways", progress, |block| {
        for group in block.groups() {
            for way in group.ways() {
                let Some(rule) = car_rule(way.tags()) else {
                    continue;
                };
                let start = refs.len();
                refs.extend(way.refs());
                let len = (refs.len() - start) as u32;
                if len < 2 {
                    refs.truncate(start);
                    continue;
                }
                ways.push(WayRec {
                    start,
                    len,
                    class: rule.class,
                    speed_kmh: rule.speed_kmh as f32,
                    forward: rule.forward,
                    backward: rule.backward,
                });
            }
        }
    })?;
    if ways.is_empty() {
        return Err(RoadsError::NoRoads);
    }

    // The needed node ids, sorted; a node referenced twice (or a way's end) is a junction.
    let mut needed = refs.clone();
    needed.sort_unstable();
    let mut junction = Vec::with_capacity(needed.len());
    let mut ids: Vec<i64> = Vec::with_capacity(needed.len());
    for (i, &id) in needed.iter().enumerate() {
        if i > 0 && needed[i - 1] == id {
            *junction.last_mut().expect("a previous id") = true;
        } else {
            ids.push(id);
            junction.push(false);
        }
    }
    drop(needed);
    for w in &ways {
        for id in [refs[w.start], refs[w.start + w.len as usize - 1]] {
            if let Ok(i) = ids.binary_search(&id) {
                junction[i] = true;
            }
        }
    }

    // Pass 2: coordinates of the needed nodes.
    const MISSING: Coord = Coord {
        lat_e7: i32::MIN,
        lng_e7: i32::MIN,
    };
    let mut coords = vec![MISSING; ids.len()];
    let mut cursor = 0usize;
    for_each_block(path, total, "nodes", progress, |block| {
        for group in block.groups() {
            for n in group.dense_nodes() {
                if let Some(i) = find_sorted(&ids, &mut cursor, n.id()) {
                    coords[i] = Coord::new_e7(n.decimicro_lat(), n.decimicro_lon());
                }
            }
            for n in group.nodes() {
                if let Some(i) = find_sorted(&ids, &mut cursor, n.id()) {
                    coords[i] = Coord::new_e7(n.decimicro_lat(), n.decimicro_lon());
                }
            }
        }
    })?;

    // Cut ways into roads between junctions (and at nodes the file lacks).
    progress(Progress {
        stage: "graph",
        done: 0,
        total: ways.len() as u64,
    });
    let mut net = RoadNetwork::default();
    let mut graph_id = vec![u32::MAX; ids.len()];
    let mut points: Vec<Coord> = Vec::new();
    let (mut first_idx, mut last_idx) = (usize::MAX, usize::MAX);
    for w in &ways {
        points.clear();
        for &id in &refs[w.start..w.start + w.len as usize] {
            let i = ids.binary_search(&id).expect("every reference is in ids");
            if coords[i] == MISSING {
                // The file lacks this node: end the road at the previous point.
                if points.len() >= 2 {
                    net.push_road(&mut graph_id, first_idx, last_idx, &points, w.road());
                }
                points.clear();
                continue;
            }
            points.push(coords[i]);
            last_idx = i;
            if points.len() == 1 {
                first_idx = i;
            } else if junction[i] {
                net.push_road(&mut graph_id, first_idx, i, &points, w.road());
                points.clear();
                points.push(coords[i]);
                first_idx = i;
            }
        }
        // A way's last node is a junction, so only a road cut short ends here.
        if points.len() >= 2 {
            net.push_road(&mut graph_id, first_idx, last_idx, &points, w.road());
        }
    }
    if net.roads.is_empty() {
        return Err(RoadsError::NoRoads);
    }
    Ok(net)
}

/// The index of `id` in the sorted `ids`. Files list nodes by increasing id, so the search
/// gallops forward from the last position (`cursor`); an id below it starts again from 0.
fn find_sorted(ids: &[i64], cursor: &mut usize, id: i64) -> Option<usize> {
    // Every id before `lo` is below `id`.
    let lo = if *cursor > 0 && ids[*cursor - 1] >= id {
        0
    } else {
        *cursor
    };
    let mut bound = 1;
    while lo + bound < ids.len() && ids[lo + bound] < id {
        bound *= 2;
    }
    let hi = (lo + bound + 1).min(ids.len());
    let pos = lo + ids[lo..hi].partition_point(|&x| x < id);
    *cursor = pos;
    (ids.get(pos) == Some(&id)).then_some(pos)
}

impl WayRec {
    /// The road's attributes; lengths and times are filled in by `push_road`.
    fn road(&self) -> Road {
        Road {
            from: 0,
            to: 0,
            forward: self.forward,
            backward: self.backward,
            class: self.class,
            speed_kmh: self.speed_kmh,
            time_ms: 0,
            dist_cm: 0,
        }
    }
}

impl RoadNetwork {
    /// Adds the road `points` from needed-node index `a` to `b`, giving both ends a graph id.
    fn push_road(
        &mut self,
        graph_id: &mut [u32],
        a: usize,
        b: usize,
        points: &[Coord],
        mut r: Road,
    ) {
        if a == b && points.len() < 3 {
            return;
        }
        for &i in [a, b].iter() {
            if graph_id[i] == u32::MAX {
                graph_id[i] = self.nodes.len() as u32;
                self.nodes
                    .push(points[if i == a { 0 } else { points.len() - 1 }]);
            }
        }
        let metres: f64 = points.windows(2).map(|p| haversine_m(p[0], p[1])).sum();
        r.from = graph_id[a];
        r.to = graph_id[b];
        r.dist_cm = ((metres * 100.0).round() as u32).max(1);
        r.time_ms = ((metres / (r.speed_kmh as f64 / 3.6) * 1000.0).round() as u32).max(1);
        self.add_road(r, points);
    }
}

/// Decodes every data block of the file in order, reporting progress by bytes read.
fn for_each_block(
    path: &Path,
    total: u64,
    stage: &'static str,
    progress: &mut dyn FnMut(Progress),
    mut f: impl FnMut(&osmpbf::PrimitiveBlock),
) -> Result<(), RoadsError> {
    let file = File::open(path).map_err(|e| RoadsError::io(path, e))?;
    let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let reader = BlobReader::new(Counting {
        inner: BufReader::with_capacity(1 << 20, file),
        read: read.clone(),
    });
    let mut seen_header = false;
    let mut blocks = 0u64;
    for blob in reader {
        let blob = match blob {
            Ok(b) => b,
            Err(e) if !seen_header => {
                return Err(RoadsError::NotPbf(format!(
                    "the file does not start with an OSM PBF block ({e})"
                )))
            }
            Err(e) => {
                return Err(RoadsError::Corrupt(format!(
                    "block {} is damaged or the file is cut short ({e})",
                    blocks + 1
                )))
            }
        };
        let decoded = match blob.decode() {
            Ok(x) => x,
            Err(e) if !seen_header => {
                return Err(RoadsError::NotPbf(format!(
                    "the file does not start with an OSM PBF block ({e})"
                )))
            }
            Err(e) => {
                return Err(RoadsError::Corrupt(format!(
                    "block {} is damaged or the file is cut short ({e})",
                    blocks + 1
                )))
            }
        };
        match decoded {
            BlobDecode::OsmHeader(_) => seen_header = true,
            BlobDecode::OsmData(block) => {
                if !seen_header {
                    return Err(RoadsError::NotPbf(
                        "the file has no OSM header block".into(),
                    ));
                }
                f(&block);
            }
            BlobDecode::Unknown(_) => {}
        }
        blocks += 1;
        if blocks.is_multiple_of(16) {
            progress(Progress {
                stage,
                done: read.load(std::sync::atomic::Ordering::Relaxed),
                total,
            });
        }
    }
    if !seen_header {
        return Err(RoadsError::NotPbf("no OSM PBF block in the file".into()));
    }
    progress(Progress {
        stage,
        done: total,
        total,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn find_sorted_walks_forward_and_back() {
        let ids = [2i64, 3, 5, 8, 13, 21, 34, 55, 89];
        let mut c = 0;
        for q in 0..100 {
            assert_eq!(
                super::find_sorted(&ids, &mut c, q),
                ids.binary_search(&q).ok(),
                "{q}"
            );
        }
        for q in [89, 2, 55, 3, 3, 100, 1, 21] {
            assert_eq!(
                super::find_sorted(&ids, &mut c, q),
                ids.binary_search(&q).ok(),
                "{q}"
            );
        }
        assert_eq!(super::find_sorted(&[], &mut 0, 4), None);
    }
}
