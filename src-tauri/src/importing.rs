//! Manual import of job files (JSON: one import body or an array of them), reporting each job's
//! outcome or error separately so one bad job does not hide the good ones.

use crate::commands::UiError;
use routemate_engine::import::ImportOutcome;
use routemate_engine::{Api, DEFAULT_ACCOUNT};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The job behind the first-run "Import sample job" button.
pub const SAMPLE_JOB: &str = include_str!("../../assets/sample-job.json");
/// Larger than any sane job file (5,000 stops is the engine's limit).
const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// What importing one file did, job by job.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub source: String,
    pub jobs: Vec<ImportItem>,
}

/// One job of a file: its outcome, or why it was refused.
#[derive(Debug, Clone, Serialize)]
pub struct ImportItem {
    /// Position in the file (0 for a single job).
    pub index: usize,
    pub external_job_id: Option<String>,
    pub outcome: Option<ImportOutcome>,
    pub error: Option<UiError>,
}

/// Runs blocking import work off the async runtime.
pub async fn run<F>(work: F) -> Result<ImportReport, UiError>
where
    F: FnOnce() -> Result<ImportReport, UiError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| UiError::new("internal", format!("the import did not finish: {e}")))?
}

/// The native "open file" dialog, filtered to job files.
pub async fn pick_job_file() -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Import a job file")
        .add_filter("Job files (JSON)", &["json"])
        .pick_file()
        .await
        .map(|f| f.path().to_path_buf())
}

pub fn import_path(api: &Api, path: &Path) -> Result<ImportReport, UiError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let size = std::fs::metadata(path)
        .map_err(|e| UiError::new("io_error", format!("cannot read {}: {e}", path.display())))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(UiError::new(
            "file_too_large",
            format!("{name} is {size} bytes; the limit is {MAX_FILE_BYTES}"),
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| UiError::new("io_error", format!("cannot read {}: {e}", path.display())))?;
    import_text(api, &name, &text)
}

/// Imports JSON text: one job object or an array of them.
pub fn import_text(api: &Api, name: &str, text: &str) -> Result<ImportReport, UiError> {
    if name.to_lowercase().ends_with(".csv") {
        return Err(UiError::new(
            "unsupported_format",
            format!("{name}: CSV job files are imported through the watched folder; choose a JSON job file here"),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| {
            UiError::new(
                "invalid_json",
                format!(
                    "{name} is not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
    let bodies = match value {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    if bodies.is_empty() {
        return Err(UiError::new("empty_file", format!("{name} holds no jobs")));
    }
    let jobs = bodies
        .iter()
        .enumerate()
        .map(|(index, body)| {
            let external_job_id = body
                .get("external_job_id")
                .and_then(|v| v.as_str())
                .map(String::from);
            match api.import_value(DEFAULT_ACCOUNT, body) {
                Ok(outcome) => ImportItem {
                    index,
                    external_job_id,
                    outcome: Some(outcome),
                    error: None,
                },
                Err(e) => ImportItem {
                    index,
                    external_job_id,
                    outcome: None,
                    error: Some(e.into()),
                },
            }
        })
        .collect();
    Ok(ImportReport {
        source: name.to_string(),
        jobs,
    })
}
