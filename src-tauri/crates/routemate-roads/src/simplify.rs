//! Chains of roads through "junctions" that join only two roads of the same kind (a way split
//! mid-street at a bridge or a tag change that does not matter to a car) become one road: the
//! hierarchy then sees only real junctions, and the merged road keeps every point of its
//! geometry for snapping and route lines.
//!
//! Two roads meeting at node `v` and nowhere else are merged when they have the same class and
//! speed and the same directions of travel through `v`; a merge never makes a road from a node to
//! itself. Lengths and times of a merged road are measured over its whole line, as the importer
//! measures a road, so a matrix on the simplified network equals one on the original up to the
//! rounding of each part (under a millisecond and a centimetre per merged part).

use crate::geometry::{haversine_m, Coord};
use crate::graph::{Road, RoadNetwork};

/// A chain to become one road: start node, its parts as `(road, driven from its `from` end)`,
/// end node.
type Chain = (u32, Vec<(u32, bool)>, u32);

impl RoadNetwork {
    /// Merges the chains of two-road nodes (see the module). Returns the simplified network and
    /// how many nodes were removed.
    pub fn merge_chains(self) -> (RoadNetwork, usize) {
        let n = self.nodes.len();
        // Incident roads per node (a loop counts twice, so its node is never merged).
        let mut first = vec![0u32; n + 1];
        for r in &self.roads {
            first[r.from as usize + 1] += 1;
            first[r.to as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut inc = vec![0u32; first[n] as usize];
        for (i, r) in self.roads.iter().enumerate() {
            for end in [r.from, r.to] {
                inc[fill[end as usize] as usize] = i as u32;
                fill[end as usize] += 1;
            }
        }
        drop(fill);
        let incident = |v: u32| &inc[first[v as usize] as usize..first[v as usize + 1] as usize];
        let mergeable = |v: u32| -> bool {
            let rs = incident(v);
            if rs.len() != 2 || rs[0] == rs[1] {
                return false;
            }
            let (a, b) = (&self.roads[rs[0] as usize], &self.roads[rs[1] as usize]);
            if a.from == a.to || b.from == b.to {
                return false;
            }
            // Directions of travel into v along a, and out of v along b.
            let into = if a.to == v {
                (a.forward, a.backward)
            } else {
                (a.backward, a.forward)
            };
            let out = if b.from == v {
                (b.forward, b.backward)
            } else {
                (b.backward, b.forward)
            };
            a.class == b.class && a.speed_kmh.to_bits() == b.speed_kmh.to_bits() && into == out
        };
        let merge: Vec<bool> = (0..n as u32).map(mergeable).collect();

        let mut used = vec![false; self.roads.len()];
        let mut keep = vec![false; n];
        let mut chains: Vec<Chain> = Vec::new();
        for s in 0..n as u32 {
            if merge[s as usize] {
                continue;
            }
            for &r0 in incident(s) {
                if used[r0 as usize] {
                    continue;
                }
                used[r0 as usize] = true;
                let road = &self.roads[r0 as usize];
                let along = road.from == s;
                let mut v = if along { road.to } else { road.from };
                let mut parts = vec![(r0, along)];
                while merge[v as usize] {
                    let rs = incident(v);
                    let next = if rs[0] == parts.last().expect("a part").0 {
                        rs[1]
                    } else {
                        rs[0]
                    };
                    let nr = &self.roads[next as usize];
                    let other = if nr.from == v { nr.to } else { nr.from };
                    if used[next as usize] || other == s {
                        break;
                    }
                    used[next as usize] = true;
                    parts.push((next, nr.from == v));
                    v = other;
                }
                keep[s as usize] = true;
                keep[v as usize] = true;
                chains.push((s, parts, v));
            }
        }
        // Roads left are on rings of mergeable nodes: kept as they are.
        for (i, r) in self.roads.iter().enumerate() {
            if !used[i] {
                keep[r.from as usize] = true;
                keep[r.to as usize] = true;
                chains.push((r.from, vec![(i as u32, true)], r.to));
            }
        }
        let mut new_id = vec![u32::MAX; n];
        let mut out = RoadNetwork::default();
        for v in 0..n {
            if keep[v] {
                new_id[v] = out.nodes.len() as u32;
                out.nodes.push(self.nodes[v]);
            }
        }
        let removed = n - out.nodes.len();
        let mut points: Vec<Coord> = Vec::new();
        for (s, parts, e) in chains {
            let (r0, along0) = parts[0];
            let base = self.roads[r0 as usize];
            if parts.len() == 1 {
                let (from, to) = (new_id[base.from as usize], new_id[base.to as usize]);
                out.add_road(Road { from, to, ..base }, self.road_points(r0));
                continue;
            }
            points.clear();
            for &(r, along) in &parts {
                let pts = self.road_points(r);
                let skip = usize::from(!points.is_empty());
                if along {
                    points.extend(pts.iter().skip(skip));
                } else {
                    points.extend(pts.iter().rev().skip(skip));
                }
            }
            let (forward, backward) = if along0 {
                (base.forward, base.backward)
            } else {
                (base.backward, base.forward)
            };
            let metres: f64 = points.windows(2).map(|p| haversine_m(p[0], p[1])).sum();
            let road = Road {
                from: new_id[s as usize],
                to: new_id[e as usize],
                forward,
                backward,
                class: base.class,
                speed_kmh: base.speed_kmh,
                dist_cm: ((metres * 100.0).round() as u32).max(1),
                time_ms: ((metres / (base.speed_kmh as f64 / 3.6) * 1000.0).round() as u32).max(1),
            };
            out.add_road(road, &points);
        }
        (out, removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn road(from: u32, to: u32, fwd: bool, bwd: bool, speed: f32) -> Road {
        Road {
            from,
            to,
            forward: fwd,
            backward: bwd,
            class: 10,
            speed_kmh: speed,
            time_ms: 0,
            dist_cm: 0,
        }
    }

    fn net(nodes: usize, roads: &[Road]) -> RoadNetwork {
        let pts: Vec<Coord> = (0..nodes)
            .map(|i| Coord::from_deg(-27.0, 153.0 + i as f64 * 0.001))
            .collect();
        let mut n = RoadNetwork {
            nodes: pts.clone(),
            ..Default::default()
        };
        for r in roads {
            let mid = Coord::from_deg(
                -27.0001,
                (pts[r.from as usize].lng() + pts[r.to as usize].lng()) / 2.0,
            );
            n.add_road(*r, &[pts[r.from as usize], mid, pts[r.to as usize]]);
        }
        n
    }

    #[test]
    fn a_split_street_becomes_one_road_with_every_point() {
        // 0 - 1 - 2 - 3 with a side road at 2: node 1 goes, node 2 stays (three roads).
        // The middle part is drawn against the chain (2 -> 1).
        let n = net(
            5,
            &[
                road(0, 1, true, true, 30.0),
                road(2, 1, true, true, 30.0),
                road(2, 3, true, true, 30.0),
                road(2, 4, true, true, 30.0),
            ],
        );
        let (s, removed) = n.merge_chains();
        assert_eq!(removed, 1);
        assert_eq!(s.nodes.len(), 4);
        assert_eq!(s.roads.len(), 3);
        let long = (0..s.roads.len() as u32)
            .find(|&r| s.road_points(r).len() == 5)
            .expect("the merged road keeps 5 points");
        let pts = s.road_points(long);
        assert_eq!(pts[0], s.nodes[s.roads[long as usize].from as usize]);
        assert_eq!(
            *pts.last().unwrap(),
            s.nodes[s.roads[long as usize].to as usize]
        );
        let metres: f64 = pts.windows(2).map(|p| haversine_m(p[0], p[1])).sum();
        assert_eq!(
            s.roads[long as usize].dist_cm,
            (metres * 100.0).round() as u32
        );
    }

    #[test]
    fn one_ways_speeds_and_loops_are_kept_apart() {
        // A one-way joined to a two-way, a 30 joined to a 50: nothing merges.
        let n = net(
            3,
            &[road(0, 1, true, false, 30.0), road(1, 2, true, true, 30.0)],
        );
        assert_eq!(n.merge_chains().1, 0);
        let n = net(
            3,
            &[road(0, 1, true, true, 30.0), road(1, 2, true, true, 50.0)],
        );
        assert_eq!(n.merge_chains().1, 0);
        // Two one-ways in the same direction, one drawn backwards: they merge, one-way kept.
        let n = net(
            3,
            &[road(0, 1, true, false, 30.0), road(2, 1, false, true, 30.0)],
        );
        let (s, removed) = n.merge_chains();
        assert_eq!(removed, 1);
        let r = s.roads[0];
        let (a, b) = (s.nodes[r.from as usize], s.nodes[r.to as usize]);
        // Drivable only from old node 0 towards old node 2.
        let drive_from = if r.forward { a } else { b };
        assert!(r.forward != r.backward);
        assert!((drive_from.lng() - 153.0).abs() < 1e-9);
        // Two parallel roads between 0 and 1: merging would make a loop, so both stay.
        let n = net(
            3,
            &[
                road(0, 1, true, true, 30.0),
                road(1, 0, true, true, 30.0),
                road(0, 2, true, true, 30.0),
            ],
        );
        let (s, removed) = n.merge_chains();
        assert_eq!(removed, 0);
        assert!(s.roads.iter().all(|r| r.from != r.to));
        assert_eq!(s.roads.len(), 3);
    }
}
