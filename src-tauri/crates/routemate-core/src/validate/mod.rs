//! Validation of an import request: turns untyped JSON into an [`ImportRequest`] or lists *every*
//! problem with its field path (`stops[3].parcel_count`), so an integrator fixes them all at once.
//! The list is bounded ([`MAX_LISTED_ERRORS`], then one `too_many_errors` entry with the count), and
//! a job over [`MAX_STOPS`] is refused without validating its stops, so an error answer stays
//! proportional to a sensible request, never to a hostile one. No text may hold control characters
//! but tab and line breaks; ids, titles and emails refuse bidirectional-formatting characters too.

pub(crate) mod fields;

use crate::model::{DepotInput, ImportRequest, StopInput};
use fields::{
    at, opt_bool, opt_date, opt_email, opt_lat_lng, opt_number, opt_text, opt_whole, parse_window,
    present, req_id, stop_items, Errors, Seg, StopIds,
};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;

pub use fields::{is_bidi_control, parse_hhmm};

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

/// Validates an import body. `Err` lists every problem found, in document order.
pub fn parse_import(body: &Value) -> Result<ImportRequest, Vec<FieldError>> {
    let Some(obj) = body.as_object() else {
        return Err(Errors::not_an_object(
            "the request body must be a JSON object",
        ));
    };
    let mut errs = Errors::new();
    let external_job_id = req_id(obj, "external_job_id", &[], &mut errs);
    let title = opt_text(obj, "title", &[], &mut errs);
    let driver_email = opt_email(obj, "driver_email", &[], &mut errs);
    let depot = match obj.get("depot") {
        None | Some(Value::Null) => None,
        Some(v) => parse_depot(v, &mut errs),
    };
    let return_to_depot = opt_bool(obj, "return_to_depot", &[], &mut errs);
    let date = opt_date(obj, &mut errs);
    let optimize = opt_bool(obj, "optimize", &[], &mut errs);
    let mut stops = Vec::new();
    let mut sequences = HashSet::new();
    let mut ids = StopIds::default();
    for (i, item) in stop_items(obj, &mut errs).iter().enumerate() {
        ids.check(item, i, &mut errs);
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
    // An invalid count drops the stop, so the default only stands for a missing one.
    let parcel_count = opt_whole(obj, "parcel_count", &base, errs, 0..=100_000, || {
        "must be a whole number ≥ 0".into()
    })
    .map_or(1, |n| n as u32);
    let (lat, lng) = opt_lat_lng(obj, &base, errs);
    let (has_lat, has_lng) = (present(obj, "lat"), present(obj, "lng"));
    if has_lat != has_lng {
        let missing = if has_lat { "lng" } else { "lat" };
        errs.push(
            &at(&base, missing),
            "required",
            "lat and lng must be given together",
        );
    }
    if address.is_none() && !has_lat {
        errs.push(
            &at(&base, "address"),
            "required",
            "is required unless lat and lng are given",
        );
    }
    let service_minutes = opt_number(obj, "service_minutes", &base, errs, 0.0, 1440.0);
    let time_window = match obj.get("time_window") {
        None | Some(Value::Null) => None,
        Some(v) => parse_window(v, &base, errs),
    };
    let sequence = opt_whole(obj, "sequence", &base, errs, 1..=MAX_STOPS as u64, || {
        format!("must be a whole number from 1 to {MAX_STOPS}")
    })
    .map(|n| n as u32);
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
    let (lat, lng) = opt_lat_lng(obj, &base, errs);
    if lat.is_some() != lng.is_some() {
        errs.push(&base, "invalid_value", "lat and lng must be given together");
    }
    if address.is_none() && lat.is_none() && errs.count() == before {
        errs.push(&base, "required", "needs an address or lat and lng");
    }
    (errs.count() == before).then_some(DepotInput { address, lat, lng })
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
