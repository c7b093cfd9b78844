//! The day planner: a pool of stops and a fleet → one ordinary job per driver, plus a plan record
//! with every stop left out and why.
//!
//! Flow: **validate** (`core::dayplan::validate`) → **place** each stop (given coordinates, else
//! the geocoder, as imports do) → **matrix** ([`costs`], the same travel costs single jobs use) →
//! **solve** (`core::vrp::solve`, within a size-based budget; the plan is checked with
//! `core::vrp::check` before anything is written) → **store** one job per driver through
//! `jobs::write` ([`jobs`]), then the plan record ([`record`]).
//!
//! Idempotent on (account, external_plan_id): the same request again answers the stored plan and
//! writes nothing; a changed one plans again and updates the same drivers' jobs in place (a
//! driver left without stops has their job cancelled). Plans of the same key are serialised. The
//! driver jobs are written before the plan record: after a crash in between, sending the request
//! again finds no record, plans again and updates those same jobs, so nothing is duplicated.

pub mod costs;
pub mod edit;
pub mod fleet;
pub mod jobs;
pub mod problem;
pub mod record;
pub mod window;

use crate::context::Context;
use crate::error::EngineError;
use crate::import::place::Placer;
use crate::settings::Settings;
use crate::store::encode;
use record::{PlanJob, PlanRecord, PlanTotals, PlanUnassigned, PlanView};
use routemate_core::dayplan::{FleetDriver, PlanRequest};
use routemate_core::geo::LatLng;
use routemate_core::model::{warning_codes, GeocodeInfo};
use routemate_core::vrp::{self, SolveOptions};
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// What a plan call did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanOutcome {
    /// A new plan (HTTP 201).
    pub created: bool,
    /// Something was written.
    pub changed: bool,
    pub plan: PlanView,
}

/// The solver budget for a day of `n` stops unless the request sets one.
pub fn default_budget(n: usize) -> Duration {
    Duration::from_millis(match n {
        0..=100 => 1_000,
        101..=400 => 2_000,
        401..=1_000 => 5_000,
        _ => 10_000,
    })
}

/// The most time a day of `n` stops can use: a caller's `time_limit_ms` is an upper bound, so
/// a small day never holds its request (and the solver) for up to a minute for nothing.
pub fn useful_budget(n: usize) -> Duration {
    Duration::from_millis(1_000 + 50 * n as u64)
}

/// Plans the day `req` for `account` (see the module doc).
///
/// Errors: no drivers in the request and no fleet saved (`drivers`, `required`); a driver
/// without a start and no depot anywhere; storage errors.
pub(crate) fn plan_day(
    ctx: &Context,
    account: &str,
    req: PlanRequest,
) -> Result<PlanOutcome, EngineError> {
    // Another server that planned the same day meanwhile: start over and find its plan.
    let mut tries = 0;
    loop {
        match plan_day_once(ctx, account, req.clone()) {
            Err(EngineError::Conflict) if tries < crate::jobs::write::RACE_TRIES => tries += 1,
            done => return done,
        }
    }
}

fn plan_day_once(
    ctx: &Context,
    account: &str,
    req: PlanRequest,
) -> Result<PlanOutcome, EngineError> {
    let started = Instant::now();
    let store = ctx.store();
    let fp = hex::encode(Sha256::digest(encode(&req)));
    let _guard = plan_lock(account, &req.external_plan_id);
    let existing = record::by_external(store, account, &req.external_plan_id)?;
    if let Some(old) = existing.as_ref().filter(|r| r.fingerprint == fp) {
        return Ok(PlanOutcome {
            created: false,
            changed: false,
            plan: old.view.clone(),
        });
    }
    let settings = Settings::load(store)?;
    let drivers: Vec<FleetDriver> = match &req.drivers {
        Some(d) => d.clone(),
        None => fleet::load(store)?.drivers,
    };
    if drivers.is_empty() {
        return Err(EngineError::invalid_field(
            "drivers",
            "required",
            "no drivers in the request and no fleet saved in Settings: send drivers or save a fleet",
        ));
    }

    // Place the depot and the stops, as imports do.
    let geocoder = ctx.geocoder();
    let mut placer = Placer::new(geocoder.as_ref(), account);
    let mut warnings = Vec::new();
    let depot = match &req.depot {
        Some(d) => {
            let given = d.lat.zip(d.lng).map(|(a, b)| LatLng::new(a, b));
            placer
                .place("depot", d.address.as_deref(), given, &mut warnings)
                .0
        }
        None => None,
    }
    .or_else(|| settings.depot.as_ref().map(|d| LatLng::new(d.lat, d.lng)));
    let mut points = Vec::with_capacity(req.stops.len());
    let mut geocodes: Vec<GeocodeInfo> = Vec::with_capacity(req.stops.len());
    for s in &req.stops {
        let given = s.stop.lat.zip(s.stop.lng).map(|(a, b)| LatLng::new(a, b));
        let (p, g) = placer.place(
            &s.stop.external_stop_id,
            s.stop.address.as_deref(),
            given,
            &mut warnings,
        );
        points.push(p);
        geocodes.push(g);
    }

    let built = problem::build(
        &drivers,
        &req.stops,
        &points,
        depot,
        &req.options,
        &settings,
        &*ctx.travel_costs(&settings),
    )?;
    let p = &built.problem;
    let budget = req.options.time_limit_ms.map_or_else(
        || default_budget(p.stops.len()),
        |ms| Duration::from_millis(ms).min(useful_budget(p.stops.len())),
    );
    let solved = vrp::solve(
        p,
        &SolveOptions {
            time_limit: budget,
            seed: 1,
        },
    )
    // The request was validated; what the solver still refuses is how its parts combine (a
    // shift that ends before the day start in Settings): the caller's to fix.
    .map_err(|e| EngineError::invalid_field("drivers", "invalid_value", e.to_string()))?;
    if let Err(v) = vrp::check(p, &solved) {
        // Never store a plan that breaks a hard rule.
        tracing::error!(violation = %v, "the planner returned an infeasible plan");
        return Err(EngineError::Store(format!(
            "the planner returned an infeasible plan: {v}"
        )));
    }

    // One job per driver with stops, in the drivers' order.
    let mut routes: Vec<&vrp::Route> = solved.routes.iter().collect();
    routes.sort_by_key(|r| r.vehicle);
    let mut plan_jobs = Vec::new();
    let mut used = std::collections::HashSet::new();
    for r in routes {
        let driver = &drivers[r.vehicle];
        let dr = jobs::DriverRoute {
            driver,
            route: r,
            stops: r.stops.iter().map(|&s| built.stop_index[s]).collect(),
        };
        let job = jobs::store(
            ctx,
            account,
            &req,
            &dr,
            p,
            &points,
            &geocodes,
            depot,
            &settings,
            built.source,
        )?;
        used.insert(job.job_id.clone());
        plan_jobs.push(PlanJob {
            job_id: job.job_id.clone(),
            external_job_id: job.external_job_id.clone(),
            driver: driver.email.clone(),
            driver_name: driver.name.clone(),
            stops: dr
                .stops
                .iter()
                .map(|&i| req.stops[i].stop.external_stop_id.clone())
                .collect(),
            stop_count: dr.stops.len(),
            parcels: dr
                .stops
                .iter()
                .map(|&i| u64::from(req.stops[i].stop.parcel_count))
                .sum(),
            capacity: driver.capacity,
            distance_km: jobs::round(r.distance as f64 / 1000.0, 2),
            duration_minutes: jobs::round(r.duration as f64 / 60.0, 1),
            start_time: jobs::hhmm(r.departure),
            end_time: jobs::hhmm(r.end_time),
        });
    }
    for old in existing.iter().flat_map(|r| r.view.jobs.iter()) {
        if !used.contains(&old.job_id) {
            jobs::cancel(ctx, account, &old.job_id)?;
        }
    }

    let unassigned = unassigned_of(&req, &points, &built, &solved, &warnings);
    let now = ctx.now();
    let totals = totals_of(&plan_jobs, drivers.len(), req.stops.len(), unassigned.len());
    let plan_id = existing
        .as_ref()
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), |r| r.plan_id.clone());
    let view = PlanView {
        plan_id: plan_id.clone(),
        external_plan_id: req.external_plan_id.clone(),
        title: req
            .title
            .clone()
            .unwrap_or_else(|| req.external_plan_id.clone()),
        date: req.date.clone(),
        depot,
        jobs: plan_jobs,
        unassigned,
        totals,
        distance_source: built.source.to_string(),
        elapsed_ms: started.elapsed().as_millis() as u64,
        created_at: existing.as_ref().map_or(now, |r| r.view.created_at),
        updated_at: now,
        revision: existing.as_ref().map_or(1, |r| r.view.revision + 1),
    };
    let rec = PlanRecord {
        plan_id,
        account: account.to_string(),
        external_plan_id: req.external_plan_id.clone(),
        fingerprint: fp,
        request: req,
        drivers,
        depot,
        points,
        geocodes,
        view,
    };
    record::put(store, &rec)?;
    tracing::info!(plan_id = %rec.plan_id, account, jobs = rec.view.jobs.len(),
        unassigned = rec.view.unassigned.len(), "day planned");
    Ok(PlanOutcome {
        created: existing.is_none(),
        changed: true,
        plan: rec.view,
    })
}

/// Serialises plans (and dispatcher edits of them) of one (account, external_plan_id). Apart
/// from the job locks: a plan holds its lock while its jobs take theirs.
pub(crate) fn plan_lock(account: &str, external_plan_id: &str) -> MutexGuard<'static, ()> {
    static STRIPES: OnceLock<Vec<Mutex<()>>> = OnceLock::new();
    let stripes = STRIPES.get_or_init(|| (0..16).map(|_| Mutex::new(())).collect());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (account, external_plan_id).hash(&mut h);
    stripes[(h.finish() as usize) % stripes.len()]
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// A plan's totals from its jobs.
pub(crate) fn totals_of(
    jobs: &[PlanJob],
    drivers: usize,
    stops: usize,
    unassigned: usize,
) -> PlanTotals {
    PlanTotals {
        drivers,
        drivers_used: jobs.len(),
        stops,
        planned_stops: jobs.iter().map(|j| j.stop_count).sum(),
        unassigned_stops: unassigned,
        parcels: jobs.iter().map(|j| j.parcels).sum(),
        distance_km: jobs::round(jobs.iter().map(|j| j.distance_km).sum(), 2),
        duration_minutes: jobs::round(jobs.iter().map(|j| j.duration_minutes).sum(), 1),
    }
}

/// Every stop left out: not placed (`GEOCODE_FAILED`), then the solver's, in request order.
pub(crate) fn unassigned_of(
    req: &PlanRequest,
    points: &[Option<LatLng>],
    built: &problem::Built,
    solved: &vrp::Plan,
    warnings: &[routemate_core::model::Warning],
) -> Vec<PlanUnassigned> {
    let mut out: Vec<(usize, PlanUnassigned)> = Vec::new();
    for (i, s) in req.stops.iter().enumerate() {
        if points[i].is_none() {
            let id = &s.stop.external_stop_id;
            let why = warnings
                .iter()
                .find(|w| w.external_stop_id.as_deref() == Some(id))
                .map_or("the address could not be placed", |w| w.message.as_str());
            out.push((
                i,
                PlanUnassigned {
                    external_stop_id: id.clone(),
                    code: warning_codes::GEOCODE_FAILED.into(),
                    message: format!("It has no location: {why}."),
                    lat: None,
                    lng: None,
                },
            ));
        }
    }
    for u in &solved.unassigned {
        let i = built.stop_index[u.stop];
        out.push((
            i,
            PlanUnassigned {
                external_stop_id: req.stops[i].stop.external_stop_id.clone(),
                code: u.code.as_str().into(),
                message: u.message.clone(),
                lat: points[i].map(|p| p.lat),
                lng: points[i].map(|p| p.lng),
            },
        ));
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, u)| u).collect()
}

/// Rebuilds the stored plan's solver problem and its routes from the stored jobs, and checks them
/// with `core::vrp::check` (tests, and the desktop's live feasibility use the same building).
pub fn check_stored(ctx: &Context, account: &str, plan_id: &str) -> Result<(), String> {
    let store = ctx.store();
    let rec = record::find(store, account, plan_id).map_err(|e| e.to_string())?;
    let settings = Settings::load(store).map_err(|e| e.to_string())?;
    let built = problem::build(
        &rec.drivers,
        &rec.request.stops,
        &rec.points,
        rec.depot,
        &rec.request.options,
        &settings,
        &*ctx.travel_costs(&settings),
    )
    .map_err(|e| e.to_string())?;
    let p = &built.problem;
    let solver_of = |id: &str| {
        built
            .stop_index
            .iter()
            .position(|&i| rec.request.stops[i].stop.external_stop_id == id)
    };
    let mut routes = Vec::new();
    let mut routed = std::collections::HashSet::new();
    for j in &rec.view.jobs {
        let vehicle = rec
            .drivers
            .iter()
            .position(|d| d.email == j.driver)
            .ok_or("unknown driver")?;
        let job = crate::jobs::find(store, account, &crate::jobs::JobRef::Id(j.job_id.clone()))
            .map_err(|e| e.to_string())?;
        let order: Vec<usize> = job
            .stops
            .iter()
            .map(|s| {
                solver_of(&s.external_stop_id)
                    .ok_or(format!("stop {} not in the problem", s.external_stop_id))
            })
            .collect::<Result<_, _>>()?;
        routed.extend(order.iter().copied());
        let r = problem::route_of(p, vehicle, order);
        if r.starts.iter().map(|&t| jobs::hhmm(t)).collect::<Vec<_>>()
            != job
                .stops
                .iter()
                .map(|s| s.eta.clone().unwrap_or_default())
                .collect::<Vec<_>>()
        {
            return Err(format!(
                "job {}: stored ETAs differ from the schedule",
                j.job_id
            ));
        }
        routes.push(r);
    }
    let unassigned = (0..p.stops.len())
        .filter(|s| !routed.contains(s))
        .map(|stop| vrp::Unassigned {
            stop,
            code: vrp::ReasonCode::NoVehicle,
            message: String::new(),
        })
        .collect();
    let plan = problem::plan_of(p, routes, unassigned);
    vrp::check(p, &plan).map_err(|v| v.to_string())
}
