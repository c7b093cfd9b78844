//! Vehicle-routing benchmark instances (`shared/bench/data/vrp`): Solomon text (`.txt`) and
//! VRPLIB (`.vrp`, CVRP and VRPTW) parsers, and their translation into a
//! [`routemate_core::vrp::Problem`] under one of the two objective conventions of the shared
//! README: `dist` (DIMACS one-decimal truncation for VRPTW, integer tenths; nearest integer for
//! CVRP; fleet unlimited; distance only) and `hier` (exact Euclidean, fleet = the instance's
//! vehicle count, fewest vehicles first).

use routemate_core::vrp::{End, Matrix, Metric, Objective, Priority, Problem, Stop, Vehicle};
use std::path::Path;
use thiserror::Error;

/// VRPTW (time windows and service) or CVRP (capacity only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vrptw,
    Cvrp,
}

/// A parsed instance; node 0 is the depot, node i is customer number i.
#[derive(Debug, Clone)]
pub struct VrpInstance {
    pub name: String,
    pub kind: Kind,
    /// The instance's vehicle count (Solomon NUMBER, VRPLIB VEHICLES), when given.
    pub fleet: Option<usize>,
    pub capacity: i64,
    pub xy: Vec<(i64, i64)>,
    pub demand: Vec<i64>,
    pub ready: Vec<i64>,
    pub due: Vec<i64>,
    pub service: Vec<i64>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum VrpInstanceError {
    #[error("line {line}: {reason}")]
    Syntax { line: usize, reason: String },
    #[error("{0}")]
    Missing(String),
    #[error("cannot read {path}: {reason}")]
    Io { path: String, reason: String },
}

fn int(s: &str, line: usize) -> Result<i64, VrpInstanceError> {
    s.parse::<i64>()
        .or_else(|_| s.parse::<f64>().map(|f| f as i64).map_err(|_| ()))
        .map_err(|_| VrpInstanceError::Syntax {
            line,
            reason: format!("{s:?} is not a number"),
        })
}

/// Parses Solomon text: `VEHICLE` / `NUMBER CAPACITY` / fleet line, `CUSTOMER` rows of seven integers.
pub fn parse_solomon(text: &str) -> Result<VrpInstance, VrpInstanceError> {
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let name = lines
        .iter()
        .find(|f| !f.is_empty())
        .map(|f| f[0].to_string())
        .unwrap_or_default();
    let mut fleet = None;
    let mut capacity = None;
    let mut in_customers = false;
    let mut rows: Vec<[i64; 7]> = Vec::new();
    for (i, f) in lines.iter().enumerate() {
        if f.is_empty() {
            continue;
        }
        if f[0].eq_ignore_ascii_case("NUMBER") && capacity.is_none() {
            let next = lines[i + 1..].iter().position(|g| !g.is_empty());
            let Some(j) = next.map(|j| i + 1 + j) else {
                return Err(VrpInstanceError::Missing(
                    "no fleet line after NUMBER CAPACITY".into(),
                ));
            };
            let g = &lines[j];
            if g.len() < 2 {
                return Err(VrpInstanceError::Syntax {
                    line: j + 1,
                    reason: "expected NUMBER and CAPACITY".into(),
                });
            }
            fleet = Some(int(g[0], j + 1)? as usize);
            capacity = Some(int(g[1], j + 1)?);
        } else if f[0].eq_ignore_ascii_case("CUSTOMER") {
            in_customers = true;
        } else if in_customers && f.len() == 7 && f[0].parse::<i64>().is_ok() {
            let mut row = [0i64; 7];
            for (k, x) in f.iter().enumerate() {
                row[k] = int(x, i + 1)?;
            }
            if row[0] as usize != rows.len() {
                return Err(VrpInstanceError::Syntax {
                    line: i + 1,
                    reason: format!("CUST NO. {} out of order (expected {})", row[0], rows.len()),
                });
            }
            rows.push(row);
        }
    }
    let capacity =
        capacity.ok_or_else(|| VrpInstanceError::Missing("no VEHICLE NUMBER/CAPACITY".into()))?;
    if rows.len() < 2 {
        return Err(VrpInstanceError::Missing("no CUSTOMER rows".into()));
    }
    Ok(VrpInstance {
        name,
        kind: Kind::Vrptw,
        fleet,
        capacity,
        xy: rows.iter().map(|r| (r[1], r[2])).collect(),
        demand: rows.iter().map(|r| r[3]).collect(),
        ready: rows.iter().map(|r| r[4]).collect(),
        due: rows.iter().map(|r| r[5]).collect(),
        service: rows
            .iter()
            .enumerate()
            .map(|(i, r)| if i == 0 { 0 } else { r[6] })
            .collect(),
    })
}

/// Parses VRPLIB (`TYPE : CVRP | VRPTW`, `EUC_2D`, node 1 = depot).
pub fn parse_vrplib(text: &str) -> Result<VrpInstance, VrpInstanceError> {
    let mut header = std::collections::HashMap::new();
    let mut section = String::new();
    let mut coords = Vec::new();
    let mut demands = Vec::new();
    let mut windows = Vec::new();
    let mut services = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let s = line.trim();
        if s.is_empty() || s == "EOF" {
            continue;
        }
        let f: Vec<&str> = s.split_whitespace().collect();
        if f[0].ends_with("_SECTION") {
            section = f[0].to_string();
            continue;
        }
        let is_row = s.starts_with(|c: char| c.is_ascii_digit() || c == '-');
        if let Some((k, v)) = s.split_once(':').filter(|_| !is_row) {
            header.insert(k.trim().to_uppercase(), v.trim().to_string());
            section.clear();
            continue;
        }
        let nums = f
            .iter()
            .map(|x| int(x, i + 1))
            .collect::<Result<Vec<_>, _>>()?;
        let need = |k: usize| {
            if nums.len() < k {
                Err(VrpInstanceError::Syntax {
                    line: i + 1,
                    reason: format!("{section} rows need {k} numbers"),
                })
            } else {
                Ok(())
            }
        };
        match section.as_str() {
            "NODE_COORD_SECTION" => {
                need(3)?;
                coords.push((nums[0], nums[1], nums[2]));
            }
            "DEMAND_SECTION" => {
                need(2)?;
                demands.push((nums[0], nums[1]));
            }
            "TIME_WINDOW_SECTION" => {
                need(3)?;
                windows.push((nums[0], nums[1], nums[2]));
            }
            "SERVICE_TIME_SECTION" => {
                need(2)?;
                services.push((nums[0], nums[1]));
            }
            "DEPOT_SECTION" if nums[0] != -1 && nums[0] != 1 => {
                return Err(VrpInstanceError::Syntax {
                    line: i + 1,
                    reason: "only node 1 as the depot is supported".into(),
                });
            }
            _ => {}
        }
    }
    let get = |k: &str| header.get(k).cloned();
    let n: usize = get("DIMENSION")
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| VrpInstanceError::Missing("no DIMENSION".into()))?;
    if let Some(w) = get("EDGE_WEIGHT_TYPE").filter(|w| w != "EUC_2D") {
        return Err(VrpInstanceError::Missing(format!(
            "EDGE_WEIGHT_TYPE {w} (EUC_2D only)"
        )));
    }
    let capacity = get("CAPACITY")
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| VrpInstanceError::Missing("no CAPACITY".into()))?;
    let kind = if get("TYPE").is_some_and(|t| t.contains("TW")) {
        Kind::Vrptw
    } else {
        Kind::Cvrp
    };
    if coords.len() != n || demands.len() != n {
        return Err(VrpInstanceError::Missing(format!(
            "DIMENSION {n} but {} coordinates and {} demands",
            coords.len(),
            demands.len()
        )));
    }
    let mut inst = VrpInstance {
        name: get("NAME").unwrap_or_default(),
        kind,
        fleet: get("VEHICLES").and_then(|v| v.parse().ok()),
        capacity,
        xy: vec![(0, 0); n],
        demand: vec![0; n],
        ready: vec![0; n],
        due: vec![i64::MAX / 1024; n],
        service: vec![0; n],
    };
    let idx = |id: i64| -> Result<usize, VrpInstanceError> {
        usize::try_from(id - 1)
            .ok()
            .filter(|&k| k < n)
            .ok_or_else(|| VrpInstanceError::Missing(format!("node {id} out of 1..{n}")))
    };
    for (id, x, y) in coords {
        inst.xy[idx(id)?] = (x, y);
    }
    for (id, q) in demands {
        inst.demand[idx(id)?] = q;
    }
    if kind == Kind::Vrptw {
        if windows.len() != n {
            return Err(VrpInstanceError::Missing(
                "TIME_WINDOW_SECTION must list every node".into(),
            ));
        }
        for (id, a, b) in windows {
            let k = idx(id)?;
            inst.ready[k] = a;
            inst.due[k] = b;
        }
        if let Some(st) = get("SERVICE_TIME").and_then(|s| s.parse::<f64>().ok()) {
            for k in 1..n {
                inst.service[k] = st as i64;
            }
        }
        for (id, st) in services {
            inst.service[idx(id)?] = st;
        }
        inst.service[0] = 0;
    }
    Ok(inst)
}

/// Reads `.vrp` as VRPLIB, anything else as Solomon text.
pub fn load(path: &Path) -> Result<VrpInstance, VrpInstanceError> {
    let text = std::fs::read_to_string(path).map_err(|e| VrpInstanceError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut inst = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("vrp"))
    {
        parse_vrplib(&text)?
    } else {
        parse_solomon(&text)?
    };
    if inst.name.is_empty() {
        inst.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    Ok(inst)
}

/// How edges are rounded and what is minimised (see the shared VRP README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// Distance only, rounded edges, fleet unlimited.
    Dist,
    /// Fewest vehicles first (fleet = the instance's count), then exact Euclidean distance.
    Hier,
}

/// Integer units per instance unit under `hier` (exact Euclidean, scaled and rounded up for time).
pub const HIER_SCALE: i64 = 10_000;

impl VrpInstance {
    /// Integer units per instance unit of the matrices built by [`Self::problem`].
    pub fn scale(&self, conv: Convention) -> i64 {
        match (conv, self.kind) {
            (Convention::Hier, _) => HIER_SCALE,
            (Convention::Dist, Kind::Vrptw) => 10,
            (Convention::Dist, Kind::Cvrp) => 1,
        }
    }

    /// The rounded edge length `d(a, b)` in `scale` units (`hier`: nearest unit).
    pub fn edge(&self, conv: Convention, a: usize, b: usize) -> i64 {
        let (dx, dy) = (self.xy[a].0 - self.xy[b].0, self.xy[a].1 - self.xy[b].1);
        let s = dx * dx + dy * dy;
        match (conv, self.kind) {
            (Convention::Dist, Kind::Vrptw) => (100 * s).isqrt(),
            (Convention::Dist, Kind::Cvrp) => ((s as f64).sqrt() + 0.5).floor() as i64,
            (Convention::Hier, _) => ((s as f64).sqrt() * HIER_SCALE as f64).round() as i64,
        }
    }

    /// The exact cost of `routes` (customer numbers) under `conv`: the sum of rounded edges, in
    /// instance units.
    pub fn cost(&self, conv: Convention, routes: &[Vec<usize>]) -> f64 {
        let mut total_units = 0i64;
        let mut exact = 0.0;
        for r in routes {
            let mut prev = 0;
            for &c in r.iter().chain(std::iter::once(&0)) {
                total_units += self.edge(conv, prev, c);
                let (dx, dy) = (
                    self.xy[prev].0 - self.xy[c].0,
                    self.xy[prev].1 - self.xy[c].1,
                );
                exact += ((dx * dx + dy * dy) as f64).sqrt();
                prev = c;
            }
        }
        match conv {
            Convention::Hier => exact,
            Convention::Dist => total_units as f64 / self.scale(conv) as f64,
        }
    }

    /// The planning problem: stop i-1 is customer i, location 0 the depot.
    pub fn problem(&self, conv: Convention) -> Problem {
        let n = self.xy.len();
        let scale = self.scale(conv);
        let distances = Matrix::from_fn(n, |a, b| self.edge(conv, a, b));
        // Travel time = distance; under `hier` rounded up so a feasible integer schedule stays
        // feasible in exact arithmetic.
        let durations = match conv {
            Convention::Dist => distances.clone(),
            Convention::Hier => Matrix::from_fn(n, |a, b| {
                let (dx, dy) = (self.xy[a].0 - self.xy[b].0, self.xy[a].1 - self.xy[b].1);
                (((dx * dx + dy * dy) as f64).sqrt() * HIER_SCALE as f64).ceil() as i64
            }),
        };
        let tw = self.kind == Kind::Vrptw;
        let horizon = if tw {
            self.due[0] * scale
        } else {
            i64::MAX / 1024
        };
        let count = match conv {
            Convention::Dist => n - 1,
            Convention::Hier => self.fleet.unwrap_or(n - 1),
        };
        let vehicles = (0..count)
            .map(|k| Vehicle {
                id: format!("v{}", k + 1),
                capacity: vec![self.capacity],
                shift_start: if tw { self.ready[0] * scale } else { 0 },
                shift_end: horizon,
                start: 0,
                end: End::Return(0),
                max_stops: None,
                fixed_cost: 0,
            })
            .collect();
        let stops = (1..n)
            .map(|c| Stop {
                id: c.to_string(),
                location: c,
                demand: vec![self.demand[c]],
                service: if tw { self.service[c] * scale } else { 0 },
                windows: if tw {
                    vec![(self.ready[c] * scale, self.due[c] * scale)]
                } else {
                    vec![]
                },
                priority: Priority::Normal,
                locked_vehicle: None,
            })
            .collect();
        Problem {
            durations,
            distances,
            vehicles,
            stops,
            objective: Objective {
                fewer_vehicles: conv == Convention::Hier,
                minimise: Metric::Distance,
                balance: None,
            },
        }
    }
}
