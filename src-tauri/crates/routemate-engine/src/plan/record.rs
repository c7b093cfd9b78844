//! Day plans as stored and answered: the record in the `plans` tree (plan id → plan), the natural
//! key in `plan_keys` (account + external_plan_id → plan id and payload fingerprint), and the
//! wire view of `POST`/`GET /v1/integration-plans`.

use crate::error::EngineError;
use crate::store::kv::transaction::ConflictableTransactionError;
use crate::store::kv::Transactional;
use crate::store::{decode, encode, key2, Store};
use chrono::{DateTime, Utc};
use routemate_core::dayplan::{FleetDriver, PlanRequest};
use routemate_core::geo::LatLng;
use serde::{Deserialize, Serialize};

/// A plan with its jobs and the stops left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub plan_id: String,
    pub account: String,
    pub external_plan_id: String,
    /// SHA-256 of the canonical request: the same request again changes nothing.
    pub fingerprint: String,
    pub request: PlanRequest,
    /// The drivers planned over (the request's, or the fleet saved when it was planned).
    pub drivers: Vec<FleetDriver>,
    pub depot: Option<LatLng>,
    /// Where each request stop was placed (`None`: not placed), in request order.
    pub points: Vec<Option<LatLng>>,
    /// How each request stop was placed, in request order.
    #[serde(default)]
    pub geocodes: Vec<routemate_core::model::GeocodeInfo>,
    pub view: PlanView,
}

/// The plan as answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanView {
    pub plan_id: String,
    pub external_plan_id: String,
    pub title: String,
    pub date: Option<String>,
    pub depot: Option<LatLng>,
    /// One ordinary job per driver with at least one stop, in the order of the drivers.
    pub jobs: Vec<PlanJob>,
    /// Every stop left out, with why.
    pub unassigned: Vec<PlanUnassigned>,
    pub totals: PlanTotals,
    /// "road" (the imported road pack covers every place) or "straight_line_estimate".
    pub distance_source: String,
    pub elapsed_ms: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change.
    pub revision: u64,
}

/// One driver's job in a plan, with its totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanJob {
    pub job_id: String,
    pub external_job_id: String,
    pub driver: String,
    pub driver_name: Option<String>,
    /// The stops' `external_stop_id`s in route order.
    pub stops: Vec<String>,
    pub stop_count: usize,
    pub parcels: u64,
    /// The van's parcel capacity (`None`: no limit).
    pub capacity: Option<u32>,
    pub distance_km: f64,
    pub duration_minutes: f64,
    /// Leaves the start, `HH:MM`.
    pub start_time: String,
    /// Back at the end (or done at the last stop), `HH:MM`.
    pub end_time: String,
}

/// A stop the plan leaves out, and why (see the README's "Plan the day" for every code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanUnassigned {
    pub external_stop_id: String,
    /// `DEMAND_EXCEEDS_CAPACITY`, `WINDOW_UNREACHABLE`, `NO_VEHICLE`, `CAPACITY_EXHAUSTED`,
    /// `SHIFT_TIME_EXHAUSTED`, `MAX_STOPS_REACHED`, `LOCKED_VEHICLE_INFEASIBLE`,
    /// `GEOCODE_FAILED`.
    pub code: String,
    pub message: String,
    /// Where it is (absent when it could not be placed).
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

/// Totals of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanTotals {
    pub drivers: usize,
    pub drivers_used: usize,
    pub stops: usize,
    pub planned_stops: usize,
    pub unassigned_stops: usize,
    pub parcels: u64,
    pub distance_km: f64,
    pub duration_minutes: f64,
}

/// Just the revision of a stored plan.
#[derive(Deserialize)]
struct StoredRevision {
    view: RevisionOnly,
}

#[derive(Deserialize)]
struct RevisionOnly {
    revision: u64,
}

/// `plan_keys` value.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PlanKey {
    plan_id: String,
    fingerprint: String,
}

fn trees(store: &Store) -> Result<(crate::store::kv::Tree, crate::store::kv::Tree), EngineError> {
    Ok((store.tree("plans")?, store.tree("plan_keys")?))
}

/// The account's plan with this external id.
pub fn by_external(
    store: &Store,
    account: &str,
    external_plan_id: &str,
) -> Result<Option<PlanRecord>, EngineError> {
    let (plans, keys) = trees(store)?;
    let Some(k) = keys.get(key2(account, external_plan_id))? else {
        return Ok(None);
    };
    let key: PlanKey = decode(&k)?;
    match plans.get(key.plan_id.as_bytes())? {
        Some(v) => Ok(Some(decode(&v)?)),
        None => Ok(None),
    }
}

/// The account's plan `plan_id`; another account's plan is not found.
pub fn find(store: &Store, account: &str, plan_id: &str) -> Result<PlanRecord, EngineError> {
    let (plans, _) = trees(store)?;
    match plans.get(plan_id.as_bytes())? {
        Some(v) => {
            let r: PlanRecord = decode(&v)?;
            if r.account == account {
                return Ok(r);
            }
            Err(EngineError::not_found(format!("plan {plan_id}")))
        }
        None => Err(EngineError::not_found(format!("plan {plan_id}"))),
    }
}

/// Stores the plan and its natural key in one transaction (with, for a new plan, its
/// `plan.created` webhook event and outbox entries), then flushes.
pub fn put(store: &Store, record: &PlanRecord) -> Result<(), EngineError> {
    let (plans, keys) = trees(store)?;
    let value = encode(record);
    let key = key2(&record.account, &record.external_plan_id);
    let key_value = encode(&PlanKey {
        plan_id: record.plan_id.clone(),
        fingerprint: record.fingerprint.clone(),
    });
    // Still what this plan was built on: another process (several servers on PostgreSQL) that
    // planned or edited the same plan meanwhile makes this refuse with `Conflict`.
    let raced = || ConflictableTransactionError::Abort(EngineError::Conflict);
    let unreadable = |e: EngineError| ConflictableTransactionError::Abort(e);
    let before = record.view.revision.checked_sub(1).filter(|r| *r > 0);
    let hooks = crate::webhooks::store::prepare(store, &record.account, record.view.created_at)?;
    // Revision 1 is a new plan.
    let drafts = match record.view.revision {
        1 => vec![crate::webhooks::draft::plan_created(record)],
        _ => Vec::new(),
    };
    let outbox = crate::outbox::Outbox::open(store)?;
    let h = &hooks.trees;
    let all = (
        &plans,
        &keys,
        &h.unnumbered,
        &h.counters,
        &outbox.entries,
        &outbox.keys,
    );
    all.transaction(|(tp, tk, tu, tc, toe, tok)| {
        let owner = match tk.get(key.as_slice())? {
            Some(v) => Some(decode::<PlanKey>(&v).map_err(unreadable)?.plan_id),
            None => None,
        };
        if owner.as_ref().is_some_and(|id| *id != record.plan_id) {
            return Err(raced());
        }
        let stored = match tp.get(record.plan_id.as_bytes())? {
            Some(v) => Some(
                decode::<StoredRevision>(&v)
                    .map_err(unreadable)?
                    .view
                    .revision,
            ),
            None => None,
        };
        if stored != before {
            return Err(raced());
        }
        tp.insert(record.plan_id.as_bytes(), value.as_slice())?;
        tk.insert(key.as_slice(), key_value.as_slice())?;
        crate::webhooks::store::record(&hooks, (tu, tc), (toe, tok), &record.plan_id, &drafts)?;
        Ok::<_, ConflictableTransactionError<EngineError>>(())
    })?;
    store.flush()
}

/// The account's most recently changed plan (the desktop opens it).
pub fn latest(store: &Store, account: &str) -> Result<Option<PlanView>, EngineError> {
    let (plans, _) = trees(store)?;
    let mut best: Option<PlanView> = None;
    for item in plans.iter() {
        let (_, v) = item?;
        let r: PlanRecord = decode(&v)?;
        if r.account == account
            && best
                .as_ref()
                .is_none_or(|b| r.view.updated_at >= b.updated_at)
        {
            best = Some(r.view);
        }
    }
    Ok(best)
}
