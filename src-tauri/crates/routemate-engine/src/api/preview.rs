//! Live totals while a dispatcher reorders stops: what a proposed order would cost, planned
//! exactly as applying it would plan it (`plan` in `KeepOrder` mode on
//! [`crate::Context::travel_costs`]: the road pack where it covers the job, else the estimate),
//! with nothing written. So the figure shown while dragging is the figure the drop produces.

use super::Api;
use crate::error::EngineError;
use crate::import::plan::{plan, PlanMode};
use crate::jobs::JobRef;
use serde::Serialize;
use std::collections::HashMap;

/// The totals of a proposed order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrderTotals {
    pub total_distance_km: f64,
    /// Driving plus service time.
    pub total_duration_minutes: f64,
    /// `road` or `straight_line_estimate`, as `optimization.distance_source`.
    pub distance_source: String,
    pub estimate: bool,
}

impl Api {
    /// The totals `job_id` would have with its routed stops in `order` (external stop ids,
    /// first to last). Errors: `not_found` for the job; `invalid_field` on `order` when it is
    /// not exactly the routed stops, each once (naming the stop).
    pub fn preview_order(
        &self,
        account: &str,
        job_id: &str,
        order: &[String],
    ) -> Result<OrderTotals, EngineError> {
        let job = self.job(account, &JobRef::Id(job_id.to_string()))?;
        let settings = self.settings()?;
        let position: HashMap<&str, u32> = order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i as u32 + 1))
            .collect();
        let routed: Vec<&str> = job
            .stops
            .iter()
            .filter(|s| s.sequence.is_some())
            .map(|s| s.external_stop_id.as_str())
            .collect();
        let bad = |why: String| EngineError::invalid_field("order", "invalid_order", why);
        if position.len() != order.len() {
            return Err(bad("a stop is named twice".into()));
        }
        if let Some(missing) = routed.iter().find(|id| !position.contains_key(**id)) {
            return Err(bad(format!("stop {missing} of the route is missing")));
        }
        if order.len() != routed.len() {
            let extra = order
                .iter()
                .find(|id| !routed.contains(&id.as_str()))
                .map_or("?", |s| s.as_str());
            return Err(bad(format!("stop {extra} is not on the route")));
        }
        let mut stops = job.stops;
        for s in &mut stops {
            if let Some(&q) = position.get(s.external_stop_id.as_str()) {
                s.sequence = Some(q);
            }
        }
        let costs = self.context().travel_costs(&settings);
        let planned = plan(
            stops,
            job.depot,
            job.return_to_depot,
            &settings,
            costs.as_ref(),
            PlanMode::KeepOrder,
        );
        let o = planned.optimization;
        Ok(OrderTotals {
            total_distance_km: o.total_distance_km,
            total_duration_minutes: o.total_duration_minutes,
            distance_source: o.distance_source,
            estimate: o.estimate,
        })
    }
}
