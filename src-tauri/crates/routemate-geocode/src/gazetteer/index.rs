//! Rebuilds the derived street index from the source rows: same-named geometry and address points
//! are clustered by proximity, so "Church Street" in two towns becomes two streets.

use crate::parse::StreetName;
use crate::GeocodeError;
use rusqlite::{params, Connection};
use std::collections::{BTreeMap, HashMap};

/// Pieces of a same-named street closer than this (degrees, ≈ 700 m) belong to one street.
const JOIN_DEG: f64 = 0.0065;

struct Unit {
    min_lat: f64,
    max_lat: f64,
    min_lng: f64,
    max_lng: f64,
    points: Vec<(f64, f64)>,
    display: String,
    address: Option<(i64, Option<String>, Option<String>)>,
    open_end: bool,
}

pub(super) fn rebuild(conn: &Connection) -> Result<(), GeocodeError> {
    conn.execute_batch(
        "DELETE FROM street; DELETE FROM street_fts; DELETE FROM street_rtree;
         DELETE FROM locality_rtree;
         INSERT INTO locality_rtree SELECT id, lat, lat, lng, lng FROM locality;",
    )?;
    let mut groups: HashMap<String, Vec<Unit>> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT street_key, display, coords, open_end FROM way")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let blob: Vec<u8> = r.get(2)?;
            let points: Vec<(f64, f64)> = blob
                .chunks_exact(8)
                .map(|c| {
                    let lat = f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64;
                    let lng = f32::from_le_bytes([c[4], c[5], c[6], c[7]]) as f64;
                    (lat, lng)
                })
                .collect();
            if let Some(mut unit) = unit_of(points, r.get(1)?, None) {
                unit.open_end = r.get(3)?;
                groups.entry(key).or_default().push(unit);
            }
        }
        let mut stmt = conn.prepare(
            "SELECT rowid, street_key, street_display, lat, lng, locality, postcode FROM address",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key: String = r.get(1)?;
            let point = (r.get(3)?, r.get(4)?);
            let addr = Some((r.get(0)?, r.get(5)?, r.get(6)?));
            if let Some(unit) = unit_of(vec![point], r.get(2)?, addr) {
                groups.entry(key).or_default().push(unit);
            }
        }
    }
    let mut insert = conn.prepare(
        "INSERT INTO street (street_key, base, kind, display, locality, postcode, lat, lng, \
         min_lat, max_lat, min_lng, max_lng, address_count, open_end) \
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
    )?;
    let mut fts = conn.prepare("INSERT INTO street_fts (rowid, base) VALUES (?1, ?2)")?;
    let mut rtree = conn.prepare("INSERT INTO street_rtree VALUES (?1, ?2, ?3, ?4, ?5)")?;
    let mut link = conn.prepare("UPDATE address SET street_id = ?1 WHERE rowid = ?2")?;
    let mut keys: Vec<&String> = groups.keys().collect();
    keys.sort();
    for key in keys {
        let Some(name) = StreetName::from_text(key) else {
            continue;
        };
        for cluster in clusters(&groups[key]) {
            let units: Vec<&Unit> = cluster.iter().map(|&i| &groups[key][i]).collect();
            let s = summarise(&units);
            insert.execute(params![
                key,
                name.base,
                name.kind,
                s.display,
                s.locality,
                s.postcode,
                s.point.0,
                s.point.1,
                s.min_lat,
                s.max_lat,
                s.min_lng,
                s.max_lng,
                s.address_ids.len() as i64,
                units.iter().any(|u| u.open_end)
            ])?;
            let id = conn.last_insert_rowid();
            fts.execute(params![id, name.base])?;
            rtree.execute(params![id, s.min_lat, s.max_lat, s.min_lng, s.max_lng])?;
            for rowid in &s.address_ids {
                link.execute(params![id, rowid])?;
            }
        }
    }
    Ok(())
}

fn unit_of(
    points: Vec<(f64, f64)>,
    display: String,
    address: Option<(i64, Option<String>, Option<String>)>,
) -> Option<Unit> {
    let first = *points.first()?;
    let mut u = Unit {
        min_lat: first.0,
        max_lat: first.0,
        min_lng: first.1,
        max_lng: first.1,
        points,
        display,
        address,
        open_end: false,
    };
    for &(lat, lng) in &u.points {
        u.min_lat = u.min_lat.min(lat);
        u.max_lat = u.max_lat.max(lat);
        u.min_lng = u.min_lng.min(lng);
        u.max_lng = u.max_lng.max(lng);
    }
    Some(u)
}

/// Single-link clusters of units whose boxes come within [`JOIN_DEG`], by a sweep over
/// longitude (so a national file with thousands of "Church Street"s stays fast).
fn clusters(units: &[Unit]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..units.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&a, &b| units[a].min_lng.total_cmp(&units[b].min_lng));
    for (oi, &a) in order.iter().enumerate() {
        for &b in &order[oi + 1..] {
            if units[b].min_lng > units[a].max_lng + JOIN_DEG {
                break;
            }
            let (ua, ub) = (&units[a], &units[b]);
            let lat_gap = (ub.min_lat - ua.max_lat).max(ua.min_lat - ub.max_lat);
            if lat_gap <= JOIN_DEG {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                if ra != rb {
                    parent[ra] = rb;
                }
            }
        }
    }
    let mut out: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..units.len() {
        let root = find(&mut parent, i);
        out.entry(root).or_default().push(i);
    }
    out.into_values().collect()
}

struct Summary {
    display: String,
    locality: Option<String>,
    postcode: Option<String>,
    point: (f64, f64),
    min_lat: f64,
    max_lat: f64,
    min_lng: f64,
    max_lng: f64,
    address_ids: Vec<i64>,
}

fn summarise(units: &[&Unit]) -> Summary {
    let mut s = Summary {
        display: String::new(),
        locality: None,
        postcode: None,
        point: (0.0, 0.0),
        min_lat: f64::MAX,
        max_lat: f64::MIN,
        min_lng: f64::MAX,
        max_lng: f64::MIN,
        address_ids: Vec::new(),
    };
    let mut displays: BTreeMap<&str, usize> = BTreeMap::new();
    let mut localities: BTreeMap<&str, usize> = BTreeMap::new();
    let mut postcodes: BTreeMap<&str, usize> = BTreeMap::new();
    for u in units {
        s.min_lat = s.min_lat.min(u.min_lat);
        s.max_lat = s.max_lat.max(u.max_lat);
        s.min_lng = s.min_lng.min(u.min_lng);
        s.max_lng = s.max_lng.max(u.max_lng);
        *displays.entry(u.display.as_str()).or_default() += 1;
        if let Some((rowid, locality, postcode)) = &u.address {
            s.address_ids.push(*rowid);
            if let Some(l) = locality {
                *localities.entry(l.as_str()).or_default() += 1;
            }
            if let Some(p) = postcode {
                *postcodes.entry(p.as_str()).or_default() += 1;
            }
        }
    }
    let commonest = |m: &BTreeMap<&str, usize>| {
        m.iter()
            .max_by_key(|(_, n)| **n)
            .map(|(k, _)| k.to_string())
    };
    s.display = commonest(&displays).unwrap_or_default();
    s.locality = commonest(&localities);
    s.postcode = commonest(&postcodes);
    // The vertex nearest the middle of the extent: a point that is actually on the street.
    let mid = ((s.min_lat + s.max_lat) / 2.0, (s.min_lng + s.max_lng) / 2.0);
    let mut best = f64::MAX;
    for u in units {
        for &p in &u.points {
            let d = (p.0 - mid.0).powi(2) + (p.1 - mid.1).powi(2);
            if d < best {
                best = d;
                s.point = p;
            }
        }
    }
    s
}
