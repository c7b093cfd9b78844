//! "Check for updates": asks the configured endpoint (signed with the key in tauri.conf.json)
//! and answers in words the dispatcher understands; a missing network is "offline", not an error.

use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::UpdaterExt;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateStatus {
    UpToDate {
        current: String,
    },
    Available {
        current: String,
        version: String,
        notes: Option<String>,
    },
    Offline {
        message: String,
    },
}

pub async fn check<R: Runtime>(app: &AppHandle<R>) -> UpdateStatus {
    let current = app.package_info().version.to_string();
    let updater = match app.updater() {
        Ok(u) => u,
        Err(e) => {
            return UpdateStatus::Offline {
                message: format!("updates are not configured: {e}"),
            }
        }
    };
    match updater.check().await {
        Ok(Some(u)) => UpdateStatus::Available {
            current,
            version: u.version.clone(),
            notes: u.body.clone(),
        },
        Ok(None) => UpdateStatus::UpToDate { current },
        Err(e) => {
            tracing::info!(error = %e, "update check failed; reporting offline");
            UpdateStatus::Offline {
                message: "the update server could not be reached".into(),
            }
        }
    }
}
