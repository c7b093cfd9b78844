//! A dispatcher's changes to a stored plan: evaluate a candidate assignment (live feasibility and
//! totals while a stop is dragged from one driver to another), apply one (the drivers' jobs are
//! rewritten in exactly that order, refused with the broken rule when infeasible), and plan again
//! around stops locked to drivers. Every check is `core::vrp::check` on the problem the plan was
//! built from, so the desktop never shows a plan the solver's checker would refuse.

use super::jobs::{self as plan_jobs, DriverRoute};
use super::problem::{self, Built};
use super::record::{self, PlanJob, PlanRecord, PlanView};
use super::{unassigned_of, PlanOutcome};
use crate::context::Context;
use crate::error::EngineError;
use crate::settings::Settings;
use routemate_core::vrp::{self, ReasonCode};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One driver's stops in visiting order (`external_stop_id`s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DriverStops {
    pub driver: String,
    pub stops: Vec<String>,
}

/// A stop locked to a driver for the next re-plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StopLock {
    pub external_stop_id: String,
    pub driver: String,
}

/// The totals of one route of a candidate assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteTotals {
    pub driver: String,
    pub stop_count: usize,
    pub parcels: u64,
    pub capacity: Option<u32>,
    pub distance_km: f64,
    pub duration_minutes: f64,
    pub start_time: String,
    pub end_time: String,
}

/// Whether a candidate assignment keeps every hard rule, and its totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanEvaluation {
    pub feasible: bool,
    /// The first broken rule, in words (`None` when feasible).
    pub problem: Option<String>,
    pub routes: Vec<RouteTotals>,
    pub distance_km: f64,
    pub duration_minutes: f64,
}

struct Candidate {
    rec: PlanRecord,
    built: Built,
    settings: Settings,
    plan: vrp::Plan,
    verdict: Result<(), String>,
}

fn candidate(
    ctx: &Context,
    account: &str,
    plan_id: &str,
    routes: &[DriverStops],
) -> Result<Candidate, EngineError> {
    let store = ctx.store();
    let rec = record::find(store, account, plan_id)?;
    let settings = Settings::load(store)?;
    let built = problem::build(
        &rec.drivers,
        &rec.request.stops,
        &rec.points,
        rec.depot,
        &rec.request.options,
        &settings,
        &*ctx.travel_costs(&settings),
    )?;
    let p = &built.problem;
    let solver_of = |id: &str| {
        built
            .stop_index
            .iter()
            .position(|&i| rec.request.stops[i].stop.external_stop_id == id)
    };
    let mut out = Vec::new();
    let mut routed = HashSet::new();
    for (k, r) in routes.iter().enumerate() {
        let Some(v) = rec.drivers.iter().position(|d| d.email == r.driver) else {
            return Err(EngineError::invalid_field(
                &format!("routes.{k}.driver"),
                "invalid_value",
                format!("{} is not a driver of this plan", r.driver),
            ));
        };
        let mut order = Vec::with_capacity(r.stops.len());
        for (n, id) in r.stops.iter().enumerate() {
            match solver_of(id) {
                Some(s) if routed.insert(s) => order.push(s),
                _ => {
                    return Err(EngineError::invalid_field(
                        &format!("routes.{k}.stops.{n}"),
                        "invalid_value",
                        format!("{id} is not a placed stop of this plan, or is given twice"),
                    ))
                }
            }
        }
        if !order.is_empty() {
            out.push(problem::route_of(p, v, order));
        }
    }
    let unassigned = (0..p.stops.len())
        .filter(|s| !routed.contains(s))
        .map(|stop| vrp::Unassigned {
            stop,
            code: ReasonCode::NoVehicle,
            message: "left out by the dispatcher".into(),
        })
        .collect();
    let plan = problem::plan_of(p, out, unassigned);
    let verdict = vrp::check(p, &plan).map_err(|v| describe(&built, &rec, &v));
    Ok(Candidate {
        rec,
        built,
        settings,
        plan,
        verdict,
    })
}

/// The checker's verdict in the dispatcher's words (drivers and stop ids, not indices).
fn describe(built: &Built, rec: &PlanRecord, v: &vrp::Violation) -> String {
    let stop = |s: usize| {
        built
            .stop_index
            .get(s)
            .map(|&i| rec.request.stops[i].stop.external_stop_id.clone())
            .unwrap_or_else(|| s.to_string())
    };
    match v {
        vrp::Violation::Capacity { load, capacity, .. } => {
            format!("a van would carry {load} against its capacity {capacity}")
        }
        vrp::Violation::Window { stop: s, start, .. } => format!(
            "stop {} would be served at {}, outside its time window",
            stop(*s),
            plan_jobs::hhmm(*start)
        ),
        vrp::Violation::LateEnd { end, shift_end, .. } => format!(
            "a route would end at {}, after the shift ends at {}",
            plan_jobs::hhmm(*end),
            plan_jobs::hhmm(*shift_end)
        ),
        vrp::Violation::MaxStops { stops, max, .. } => {
            format!("a route would have {stops} stops, more than its maximum {max}")
        }
        vrp::Violation::Lock { stop: s, .. } => {
            format!("stop {} is locked to another driver", stop(*s))
        }
        other => other.to_string(),
    }
}

fn totals(c: &Candidate) -> Vec<RouteTotals> {
    c.plan
        .routes
        .iter()
        .map(|r| {
            let d = &c.rec.drivers[r.vehicle];
            RouteTotals {
                driver: d.email.clone(),
                stop_count: r.stops.len(),
                parcels: r
                    .stops
                    .iter()
                    .map(|&s| {
                        u64::from(c.rec.request.stops[c.built.stop_index[s]].stop.parcel_count)
                    })
                    .sum(),
                capacity: d.capacity,
                distance_km: plan_jobs::round(r.distance as f64 / 1000.0, 2),
                duration_minutes: plan_jobs::round(r.duration as f64 / 60.0, 1),
                start_time: plan_jobs::hhmm(r.departure),
                end_time: plan_jobs::hhmm(r.end_time),
            }
        })
        .collect()
}

/// Live feasibility and totals of `routes` (nothing written).
pub fn evaluate(
    ctx: &Context,
    account: &str,
    plan_id: &str,
    routes: &[DriverStops],
) -> Result<PlanEvaluation, EngineError> {
    let c = candidate(ctx, account, plan_id, routes)?;
    let routes = totals(&c);
    Ok(PlanEvaluation {
        feasible: c.verdict.is_ok(),
        problem: c.verdict.err(),
        distance_km: plan_jobs::round(routes.iter().map(|r| r.distance_km).sum(), 2),
        duration_minutes: plan_jobs::round(routes.iter().map(|r| r.duration_minutes).sum(), 1),
        routes,
    })
}

/// Applies `routes` exactly: each driver's job is rewritten in that order (a driver left without
/// stops has their job cancelled), the plan record follows. Refused, with the broken rule, when
/// the assignment is infeasible; nothing is written then.
pub fn assign(
    ctx: &Context,
    account: &str,
    plan_id: &str,
    routes: &[DriverStops],
) -> Result<PlanView, EngineError> {
    let _guard = lock(ctx, account, plan_id)?;
    let c = candidate(ctx, account, plan_id, routes)?;
    if let Err(why) = &c.verdict {
        return Err(EngineError::invalid_field(
            "routes",
            "infeasible",
            why.clone(),
        ));
    }
    let p = &c.built.problem;
    let mut jobs = Vec::new();
    let mut used = HashSet::new();
    for r in &c.plan.routes {
        let driver = &c.rec.drivers[r.vehicle];
        let dr = DriverRoute {
            driver,
            route: r,
            stops: r.stops.iter().map(|&s| c.built.stop_index[s]).collect(),
        };
        let job = plan_jobs::store(
            ctx,
            account,
            &c.rec.request,
            &dr,
            p,
            &c.rec.points,
            &c.rec.geocodes,
            c.rec.depot,
            &c.settings,
            c.built.source,
        )?;
        used.insert(job.job_id.clone());
        jobs.push(PlanJob {
            job_id: job.job_id.clone(),
            external_job_id: job.external_job_id.clone(),
            driver: driver.email.clone(),
            driver_name: driver.name.clone(),
            stops: dr
                .stops
                .iter()
                .map(|&i| c.rec.request.stops[i].stop.external_stop_id.clone())
                .collect(),
            stop_count: dr.stops.len(),
            parcels: dr
                .stops
                .iter()
                .map(|&i| u64::from(c.rec.request.stops[i].stop.parcel_count))
                .sum(),
            capacity: driver.capacity,
            distance_km: plan_jobs::round(r.distance as f64 / 1000.0, 2),
            duration_minutes: plan_jobs::round(r.duration as f64 / 60.0, 1),
            start_time: plan_jobs::hhmm(r.departure),
            end_time: plan_jobs::hhmm(r.end_time),
        });
    }
    for old in &c.rec.view.jobs {
        if !used.contains(&old.job_id) {
            plan_jobs::cancel(ctx, account, &old.job_id)?;
        }
    }
    let mut rec = c.rec.clone();
    rec.view.unassigned = unassigned_of(&rec.request, &rec.points, &c.built, &c.plan, &[]);
    for u in &mut rec.view.unassigned {
        if u.code == ReasonCode::NoVehicle.as_str() {
            u.code = "LEFT_OUT_BY_DISPATCHER".into();
            u.message = "The dispatcher left it out of every route.".into();
        }
    }
    rec.view.totals = super::totals_of(
        &jobs,
        rec.drivers.len(),
        rec.request.stops.len(),
        rec.view.unassigned.len(),
    );
    rec.view.jobs = jobs;
    rec.view.updated_at = ctx.now();
    rec.view.revision += 1;
    record::put(ctx.store(), &rec)?;
    Ok(rec.view)
}

/// Plans the day again with these stops locked to these drivers (the locks stay in the plan's
/// request, so a later re-plan keeps them); an empty list clears every lock.
pub fn replan(
    ctx: &Context,
    account: &str,
    plan_id: &str,
    locks: &[StopLock],
) -> Result<PlanOutcome, EngineError> {
    let rec = record::find(ctx.store(), account, plan_id)?;
    let mut req = rec.request.clone();
    req.drivers = Some(rec.drivers.clone());
    for s in &mut req.stops {
        s.driver_email = locks
            .iter()
            .find(|l| l.external_stop_id == s.stop.external_stop_id)
            .map(|l| l.driver.clone());
    }
    for (k, l) in locks.iter().enumerate() {
        if !rec.drivers.iter().any(|d| d.email == l.driver) {
            return Err(EngineError::invalid_field(
                &format!("locks.{k}.driver"),
                "invalid_value",
                format!("{} is not a driver of this plan", l.driver),
            ));
        }
    }
    super::plan_day(ctx, account, req)
}

/// Serialises edits of one plan with its re-plans.
fn lock(
    ctx: &Context,
    account: &str,
    plan_id: &str,
) -> Result<std::sync::MutexGuard<'static, ()>, EngineError> {
    let rec = record::find(ctx.store(), account, plan_id)?;
    Ok(super::plan_lock(account, &rec.external_plan_id))
}
