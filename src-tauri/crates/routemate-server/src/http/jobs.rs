//! Job endpoints: import, status (by query or path), the account's job list, stop status.

use super::bearer::Account;
use super::openapi::{JobOrPage, JobsQuery, StopStatusRequest};
use super::problem::Problem;
use super::responses::{ReadErrors, WriteErrors};
use super::{blocking, read_body, AppState};
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use routemate_core::model::{ImportRequest, JobStatus, StopStatus};
use routemate_core::validate::MAX_TEXT_LEN;
use routemate_engine::jobs::{is_valid_cursor, JobQuery, JobRef, JobView};
use serde_json::Value;
use std::collections::HashMap;

/// `POST /v1/integration-import`: 201 for a new job, 200 for an existing one (same or updated).
#[utoipa::path(post, path = "/v1/integration-import", tag = "jobs",
    request_body(content = ImportRequest, content_type = "application/json",
        example = json!({"external_job_id": "BATCH-001", "title": "Morning Deliveries",
            "driver_email": "driver@example.com", "depot": {"lat": -27.5598, "lng": 153.0437},
            "stops": [
                {"external_stop_id": "STOP-1", "address": "1 George St, Brisbane QLD 4000",
                    "lat": -27.4748, "lng": 153.0272, "label": "Customer A", "parcel_count": 2},
                {"external_stop_id": "STOP-2", "address": "100 Eagle St, Brisbane QLD 4000",
                    "lat": -27.4679, "lng": 153.03, "label": "Customer B", "parcel_count": 1,
                    "time_window": {"start": "09:00", "end": "11:00"}}]})),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "An existing job: the same payload (nothing written) or a \
            changed one (updated in place, same `job_id`).", body = JobView,
            links(
                ("GetJob" = (operation_id = "status_by_path",
                    parameters(("job_id" = "$response.body#/job_id")))),
                ("SetStopStatus" = (operation_id = "stop_status",
                    parameters(("job_id" = "$response.body#/job_id"),
                        ("external_stop_id" = "$response.body#/stops/0/external_stop_id")))))),
        (status = 201, description = "A new job, placed and optimized.", body = JobView,
            links(
                ("GetJob" = (operation_id = "status_by_path",
                    parameters(("job_id" = "$response.body#/job_id")))),
                ("SetStopStatus" = (operation_id = "stop_status",
                    parameters(("job_id" = "$response.body#/job_id"),
                        ("external_stop_id" = "$response.body#/stops/0/external_stop_id")))))),
        (status = 422, description = "Invalid fields, each listed in `errors` with its path and \
            JSON pointer.", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    ))]
pub(crate) async fn import(
    State(s): State<AppState>,
    Account(account): Account,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let body = json_body(&headers, body, &s.options).await?;
    let api = s.api.clone();
    let started = std::time::Instant::now();
    let outcome = blocking(move || api.import_value(&account, &body)).await?;
    super::metrics::record_import(&outcome, started.elapsed());
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(outcome.job)).into_response())
}

/// `GET /v1/integration-jobs?job_id=…|external_job_id=…`, or the job list without either.
#[utoipa::path(get, path = "/v1/integration-jobs", tag = "jobs", params(JobsQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The named job, or a page of the account's jobs.",
            body = JobOrPage),
        (status = 404, description = "No such job in this account.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "A bad filter or paging parameter, listed in `errors`.",
            body = Problem, content_type = "application/problem+json"),
        ReadErrors,
    ))]
pub(crate) async fn status_or_list(
    State(s): State<AppState>,
    Account(account): Account,
    uri: Uri,
) -> Result<Response, Problem> {
    let q = query_map(&uri)?;
    let job = match (q.get("job_id"), q.get("external_job_id")) {
        (Some(_), Some(_)) => {
            return Err(Problem::bad_request(
                "give either job_id or external_job_id, not both",
            ))
        }
        (Some(id), None) => Some(JobRef::Id(id.clone())),
        (None, Some(ext)) => Some(JobRef::External(ext.clone())),
        (None, None) => None,
    };
    let api = s.api.clone();
    if let Some(job) = job {
        let view = blocking(move || api.job(&account, &job)).await?;
        return Ok(Json(view).into_response());
    }
    let query = list_query(&q)?;
    let page = blocking(move || api.list_jobs(&account, &query)).await?;
    Ok(Json(page).into_response())
}

/// `GET /v1/integration-jobs/{job_id}`.
#[utoipa::path(get, path = "/v1/integration-jobs/{job_id}", tag = "jobs", params(("job_id" = String, Path, description = "The job's `job_id`.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The job.", body = JobView),
        (status = 404, description = "No such job in this account.", body = Problem,
            content_type = "application/problem+json"),
        ReadErrors,
    ))]
pub(crate) async fn status_by_path(
    State(s): State<AppState>,
    Account(account): Account,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    let Path(job_id) = path.map_err(bad_path)?;
    let api = s.api.clone();
    let view = blocking(move || api.job(&account, &JobRef::Id(job_id))).await?;
    Ok(Json(view).into_response())
}

/// `POST /v1/integration-jobs/{job_id}/stops/{external_stop_id}/status` `{"status", "note"}`.
#[utoipa::path(post, path = "/v1/integration-jobs/{job_id}/stops/{external_stop_id}/status",
    tag = "jobs", request_body(content = StopStatusRequest, content_type = "application/json"),
    params(("job_id" = String, Path, description = "The job's `job_id`."), ("external_stop_id" = String, Path, description = "The stop's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The job with the stop's new status.", body = JobView),
        (status = 404, description = "No such job in this account.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors` with its path and \
            JSON pointer.", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
    ))]
pub(crate) async fn stop_status(
    State(s): State<AppState>,
    Account(account): Account,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let Path((job_id, stop_id)) = path.map_err(bad_path)?;
    let body = json_body(&headers, body, &s.options).await?;
    let mut errors = Vec::new();
    let status = match body
        .get("status")
        .and_then(Value::as_str)
        .map(StopStatus::parse)
    {
        Some(Some(st)) => Some(st),
        _ => {
            errors.push(field_error(
                "status",
                "must be one of pending, completed, failed, skipped",
            ));
            None
        }
    };
    let note = match body.get("note") {
        None | Some(Value::Null) => None,
        // Checked here too (the engine checks again) so one 422 names every bad field.
        Some(Value::String(n)) if n.chars().count() <= MAX_TEXT_LEN => Some(n.clone()),
        Some(_) => {
            errors.push(field_error(
                "note",
                &format!("must be a string of at most {MAX_TEXT_LEN} characters"),
            ));
            None
        }
    };
    let Some(status) = status.filter(|_| errors.is_empty()) else {
        return Err(Problem::invalid(errors));
    };
    let api = s.api.clone();
    let view =
        blocking(move || api.set_stop_status(&account, &job_id, &stop_id, status, note)).await?;
    Ok(Json(view).into_response())
}

/// A path segment axum cannot decode (percent-encoded bytes that are not UTF-8): a problem like
/// every other error, not axum's plain-text answer, and only after the token was checked.
pub(crate) fn bad_path(rejection: PathRejection) -> Problem {
    Problem::bad_request(format!(
        "the URL path is invalid: {}",
        rejection.body_text()
    ))
}

pub(crate) fn field_error(field: &str, detail: &str) -> routemate_core::validate::FieldError {
    routemate_core::validate::FieldError {
        field: field.into(),
        pointer: format!("/{field}"),
        code: "invalid_value".into(),
        detail: detail.into(),
    }
}

/// Reads a JSON body: 415 for another declared type, 413 over the limit, 400 when malformed.
pub(crate) async fn json_body(
    headers: &HeaderMap,
    body: Body,
    options: &super::RouterOptions,
) -> Result<Value, Problem> {
    let limit = options.max_body_bytes;
    let essence = super::media_type(headers);
    if !essence.is_empty() && essence != "application/json" && !essence.ends_with("+json") {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!("send Content-Type: application/json (got {essence})"),
        ));
    }
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
    {
        if len.parse::<usize>().is_ok_and(|n| n > limit) {
            return Err(Problem::too_large(limit));
        }
    }
    let bytes = read_body(body, limit, options.body_timeout).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Problem::bad_request(format!(
            "the body is not valid JSON: {} at line {} column {}",
            match e.classify() {
                serde_json::error::Category::Eof => "unexpected end of input",
                serde_json::error::Category::Syntax => "syntax error",
                serde_json::error::Category::Data => "unexpected data",
                serde_json::error::Category::Io => "read error",
            },
            e.line(),
            e.column()
        ))
    })
}

pub(crate) fn query_map(uri: &Uri) -> Result<HashMap<String, String>, Problem> {
    let mut map = HashMap::new();
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if v.is_empty() {
            continue;
        }
        if map.insert(k.to_string(), v.to_string()).is_some() {
            return Err(Problem::bad_request(format!(
                "query parameter {k} is given more than once"
            )));
        }
    }
    Ok(map)
}

fn list_query(q: &HashMap<String, String>) -> Result<JobQuery, Problem> {
    let mut errors = Vec::new();
    let status = q.get("status").and_then(|s| {
        let st = JobStatus::parse(s);
        if st.is_none() {
            errors.push(field_error(
                "status",
                "must be one of unassigned, assigned, in_progress, completed, cancelled",
            ));
        }
        st
    });
    let updated_since = q.get("updated_since").and_then(|s| {
        let t = chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.to_utc());
        if t.is_none() {
            errors.push(field_error(
                "updated_since",
                "must be an RFC 3339 timestamp",
            ));
        }
        t
    });
    let limit = q.get("limit").and_then(|s| {
        let n = s.parse::<usize>().ok().filter(|n| (1..=500).contains(n));
        if n.is_none() {
            errors.push(field_error("limit", "must be a whole number from 1 to 500"));
        }
        n
    });
    let cursor = q.get("cursor").cloned();
    if cursor.as_deref().is_some_and(|c| !is_valid_cursor(c)) {
        errors.push(field_error(
            "cursor",
            "is not a cursor returned by this API",
        ));
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(JobQuery {
        status,
        updated_since,
        limit,
        cursor,
    })
}
