//! Benchmark instances as pure `&str` parsers: TSPLIB (`EUC_2D`, `CEIL_2D`, `ATT`, `GEO`
//! node coordinates; `ATSP` full matrices in [`crate::atsp`]) and the delivery JSON of the shared benchmark (`delivery-tsp/1`, integer
//! haversine metres, verified against its `matrix_checksum`), plus [`load`] from a file.

use routemate_core::geo::LatLng;
use routemate_core::optimize::DistanceMatrix;
use std::path::Path;
use thiserror::Error;

/// A parsed instance: a closed tour over every node, starting at node 0.
#[derive(Debug, Clone)]
pub struct Instance {
    pub name: String,
    pub matrix: DistanceMatrix,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum InstanceError {
    #[error("TSPLIB line {line}: {reason}")]
    Tsplib { line: usize, reason: String },
    #[error("unsupported TSPLIB EDGE_WEIGHT_TYPE {0:?} (EUC_2D, CEIL_2D, ATT and GEO are)")]
    UnsupportedWeight(String),
    #[error("TSPLIB DIMENSION is {expected} but {got} coordinates were given")]
    Dimension { expected: usize, got: usize },
    #[error("delivery JSON: {0}")]
    Json(String),
    #[error("delivery JSON: field {0} is missing or has the wrong type")]
    Field(String),
    #[error("matrix checksum {actual} differs from the instance's matrix_checksum {expected}")]
    Checksum { expected: u64, actual: u64 },
}

impl InstanceError {
    /// A stable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            InstanceError::Tsplib { .. } => "tsplib_syntax",
            InstanceError::UnsupportedWeight(_) => "tsplib_weight_type",
            InstanceError::Dimension { .. } => "tsplib_dimension",
            InstanceError::Json(_) => "json_syntax",
            InstanceError::Field(_) => "json_field",
            InstanceError::Checksum { .. } => "matrix_checksum",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Euc2d,
    Ceil2d,
    Att,
    Geo,
}

/// Parses a TSPLIB `TSP` file with node coordinates, or an `ATSP` file with a full matrix
/// ([`crate::atsp::parse_atsp`]). Node `i` becomes index `i - 1`.
pub fn parse_tsplib(text: &str) -> Result<Instance, InstanceError> {
    if crate::atsp::is_atsp(text) {
        return crate::atsp::parse_atsp(text);
    }
    let mut name = String::new();
    let mut dim: Option<usize> = None;
    let mut weight = None;
    let mut coords: Vec<(f64, f64)> = Vec::new();
    let mut in_coords = false;
    for (k, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let err = |reason: &str| InstanceError::Tsplib {
            line: k + 1,
            reason: reason.to_string(),
        };
        if line.is_empty() {
            continue;
        }
        if line == "EOF" {
            break;
        }
        if in_coords {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 3 {
                return Err(err("expected `index x y`"));
            }
            let x: f64 = f[1].parse().map_err(|_| err("x is not a number"))?;
            let y: f64 = f[2].parse().map_err(|_| err("y is not a number"))?;
            coords.push((x, y));
            continue;
        }
        if line.starts_with("NODE_COORD_SECTION") {
            in_coords = true;
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(err("expected `KEY : VALUE` or NODE_COORD_SECTION"));
        };
        let value = value.trim();
        match key.trim() {
            "NAME" => name = value.to_string(),
            "DIMENSION" => dim = Some(value.parse().map_err(|_| err("bad DIMENSION"))?),
            "EDGE_WEIGHT_TYPE" => {
                weight = Some(match value {
                    "EUC_2D" => Weight::Euc2d,
                    "CEIL_2D" => Weight::Ceil2d,
                    "ATT" => Weight::Att,
                    "GEO" => Weight::Geo,
                    other => return Err(InstanceError::UnsupportedWeight(other.to_string())),
                })
            }
            "TYPE" if value != "TSP" => return Err(err("only TYPE: TSP and ATSP are supported")),
            _ => {}
        }
    }
    let weight = weight.ok_or_else(|| InstanceError::UnsupportedWeight("(none)".into()))?;
    let expected = dim.unwrap_or(coords.len());
    if coords.len() != expected || expected == 0 {
        return Err(InstanceError::Dimension {
            expected,
            got: coords.len(),
        });
    }
    let n = coords.len();
    let mut data = vec![0u32; n * n];
    for i in 0..n {
        for j in i + 1..n {
            let d = tsplib_distance(weight, coords[i], coords[j]);
            data[i * n + j] = d;
            data[j * n + i] = d;
        }
    }
    Ok(Instance {
        name,
        matrix: DistanceMatrix::from_vec(n, data),
    })
}

fn tsplib_distance(w: Weight, a: (f64, f64), b: (f64, f64)) -> u32 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    match w {
        Weight::Euc2d => ((dx * dx + dy * dy).sqrt() + 0.5).floor() as u32,
        Weight::Ceil2d => (dx * dx + dy * dy).sqrt().ceil() as u32,
        Weight::Att => {
            let r = ((dx * dx + dy * dy) / 10.0).sqrt();
            let t = (r + 0.5).floor();
            (if t < r { t + 1.0 } else { t }) as u32
        }
        Weight::Geo => {
            // TSPLIB's definition, including its truncated PI (the published optima use it).
            #[allow(clippy::approx_constant)]
            let rad = |x: f64| {
                let deg = x.trunc();
                3.141592 * (deg + 5.0 * (x - deg) / 3.0) / 180.0
            };
            let (lat_a, lon_a, lat_b, lon_b) = (rad(a.0), rad(a.1), rad(b.0), rad(b.1));
            let q1 = (lon_a - lon_b).cos();
            let q2 = (lat_a - lat_b).cos();
            let q3 = (lat_a + lat_b).cos();
            (6378.388 * (0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)).acos() + 1.0) as u32
        }
    }
}

/// Parses a `delivery-tsp/1` instance: node 0 is the depot, node `i` is `stops[i - 1]`.
pub fn parse_delivery(text: &str) -> Result<Instance, InstanceError> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| InstanceError::Json(e.to_string()))?;
    let field = |name: &str| InstanceError::Field(name.to_string());
    let point = |p: &serde_json::Value, at: &str| -> Result<LatLng, InstanceError> {
        let lat = p.get("lat").and_then(|x| x.as_f64());
        let lon = p.get("lon").and_then(|x| x.as_f64());
        match (lat, lon) {
            (Some(lat), Some(lon)) => Ok(LatLng::new(lat, lon)),
            _ => Err(field(at)),
        }
    };
    let name = v
        .get("name")
        .and_then(|x| x.as_str())
        .ok_or_else(|| field("name"))?;
    let mut points = vec![point(
        v.get("depot").ok_or_else(|| field("depot"))?,
        "depot",
    )?];
    let stops = v
        .get("stops")
        .and_then(|x| x.as_array())
        .ok_or_else(|| field("stops"))?;
    for (i, s) in stops.iter().enumerate() {
        points.push(point(s, &format!("stops[{i}]"))?);
    }
    let matrix = DistanceMatrix::haversine(&points, 1.0);
    if let Some(expected) = v.get("matrix_checksum") {
        let expected = expected.as_u64().ok_or_else(|| field("matrix_checksum"))?;
        let actual = matrix.checksum();
        if actual != expected {
            return Err(InstanceError::Checksum { expected, actual });
        }
    }
    Ok(Instance {
        name: name.to_string(),
        matrix,
    })
}

/// Reads and parses an instance file: TSPLIB when it ends in `.tsp` or `.atsp`, else delivery
/// JSON.
pub fn load(path: &Path) -> anyhow::Result<Instance> {
    load_as(
        path,
        path.extension().is_some_and(|e| e == "tsp" || e == "atsp"),
    )
}

/// Reads and parses a TSPLIB (`tsplib`) or delivery JSON file, whatever its name.
pub fn load_as(path: &Path, tsplib: bool) -> anyhow::Result<Instance> {
    use anyhow::Context;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let parsed = if tsplib {
        parse_tsplib(&text)
    } else {
        parse_delivery(&text)
    };
    parsed.with_context(|| format!("parsing {}", path.display()))
}

/// The node order of a TSPLIB `.tour` file (`TOUR_SECTION`, 1-based, ended by -1), 0-based.
pub fn parse_tour(text: &str) -> Vec<usize> {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("TOUR_SECTION"))
        .skip(1)
        .filter_map(|l| l.trim().parse::<i64>().ok())
        .take_while(|&v| v > 0)
        .map(|v| v as usize - 1)
        .collect()
}

/// A shared benchmark instance for a test (`tsplib/NAME.tsp`, `atsp/NAME.atsp` or
/// `delivery/NAME.json` under
/// `bench/data`); `None`, after one line saying what is missing, when the shared folder is not
/// there (see [`crate::shared::for_test`]).
pub fn for_test(rel: &str) -> Option<Instance> {
    let path = crate::shared::for_test(&format!("bench/data/{rel}"))?;
    Some(load(&path).unwrap_or_else(|e| panic!("{e:#}")))
}
