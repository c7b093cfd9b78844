//! Validation of an import request: turns untyped JSON into an [`ImportRequest`] or lists *every*
//! problem with its field path (`stops[3].parcel_count`), so an integrator fixes them all at once.

use crate::model::{DepotInput, ImportRequest, StopInput, TimeWindow};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Limits a job must stay within (documented in the README).
pub const MAX_STOPS: usize = 5_000;
pub const MAX_ID_LEN: usize = 200;
pub const MAX_TEXT_LEN: usize = 2_000;

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path as integrators write it: `stops[3].parcel_count`.
    pub field: String,
    /// JSON Pointer (RFC 6901) to the same place: `/stops/3/parcel_count`.
    pub pointer: String,
    /// Stable machine code: `required`, `invalid_type`, `invalid_value`, `duplicate`, `too_long`.
    pub code: String,
    pub detail: String,
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, path: &[Seg], code: &str, detail: impl Into<String>) {
        let mut field = String::new();
        let mut pointer = String::new();
        for seg in path {
            match seg {
                Seg::Key(k) => {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(k);
                    pointer.push('/');
                    pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                }
                Seg::Index(i) => {
                    field.push_str(&format!("[{i}]"));
                    pointer.push_str(&format!("/{i}"));
                }
            }
        }
        let detail = detail.into();
        self.0.push(FieldError {
            field,
            pointer,
            code: code.into(),
            detail,
        });
    }
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Validates an import body. `Err` lists every problem found, in document order.
pub fn parse_import(body: &Value) -> Result<ImportRequest, Vec<FieldError>> {
    let mut errs = Errors(Vec::new());
    let Some(obj) = body.as_object() else {
        errs.push(
            &[],
            "invalid_type",
            "the request body must be a JSON object",
        );
        return Err(errs.0);
    };
    let external_job_id = req_id(obj, "external_job_id", &[], &mut errs);
    let title = opt_text(obj, "title", &[], &mut errs);
    let driver_email = opt_text(obj, "driver_email", &[], &mut errs).filter(|e| {
        let ok = looks_like_email(e);
        if !ok {
            errs.push(
                &[Seg::Key("driver_email")],
                "invalid_value",
                "must be an email address",
            );
        }
        ok
    });
    let depot = match obj.get("depot") {
        None | Some(Value::Null) => None,
        Some(v) => parse_depot(v, &mut errs),
    };
    let return_to_depot = match obj.get("return_to_depot") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            errs.push(
                &[Seg::Key("return_to_depot")],
                "invalid_type",
                "must be true or false",
            );
            None
        }
    };
    let date = opt_text(obj, "date", &[], &mut errs).filter(|d| {
        let ok = is_date(d);
        if !ok {
            errs.push(
                &[Seg::Key("date")],
                "invalid_value",
                "must be a date YYYY-MM-DD",
            );
        }
        ok
    });
    let mut stops = Vec::new();
    match obj.get("stops") {
        None | Some(Value::Null) => errs.push(
            &[Seg::Key("stops")],
            "required",
            "is required (an array of stops)",
        ),
        Some(Value::Array(items)) => {
            if items.is_empty() {
                errs.push(
                    &[Seg::Key("stops")],
                    "invalid_value",
                    "must contain at least one stop",
                );
            }
            if items.len() > MAX_STOPS {
                errs.push(
                    &[Seg::Key("stops")],
                    "too_long",
                    format!(
                        "must contain at most {MAX_STOPS} stops (got {})",
                        items.len()
                    ),
                );
            }
            let mut seen = HashSet::new();
            for (i, item) in items.iter().enumerate() {
                let id = item
                    .get("external_stop_id")
                    .and_then(Value::as_str)
                    .map(str::trim);
                if let Some(id) = id.filter(|id| !id.is_empty()) {
                    if !seen.insert(id.to_string()) {
                        errs.push(
                            &[
                                Seg::Key("stops"),
                                Seg::Index(i),
                                Seg::Key("external_stop_id"),
                            ],
                            "duplicate",
                            format!("'{id}' is used by an earlier stop"),
                        );
                    }
                }
                if let Some(stop) = parse_stop(item, i, &mut errs) {
                    stops.push(stop);
                }
            }
        }
        Some(_) => errs.push(
            &[Seg::Key("stops")],
            "invalid_type",
            "must be an array of stops",
        ),
    }
    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    Ok(ImportRequest {
        external_job_id: external_job_id.unwrap_or_default(),
        title,
        driver_email,
        stops,
        depot,
        return_to_depot,
        date,
    })
}

fn parse_stop(item: &Value, i: usize, errs: &mut Errors) -> Option<StopInput> {
    let base = [Seg::Key("stops"), Seg::Index(i)];
    let Some(obj) = item.as_object() else {
        errs.push(&base, "invalid_type", "must be an object");
        return None;
    };
    let before = errs.0.len();
    let id = req_id(obj, "external_stop_id", &base, errs);
    let address = opt_text(obj, "address", &base, errs).filter(|a| !a.trim().is_empty());
    let label = opt_text(obj, "label", &base, errs);
    let notes = opt_text(obj, "notes", &base, errs);
    let phone = opt_text(obj, "phone", &base, errs);
    let parcel_count = match obj.get("parcel_count") {
        None | Some(Value::Null) => 1,
        Some(v) => match v.as_u64().filter(|&n| n <= 100_000) {
            Some(n) => n as u32,
            None => {
                let path = [base[0], base[1], Seg::Key("parcel_count")];
                errs.push(&path, "invalid_value", "must be a whole number ≥ 0");
                0
            }
        },
    };
    let lat = opt_number(obj, "lat", &base, errs, -90.0, 90.0);
    let lng = opt_number(obj, "lng", &base, errs, -180.0, 180.0);
    let (has_lat, has_lng) = (present(obj, "lat"), present(obj, "lng"));
    if has_lat != has_lng {
        let missing = if has_lat { "lng" } else { "lat" };
        let path = [base[0], base[1], Seg::Key(missing)];
        errs.push(&path, "required", "lat and lng must be given together");
    }
    if address.is_none() && !has_lat {
        let path = [base[0], base[1], Seg::Key("address")];
        errs.push(
            &path,
            "required",
            "is required unless lat and lng are given",
        );
    }
    let service_minutes = opt_number(obj, "service_minutes", &base, errs, 0.0, 1440.0);
    let time_window = match obj.get("time_window") {
        None | Some(Value::Null) => None,
        Some(v) => parse_window(v, &base, errs),
    };
    if errs.0.len() > before {
        return None;
    }
    Some(StopInput {
        external_stop_id: id?,
        address,
        label,
        parcel_count,
        lat,
        lng,
        notes,
        phone,
        service_minutes,
        time_window,
    })
}

fn present(obj: &Map<String, Value>, key: &str) -> bool {
    !matches!(obj.get(key), None | Some(Value::Null))
}

fn parse_window(v: &Value, base: &[Seg], errs: &mut Errors) -> Option<TimeWindow> {
    let mut path: Vec<Seg> = base.to_vec();
    path.push(Seg::Key("time_window"));
    let Some(obj) = v.as_object() else {
        errs.push(
            &path,
            "invalid_type",
            "must be an object {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}",
        );
        return None;
    };
    let mut parts = [None, None];
    for (k, key) in ["start", "end"].iter().enumerate() {
        let mut p = path.clone();
        p.push(Seg::Key(key));
        match obj.get(*key).and_then(Value::as_str) {
            Some(s) if parse_hhmm(s).is_some() => parts[k] = Some(s.to_string()),
            _ => errs.push(&p, "invalid_value", "must be a time HH:MM (00:00-23:59)"),
        }
    }
    let [Some(start), Some(end)] = parts else {
        return None;
    };
    if parse_hhmm(&start) > parse_hhmm(&end) {
        let mut p = path.clone();
        p.push(Seg::Key("end"));
        errs.push(&p, "invalid_value", "must not be before start");
        return None;
    }
    Some(TimeWindow { start, end })
}

fn parse_depot(v: &Value, errs: &mut Errors) -> Option<DepotInput> {
    let base = [Seg::Key("depot")];
    let Some(obj) = v.as_object() else {
        errs.push(
            &base,
            "invalid_type",
            "must be an object with address or lat/lng",
        );
        return None;
    };
    let before = errs.0.len();
    let address = opt_text(obj, "address", &base, errs);
    let lat = opt_number(obj, "lat", &base, errs, -90.0, 90.0);
    let lng = opt_number(obj, "lng", &base, errs, -180.0, 180.0);
    if lat.is_some() != lng.is_some() {
        errs.push(&base, "invalid_value", "lat and lng must be given together");
    }
    if address.is_none() && lat.is_none() && errs.0.len() == before {
        errs.push(&base, "required", "needs an address or lat and lng");
    }
    (errs.0.len() == before).then_some(DepotInput { address, lat, lng })
}

fn req_id(obj: &Map<String, Value>, key: &str, base: &[Seg], errs: &mut Errors) -> Option<String> {
    let mut path = base.to_vec();
    path.push(Seg::Key(key));
    match obj.get(key) {
        None | Some(Value::Null) => errs.push(&path, "required", "is required"),
        Some(Value::String(s)) if s.trim().is_empty() => {
            errs.push(&path, "required", "must not be empty")
        }
        Some(Value::String(s)) if s.chars().count() > MAX_ID_LEN => errs.push(
            &path,
            "too_long",
            format!("must be at most {MAX_ID_LEN} characters"),
        ),
        Some(Value::String(s)) => return Some(s.trim().to_string()),
        // Integrators often send numeric ids; accept them as their decimal text.
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => return Some(n.to_string()),
        Some(_) => errs.push(&path, "invalid_type", "must be a string"),
    }
    None
}

fn opt_text(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
) -> Option<String> {
    let mut path = base.to_vec();
    path.push(Seg::Key(key));
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() > MAX_TEXT_LEN => {
            errs.push(
                &path,
                "too_long",
                format!("must be at most {MAX_TEXT_LEN} characters"),
            );
            None
        }
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(Value::Number(n)) if key == "phone" => Some(n.to_string()),
        Some(_) => {
            errs.push(&path, "invalid_type", "must be a string");
            None
        }
    }
}

fn opt_number(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
    min: f64,
    max: f64,
) -> Option<f64> {
    let mut path = base.to_vec();
    path.push(Seg::Key(key));
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_f64().filter(|x| (min..=max).contains(x)) {
            Some(x) => Some(x),
            None => {
                errs.push(
                    &path,
                    "invalid_value",
                    format!("must be between {min} and {max}"),
                );
                None
            }
        },
        Some(_) => {
            errs.push(&path, "invalid_type", "must be a number");
            None
        }
    }
}

/// `HH:MM` → minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    s[0..4].parse::<u32>().is_ok() && (1..=12).contains(&month) && (1..=31).contains(&day)
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Vec<String> {
        parse_import(&v)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn minimal_request_is_valid() {
        let r = parse_import(&json!({"external_job_id": "J1", "stops": [
            {"external_stop_id": "S1", "address": "1 George St, Brisbane QLD 4000"}]}))
        .unwrap();
        assert_eq!(r.stops[0].parcel_count, 1);
    }

    #[test]
    fn every_bad_field_is_named() {
        let got = fields(json!({"driver_email": "nope", "stops": [
            {"external_stop_id": "S1", "address": "x", "parcel_count": -1},
            {"external_stop_id": "S1", "address": "y"},
            {"address": "z", "lat": 95, "lng": 1},
            {"external_stop_id": "S4", "time_window": {"start": "9am", "end": "11:00"}}
        ]}));
        assert_eq!(
            got,
            vec![
                "external_job_id",
                "driver_email",
                "stops[0].parcel_count",
                "stops[1].external_stop_id",
                "stops[2].external_stop_id",
                "stops[2].lat",
                "stops[3].address",
                "stops[3].time_window.start"
            ]
        );
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("9:5"), None);
    }
}
