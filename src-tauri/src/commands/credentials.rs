//! Settings → API access: client credentials for the local (and hosted) RouteMate API.

use super::{blocking, UiError};
use crate::state::Desktop;
use routemate_engine::auth::{CredentialInfo, NewCredential};
use routemate_engine::DEFAULT_ACCOUNT as ACCOUNT;
use tauri::State;

/// Creates a credential; the secret in the answer is shown once and never again.
#[tauri::command]
pub async fn create_credential(
    state: State<'_, Desktop>,
    name: String,
) -> Result<NewCredential, UiError> {
    blocking(&state, move |api| api.create_credential(ACCOUNT, &name)).await
}

#[tauri::command]
pub async fn list_credentials(state: State<'_, Desktop>) -> Result<Vec<CredentialInfo>, UiError> {
    blocking(&state, move |api| api.list_credentials(Some(ACCOUNT))).await
}

#[tauri::command]
pub async fn revoke_credential(
    state: State<'_, Desktop>,
    client_id: String,
) -> Result<(), UiError> {
    blocking(&state, move |api| {
        api.revoke_credential(Some(ACCOUNT), &client_id)
    })
    .await
}
