//! Plan the day: the fleet in Settings, planning the sample day, the latest plan, and a
//! dispatcher's changes (live feasibility of a move, applying it, re-planning around locks).

use super::{blocking, UiError};
use crate::state::Desktop;
use routemate_core::dayplan::Fleet;
use routemate_engine::plan::edit::{DriverStops, PlanEvaluation, StopLock};
use routemate_engine::plan::record::PlanView;
use routemate_engine::DEFAULT_ACCOUNT as ACCOUNT;
use tauri::State;

/// The bundled sample day: 60 Brisbane stops, no drivers (planned across the saved fleet).
const SAMPLE_DAY: &[u8] = include_bytes!("../../../assets/sample-day.csv");
/// The bundled sample fleet: four drivers, offered when none is saved.
const SAMPLE_FLEET: &str = include_str!("../../../assets/sample-fleet.json");

#[tauri::command]
pub async fn get_fleet(state: State<'_, Desktop>) -> Result<Fleet, UiError> {
    blocking(&state, move |api| api.fleet()).await
}

/// Saves the fleet; a bad field saves nothing and is named.
#[tauri::command]
pub async fn set_fleet(state: State<'_, Desktop>, fleet: Fleet) -> Result<Fleet, UiError> {
    blocking(&state, move |api| api.set_fleet(&fleet)).await
}

/// Plans the bundled sample day across the saved fleet (the sample fleet when none is saved).
#[tauri::command]
pub async fn plan_sample_day(state: State<'_, Desktop>) -> Result<PlanView, UiError> {
    blocking(&state, move |api| {
        if api.fleet()?.drivers.is_empty() {
            let value = serde_json::from_str(SAMPLE_FLEET).unwrap_or_default();
            let fleet = routemate_core::dayplan::validate::parse_fleet(&value)
                .map_err(routemate_engine::EngineError::Invalid)?;
            api.set_fleet(&fleet)?;
        }
        Ok(api.import_file_bytes(ACCOUNT, "sample-day.csv", SAMPLE_DAY))
    })
    .await?
    .map_err(|e| UiError::new(e.code(), e.to_string()))?
    .plans
    .pop()
    .map(|o| o.plan)
    .ok_or_else(|| UiError::new("not_planned", "the sample day was not planned"))
}

/// The most recently changed plan, if any.
#[tauri::command]
pub async fn latest_plan(state: State<'_, Desktop>) -> Result<Option<PlanView>, UiError> {
    blocking(&state, move |api| api.latest_plan(ACCOUNT)).await
}

/// Live feasibility and totals of a candidate assignment (nothing written).
#[tauri::command]
pub async fn evaluate_plan(
    state: State<'_, Desktop>,
    plan_id: String,
    routes: Vec<DriverStops>,
) -> Result<PlanEvaluation, UiError> {
    blocking(&state, move |api| {
        api.evaluate_plan(ACCOUNT, &plan_id, &routes)
    })
    .await
}

/// Applies an assignment exactly; refused with the broken rule when infeasible.
#[tauri::command]
pub async fn assign_plan(
    state: State<'_, Desktop>,
    plan_id: String,
    routes: Vec<DriverStops>,
) -> Result<PlanView, UiError> {
    blocking(&state, move |api| {
        api.assign_plan(ACCOUNT, &plan_id, &routes)
    })
    .await
}

/// Plans the day again with these stops locked to these drivers.
#[tauri::command]
pub async fn replan_day(
    state: State<'_, Desktop>,
    plan_id: String,
    locks: Vec<StopLock>,
) -> Result<PlanView, UiError> {
    blocking(&state, move |api| api.replan(ACCOUNT, &plan_id, &locks))
        .await
        .map(|o| o.plan)
}
