//! Webhook endpoints (README "Webhooks"): subscriptions (create with a secret shown once, list,
//! delete), a subscription's delivery log and the retry of its parked deliveries, and the replay
//! of the account's events after an event id.

use super::bearer::Account;
use super::jobs::{bad_path, field_error, json_body, query_map};
use super::problem::Problem;
use super::responses::{ChangeErrors, ReadErrors, WriteErrors};
use super::{blocking, AppState};
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use routemate_engine::webhooks::{
    CreatedSubscription, DeliveryLog, EventPage, NewSubscription, Subscription,
};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// The account's subscriptions.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WebhookList {
    webhooks: Vec<Subscription>,
}

/// How many parked deliveries were sent again.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Retried {
    retried: usize,
}

/// `GET /v1/integration-events`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: the handler reads the query itself
pub(crate) struct EventsQuery {
    /// An event id (`evt_` + 16 hex digits): only the events after it. Without it, from the
    /// oldest event kept (7 days).
    #[param(pattern = "^evt_[0-9a-f]{16}$")]
    after: Option<String>,
    /// Page size, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u16>,
}

/// `POST /v1/integration-webhooks`: 201 with the subscription and its secret (shown once).
#[utoipa::path(post, path = "/v1/integration-webhooks", tag = "webhooks",
    request_body(content = NewSubscription, content_type = "application/json",
        example = json!({"url": "https://erp.example.com/hooks/routemate",
            "events": ["job.imported", "stop.status_changed", "job.completed"],
            "description": "ERP"})),
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The subscription, with its `secret` (shown only now).",
            body = CreatedSubscription,
            links(
                ("GetDeliveries" = (operation_id = "webhook_deliveries",
                    parameters(("webhook_id" = "$response.body#/id")))),
                ("RetryParked" = (operation_id = "retry_webhook",
                    parameters(("webhook_id" = "$response.body#/id")))),
                ("DeleteWebhook" = (operation_id = "delete_webhook",
                    parameters(("webhook_id" = "$response.body#/id")))))),
        (status = 422, description = "A bad `url` (not https, credentials in it, a private \
            address on a public server, or a host name resolving only to such addresses: code \
            `private_address`), unknown `events`, a bad `description`, an unknown \
            field, or 20 subscriptions already.", body = Problem,
            content_type = "application/problem+json"),
        WriteErrors,
    ))]
pub(crate) async fn create_webhook(
    State(s): State<AppState>,
    Account(account): Account,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let body = json_body(&headers, body, &s.options).await?;
    let new: NewSubscription = serde_json::from_value(body).map_err(|e| {
        let msg = e.to_string();
        let field = ["url", "events", "description"]
            .into_iter()
            .find(|f| msg.contains(&format!("`{f}`")))
            .unwrap_or("body");
        Problem::invalid(vec![field_error(field, &msg)])
    })?;
    let (api, local) = (s.api.clone(), s.options.loopback_only);
    let created = blocking(move || api.webhook_create(&account, &new, local)).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// `GET /v1/integration-webhooks`.
#[utoipa::path(get, path = "/v1/integration-webhooks", tag = "webhooks",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The account's subscriptions, oldest first, with their \
            queue and last attempt (never the secret).", body = WebhookList),
        ReadErrors,
    ))]
pub(crate) async fn list_webhooks(
    State(s): State<AppState>,
    Account(account): Account,
) -> Result<Response, Problem> {
    let api = s.api.clone();
    let webhooks = blocking(move || api.webhook_list(&account)).await?;
    Ok(Json(WebhookList { webhooks }).into_response())
}

/// `DELETE /v1/integration-webhooks/{webhook_id}`.
#[utoipa::path(delete, path = "/v1/integration-webhooks/{webhook_id}", tag = "webhooks",
    params(("webhook_id" = String, Path, description = "The subscription's `id`.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted, with its queued deliveries and its log."),
        (status = 404, description = "No such subscription in this account.", body = Problem,
            content_type = "application/problem+json"),
        ChangeErrors,
    ))]
pub(crate) async fn delete_webhook(
    State(s): State<AppState>,
    Account(account): Account,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    let Path(id) = path.map_err(bad_path)?;
    let api = s.api.clone();
    let what = id.clone();
    if blocking(move || api.webhook_delete(&account, &id)).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(routemate_engine::EngineError::not_found(format!("webhook {what}")).into())
    }
}

/// `GET /v1/integration-webhooks/{webhook_id}/deliveries`.
#[utoipa::path(get, path = "/v1/integration-webhooks/{webhook_id}/deliveries", tag = "webhooks",
    params(("webhook_id" = String, Path, description = "The subscription's `id`.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The subscription, its newest 50 delivery attempts \
            (event, time, status code, latency) and its parked jobs.", body = DeliveryLog),
        (status = 404, description = "No such subscription in this account.", body = Problem,
            content_type = "application/problem+json"),
        ReadErrors,
    ))]
pub(crate) async fn webhook_deliveries(
    State(s): State<AppState>,
    Account(account): Account,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    let Path(id) = path.map_err(bad_path)?;
    let api = s.api.clone();
    let log = blocking(move || api.webhook_log(&account, &id)).await?;
    Ok(Json(log).into_response())
}

/// `POST /v1/integration-webhooks/{webhook_id}/retry`.
#[utoipa::path(post, path = "/v1/integration-webhooks/{webhook_id}/retry", tag = "webhooks",
    params(("webhook_id" = String, Path, description = "The subscription's `id`.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The parked deliveries are due again.", body = Retried),
        (status = 404, description = "No such subscription in this account.", body = Problem,
            content_type = "application/problem+json"),
        ChangeErrors,
    ))]
pub(crate) async fn retry_webhook(
    State(s): State<AppState>,
    Account(account): Account,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Problem> {
    let Path(id) = path.map_err(bad_path)?;
    let api = s.api.clone();
    let retried = blocking(move || api.webhook_retry(&account, &id)).await?;
    Ok(Json(Retried { retried }).into_response())
}

/// `GET /v1/integration-events?after=EVENT_ID`: replay.
#[utoipa::path(get, path = "/v1/integration-events", tag = "webhooks", params(EventsQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The account's events after `after`, oldest first (kept 7 \
            days); `has_more` says another page follows.", body = EventPage),
        (status = 422, description = "A bad `after` or `limit`, listed in `errors`.",
            body = Problem, content_type = "application/problem+json"),
        ReadErrors,
    ))]
pub(crate) async fn list_events(
    State(s): State<AppState>,
    Account(account): Account,
    uri: Uri,
) -> Result<Response, Problem> {
    let q = query_map(&uri)?;
    let limit = match q.get("limit") {
        None => 100,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                return Err(Problem::invalid(vec![field_error(
                    "limit",
                    "must be a whole number from 1 to 1000",
                )]))
            }
        },
    };
    let after = q.get("after").cloned();
    let api = s.api.clone();
    let page = blocking(move || api.webhook_events(&account, after.as_deref(), limit)).await?;
    Ok(Json(page).into_response())
}
