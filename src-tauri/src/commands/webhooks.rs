//! Settings → Webhooks: thin calls into the engine's webhook facade, and the test delivery
//! through `routemate_sync::webhooks` (the same deliverer that runs in the background).

use super::{blocking, UiError};
use crate::state::Desktop;
use routemate_engine::webhooks::{
    Attempt, CreatedSubscription, DeliveryLog, EventType, NewSubscription, Subscription,
};
use routemate_engine::DEFAULT_ACCOUNT as ACCOUNT;
use tauri::State;

#[tauri::command]
pub async fn webhooks_list(state: State<'_, Desktop>) -> Result<Vec<Subscription>, UiError> {
    blocking(&state, |api| api.webhook_list(ACCOUNT)).await
}

/// Subscribes a URL (https, or http to this machine); the answer's secret is shown once.
#[tauri::command]
pub async fn webhooks_add(
    state: State<'_, Desktop>,
    url: String,
    events: Vec<EventType>,
    description: Option<String>,
) -> Result<CreatedSubscription, UiError> {
    let new = NewSubscription {
        url,
        events: (!events.is_empty()).then_some(events),
        description: description.filter(|d| !d.trim().is_empty()),
    };
    blocking(&state, move |api| api.webhook_create(ACCOUNT, &new, true)).await
}

#[tauri::command]
pub async fn webhooks_remove(state: State<'_, Desktop>, id: String) -> Result<bool, UiError> {
    blocking(&state, move |api| api.webhook_delete(ACCOUNT, &id)).await
}

/// The subscription's newest attempts and parked jobs.
#[tauri::command]
pub async fn webhooks_log(state: State<'_, Desktop>, id: String) -> Result<DeliveryLog, UiError> {
    blocking(&state, move |api| api.webhook_log(ACCOUNT, &id)).await
}

/// Sends the parked deliveries again; answers how many.
#[tauri::command]
pub async fn webhooks_retry(state: State<'_, Desktop>, id: String) -> Result<u32, UiError> {
    blocking(&state, move |api| {
        api.webhook_retry(ACCOUNT, &id).map(|n| n as u32)
    })
    .await
}

/// Sends a signed `webhook.test` event now and answers the receiver's reply.
#[tauri::command]
pub async fn webhooks_test(state: State<'_, Desktop>, id: String) -> Result<Attempt, UiError> {
    let options = routemate_sync::webhooks::Options::from_env();
    routemate_sync::webhooks::send_test(&state.api, ACCOUNT, &id, &options)
        .await
        .map_err(|e| UiError::new("webhook_test_failed", e))
}
