//! CSV address import: either one `address` column plus `lat`/`lng`, or split columns (number,
//! street, suburb, postcode, state), including G-NAF Core's pipe-separated column names.

use super::{normalise_place, valid_point, ImportSummary};
use crate::gazetteer::{AddressRow, Gazetteer};
use crate::parse::{self, HouseNumber, StreetName};
use crate::GeocodeError;
use std::path::Path;

/// Column positions found in the header.
#[derive(Default)]
struct Columns {
    id: Option<usize>,
    osm_type: Option<usize>,
    address: Option<usize>,
    number: Option<usize>,
    number_last: Option<usize>,
    unit: Option<usize>,
    street: Option<usize>,
    street_type: Option<usize>,
    street_suffix: Option<usize>,
    locality: Option<usize>,
    postcode: Option<usize>,
    state: Option<usize>,
    lat: usize,
    lng: usize,
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| h == n))
}

impl Columns {
    fn from_header(header: &[String]) -> Result<Columns, String> {
        let lat = find(header, &["lat", "latitude", "y"]).ok_or("no lat/latitude column")?;
        let lng = find(header, &["lng", "lon", "long", "longitude", "x"])
            .ok_or("no lng/lon/longitude column")?;
        let c = Columns {
            id: find(header, &["address_detail_pid", "id", "osm_id", "gnaf_pid"]),
            osm_type: find(header, &["osm_type"]),
            address: find(header, &["address", "address_label", "full_address"]),
            number: find(
                header,
                &["number_first", "housenumber", "house_number", "number"],
            ),
            number_last: find(header, &["number_last"]),
            unit: find(header, &["flat_number", "unit", "unit_number"]),
            street: find(header, &["street_name", "street", "road"]),
            street_type: find(header, &["street_type", "street_type_code"]),
            street_suffix: find(header, &["street_suffix", "street_suffix_code"]),
            locality: find(
                header,
                &["locality_name", "suburb", "locality", "city", "town"],
            ),
            postcode: find(header, &["postcode", "post_code", "postal_code"]),
            state: find(header, &["state", "state_abbreviation"]),
            lat,
            lng,
        };
        if c.address.is_none() && (c.number.is_none() || c.street.is_none()) {
            return Err("need an address column, or number and street columns".into());
        }
        Ok(c)
    }
}

pub fn import_csv(
    gazetteer: &Gazetteer,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary, GeocodeError> {
    let io_err = |e: std::io::Error| GeocodeError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let text_head = std::fs::read(path).map_err(io_err)?;
    let first_line = text_head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let delimiter = [b'|', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first_line.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text_head.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| GeocodeError::Csv(e.to_string()))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let cols = Columns::from_header(&header)
        .map_err(|m| GeocodeError::Csv(format!("{}: {m}", path.display())))?;
    let mut summary = ImportSummary::new("csv");
    let mut writer = gazetteer.writer()?;
    for record in reader.records() {
        summary.rows_read += 1;
        if summary.rows_read.is_multiple_of(10_000) {
            progress(summary.rows_read);
        }
        let Ok(record) = record else {
            summary.skip("malformed_row");
            continue;
        };
        match row(&cols, &record) {
            Ok(row) => {
                writer.address(&row)?;
                summary.addresses += 1;
            }
            Err(reason) => summary.skip(reason),
        }
    }
    progress(summary.rows_read);
    writer.finish()?;
    Ok(summary)
}

fn row(c: &Columns, r: &csv::StringRecord) -> Result<AddressRow, &'static str> {
    let get = |i: Option<usize>| {
        i.and_then(|i| r.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let lat: f64 = get(Some(c.lat))
        .and_then(|v| v.parse().ok())
        .ok_or("bad_coordinates")?;
    let lng: f64 = get(Some(c.lng))
        .and_then(|v| v.parse().ok())
        .ok_or("bad_coordinates")?;
    if !valid_point(lat, lng) {
        return Err("bad_coordinates");
    }
    let (number, street, street_display, mut locality, mut postcode, mut state, unit);
    let split_columns = c.address.is_none() || get(c.address).is_none();
    if split_columns && c.number.is_some() && get(c.number).is_none() {
        return Err("missing_house_number");
    }
    if split_columns && c.street.is_some() && get(c.street).is_none() {
        return Err("missing_street");
    }
    if let (Some(n), Some(s)) = (get(c.number), get(c.street)) {
        let n = match get(c.number_last) {
            Some(last) if last != n => format!("{n}-{last}"),
            _ => n,
        };
        number = HouseNumber::parse(&n.replace(' ', "")).ok_or("unreadable_house_number")?;
        let full = [Some(s), get(c.street_type), get(c.street_suffix)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        street = StreetName::from_text(&full).ok_or("unreadable_street_name")?;
        street_display = full;
        locality = None;
        postcode = None;
        state = None;
        unit = get(c.unit);
    } else {
        let text = get(c.address).ok_or("missing_address")?;
        let p = parse::parse(&text);
        if p.is_postal_only() {
            return Err("postal_only_address");
        }
        number = p.number.clone().ok_or("address_without_number")?;
        let split = p.splits.first().ok_or("address_without_street")?;
        street = split.street.clone();
        street_display = street.key();
        locality = split.locality.clone();
        postcode = p.postcode.clone();
        state = p.state.map(String::from);
        unit = p.unit.clone();
    }
    locality = get(c.locality).map(|l| normalise_place(&l)).or(locality);
    postcode = get(c.postcode).or(postcode);
    state = get(c.state)
        .and_then(|s| crate::vocab::state_code(&s).map(String::from))
        .or(state);
    let key = match (get(c.osm_type), get(c.id)) {
        (Some(t), Some(id)) => format!("osm:{}{id}", t.chars().next().unwrap_or('x')),
        (None, Some(id)) => format!("csv:{id}"),
        _ => format!(
            "csv:{}|{}|{}|{}|{}",
            unit.as_deref().unwrap_or(""),
            number.text,
            street.key(),
            locality.as_deref().unwrap_or(""),
            postcode.as_deref().unwrap_or("")
        ),
    };
    Ok(AddressRow {
        key,
        number,
        unit,
        street,
        street_display,
        locality,
        postcode,
        state,
        lat,
        lng,
    })
}
