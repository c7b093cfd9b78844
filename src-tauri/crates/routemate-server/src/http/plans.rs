//! Day plan endpoints: plan a day across drivers (one job per driver), read a plan.

use super::bearer::Account;
use super::jobs::{bad_path, json_body};
use super::problem::Problem;
use super::responses::{ReadErrors, WriteErrors};
use super::{blocking, AppState};
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use routemate_core::dayplan::PlanRequest;
use routemate_engine::plan::record::PlanView;

/// `POST /v1/integration-plans`: 201 for a new plan, 200 for an existing one (same or re-planned).
#[utoipa::path(post, path = "/v1/integration-plans", tag = "plans",
    request_body(content = PlanRequest, content_type = "application/json",
        example = json!({"external_plan_id": "DAY-2026-06-01", "date": "2026-06-01",
            "depot": {"lat": -27.5598, "lng": 153.0437},
            "drivers": [
                {"email": "ann@example.com", "name": "Ann", "capacity": 60,
                    "shift_start": "07:00", "shift_end": "15:00"},
                {"email": "bob@example.com", "name": "Bob", "capacity": 60,
                    "shift_start": "08:00", "shift_end": "16:00", "open_end": true}],
            "stops": [
                {"external_stop_id": "S1", "address": "1 George St, Brisbane QLD 4000",
                    "lat": -27.4748, "lng": 153.0272, "parcel_count": 2},
                {"external_stop_id": "S2", "address": "100 Eagle St, Brisbane QLD 4000",
                    "lat": -27.4679, "lng": 153.03, "parcel_count": 1, "service_minutes": 5,
                    "time_windows": [{"start": "09:00", "end": "11:00"}], "priority": "must"}],
            "options": {"objective": "duration", "balance": "none", "time_limit_ms": 1000}})),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "An existing plan: the same payload (nothing written) or a \
            changed one (planned again; the same drivers' jobs updated in place, same `plan_id`).",
            body = PlanView,
            links(("GetPlan" = (operation_id = "get_plan",
                parameters(("plan_id" = "$response.body#/plan_id")))))),
        (status = 201, description = "A new plan: one job per driver with stops, and every stop \
            left out with a reason.", body = PlanView,
            links(("GetPlan" = (operation_id = "get_plan",
                parameters(("plan_id" = "$response.body#/plan_id")))))),
        (status = 422, description = "Invalid fields, each listed in `errors` with its path and \
            JSON pointer; also no drivers in the request and no fleet saved (`drivers`).",
            body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    ))]
pub(crate) async fn create_plan(
    State(s): State<AppState>,
    Account(account): Account,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let body = json_body(&headers, body, &s.options).await?;
    let api = s.api.clone();
    let outcome = blocking(move || api.plan_day_value(&account, &body)).await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome.plan)).into_response())
}

/// `GET /v1/integration-plans/{plan_id}`.
#[utoipa::path(get, path = "/v1/integration-plans/{plan_id}", tag = "plans",
    params(("plan_id" = String, Path, description = "The plan's `plan_id`.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The plan: its jobs, totals and unassigned stops.",
            body = PlanView),
        (status = 404, description = "No such plan in this account.", body = Problem,
            content_type = "application/problem+json"),
        ReadErrors,
    ))]
pub(crate) async fn get_plan(
    State(s): State<AppState>,
    Account(account): Account,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    let Path(plan_id) = path.map_err(bad_path)?;
    let api = s.api.clone();
    let view = blocking(move || api.plan(&account, &plan_id)).await?;
    Ok(Json(view).into_response())
}
