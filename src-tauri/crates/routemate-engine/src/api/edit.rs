//! Dispatcher edits to a planned job: reorder stops (totals follow), lock and unlock, move a pin
//! (a learned correction, then a re-plan), re-optimize around the locks reporting what changed,
//! restore an earlier placement (undo), and the geocode triage list across jobs.
//!
//! Every edit goes through `jobs::write::edit`: under the job's lock, re-reading the job first, so
//! an edit and a concurrent re-import never overwrite each other. Pins (`geocode.source == "pin"`)
//! and locks are what the import pipeline keeps on a re-import, so manual work survives it.
//!
//! A pin is also taught to the geocoder for the job's account (`Geocoder::learn`), which keeps the
//! one store of learned pins; these edit calls are its only writer.

use super::Api;
use crate::context::Context;
use crate::error::EngineError;
use crate::import::plan::{plan, PlanMode};
use crate::jobs::write::{self, Change};
use crate::jobs::{JobQuery, JobRecord, JobRef, JobView};
use crate::settings::Settings;
use routemate_core::geo::LatLng;
use routemate_core::geocode::{GeocodeCandidate, GeocodeLevel};
use routemate_core::model::{warning_codes as codes, GeocodeInfo};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a re-optimization changed, for the dispatcher to judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReoptimizeOutcome {
    pub job: JobView,
    pub before_km: f64,
    pub after_km: f64,
    /// Positive when the new route is shorter.
    pub saved_km: f64,
    pub before_minutes: f64,
    pub after_minutes: f64,
    pub saved_minutes: f64,
    /// Stops whose sequence changed.
    pub stops_moved: Vec<String>,
}

/// One stop's placement as the dispatcher left it: what undo restores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StopPlacement {
    pub external_stop_id: String,
    pub sequence: Option<u32>,
    pub locked: bool,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub geocode: GeocodeInfo,
}

/// A stop that needs the dispatcher's eye: unplaced, ambiguous or approximate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TriageItem {
    pub job_id: String,
    pub external_job_id: String,
    pub job_title: String,
    pub external_stop_id: String,
    pub label: Option<String>,
    pub address: Option<String>,
    /// "unplaced", "ambiguous" or "approximate".
    pub problem: String,
    pub level: GeocodeLevel,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Places the geocoder considers plausible, best first (empty when it knows none).
    pub candidates: Vec<GeocodeCandidate>,
}

impl Api {
    /// Moves `external_stop_id` to route `position` (1-based) and re-plans keeping the
    /// dispatcher's order; totals, legs and ETAs follow.
    pub fn move_stop_to(
        &self,
        account: &str,
        job_id: &str,
        external_stop_id: &str,
        position: u32,
    ) -> Result<JobView, EngineError> {
        self.edit_job(account, job_id, |job, settings| {
            let mut order: Vec<String> = placed_order(job);
            let from = order
                .iter()
                .position(|id| id == external_stop_id)
                .ok_or_else(|| {
                    stop_error(
                        job,
                        external_stop_id,
                        "is not on the route (place it first)",
                    )
                })?;
            if position == 0 || position as usize > order.len() {
                return Err(EngineError::invalid_field(
                    "position",
                    "out_of_range",
                    format!("must be between 1 and {}", order.len()),
                ));
            }
            let id = order.remove(from);
            order.insert(position as usize - 1, id);
            apply_order(job, &order);
            replan(job, settings, self.context(), PlanMode::KeepOrder);
            Ok(())
        })
        .map(|j| j.view())
    }

    /// Locks a stop at its position (re-optimization and re-import keep it) or unlocks it.
    pub fn set_stop_locked(
        &self,
        account: &str,
        job_id: &str,
        external_stop_id: &str,
        locked: bool,
    ) -> Result<JobView, EngineError> {
        self.edit_job(account, job_id, |job, _| {
            let stop = find_stop(job, external_stop_id)?;
            if locked && stop.sequence.is_none() {
                return Err(stop_error(
                    job,
                    external_stop_id,
                    "is not on the route, so it cannot be locked",
                ));
            }
            stop.locked = locked;
            Ok(())
        })
        .map(|j| j.view())
    }

    /// Pins a stop at `lat`/`lng` (the dispatcher's geocode fix): remembered per address as a
    /// learned correction, its geocode warnings cleared, and the route re-planned in the current
    /// order (a newly placed stop joins at the end).
    pub fn move_stop_pin(
        &self,
        account: &str,
        job_id: &str,
        external_stop_id: &str,
        lat: f64,
        lng: f64,
    ) -> Result<JobView, EngineError> {
        if !LatLng::new(lat, lng).is_valid() {
            return Err(EngineError::invalid_field(
                "lat",
                "invalid_coordinates",
                "lat must be within ±90 and lng within ±180",
            ));
        }
        let job = self.edit_job(account, job_id, |job, settings| {
            let stop = find_stop(job, external_stop_id)?;
            stop.lat = Some(lat);
            stop.lng = Some(lng);
            stop.geocode = pin_info();
            job.warnings.retain(|w| {
                w.external_stop_id.as_deref() != Some(external_stop_id)
                    || !is_geocode_warning(&w.code)
            });
            replan(job, settings, self.context(), PlanMode::KeepOrder);
            Ok(())
        })?;
        // Teach the geocoder, so this account's next job with this address is placed at the pin.
        let pinned = job
            .stops
            .iter()
            .find(|s| s.external_stop_id == external_stop_id);
        if let Some(address) = pinned
            .and_then(|s| s.address.as_deref())
            .filter(|a| !a.trim().is_empty())
        {
            self.geocoder()
                .learn(account, address, LatLng::new(lat, lng));
        }
        Ok(job.view())
    }

    /// Re-optimizes the route around the locked stops and says what changed.
    pub fn reoptimize(
        &self,
        account: &str,
        job_id: &str,
    ) -> Result<ReoptimizeOutcome, EngineError> {
        let before = self.job(account, &JobRef::Id(job_id.to_string()))?;
        let job = self.edit_job(account, job_id, |job, settings| {
            replan(
                job,
                settings,
                self.context(),
                PlanMode::Optimize { time_limit: None },
            );
            Ok(())
        })?;
        let old: HashMap<&str, Option<u32>> = before
            .stops
            .iter()
            .map(|s| (s.external_stop_id.as_str(), s.sequence))
            .collect();
        let stops_moved = job
            .stops
            .iter()
            .filter(|s| {
                old.get(s.external_stop_id.as_str())
                    .is_some_and(|&q| q != s.sequence)
            })
            .map(|s| s.external_stop_id.clone())
            .collect();
        let (b, a) = (&before.optimization, &job.optimization);
        Ok(ReoptimizeOutcome {
            before_km: b.total_distance_km,
            after_km: a.total_distance_km,
            saved_km: round2(b.total_distance_km - a.total_distance_km),
            before_minutes: b.total_duration_minutes,
            after_minutes: a.total_duration_minutes,
            saved_minutes: round2(b.total_duration_minutes - a.total_duration_minutes),
            stops_moved,
            job: job.view(),
        })
    }

    /// Puts stops back where `placements` say (undo/redo of edits), then re-plans in that order.
    /// Stops not named keep their state; unknown stop ids are an error and change nothing.
    pub fn restore_stops(
        &self,
        account: &str,
        job_id: &str,
        placements: &[StopPlacement],
    ) -> Result<JobView, EngineError> {
        let mut forgotten = Vec::new();
        let view = self.edit_job(account, job_id, |job, settings| {
            for p in placements {
                find_stop(job, &p.external_stop_id)?;
            }
            for p in placements {
                let stop = find_stop(job, &p.external_stop_id)?;
                // Undoing a pin also forgets the correction it taught.
                if stop.geocode.source == "pin" && p.geocode.source != "pin" {
                    if let Some(a) = &stop.address {
                        forgotten.push(a.clone());
                    }
                }
                stop.sequence = p.sequence;
                stop.locked = p.locked;
                stop.lat = p.lat;
                stop.lng = p.lng;
                stop.geocode = p.geocode.clone();
            }
            replan(job, settings, self.context(), PlanMode::KeepOrder);
            Ok(())
        })?;
        for address in &forgotten {
            self.geocoder().forget(account, address);
        }
        Ok(view.view())
    }

    /// Every unplaced, ambiguous or approximate stop across `account`'s jobs (pinned stops are
    /// settled), with the geocoder's candidates for each.
    pub fn triage(&self, account: &str) -> Result<Vec<TriageItem>, EngineError> {
        let geocoder = self.geocoder();
        let mut items = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.list_jobs(
                account,
                &JobQuery {
                    limit: Some(500),
                    cursor,
                    ..Default::default()
                },
            )?;
            for summary in &page.jobs {
                let job = self.job(account, &JobRef::Id(summary.job_id.clone()))?;
                for stop in &job.stops {
                    if stop.geocode.source == "pin" {
                        continue;
                    }
                    let ambiguous = job.warnings.iter().any(|w| {
                        w.code == codes::GEOCODE_AMBIGUOUS
                            && w.external_stop_id.as_deref() == Some(&stop.external_stop_id)
                    });
                    let problem = if stop.sequence.is_none() {
                        "unplaced"
                    } else if ambiguous {
                        "ambiguous"
                    } else if stop.geocode.level.is_approximate() {
                        "approximate"
                    } else {
                        continue;
                    };
                    let candidates = match stop.address.as_deref() {
                        Some(a) if !a.trim().is_empty() => geocoder.geocode(account, a).candidates,
                        _ => Vec::new(),
                    };
                    items.push(TriageItem {
                        job_id: job.job_id.clone(),
                        external_job_id: job.external_job_id.clone(),
                        job_title: job.title.clone(),
                        external_stop_id: stop.external_stop_id.clone(),
                        label: stop.label.clone(),
                        address: stop.address.clone(),
                        problem: problem.to_string(),
                        level: stop.geocode.level,
                        lat: stop.lat,
                        lng: stop.lng,
                        candidates,
                    });
                }
            }
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        Ok(items)
    }

    /// Applies `edit` to the job through the one write path (lock, re-read, new revision).
    fn edit_job(
        &self,
        account: &str,
        job_id: &str,
        mut edit: impl FnMut(&mut JobRecord, &Settings) -> Result<(), EngineError>,
    ) -> Result<JobRecord, EngineError> {
        write::edit(
            self.context(),
            account,
            job_id,
            Change::Updated,
            write::Origin::Local,
            |job, settings| edit(job, settings).map(|()| true),
        )
    }
}

fn placed_order(job: &JobRecord) -> Vec<String> {
    let mut placed: Vec<_> = job.stops.iter().filter(|s| s.sequence.is_some()).collect();
    placed.sort_by_key(|s| s.sequence);
    placed.iter().map(|s| s.external_stop_id.clone()).collect()
}

fn apply_order(job: &mut JobRecord, order: &[String]) {
    let index: HashMap<&str, u32> = order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as u32 + 1))
        .collect();
    for s in &mut job.stops {
        if let Some(&q) = index.get(s.external_stop_id.as_str()) {
            s.sequence = Some(q);
        }
    }
}

fn replan(job: &mut JobRecord, settings: &Settings, ctx: &Context, mode: PlanMode) {
    let stops = std::mem::take(&mut job.stops);
    let costs = ctx.travel_costs(settings);
    let planned = plan(
        stops,
        job.depot,
        job.return_to_depot,
        settings,
        costs.as_ref(),
        mode,
    );
    job.stops = planned.stops;
    job.optimization = planned.optimization;
    // Planning warnings are recomputed: the old ones go.
    job.warnings
        .retain(|w| w.code != codes::TIME_WINDOW_MISSED && w.code != codes::STOP_OFF_ROAD_NETWORK);
    job.warnings.extend(planned.warnings);
}

fn find_stop<'a>(
    job: &'a mut JobRecord,
    id: &str,
) -> Result<&'a mut routemate_core::model::Stop, EngineError> {
    let job_id = job.job_id.clone();
    job.stops
        .iter_mut()
        .find(|s| s.external_stop_id == id)
        .ok_or_else(|| EngineError::not_found(format!("stop {id} in job {job_id}")))
}

fn stop_error(job: &JobRecord, id: &str, why: &str) -> EngineError {
    EngineError::invalid_field(
        "external_stop_id",
        "stop_not_routed",
        format!("stop {id} in job {} {why}", job.job_id),
    )
}

fn pin_info() -> GeocodeInfo {
    GeocodeInfo {
        source: "pin".into(),
        level: GeocodeLevel::Exact,
        confidence: 1.0,
        matched: Some("placed by the dispatcher".into()),
    }
}

fn is_geocode_warning(code: &str) -> bool {
    matches!(
        code,
        codes::GEOCODE_FAILED | codes::GEOCODE_APPROXIMATE | codes::GEOCODE_AMBIGUOUS
    )
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
