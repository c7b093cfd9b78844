//! A plan's routes as ordinary jobs, one per driver, through the one job write path: each job has
//! its own natural key (`<external_plan_id>/<driver email>`) in the `imports` tree, so the job
//! status calls (`?external_job_id=…`) work per driver, a re-plan updates the same jobs in place
//! (keeping stop statuses), and an unchanged route writes nothing.

use crate::context::Context;
use crate::error::EngineError;
use crate::import::{fingerprint, DriverRecord};
use crate::jobs::write::{self, Change, ImportRecords, Origin};
use crate::jobs::{self, ImportKey, JobRecord};
use crate::settings::Settings;
use crate::store::{decode, encode, key2};
use routemate_core::dayplan::{FleetDriver, PlanRequest};
use routemate_core::geo::LatLng;
use routemate_core::model::{
    warning_codes as codes, GeocodeInfo, ImportRequest, Optimization, Stop, StopStatus, Warning,
};
use routemate_core::vrp::{End, Problem, Route};

/// One driver's route, ready to be stored as a job.
pub struct DriverRoute<'a> {
    pub driver: &'a FleetDriver,
    pub route: &'a Route,
    /// Request stop index of each route stop, in route order.
    pub stops: Vec<usize>,
}

/// The natural key of a driver's job in a plan.
pub fn external_job_id(external_plan_id: &str, email: &str) -> String {
    format!("{external_plan_id}/{email}")
}

/// Stores (or updates, or leaves alone when unchanged) the job of one driver's route; returns it.
#[allow(clippy::too_many_arguments)]
pub fn store(
    ctx: &Context,
    account: &str,
    req: &PlanRequest,
    dr: &DriverRoute<'_>,
    problem: &Problem,
    points: &[Option<LatLng>],
    geocodes: &[GeocodeInfo],
    depot: Option<LatLng>,
    settings: &Settings,
    source: &str,
) -> Result<JobRecord, EngineError> {
    let store = ctx.store();
    let ext = external_job_id(&req.external_plan_id, &dr.driver.email);
    let title = format!(
        "{} — {}",
        req.title.as_deref().unwrap_or(&req.external_plan_id),
        dr.driver.name.as_deref().unwrap_or(&dr.driver.email)
    );
    let open_end = matches!(problem.vehicles[dr.route.vehicle].end, End::Open);
    let request = ImportRequest {
        external_job_id: ext.clone(),
        title: Some(title.clone()),
        driver_email: Some(dr.driver.email.clone()),
        stops: dr
            .stops
            .iter()
            .map(|&i| req.stops[i].stop.clone())
            .collect(),
        depot: req.depot.clone(),
        return_to_depot: Some(!open_end),
        date: req.date.clone(),
        optimize: None,
    };
    // The payload and its schedule: a re-plan that only moves the times rewrites the job too.
    let fp = fingerprint(&request) + &format!(":{}:{:?}", dr.route.departure, dr.route.starts);
    let ikey = key2(account, &ext);
    let _guard = write::lock(ctx, account, &ext);
    let expected = store.imports.get(&ikey)?;
    let existing = match &expected {
        Some(v) => jobs::load(store, &decode::<ImportKey>(v)?.job_id)?,
        None => None,
    };
    if let Some(job) = existing
        .as_ref()
        .filter(|j| j.fingerprint == fp && !j.cancelled)
    {
        return Ok(job.clone());
    }
    let v = &problem.vehicles[dr.route.vehicle];
    let speed = settings.average_speed_kmh;
    let mut out = Vec::with_capacity(dr.stops.len());
    let mut loc = v.start;
    for (k, (&i, &s)) in dr.stops.iter().zip(&dr.route.stops).enumerate() {
        let input = &req.stops[i].stop;
        let old = existing
            .iter()
            .flat_map(|j| j.stops.iter())
            .find(|o| o.external_stop_id == input.external_stop_id);
        let to = problem.stops[s].location;
        let point = points[i];
        out.push(Stop {
            external_stop_id: input.external_stop_id.clone(),
            sequence: Some(k as u32 + 1),
            address: input.address.clone(),
            label: input.label.clone(),
            parcel_count: input.parcel_count,
            lat: point.map(|p| p.lat),
            lng: point.map(|p| p.lng),
            geocode: geocodes[i].clone(),
            status: old.map_or(StopStatus::Pending, |o| o.status),
            status_note: old.and_then(|o| o.status_note.clone()),
            leg_distance_km: Some(round(problem.distances.get(loc, to) as f64 / 1000.0, 3)),
            leg_duration_minutes: Some(round(problem.durations.get(loc, to) as f64 / 60.0, 1)),
            eta: Some(hhmm(dr.route.starts[k])),
            notes: input.notes.clone(),
            phone: input.phone.clone(),
            service_minutes: input.service_minutes.unwrap_or(settings.service_minutes),
            time_window: req.stops[i].windows().into_iter().next(),
            locked: false,
        });
        loc = to;
    }
    let now = ctx.now();
    let email = dr.driver.email.clone();
    let dkey = key2(account, &email);
    let known: Option<DriverRecord> = store.drivers.get(&dkey)?.map(|v| decode(&v)).transpose()?;
    let mut warnings = Vec::new();
    let driver_id = known
        .as_ref()
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), |d| d.driver_id.clone());
    let new_driver = known.is_none().then(|| {
        warnings.push(Warning::job(
            codes::DRIVER_REGISTERED,
            format!("driver {email} was not known and has been registered"),
        ));
        let record = DriverRecord {
            driver_id: driver_id.clone(),
            email: email.clone(),
            created_at: now,
        };
        (dkey.clone(), encode(&record))
    });
    let job_id = existing
        .as_ref()
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), |j| j.job_id.clone());
    let record = JobRecord {
        job_id: job_id.clone(),
        account: account.to_string(),
        external_job_id: ext,
        title,
        driver_email: Some(email),
        driver_id: Some(driver_id),
        fingerprint: fp.clone(),
        request,
        depot: Some(route_start(depot, dr)),
        return_to_depot: !open_end,
        date: req.date.clone(),
        cancelled: false,
        stops: out,
        optimization: Optimization {
            total_distance_km: round(dr.route.distance as f64 / 1000.0, 2),
            total_duration_minutes: round(dr.route.duration as f64 / 60.0, 1),
            distance_source: source.to_string(),
            estimate: source != "road",
            road_factor: settings.road_factor,
            average_speed_kmh: speed,
            routed_stops: dr.stops.len(),
            unplaced_stops: 0,
            algorithm: "day_plan".into(),
            elapsed_ms: 0,
            // Road lines per leg are drawn for single jobs; a day plan's jobs carry totals only.
            legs: Vec::new(),
        },
        warnings,
        created_at: existing.as_ref().map_or(now, |j| j.created_at),
        updated_at: now,
        revision: existing.as_ref().map_or(1, |j| j.revision + 1),
    };
    let records = ImportRecords {
        key: ikey,
        key_value: encode(&ImportKey {
            job_id,
            fingerprint: fp,
        }),
        new_driver,
        expected,
    };
    let change = if existing.is_some() {
        Change::Updated
    } else {
        Change::Created
    };
    write::store(ctx, &record, Some(&records), change, Origin::Local)?;
    Ok(record)
}

/// Cancels a job an earlier revision of the plan gave a driver who now has no stops.
pub fn cancel(ctx: &Context, account: &str, job_id: &str) -> Result<(), EngineError> {
    write::edit(
        ctx,
        account,
        job_id,
        Change::Updated,
        Origin::Local,
        |job, _| {
            if job.cancelled {
                return Ok(false);
            }
            job.cancelled = true;
            job.warnings.push(Warning::job(
                codes::JOB_UPDATED,
                "the day was planned again and this driver has no stops now: job cancelled",
            ));
            Ok(true)
        },
    )
    .map(|_| ())
}

/// Where the driver's route starts (the job's depot on the map).
fn route_start(depot: Option<LatLng>, dr: &DriverRoute<'_>) -> LatLng {
    match (dr.driver.start, depot) {
        (Some(p), _) => LatLng::new(p.lat, p.lng),
        (None, Some(d)) => d,
        (None, None) => LatLng::new(0.0, 0.0),
    }
}

/// Seconds after midnight → `HH:MM` (`+1d` past midnight).
pub fn hhmm(seconds: i64) -> String {
    let m = (seconds as f64 / 60.0).round() as i64;
    let (d, rem) = (m / 1440, m % 1440);
    let base = format!("{:02}:{:02}", rem / 60, rem % 60);
    if d > 0 {
        format!("{base}+{d}d")
    } else {
        base
    }
}

pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
