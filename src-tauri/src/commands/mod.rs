//! The Tauri commands: one-liners into the engine's `api` facade. Engine calls block (sled,
//! argon2), so each runs on the blocking pool; failures reach the UI as `{code, message}`.
//!
//! `ui/src/api/bindings.ts` is generated from the signatures in this folder (see `bindings.rs`);
//! `build.rs` and `capabilities/default.json` list the same commands (checked by tests).

pub mod credentials;
pub mod depot;
pub mod edit;
pub mod export;
pub mod jobs;
pub mod plan;
pub mod plan_export;
pub mod roads;
pub mod settings;
pub mod streets;
pub mod sync;
pub mod system;
pub mod updates;
pub mod webhooks;

use crate::state::Desktop;
use routemate_engine::{Api, EngineError};
use serde::Serialize;

/// An error as the UI sees it: a stable `code` to branch on and a message for people.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[error("{message}")]
pub struct UiError {
    pub code: String,
    pub message: String,
    /// Per-field problems for `validation_failed` (field path, code, detail).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(optional = nullable))]
    pub fields: Vec<routemate_core::validate::FieldError>,
}

impl UiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        UiError {
            code: code.into(),
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

impl From<EngineError> for UiError {
    fn from(e: EngineError) -> Self {
        let fields = match &e {
            EngineError::Invalid(f) => f.clone(),
            _ => Vec::new(),
        };
        UiError {
            code: e.code().into(),
            message: e.to_string(),
            fields,
        }
    }
}

/// Runs a blocking engine call off the async runtime.
pub(crate) async fn blocking<T, F>(state: &Desktop, call: F) -> Result<T, UiError>
where
    T: Send + 'static,
    F: FnOnce(&Api) -> Result<T, EngineError> + Send + 'static,
{
    let api = state.api.clone();
    tauri::async_runtime::spawn_blocking(move || call(&api))
        .await
        .map_err(|e| UiError::new("internal", format!("the engine call did not finish: {e}")))?
        .map_err(UiError::from)
}
