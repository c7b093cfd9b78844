//! The facade's day-planning calls: plan a day, read a plan, the fleet in Settings.

use super::Api;
use crate::error::EngineError;
use crate::events::EngineEvent;
use crate::plan::edit::{self, DriverStops, PlanEvaluation, StopLock};
use crate::plan::{self, record, PlanOutcome};
use routemate_core::dayplan::validate::parse_plan;
use routemate_core::dayplan::{Fleet, PlanRequest};

impl Api {
    /// Plans a validated day across its drivers (or the saved fleet): one job per driver.
    pub fn plan_day(&self, account: &str, req: PlanRequest) -> Result<PlanOutcome, EngineError> {
        let ctx = self.context();
        ctx.store().guard(0, || plan::plan_day(ctx, account, req))
    }

    /// Validates an untyped plan body (every bad field named), then plans it.
    pub fn plan_day_value(
        &self,
        account: &str,
        body: &serde_json::Value,
    ) -> Result<PlanOutcome, EngineError> {
        let req = parse_plan(body).map_err(EngineError::Invalid)?;
        self.plan_day(account, req)
    }

    /// The account's plan `plan_id` (another account's is not found).
    pub fn plan(&self, account: &str, plan_id: &str) -> Result<record::PlanView, EngineError> {
        Ok(record::find(self.context().store(), account, plan_id)?.view)
    }

    /// The fleet saved in Settings (empty when none).
    pub fn fleet(&self) -> Result<Fleet, EngineError> {
        plan::fleet::load(self.context().store())
    }

    /// Validates and saves the fleet (every bad field named, nothing saved on a problem).
    pub fn set_fleet(&self, fleet: &Fleet) -> Result<Fleet, EngineError> {
        let saved = plan::fleet::save(self.context().store(), fleet)?;
        self.context().emit(EngineEvent::SettingsChanged);
        Ok(saved)
    }

    /// The account's most recently changed plan, if any.
    pub fn latest_plan(&self, account: &str) -> Result<Option<record::PlanView>, EngineError> {
        record::latest(self.context().store(), account)
    }

    /// Live feasibility and totals of a candidate assignment of the plan's stops (nothing
    /// written).
    pub fn evaluate_plan(
        &self,
        account: &str,
        plan_id: &str,
        routes: &[DriverStops],
    ) -> Result<PlanEvaluation, EngineError> {
        edit::evaluate(self.context(), account, plan_id, routes)
    }

    /// Applies a dispatcher's assignment exactly (refused with the broken rule when infeasible).
    pub fn assign_plan(
        &self,
        account: &str,
        plan_id: &str,
        routes: &[DriverStops],
    ) -> Result<record::PlanView, EngineError> {
        let ctx = self.context();
        ctx.store()
            .guard(0, || edit::assign(ctx, account, plan_id, routes))
    }

    /// Plans the day again around stops locked to drivers.
    pub fn replan(
        &self,
        account: &str,
        plan_id: &str,
        locks: &[StopLock],
    ) -> Result<PlanOutcome, EngineError> {
        let ctx = self.context();
        ctx.store()
            .guard(0, || edit::replan(ctx, account, plan_id, locks))
    }
}
