//! Validation of an import request: turns untyped JSON into an [`ImportRequest`] or lists *every*
//! problem with its field path (`stops[3].parcel_count`), so an integrator fixes them all at once.
//! The list is bounded ([`MAX_LISTED_ERRORS`], then one `too_many_errors` entry with the count), and
//! a job over [`MAX_STOPS`] is refused without validating its stops, so an error answer stays
//! proportional to a sensible request, never to a hostile one. No text may hold control characters
//! but tab and line breaks; ids, titles and emails refuse bidirectional-formatting characters too.

use crate::model::{DepotInput, ImportRequest, StopInput, TimeWindow};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Limits a job must stay within (documented in the README).
pub const MAX_STOPS: usize = 5_000;
pub const MAX_ID_LEN: usize = 200;
pub const MAX_TEXT_LEN: usize = 2_000;
/// Problems listed one by one; the rest are counted in a final `too_many_errors` entry.
pub const MAX_LISTED_ERRORS: usize = 50;

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldError {
    /// Dotted path as integrators write it: `stops[3].parcel_count`.
    pub field: String,
    /// JSON Pointer (RFC 6901) to the same place: `/stops/3/parcel_count`.
    pub pointer: String,
    /// Stable machine code: `required`, `invalid_type`, `invalid_value`, `duplicate`, `too_long`.
    pub code: String,
    pub detail: String,
}

/// The problems found so far: the first [`MAX_LISTED_ERRORS`] in full, the rest counted.
pub(crate) struct Errors(pub(crate) Vec<FieldError>, pub(crate) usize);

impl Errors {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems have been found (listed or not).
    pub(crate) fn count(&self) -> usize {
        self.0.len() + self.1
    }

    /// The list to return: listed problems, then how many more there were.
    pub(crate) fn finish(mut self) -> Vec<FieldError> {
        if self.1 > 0 {
            self.0.push(FieldError {
                field: String::new(),
                pointer: String::new(),
                code: "too_many_errors".into(),
                detail: format!(
                    "and {} more problem(s) not listed; fix the ones above and send again",
                    self.1
                ),
            });
        }
        self.0
    }

    pub(crate) fn push(&mut self, path: &[Seg], code: &str, detail: impl Into<String>) {
        if self.0.len() >= MAX_LISTED_ERRORS {
            self.1 += 1;
            return;
        }
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
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Validates an import body. `Err` lists every problem found, in document order.
pub fn parse_import(body: &Value) -> Result<ImportRequest, Vec<FieldError>> {
    let mut errs = Errors(Vec::new(), 0);
    let Some(obj) = body.as_object() else {
        errs.push(
            &[],
            "invalid_type",
            "the request body must be a JSON object",
        );
        return Err(errs.finish());
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
    let date = opt_date(obj, &mut errs);
    let optimize = match obj.get("optimize") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            errs.push(
                &[Seg::Key("optimize")],
                "invalid_type",
                "must be true or false",
            );
            None
        }
    };
    let mut stops = Vec::new();
    let mut sequences = HashSet::new();
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
            let too_many = items.len() > MAX_STOPS;
            if too_many {
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
            // Over the limit the stops are not validated: the job is refused whatever they hold.
            let checked = if too_many { &items[..0] } else { &items[..] };
            for (i, item) in checked.iter().enumerate() {
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
                    if let Some(seq) = stop.sequence.filter(|s| !sequences.insert(*s)) {
                        errs.push(
                            &[Seg::Key("stops"), Seg::Index(i), Seg::Key("sequence")],
                            "duplicate",
                            format!("sequence {seq} is used by an earlier stop"),
                        );
                    }
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
    if !errs.is_empty() {
        return Err(errs.finish());
    }
    Ok(ImportRequest {
        external_job_id: external_job_id.unwrap_or_default(),
        title,
        driver_email,
        stops,
        depot,
        return_to_depot,
        date,
        optimize,
    })
}

pub(crate) fn parse_stop(item: &Value, i: usize, errs: &mut Errors) -> Option<StopInput> {
    let base = [Seg::Key("stops"), Seg::Index(i)];
    let Some(obj) = item.as_object() else {
        errs.push(&base, "invalid_type", "must be an object");
        return None;
    };
    let before = errs.count();
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
    let sequence = match obj.get("sequence") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().filter(|n| (1..=MAX_STOPS as u64).contains(n)) {
            Some(n) => Some(n as u32),
            None => {
                let path = [base[0], base[1], Seg::Key("sequence")];
                errs.push(
                    &path,
                    "invalid_value",
                    format!("must be a whole number from 1 to {MAX_STOPS}"),
                );
                None
            }
        },
    };
    if errs.count() > before {
        return None;
    }
    Some(StopInput {
        sequence,
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

pub(crate) fn present(obj: &Map<String, Value>, key: &str) -> bool {
    !matches!(obj.get(key), None | Some(Value::Null))
}

pub(crate) fn parse_window(v: &Value, base: &[Seg], errs: &mut Errors) -> Option<TimeWindow> {
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

pub(crate) fn parse_depot(v: &Value, errs: &mut Errors) -> Option<DepotInput> {
    let base = [Seg::Key("depot")];
    let Some(obj) = v.as_object() else {
        errs.push(
            &base,
            "invalid_type",
            "must be an object with address or lat/lng",
        );
        return None;
    };
    let before = errs.count();
    let address = opt_text(obj, "address", &base, errs);
    let lat = opt_number(obj, "lat", &base, errs, -90.0, 90.0);
    let lng = opt_number(obj, "lng", &base, errs, -180.0, 180.0);
    if lat.is_some() != lng.is_some() {
        errs.push(&base, "invalid_value", "lat and lng must be given together");
    }
    if address.is_none() && lat.is_none() && errs.count() == before {
        errs.push(&base, "required", "needs an address or lat and lng");
    }
    (errs.count() == before).then_some(DepotInput { address, lat, lng })
}

pub(crate) fn req_id(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
) -> Option<String> {
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
        Some(Value::String(s)) if has_forbidden_char("id", s) => errs.push(
            &path,
            "invalid_value",
            "must not contain control characters or bidirectional-formatting characters",
        ),
        Some(Value::String(s)) => return Some(s.trim().to_string()),
        // Integrators often send numeric ids; accept them as their decimal text.
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => return Some(n.to_string()),
        Some(_) => errs.push(&path, "invalid_type", "must be a string"),
    }
    None
}

pub(crate) fn opt_text(
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
        Some(Value::String(s)) if has_forbidden_char(key, s) => {
            let detail = if is_single_line(key) {
                "must not contain control characters or bidirectional-formatting characters"
            } else {
                "must not contain control characters (tab and line breaks are allowed)"
            };
            errs.push(&path, "invalid_value", detail);
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

pub(crate) fn opt_number(
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

/// Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069), and
/// the marks LRM/RLM/ALM: they can make displayed text read differently from what is stored.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Fields that name a thing (ids, title, email, date): no bidirectional controls either, so what
/// is shown reads as what is stored.
fn is_single_line(key: &str) -> bool {
    matches!(key, "id" | "title" | "driver_email" | "date")
}

/// True when text `s` of field `key` holds a character that field must not carry: a control
/// character other than tab and line breaks (NUL, escape, …), or in a name a bidi control.
fn has_forbidden_char(key: &str, s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || (is_single_line(key) && is_bidi_control(c))
    })
}

/// `HH:MM` → minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    // Digits only: `str::parse` would also take a sign ("+9:00").
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// The optional top-level `date` (`YYYY-MM-DD`) of an import or a plan body.
pub(crate) fn opt_date(obj: &Map<String, Value>, errs: &mut Errors) -> Option<String> {
    opt_text(obj, "date", &[], errs).filter(|d| {
        let ok = is_date(d);
        if !ok {
            errs.push(
                &[Seg::Key("date")],
                "invalid_value",
                "must be a date YYYY-MM-DD",
            );
        }
        ok
    })
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

pub(crate) fn looks_like_email(s: &str) -> bool {
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
    fn a_given_order_is_read_and_checked() {
        let r = parse_import(
            &json!({"external_job_id": "J1", "optimize": false, "stops": [
            {"external_stop_id": "S1", "lat": 1.0, "lng": 2.0, "sequence": 2},
            {"external_stop_id": "S2", "lat": 1.0, "lng": 2.5, "sequence": 1}]}),
        )
        .unwrap();
        assert_eq!(r.optimize, Some(false));
        assert_eq!(r.stops[0].sequence, Some(2));
        let got = fields(json!({"external_job_id": "J", "optimize": "no", "stops": [
            {"external_stop_id": "S1", "lat": 1.0, "lng": 2.0, "sequence": 1},
            {"external_stop_id": "S2", "lat": 1.0, "lng": 2.0, "sequence": 1},
            {"external_stop_id": "S3", "lat": 1.0, "lng": 2.0, "sequence": 0}]}));
        assert_eq!(got, ["optimize", "stops[1].sequence", "stops[2].sequence"]);
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
    fn a_flood_of_bad_stops_is_refused_at_the_limit_with_a_bounded_list() {
        // Over the stop limit: one error, the stops themselves are not looked at.
        let empty: Vec<Value> = (0..MAX_STOPS + 1).map(|_| json!({})).collect();
        let errs = parse_import(&json!({"external_job_id": "J", "stops": empty})).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            (errs[0].field.as_str(), errs[0].code.as_str()),
            ("stops", "too_long")
        );
        // Under the limit: the first problems are listed, then how many more.
        let empty: Vec<Value> = (0..MAX_STOPS).map(|_| json!({})).collect();
        let errs = parse_import(&json!({"external_job_id": "J", "stops": empty})).unwrap_err();
        assert_eq!(errs.len(), MAX_LISTED_ERRORS + 1);
        let last = errs.last().unwrap();
        assert_eq!(last.code, "too_many_errors");
        let total = 2 * MAX_STOPS; // each empty stop lacks its id and its address
        let more = total - MAX_LISTED_ERRORS;
        assert!(
            last.detail.starts_with(&format!("and {more} more")),
            "{}",
            last.detail
        );
    }

    #[test]
    fn control_and_bidi_characters_are_field_errors() {
        let got = parse_import(&json!({"external_job_id": "J\u{0}1", "title": "Pay \u{202E}gnp.exe",
            "stops": [{"external_stop_id": "S\u{2066}1", "address": "1 A St", "notes": "bell\u{7}"},
                      {"external_stop_id": "S2", "address": "2 B St\nBack door", "notes": "ring\ttwice"}]}))
        .unwrap_err();
        let fields: Vec<(&str, &str)> = got
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("external_job_id", "invalid_value"),
                ("title", "invalid_value"),
                ("stops[0].external_stop_id", "invalid_value"),
                ("stops[0].notes", "invalid_value"),
            ]
        );
        assert!(got[0].detail.contains("control"), "{}", got[0].detail);
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("9:5"), None);
        assert_eq!(parse_hhmm("9:05"), Some(545));
        // A sign is not a time: "+9:00" was accepted and echoed back in the job.
        assert_eq!(parse_hhmm("+9:00"), None);
        assert_eq!(parse_hhmm("09:+5"), None);
    }
}
