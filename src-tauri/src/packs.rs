//! The driver packs folder (Settings): after every import or change of a job, its pack (run
//! sheet, GPX, CSV, XLSX; `routemate-export`) is written into `<folder>/<date>_<job>/`, e.g. a
//! shared folder the drivers' tablets read. Files are replaced atomically (temp + rename).
//!
//! It never holds up an import: jobs are queued from the engine's events and written on a thread
//! of their own; a burst of changes to one job writes it once. Each result reaches the UI as
//! `packs://written` or `packs://failed` (a toast), and the log.

use crate::settings::DesktopSettings;
use routemate_engine::events::EngineEvent;
use routemate_engine::jobs::JobRef;
use routemate_engine::{Api, DEFAULT_ACCOUNT};
use routemate_export::pack;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc;
use tauri::{AppHandle, Emitter, Runtime};

/// A pack written or not, as the UI is told.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PackEvent {
    pub job_id: String,
    pub external_job_id: String,
    /// The pack's folder (written) or the folder it was meant for (failed).
    pub folder: String,
    /// Why it failed; `None` when written.
    pub error: Option<String>,
}

/// Starts the pack writer: listens to the engine's job events until the app exits.
pub fn start<R: Runtime>(app: AppHandle<R>, api: &Api) {
    let (tx, rx) = mpsc::channel::<String>();
    let writer_api = api.clone();
    std::thread::Builder::new()
        .name("driver-packs".into())
        .spawn(move || write_loop(&app, &writer_api, rx))
        .ok();
    let mut events = api.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(EngineEvent::JobImported {
                    account, job_id, ..
                })
                | Ok(EngineEvent::JobUpdated {
                    account, job_id, ..
                }) if account == DEFAULT_ACCOUNT => {
                    if tx.send(job_id).is_err() {
                        break;
                    }
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

fn write_loop<R: Runtime>(app: &AppHandle<R>, api: &Api, rx: mpsc::Receiver<String>) {
    while let Ok(first) = rx.recv() {
        // Everything queued meanwhile, each job once.
        let mut due: BTreeSet<String> = BTreeSet::from([first]);
        due.extend(rx.try_iter());
        let Some(folder) = DesktopSettings::current(api)
            .packs_folder
            .map(PathBuf::from)
        else {
            continue;
        };
        for job_id in due {
            let event = write_one(api, &folder, &job_id);
            let name = if event.error.is_some() {
                tracing::warn!(
                    job_id,
                    error = event.error.as_deref(),
                    "driver pack not written"
                );
                "packs://failed"
            } else {
                tracing::info!(job_id, "driver pack written");
                "packs://written"
            };
            let _ = app.emit(name, &event);
        }
    }
}

fn write_one(api: &Api, folder: &std::path::Path, job_id: &str) -> PackEvent {
    let mut event = PackEvent {
        job_id: job_id.to_string(),
        external_job_id: String::new(),
        folder: folder.display().to_string(),
        error: None,
    };
    let job = match api.job(DEFAULT_ACCOUNT, &JobRef::Id(job_id.to_string())) {
        Ok(job) => job,
        Err(e) => {
            event.error = Some(e.to_string());
            return event;
        }
    };
    event.external_job_id = job.external_job_id.clone();
    if !folder.is_dir() {
        event.error = Some(format!(
            "the driver packs folder {} is missing",
            folder.display()
        ));
        return event;
    }
    match pack::write_pack(
        folder,
        &job,
        &routemate_export::basemap::options_for(api, &job),
    ) {
        Ok(dir) => event.folder = dir.display().to_string(),
        Err(e) => event.error = Some(e.to_string()),
    }
    event
}

/// A packs folder must exist and be a folder (stored canonical), not a system folder nor the
/// app's own data (the rules of the watched folder, home itself allowed: nothing is moved).
pub fn check_folder(path: &std::path::Path, data_dir: &std::path::Path) -> Result<PathBuf, String> {
    let rules = crate::settings::FolderRules {
        home: None,
        data_dir,
    };
    crate::settings::check_folder(path, &rules)
        .map_err(|e| e.replace("for job files", "for driver packs"))
}

#[cfg(test)]
mod tests {
    use crate::settings::{DesktopSettings, FolderRules};
    use serde_json::json;

    #[test]
    fn a_packs_folder_must_be_an_existing_folder_outside_the_app_data() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let packs = dir.path().join("packs");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&packs).unwrap();
        let rules = FolderRules {
            home: None,
            data_dir: &data,
        };
        let s = DesktopSettings::parse(&json!({"packs_folder": packs}), &rules).unwrap();
        let canonical = std::fs::canonicalize(&packs).unwrap();
        assert_eq!(s.packs_folder.as_deref(), canonical.to_str());
        for bad in [dir.path().join("missing"), data.clone(), "/etc".into()] {
            let errs = DesktopSettings::parse(&json!({"packs_folder": bad}), &rules).unwrap_err();
            assert_eq!(errs[0].field, "ui.packs_folder", "{}", bad.display());
            assert!(!errs[0].detail.contains("job files"), "{}", errs[0].detail);
        }
        let none = DesktopSettings::parse(&json!({"packs_folder": ""}), &rules).unwrap();
        assert_eq!(none.packs_folder, None);
    }
}
