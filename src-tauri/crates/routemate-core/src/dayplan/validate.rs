//! Validation of a day plan body and of a fleet: untyped JSON into [`PlanRequest`] / [`Fleet`],
//! or every problem with its field path and JSON pointer (`stops[3].time_windows[1].end`,
//! `drivers[0].capacity`), bounded like an import's list. Stops take every import stop field
//! (checked by the import validator) plus the planner's own.

use super::{
    Balance, Fleet, FleetDriver, PlanObjective, PlanOptions, PlanRequest, PlanStopInput,
    PointInput, Priority, MAX_DRIVERS, MAX_TIME_LIMIT_MS,
};
use crate::validate::fields::{
    at, bad_email, opt_bool, opt_date, opt_email, opt_hhmm, opt_lat_lng, opt_number, opt_text,
    opt_whole, parse_hhmm, parse_window_at, present, req_id, stop_items, Errors, Seg, StopIds,
};
use crate::validate::{parse_depot, parse_stop, FieldError};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Most windows one stop may carry.
pub const MAX_WINDOWS: usize = 10;

/// Validates a plan body. `Err` lists every problem found, in document order.
pub fn parse_plan(body: &Value) -> Result<PlanRequest, Vec<FieldError>> {
    let Some(obj) = body.as_object() else {
        return Err(Errors::not_an_object(
            "the request body must be a JSON object",
        ));
    };
    let mut errs = Errors::new();
    let external_plan_id = req_id(obj, "external_plan_id", &[], &mut errs);
    let title = opt_text(obj, "title", &[], &mut errs);
    let date = opt_date(obj, &mut errs);
    let depot = match obj.get("depot") {
        None | Some(Value::Null) => None,
        Some(v) => parse_depot(v, &mut errs),
    };
    let drivers = match obj.get("drivers") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_drivers(v, "drivers", &mut errs)),
    };
    let emails: Option<HashSet<String>> = drivers
        .as_ref()
        .map(|d| d.iter().map(|d: &FleetDriver| d.email.clone()).collect());
    let stops = parse_stops(obj, emails.as_ref(), &mut errs);
    let options = match obj.get("options") {
        None | Some(Value::Null) => PlanOptions::default(),
        Some(v) => parse_options(v, &mut errs),
    };
    if !errs.is_empty() {
        return Err(errs.finish());
    }
    Ok(PlanRequest {
        external_plan_id: external_plan_id.unwrap_or_default(),
        title,
        date,
        depot,
        drivers,
        stops,
        options,
    })
}

/// Validates a fleet (`{"drivers": [...]}`, as Settings saves it).
pub fn parse_fleet(body: &Value) -> Result<Fleet, Vec<FieldError>> {
    let Some(obj) = body.as_object() else {
        return Err(Errors::not_an_object(
            "the fleet must be a JSON object {\"drivers\": [...]}",
        ));
    };
    let mut errs = Errors::new();
    let drivers = match obj.get("drivers") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => parse_drivers(v, "drivers", &mut errs),
    };
    if !errs.is_empty() {
        return Err(errs.finish());
    }
    Ok(Fleet { drivers })
}

fn parse_stops(
    obj: &Map<String, Value>,
    drivers: Option<&HashSet<String>>,
    errs: &mut Errors,
) -> Vec<PlanStopInput> {
    let items = stop_items(obj, errs);
    let mut ids = StopIds::default();
    let mut stops = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let base = [Seg::Key("stops"), Seg::Index(i)];
        ids.check(item, i, errs);
        let before = errs.count();
        let common = parse_stop(item, i, errs);
        let Some(o) = item.as_object() else {
            continue;
        };
        let mut windows = Vec::new();
        match o.get("time_windows") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ws)) if ws.len() > MAX_WINDOWS => errs.push(
                &[base[0], base[1], Seg::Key("time_windows")],
                "too_long",
                format!("must hold at most {MAX_WINDOWS} windows"),
            ),
            Some(Value::Array(ws)) => {
                for (k, w) in ws.iter().enumerate() {
                    let path = [base[0], base[1], Seg::Key("time_windows"), Seg::Index(k)];
                    if let Some(tw) = parse_window_at(w, &path, errs) {
                        windows.push(tw);
                    }
                }
            }
            Some(_) => errs.push(
                &[base[0], base[1], Seg::Key("time_windows")],
                "invalid_type",
                "must be an array of {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}",
            ),
        }
        let weight_kg = opt_number(o, "weight_kg", &base, errs, 0.0, 100_000.0);
        let volume_m3 = opt_number(o, "volume_m3", &base, errs, 0.0, 100_000.0);
        let priority = match o.get("priority") {
            None | Some(Value::Null) => Priority::Normal,
            Some(Value::String(s)) if s == "must" => Priority::Must,
            Some(Value::String(s)) if s == "normal" => Priority::Normal,
            Some(_) => {
                let path = [base[0], base[1], Seg::Key("priority")];
                errs.push(&path, "invalid_value", "must be \"must\" or \"normal\"");
                Priority::Normal
            }
        };
        let driver_email = opt_email(o, "driver_email", &base, errs).map(|e| e.to_lowercase());
        if let Some(e) = &driver_email {
            if drivers.is_some_and(|d| !d.contains(e)) {
                let path = at(&base, "driver_email");
                errs.push(&path, "invalid_value", "must be one of the plan's drivers");
            }
        }
        if errs.count() > before {
            continue;
        }
        if let Some(stop) = common {
            stops.push(PlanStopInput {
                stop,
                time_windows: windows,
                weight_kg,
                volume_m3,
                priority,
                driver_email,
            });
        }
    }
    stops
}

fn parse_drivers(v: &Value, key: &str, errs: &mut Errors) -> Vec<FleetDriver> {
    let Value::Array(items) = v else {
        errs.push(
            &[Seg::Key(key)],
            "invalid_type",
            "must be an array of drivers",
        );
        return Vec::new();
    };
    if items.len() > MAX_DRIVERS {
        let detail = format!(
            "must hold at most {MAX_DRIVERS} drivers (got {})",
            items.len()
        );
        errs.push(&[Seg::Key(key)], "too_long", detail);
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let base = [Seg::Key(key), Seg::Index(i)];
        let raw = item
            .get("email")
            .and_then(Value::as_str)
            .map(|e| e.trim().to_lowercase());
        if let Some(e) = raw.filter(|e| !e.is_empty()) {
            if !seen.insert(e.clone()) {
                let path = [base[0], base[1], Seg::Key("email")];
                errs.push(&path, "duplicate", format!("'{e}' is an earlier driver"));
                continue;
            }
        }
        if let Some(d) = parse_driver(item, &base, errs) {
            out.push(d);
        }
    }
    out
}

/// One driver at `base` (`drivers[i]`).
pub(crate) fn parse_driver(item: &Value, base: &[Seg], errs: &mut Errors) -> Option<FleetDriver> {
    let Some(o) = item.as_object() else {
        errs.push(base, "invalid_type", "must be an object");
        return None;
    };
    let before = errs.count();
    let at = |k: &'static str| at(base, k);
    let email = match o.get("email") {
        None | Some(Value::Null) => {
            errs.push(&at("email"), "required", "is required");
            None
        }
        Some(_) => opt_email(o, "email", base, errs)
            .map(|e| e.to_lowercase())
            .filter(|e| {
                let ok = e.chars().count() <= 200;
                if !ok {
                    bad_email(&at("email"), errs);
                }
                ok
            }),
    };
    if email.is_none() && errs.count() == before {
        errs.push(&at("email"), "required", "must not be empty");
    }
    let name = opt_text(o, "name", base, errs);
    let capacity = opt_whole(o, "capacity", base, errs, 0..=1_000_000, || {
        "must be a whole number of parcels ≥ 0".into()
    })
    .map(|n| n as u32);
    let capacity_kg = opt_number(o, "capacity_kg", base, errs, 0.0, 1_000_000.0);
    let capacity_m3 = opt_number(o, "capacity_m3", base, errs, 0.0, 1_000_000.0);
    let mut shift = [None, None];
    for (k, key) in ["shift_start", "shift_end"].into_iter().enumerate() {
        shift[k] = opt_hhmm(o, key, base, errs);
    }
    if let (Some(a), Some(b)) = (&shift[0], &shift[1]) {
        if parse_hhmm(a) >= parse_hhmm(b) {
            errs.push(
                &at("shift_end"),
                "invalid_value",
                "must be after shift_start",
            );
        }
    }
    let start = parse_point(o, "start", base, errs);
    let end = parse_point(o, "end", base, errs);
    let open_end = opt_bool(o, "open_end", base, errs).unwrap_or(false);
    if open_end && end.is_some() {
        errs.push(
            &at("end"),
            "invalid_value",
            "a route with open_end has no end point",
        );
    }
    let max_stops = opt_whole(o, "max_stops", base, errs, 1..=5_000, || {
        "must be a whole number 1-5000".into()
    })
    .map(|n| n as u32);
    let fixed_cost = opt_number(o, "fixed_cost", base, errs, 0.0, 100_000.0);
    let [shift_start, shift_end] = shift;
    (errs.count() == before).then_some(FleetDriver {
        email: email?,
        name,
        capacity,
        capacity_kg,
        capacity_m3,
        shift_start,
        shift_end,
        start,
        end,
        open_end,
        max_stops,
        fixed_cost,
    })
}

fn parse_point(
    o: &Map<String, Value>,
    key: &'static str,
    base: &[Seg],
    errs: &mut Errors,
) -> Option<PointInput> {
    if !present(o, key) {
        return None;
    }
    let mut path = base.to_vec();
    path.push(Seg::Key(key));
    let Some(p) = o.get(key).and_then(Value::as_object) else {
        errs.push(
            &path,
            "invalid_type",
            "must be an object {\"lat\": …, \"lng\": …}",
        );
        return None;
    };
    let before = errs.count();
    let (lat, lng) = opt_lat_lng(p, &path, errs);
    if errs.count() > before {
        return None;
    }
    match (lat, lng) {
        (Some(lat), Some(lng)) => Some(PointInput { lat, lng }),
        _ => {
            errs.push(&path, "required", "needs lat and lng");
            None
        }
    }
}

fn parse_options(v: &Value, errs: &mut Errors) -> PlanOptions {
    let base = [Seg::Key("options")];
    let Some(o) = v.as_object() else {
        errs.push(&base, "invalid_type", "must be an object");
        return PlanOptions::default();
    };
    let at = |k: &'static str| [Seg::Key("options"), Seg::Key(k)];
    let objective = match o
        .get("objective")
        .and_then(|v| v.as_str().map(str::to_string))
    {
        None if !present(o, "objective") => PlanObjective::Duration,
        Some(s) if s == "duration" => PlanObjective::Duration,
        Some(s) if s == "vehicles" => PlanObjective::Vehicles,
        _ => {
            errs.push(
                &at("objective"),
                "invalid_value",
                "must be \"duration\" or \"vehicles\"",
            );
            PlanObjective::Duration
        }
    };
    let balance = match o
        .get("balance")
        .and_then(|v| v.as_str().map(str::to_string))
    {
        None if !present(o, "balance") => Balance::None,
        Some(s) if s == "none" => Balance::None,
        Some(s) if s == "stops" => Balance::Stops,
        Some(s) if s == "duration" => Balance::Duration,
        _ => {
            errs.push(
                &at("balance"),
                "invalid_value",
                "must be \"none\", \"stops\" or \"duration\"",
            );
            Balance::None
        }
    };
    let time_limit_ms = opt_whole(
        o,
        "time_limit_ms",
        &base,
        errs,
        10..=MAX_TIME_LIMIT_MS,
        || format!("must be a whole number of milliseconds 10-{MAX_TIME_LIMIT_MS}"),
    );
    PlanOptions {
        objective,
        balance,
        time_limit_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_minimal_plan_is_valid_and_keeps_every_window() {
        let p = parse_plan(&json!({"external_plan_id": "DAY-1", "stops": [
            {"external_stop_id": "S1", "lat": -27.4, "lng": 153.0,
             "time_window": {"start": "09:00", "end": "10:00"},
             "time_windows": [{"start": "14:00", "end": "15:00"}], "priority": "must"}]}))
        .unwrap();
        assert!(p.drivers.is_none());
        assert_eq!(p.stops[0].windows().len(), 2);
        assert_eq!(p.stops[0].priority, Priority::Must);
    }

    #[test]
    fn every_bad_field_is_named_with_its_pointer() {
        let errs = parse_plan(&json!({"date": "tomorrow",
            "drivers": [{"email": "a@x.com", "capacity": -1, "shift_start": "9am"},
                        {"email": "a@x.com"}, {"name": "no email", "start": {"lat": 99}}],
            "stops": [
                {"external_stop_id": "S1", "lat": -27.4, "lng": 153.0,
                 "time_windows": [{"start": "10:00", "end": "09:00"}], "priority": "urgent"},
                {"external_stop_id": "S2", "address": "1 A St", "driver_email": "b@x.com",
                 "weight_kg": -3}],
            "options": {"objective": "cheapest", "time_limit_ms": 5}}))
        .unwrap_err();
        let got: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.pointer.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("external_plan_id", "/external_plan_id"),
                ("date", "/date"),
                ("drivers[0].capacity", "/drivers/0/capacity"),
                ("drivers[0].shift_start", "/drivers/0/shift_start"),
                ("drivers[1].email", "/drivers/1/email"),
                ("drivers[2].email", "/drivers/2/email"),
                ("drivers[2].start.lat", "/drivers/2/start/lat"),
                (
                    "stops[0].time_windows[0].end",
                    "/stops/0/time_windows/0/end"
                ),
                ("stops[0].priority", "/stops/0/priority"),
                ("stops[1].weight_kg", "/stops/1/weight_kg"),
                ("stops[1].driver_email", "/stops/1/driver_email"),
                ("options.objective", "/options/objective"),
                ("options.time_limit_ms", "/options/time_limit_ms"),
            ]
        );
    }

    #[test]
    fn a_fleet_validates_like_the_plan_drivers() {
        let f = parse_fleet(&json!({"drivers": [{"email": "Ann@X.com", "capacity": 80,
            "shift_start": "07:00", "shift_end": "15:00", "open_end": true}]}))
        .unwrap();
        assert_eq!(f.drivers[0].email, "ann@x.com");
        let errs = parse_fleet(
            &json!({"drivers": [{"email": "b@x.com", "shift_start": "15:00",
            "shift_end": "07:00", "open_end": true, "end": {"lat": 1, "lng": 2}}]}),
        )
        .unwrap_err();
        let got: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(got, ["drivers[0].shift_end", "drivers[0].end"]);
    }
}
