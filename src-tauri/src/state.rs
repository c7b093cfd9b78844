//! What the shell holds while running: the engine, where things live, the local API's state.

use crate::geocoding::Geocoding;
use crate::tiles::TileCache;
use crate::watching::{WatchStatus, Watching};
use routemate_engine::Api;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// When `run()` began: the origin of the startup time the UI reports at first paint.
pub static STARTED: OnceLock<Instant> = OnceLock::new();

/// Where the app keeps its data, logs and tile cache.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppPaths {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    pub tile_dir: PathBuf,
}

impl AppPaths {
    /// `ROUTEMATE_DATA` (tests, power users) puts everything under that one folder; otherwise
    /// the platform's app data, log and cache folders that Tauri resolves.
    pub fn resolve(
        env_data: Option<PathBuf>,
        app_data: PathBuf,
        app_log: PathBuf,
        app_cache: PathBuf,
    ) -> AppPaths {
        match env_data {
            Some(d) => AppPaths {
                log_dir: d.join("logs"),
                tile_dir: d.join("tiles"),
                data_dir: d,
            },
            None => AppPaths {
                data_dir: app_data,
                log_dir: app_log,
                tile_dir: app_cache.join("tiles"),
            },
        }
    }
}

/// The local API's state as Settings shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LocalApi {
    Starting,
    Listening { address: String },
    Off,
    Failed { address: String, message: String },
}

/// Managed state of the app.
pub struct Desktop {
    pub api: Api,
    pub paths: AppPaths,
    pub tiles: TileCache,
    pub local_api: Mutex<LocalApi>,
    pub geocoding: Arc<Geocoding>,
    pub watching: Arc<Watching>,
    /// Sync with the hosted API (`syncing`).
    pub syncing: Arc<crate::syncing::Syncing>,
}

/// `app_info`'s answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppInfo {
    pub version: String,
    pub paths: AppPaths,
    pub local_api: LocalApi,
    pub watch: WatchStatus,
}

impl Desktop {
    pub fn info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            paths: self.paths.clone(),
            local_api: self
                .local_api
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            watch: self.watching.status(),
        }
    }

    /// Milliseconds since the app started (logged when the UI reports its first paint).
    pub fn uptime_ms(&self) -> u64 {
        STARTED.get().map_or(0, |t| t.elapsed().as_millis() as u64)
    }

    pub fn set_local_api(&self, status: LocalApi) {
        *self.local_api.lock().unwrap_or_else(|e| e.into_inner()) = status;
    }
}
