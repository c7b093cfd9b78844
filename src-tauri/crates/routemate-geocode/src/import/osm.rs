//! OpenStreetMap PBF import: `addr:*` on nodes, buildings (ways) and multipolygons (relations)
//! become address points; named highways become street geometry; `place=*` nodes become
//! localities. Ways that reference nodes missing from a clipped extract keep the nodes that exist.

use super::geonames::title_case;
use super::{normalise_place, valid_point, ImportSummary};
use crate::gazetteer::{AddressRow, Gazetteer, LocalityRow, WayRow};
use crate::parse::{HouseNumber, StreetName};
use crate::GeocodeError;
use osmpbf::{Element, ElementReader, RelMemberType};
use std::collections::HashMap;
use std::path::Path;

pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors, ODbL 1.0";

/// The address tags of one element.
#[derive(Default)]
struct AddrTags {
    housenumber: Option<String>,
    street: Option<String>,
    unit: Option<String>,
    suburb: Option<String>,
    postcode: Option<String>,
    state: Option<String>,
}

impl AddrTags {
    fn read<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> (AddrTags, Tags) {
        let mut a = AddrTags::default();
        let mut t = Tags::default();
        for (k, v) in tags {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k {
                "addr:housenumber" => a.housenumber = Some(v.to_string()),
                "addr:street" => a.street = Some(v.to_string()),
                "addr:unit" | "addr:flats" => a.unit = Some(v.to_string()),
                "addr:suburb" | "addr:city" if a.suburb.is_none() || k == "addr:suburb" => {
                    a.suburb = Some(v.to_string())
                }
                "addr:postcode" | "postal_code" => a.postcode = Some(v.to_string()),
                "addr:state" => a.state = Some(v.to_string()),
                "highway" => t.highway = Some(v.to_string()),
                "name" => t.name = Some(v.to_string()),
                "place" => t.place = Some(v.to_string()),
                "addr:interpolation" => t.interpolation = true,
                _ => {}
            }
        }
        (a, t)
    }
}

#[derive(Default)]
struct Tags {
    highway: Option<String>,
    name: Option<String>,
    place: Option<String>,
    interpolation: bool,
}

struct Collected {
    nodes: HashMap<i64, (f64, f64)>,
    way_centres: HashMap<i64, (f64, f64)>,
    addresses: Vec<(String, AddrTags, (f64, f64))>,
    ways: Vec<WayRow>,
    places: Vec<LocalityRow>,
}

pub fn import_osm_pbf(
    gazetteer: &Gazetteer,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary, GeocodeError> {
    let reader = ElementReader::from_path(path).map_err(|e| GeocodeError::Osm(e.to_string()))?;
    let mut summary = ImportSummary::new("osm_pbf");
    let mut c = Collected {
        nodes: HashMap::new(),
        way_centres: HashMap::new(),
        addresses: Vec::new(),
        ways: Vec::new(),
        places: Vec::new(),
    };
    // Element order in a PBF is nodes, ways, relations, so one pass sees coordinates first.
    reader
        .for_each(|element| {
            summary.rows_read += 1;
            if summary.rows_read.is_multiple_of(100_000) {
                progress(summary.rows_read);
            }
            match element {
                Element::Node(n) => node(&mut c, n.id(), n.lat(), n.lon(), n.tags()),
                Element::DenseNode(n) => node(&mut c, n.id(), n.lat(), n.lon(), n.tags()),
                Element::Way(w) => way(&mut c, &mut summary, w.id(), w.refs(), w.tags()),
                Element::Relation(r) => {
                    let (addr, _) = AddrTags::read(r.tags());
                    if addr.housenumber.is_none() {
                        return;
                    }
                    let centres: Vec<(f64, f64)> = r
                        .members()
                        .filter(|m| m.member_type == RelMemberType::Way)
                        .filter_map(|m| c.way_centres.get(&m.member_id).copied())
                        .collect();
                    match mean(&centres) {
                        Some(p) => c.addresses.push((format!("osm:r{}", r.id()), addr, p)),
                        None => summary.skip("relation_without_known_members"),
                    }
                }
            }
        })
        .map_err(|e| GeocodeError::Osm(e.to_string()))?;
    progress(summary.rows_read);
    mark_edges(&mut c);

    let mut writer = gazetteer.writer()?;
    for (key, addr, (lat, lng)) in &c.addresses {
        match address_row(key, addr, lat, lng) {
            Ok(row) => {
                writer.address(&row)?;
                summary.addresses += 1;
            }
            Err(reason) => summary.skip(reason),
        }
    }
    for w in &c.ways {
        writer.way(w)?;
        summary.street_ways += 1;
    }
    for p in &c.places {
        writer.locality(p)?;
        summary.localities += 1;
    }
    writer.attribution("osm", OSM_ATTRIBUTION)?;
    writer.finish()?;
    tracing::info!(?summary, "OSM import finished");
    Ok(summary)
}

fn node<'a>(
    c: &mut Collected,
    id: i64,
    lat: f64,
    lng: f64,
    tags: impl Iterator<Item = (&'a str, &'a str)>,
) {
    c.nodes.insert(id, (lat, lng));
    let (addr, t) = AddrTags::read(tags);
    if addr.housenumber.is_some() {
        c.addresses.push((format!("osm:n{id}"), addr, (lat, lng)));
    } else if let (Some(place), Some(name)) = (&t.place, &t.name) {
        if matches!(
            place.as_str(),
            "suburb"
                | "quarter"
                | "neighbourhood"
                | "locality"
                | "town"
                | "city"
                | "village"
                | "hamlet"
        ) && valid_point(lat, lng)
        {
            c.places.push(LocalityRow {
                key: format!("osm:n{id}"),
                name: normalise_place(name),
                display: title_case(name),
                state: addr
                    .state
                    .as_deref()
                    .and_then(crate::vocab::state_code)
                    .map(String::from),
                postcode: addr.postcode.clone(),
                lat,
                lng,
                accuracy: 3,
                source: "osm".into(),
            });
        }
    }
}

fn way<'a>(
    c: &mut Collected,
    summary: &mut ImportSummary,
    id: i64,
    refs: impl Iterator<Item = i64>,
    tags: impl Iterator<Item = (&'a str, &'a str)>,
) {
    let mut missing = 0usize;
    let coords: Vec<(f64, f64)> = refs
        .filter_map(|r| {
            let p = c.nodes.get(&r).copied();
            missing += usize::from(p.is_none());
            p
        })
        .collect();
    if missing > 0 {
        summary.warn("missing_node_refs");
    }
    if let Some(centre) = mean(&coords) {
        c.way_centres.insert(id, centre);
    }
    let (addr, t) = AddrTags::read(tags);
    if t.interpolation {
        summary.skip("address_interpolation_way");
        return;
    }
    if addr.housenumber.is_some() {
        match mean(&coords) {
            Some(p) => c.addresses.push((format!("osm:w{id}"), addr, p)),
            None => summary.skip("way_without_known_nodes"),
        }
    }
    if let (Some(_), Some(name)) = (&t.highway, &t.name) {
        match StreetName::from_text(name) {
            Some(street) if !coords.is_empty() => c.ways.push(WayRow {
                key: format!("osm:w{id}"),
                street,
                display: name.clone(),
                coords,
                open_end: missing > 0,
            }),
            Some(_) => summary.skip("way_without_known_nodes"),
            None => summary.skip("unreadable_street_name"),
        }
    }
}

fn address_row(
    key: &str,
    addr: &AddrTags,
    lat: &f64,
    lng: &f64,
) -> Result<AddressRow, &'static str> {
    if !valid_point(*lat, *lng) {
        return Err("bad_coordinates");
    }
    let Some(street_text) = &addr.street else {
        return Err("address_without_street");
    };
    let street = StreetName::from_text(street_text).ok_or("unreadable_street_name")?;
    let raw = addr.housenumber.as_deref().unwrap_or("");
    let number = HouseNumber::parse(&raw.replace(' ', "")).ok_or("unreadable_house_number")?;
    Ok(AddressRow {
        key: key.to_string(),
        number,
        unit: addr.unit.clone(),
        street,
        street_display: street_text.clone(),
        locality: addr.suburb.as_deref().map(normalise_place),
        postcode: addr.postcode.clone(),
        state: addr
            .state
            .as_deref()
            .and_then(crate::vocab::state_code)
            .map(String::from),
        lat: *lat,
        lng: *lng,
    })
}

/// A vertex this close (degrees, ≈ 50 m) to the extract's bounding box is at its edge.
const EDGE_DEG: f64 = 0.0005;

/// Marks streets that reach the edge of the extract: they probably continue outside it.
fn mark_edges(c: &mut Collected) {
    let mut b = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(lat, lng) in c.nodes.values() {
        b = (b.0.min(lat), b.1.max(lat), b.2.min(lng), b.3.max(lng));
    }
    for w in &mut c.ways {
        w.open_end |= w.coords.iter().any(|&(lat, lng)| {
            lat - b.0 < EDGE_DEG
                || b.1 - lat < EDGE_DEG
                || lng - b.2 < EDGE_DEG
                || b.3 - lng < EDGE_DEG
        });
    }
}

fn mean(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let (a, b) = points
        .iter()
        .fold((0.0, 0.0), |acc, p| (acc.0 + p.0, acc.1 + p.1));
    Some((a / n, b / n))
}
