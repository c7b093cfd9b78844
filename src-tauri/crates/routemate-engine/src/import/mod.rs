//! The import pipeline: validate → geocode → matrix → optimize → assign driver → store → respond.
//!
//! Idempotent on (account, external_job_id): the same payload again returns the stored job and
//! writes nothing; a changed payload updates the job in place (same `job_id`), keeping stop
//! statuses, locks and pinned positions by `external_stop_id`, and warns what changed. Imports of
//! the same key are serialised, so concurrent identical imports produce one job.

pub(crate) mod place;
pub mod plan;

use crate::context::Context;
use crate::error::EngineError;
use crate::jobs::write::{self, Change, ImportRecords, Origin};
use crate::jobs::{self, ImportKey, JobRecord, JobView};
use crate::settings::Settings;
use crate::store::{decode, encode, key2};
use place::Placer;
use plan::{plan, PlanMode};
use routemate_core::geo::LatLng;
use routemate_core::model::{warning_codes as codes, ImportRequest, Stop, StopStatus, Warning};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportOutcome {
    /// A new job was created (HTTP 201).
    pub created: bool,
    /// Something was written (new job or changed payload).
    pub changed: bool,
    pub job: JobView,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DriverRecord {
    pub driver_id: String,
    pub email: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// SHA-256 of the canonical (typed, re-serialized) payload.
pub(crate) fn fingerprint(req: &ImportRequest) -> String {
    hex::encode(Sha256::digest(encode(req)))
}

pub(crate) fn import(
    ctx: &Context,
    account: &str,
    req: ImportRequest,
    origin: Origin,
) -> Result<ImportOutcome, EngineError> {
    // Another server that imported the same job meanwhile makes the write refuse: start over,
    // and find its job this time (one job, whichever server got there first).
    let mut tries = 0;
    loop {
        match import_once(ctx, account, req.clone(), origin) {
            Err(EngineError::Conflict) if tries < write::RACE_TRIES => tries += 1,
            done => return done,
        }
    }
}

fn import_once(
    ctx: &Context,
    account: &str,
    req: ImportRequest,
    origin: Origin,
) -> Result<ImportOutcome, EngineError> {
    let store = ctx.store();
    let fp = fingerprint(&req);
    let ikey = key2(account, &req.external_job_id);
    let _guard = write::lock(ctx, account, &req.external_job_id);

    let expected = store.imports.get(&ikey)?;
    let existing = match &expected {
        Some(v) => jobs::load(store, &decode::<ImportKey>(v)?.job_id)?,
        None => None,
    };
    if let Some(job) = &existing {
        if job.fingerprint == fp {
            tracing::debug!(job_id = %job.job_id, "import unchanged");
            return Ok(ImportOutcome {
                created: false,
                changed: false,
                job: job.view(),
            });
        }
    }

    let settings = Settings::load(store)?;
    let geocoder = ctx.geocoder();
    let mut placer = Placer::new(geocoder.as_ref(), account);
    let mut warnings = Vec::new();
    let depot = resolve_depot(&req, &settings, &mut placer, &mut warnings);
    let previous: HashMap<&str, &Stop> = existing
        .iter()
        .flat_map(|j| j.stops.iter())
        .map(|s| (s.external_stop_id.as_str(), s))
        .collect();

    // `"optimize": false` (a synced copy of a dispatcher's route): the given order is kept.
    let keep_order = req.optimize == Some(false);
    let mut stops = Vec::with_capacity(req.stops.len());
    for input in &req.stops {
        let id = input.external_stop_id.as_str();
        let old = previous.get(id).copied();
        let given = input
            .lat
            .zip(input.lng)
            .map(|(lat, lng)| LatLng::new(lat, lng));
        // A dispatcher's pin on an unchanged address survives a re-import.
        let pinned = old.filter(|o| o.geocode.source == "pin" && o.address == input.address);
        let (point, geocode) = match pinned {
            Some(o) if given.is_none() => (
                o.lat.zip(o.lng).map(|(a, b)| LatLng::new(a, b)),
                o.geocode.clone(),
            ),
            _ => placer.place(id, input.address.as_deref(), given, &mut warnings),
        };
        stops.push(Stop {
            external_stop_id: id.to_string(),
            sequence: if keep_order {
                input.sequence
            } else {
                old.filter(|o| o.locked).and_then(|o| o.sequence)
            },
            address: input.address.clone(),
            label: input.label.clone(),
            parcel_count: input.parcel_count,
            lat: point.map(|p| p.lat),
            lng: point.map(|p| p.lng),
            geocode,
            status: old.map_or(StopStatus::Pending, |o| o.status),
            status_note: old.and_then(|o| o.status_note.clone()),
            leg_distance_km: None,
            leg_duration_minutes: None,
            eta: None,
            notes: input.notes.clone(),
            phone: input.phone.clone(),
            service_minutes: input.service_minutes.unwrap_or(settings.service_minutes),
            time_window: input.time_window.clone(),
            locked: old.is_some_and(|o| o.locked),
        });
    }
    if let Some(old) = &existing {
        diff_warnings(old, &req, &mut warnings);
    }
    let return_to_depot = req.return_to_depot.unwrap_or(true);
    let costs = ctx.travel_costs(&settings);
    let planned = plan(
        stops,
        depot,
        return_to_depot,
        &settings,
        costs.as_ref(),
        if keep_order {
            PlanMode::KeepOrder
        } else {
            PlanMode::Optimize { time_limit: None }
        },
    );
    warnings.extend(planned.warnings);

    let now = ctx.now();
    let driver_email = req.driver_email.as_ref().map(|e| e.to_lowercase());
    if driver_email.is_none() {
        warnings.push(Warning::job(
            codes::NO_DRIVER,
            "no driver_email given: the job is unassigned",
        ));
    }
    let job_id = existing
        .as_ref()
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), |j| j.job_id.clone());
    let driver_key = driver_email.as_ref().map(|e| key2(account, e));
    let known_driver: Option<DriverRecord> = match &driver_key {
        Some(k) => store.drivers.get(k)?.map(|v| decode(&v)).transpose()?,
        None => None,
    };
    let driver_id = driver_email.as_ref().map(|_| {
        known_driver
            .as_ref()
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), |d| d.driver_id.clone())
    });
    let mut record = JobRecord {
        job_id: job_id.clone(),
        account: account.to_string(),
        external_job_id: req.external_job_id.clone(),
        title: req
            .title
            .clone()
            .unwrap_or_else(|| req.external_job_id.clone()),
        driver_email: driver_email.clone(),
        driver_id: driver_id.clone(),
        fingerprint: fp.clone(),
        depot,
        return_to_depot,
        date: req.date.clone(),
        cancelled: false,
        stops: planned.stops,
        optimization: planned.optimization,
        warnings: Vec::new(),
        created_at: existing.as_ref().map_or(now, |j| j.created_at),
        updated_at: now,
        revision: existing.as_ref().map_or(1, |j| j.revision + 1),
        request: req,
    };

    // One transaction: the driver (if new), the job, and the natural key with its fingerprint.
    let new_driver = match (&driver_key, &known_driver, &driver_email, &driver_id) {
        (Some(k), None, Some(email), Some(id)) => {
            warnings.push(Warning::job(
                codes::DRIVER_REGISTERED,
                format!("driver {email} was not known and has been registered"),
            ));
            let value = encode(&DriverRecord {
                driver_id: id.clone(),
                email: email.clone(),
                created_at: now,
            });
            Some((k.clone(), value))
        }
        _ => None,
    };
    record.warnings = warnings;
    let records = ImportRecords {
        key: ikey,
        key_value: encode(&ImportKey {
            job_id: job_id.clone(),
            fingerprint: fp,
        }),
        new_driver,
        expected,
    };
    let created = existing.is_none();
    let change = if created {
        Change::Created
    } else {
        Change::Updated
    };
    write::store(ctx, &record, Some(&records), change, origin)?;
    tracing::info!(%job_id, account, created, stops = record.stops.len(), "job imported");
    Ok(ImportOutcome {
        created,
        changed: true,
        job: record.view(),
    })
}

fn resolve_depot(
    req: &ImportRequest,
    settings: &Settings,
    placer: &mut Placer<'_>,
    warnings: &mut Vec<Warning>,
) -> Option<LatLng> {
    if let Some(d) = &req.depot {
        let given = d.lat.zip(d.lng).map(|(a, b)| LatLng::new(a, b));
        let (point, _) = placer.place("depot", d.address.as_deref(), given, warnings);
        for w in warnings
            .iter_mut()
            .filter(|w| w.external_stop_id.as_deref() == Some("depot"))
        {
            w.external_stop_id = None;
            w.message = format!("depot: {}", w.message);
        }
        if point.is_some() {
            return point;
        }
    }
    match &settings.depot {
        Some(d) => Some(LatLng::new(d.lat, d.lng)),
        None => {
            warnings.push(Warning::job(
                codes::DEPOT_MISSING,
                "no depot in the job or in settings: the route starts at its first stop",
            ));
            None
        }
    }
}

/// Warnings describing how a re-import differs from the stored job.
fn diff_warnings(old: &JobRecord, new: &ImportRequest, warnings: &mut Vec<Warning>) {
    let before: HashMap<&str, &routemate_core::model::StopInput> = old
        .request
        .stops
        .iter()
        .map(|s| (s.external_stop_id.as_str(), s))
        .collect();
    let mut added = 0;
    let mut changed = 0;
    for s in &new.stops {
        match before.get(s.external_stop_id.as_str()) {
            None => {
                added += 1;
                warnings.push(Warning::stop(
                    codes::STOP_ADDED,
                    &s.external_stop_id,
                    "new stop added by re-import",
                ));
            }
            Some(prev) if *prev != s => {
                changed += 1;
                warnings.push(Warning::stop(
                    codes::STOP_CHANGED,
                    &s.external_stop_id,
                    "stop details changed by re-import; its status is kept",
                ));
            }
            _ => {}
        }
    }
    let now: std::collections::HashSet<&str> = new
        .stops
        .iter()
        .map(|s| s.external_stop_id.as_str())
        .collect();
    let mut removed = 0;
    for s in &old.request.stops {
        if !now.contains(s.external_stop_id.as_str()) {
            removed += 1;
            warnings.push(Warning::stop(
                codes::STOP_REMOVED,
                &s.external_stop_id,
                "stop removed by re-import",
            ));
        }
    }
    warnings.insert(
        0,
        Warning::job(
            codes::JOB_UPDATED,
            format!(
                "job updated in place: {added} stop(s) added, {changed} changed, {removed} removed"
            ),
        ),
    );
}
