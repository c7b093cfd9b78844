//! The watched folder from Settings: the engine's watcher imports job files saved there (each
//! once), and restarts when the dispatcher picks another folder. Its progress goes to the log and
//! to the UI as `watch://event`; imported jobs reach the jobs list through the engine's events.

use routemate_engine::watch::{WatchConfig, WatchEvent, Watcher};
use routemate_engine::{Api, DEFAULT_ACCOUNT};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::{AppHandle, Emitter, Runtime};

/// What Settings shows about the watched folder.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WatchStatus {
    Off,
    Watching { folder: String },
    Failed { folder: String, message: String },
}

#[derive(Default)]
pub struct Watching {
    running: Mutex<Option<Watcher>>,
    status: Mutex<Option<WatchStatus>>,
}

impl Watching {
    /// Starts, restarts or stops watching to match the desktop settings' watched folder.
    pub fn apply<R: Runtime>(&self, app: &AppHandle<R>, api: &Api) {
        let wanted: Option<PathBuf> = crate::settings::DesktopSettings::current(api)
            .watched_folder
            .map(PathBuf::from);
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if running.as_ref().map(|w| w.folder().to_path_buf()) == wanted {
            return;
        }
        if let Some(old) = running.take() {
            old.stop();
        }
        let status = match wanted {
            None => WatchStatus::Off,
            Some(folder) => {
                let app = app.clone();
                let config = WatchConfig::new(folder.clone(), DEFAULT_ACCOUNT);
                match Watcher::start(api.clone(), config, move |event: WatchEvent| {
                    tracing::info!(?event, "watched folder");
                    let _ = app.emit("watch://event", &event);
                }) {
                    Ok(w) => {
                        *running = Some(w);
                        WatchStatus::Watching {
                            folder: folder.display().to_string(),
                        }
                    }
                    Err(e) => {
                        tracing::warn!(code = e.code(), error = %e, "watched folder not started");
                        WatchStatus::Failed {
                            folder: folder.display().to_string(),
                            message: e.to_string(),
                        }
                    }
                }
            }
        };
        *self.status.lock().unwrap_or_else(|e| e.into_inner()) = Some(status);
    }

    pub fn status(&self) -> WatchStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or(WatchStatus::Off)
    }
}
