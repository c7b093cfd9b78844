//! Run sheets for printing and the save dialog of exports.
//!
//! Printing opens the run sheet PDF in the system's viewer (`xdg-open`, `open`, `start`) rather
//! than printing the webview: the webview would print the app's screen, while the viewer's print
//! dialog prints the A4 sheet exactly as laid out, with the printer, copies and duplex the office
//! is used to. The file stays under the app's data folder (owner-only), one per job, replaced on
//! each print.

use crate::commands::UiError;
use routemate_engine::jobs::JobRef;
use routemate_engine::{Api, DEFAULT_ACCOUNT};
use routemate_export::{pack, ExportError, Format};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What "Print run sheet" did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrintedSheet {
    /// The PDF written.
    pub path: String,
    /// Whether a PDF viewer was started.
    pub opened: bool,
    /// Why it was not, when it was not.
    pub message: Option<String>,
}

/// An export failure as the UI sees it.
pub fn ui_error(e: ExportError) -> UiError {
    UiError::new(e.code(), e.to_string())
}

/// The native "save as" dialog for an export of `format`, suggesting `name`.
pub async fn pick_save_path(name: &str, format: Format) -> Option<PathBuf> {
    let (label, ext) = match format {
        Format::Pdf => ("Run sheet (PDF)", "pdf"),
        Format::Gpx => ("GPX route", "gpx"),
        Format::Csv => ("CSV", "csv"),
        Format::Xlsx => ("Excel workbook", "xlsx"),
    };
    rfd::AsyncFileDialog::new()
        .set_title("Export the route")
        .set_file_name(name)
        .add_filter(label, &[ext])
        .save_file()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Writes `job_id`'s run sheet into `dir` and opens it for printing.
pub fn print(api: &Api, dir: &Path, job_id: &str) -> Result<PrintedSheet, UiError> {
    let job = api.job(DEFAULT_ACCOUNT, &JobRef::Id(job_id.to_string()))?;
    std::fs::create_dir_all(dir)
        .map_err(|e| UiError::new("export_io_failed", format!("{}: {e}", dir.display())))?;
    let path = dir.join(routemate_export::file_name(&job, Format::Pdf));
    // The map with the road pack's streets when a pack covers the job.
    let options = routemate_export::basemap::options_for(api, &job);
    let bytes = routemate_export::export_with(&job, Format::Pdf, &options).map_err(ui_error)?;
    pack::write_atomic(&path, &bytes).map_err(ui_error)?;
    Ok(open_written(&path))
}

/// Opens a written run sheet in the viewer; says why not when it could not.
pub fn open_written(path: &Path) -> PrintedSheet {
    let (opened, message) = match open_in_viewer(path) {
        Ok(()) => (true, None),
        Err(why) => {
            tracing::warn!(error = %why, "no PDF viewer started");
            (false, Some(why))
        }
    };
    PrintedSheet {
        path: path.display().to_string(),
        opened,
        message,
    }
}

/// Starts the system's default viewer for `path`, without waiting for it to close.
/// `ROUTEMATE_NO_VIEWER=1` (tests) writes the file only.
fn open_in_viewer(path: &Path) -> Result<(), String> {
    if std::env::var_os("ROUTEMATE_NO_VIEWER").is_some_and(|v| v == "1") {
        return Err("opening a viewer is turned off (ROUTEMATE_NO_VIEWER=1)".into());
    }
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let mut child = cmd
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("no PDF viewer could be started ({e}); open the file yourself"))?;
    // Reaped off the command thread: xdg-open returns once the viewer is launched.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}
