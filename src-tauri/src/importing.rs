//! Manual import of job files (file dialog, dropped file, sample job): glue over the engine's one
//! job-file call (`jobfile::import_file`), whose rules it shares with the CLI and the watched
//! folder: one size limit, one set of encodings, and a file with several jobs is all or nothing
//! (every problem named, nothing imported); a valid file answers job by job.

use crate::commands::UiError;
use routemate_core::validate::FieldError;
use routemate_engine::import::ImportOutcome;
use routemate_engine::jobfile::{FileReport, JobFileError};
use routemate_engine::{Api, DEFAULT_ACCOUNT};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The job behind the first-run "Import sample job" button.
pub const SAMPLE_JOB: &str = include_str!("../../assets/sample-job.json");

/// What importing one file did, job by job.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ImportReport {
    pub source: String,
    pub jobs: Vec<ImportItem>,
}

/// One job of a file: its outcome, or why it was refused.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
        .add_filter(
            "Job files (JSON, CSV, spreadsheets)",
            &["json", "csv", "tsv", "xlsx", "xls", "ods"],
        )
        .pick_file()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Imports the job file at `path`.
pub fn import_path(api: &Api, path: &Path) -> Result<ImportReport, UiError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let report = api.import_file(DEFAULT_ACCOUNT, path);
    report.map(ui_report).map_err(|e| file_error(&name, &e))
}

/// Imports a job file's content (the sample job, a dropped file); `name` gives the format.
pub fn import_bytes(api: &Api, name: &str, bytes: &[u8]) -> Result<ImportReport, UiError> {
    let report = api.import_file_bytes(DEFAULT_ACCOUNT, name, bytes);
    report.map(ui_report).map_err(|e| file_error(name, &e))
}

/// Text job content (the bundled sample, tests).
pub fn import_text(api: &Api, name: &str, text: &str) -> Result<ImportReport, UiError> {
    import_bytes(api, name, text.as_bytes())
}

/// A file dropped on the window, as the UI sends it: base64 of its bytes.
pub fn import_dropped(
    api: &Api,
    name: &str,
    content_base64: &str,
) -> Result<ImportReport, UiError> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content_base64)
        .map_err(|e| {
            UiError::new(
                "invalid_request",
                format!("the dropped file {name} did not arrive intact: {e}"),
            )
        })?;
    import_bytes(api, name, &bytes)
}

fn ui_report(report: FileReport) -> ImportReport {
    let jobs = report
        .jobs
        .into_iter()
        .map(|job| {
            let (outcome, error) = match job.result {
                Ok(outcome) => (Some(outcome), None),
                Err(e) => (None, Some(e.into())),
            };
            ImportItem {
                index: job.index,
                external_job_id: Some(job.external_job_id),
                outcome,
                error,
            }
        })
        .collect();
    ImportReport {
        source: report.file,
        jobs,
    }
}

/// A refused file as one error: a single file-level problem keeps its own code (`empty_file`,
/// `malformed_json`, `job_file_too_large`, …); cell problems become field errors
/// ("row 4, Parcels: must be a whole number").
fn file_error(name: &str, e: &JobFileError) -> UiError {
    let problems = e.problems();
    if let [p] = problems.as_slice() {
        if p.column.is_none() && p.field.is_none() {
            return UiError::new(&p.code, format!("{name}: {}", p.detail));
        }
    }
    let fields = problems
        .into_iter()
        .map(|p| FieldError {
            field: match (p.row, &p.column) {
                (Some(r), Some(c)) => format!("row {r}, {c}"),
                (Some(r), None) => format!("row {r}"),
                _ => p.field.clone().unwrap_or_else(|| "file".into()),
            },
            pointer: String::new(),
            code: p.code.clone(),
            detail: p.detail.clone(),
        })
        .collect();
    UiError {
        code: e.code().into(),
        message: format!("{name}: {e}"),
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use routemate_engine::EngineConfig;

    fn api() -> (tempfile::TempDir, Api) {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(EngineConfig::new(dir.path())).unwrap();
        (dir, api)
    }

    #[test]
    fn an_array_with_a_bad_job_imports_nothing_and_names_the_problem() {
        let (_d, api) = api();
        let text = r#"[
          {"external_job_id": "A", "stops": [{"external_stop_id": "1", "lat": -27.4, "lng": 153.0}]},
          {"external_job_id": "B", "stops": [{"external_stop_id": "1", "parcel_count": -2}]}
        ]"#;
        // One rule for every way in: a file is all or nothing.
        let err = import_text(&api, "day.json", text).unwrap_err();
        assert_eq!(err.code, "invalid_job_file");
        assert!(
            err.fields
                .iter()
                .any(|f| f.field == "[1].stops[0].parcel_count"),
            "{:?}",
            err.fields
        );
        let jobs = api.list_jobs(DEFAULT_ACCOUNT, &Default::default());
        assert!(
            jobs.unwrap().jobs.is_empty(),
            "nothing of the file is imported"
        );
        let fixed = r#""parcel_count": 2, "lat": -27.5, "lng": 153.1"#;
        let good = text.replace("\"parcel_count\": -2", fixed);
        let report = import_text(&api, "day.json", &good).unwrap();
        assert_eq!(report.jobs.len(), 2);
        assert!(report
            .jobs
            .iter()
            .all(|j| j.outcome.as_ref().unwrap().created));
    }

    #[test]
    fn bad_files_get_specific_errors() {
        let (_d, api) = api();
        let e = import_text(&api, "x.json", "{\n  \"external_job_id\": ,\n}").unwrap_err();
        assert_eq!(e.code, "malformed_json");
        assert!(e.message.contains("line 2"), "{}", e.message);
        assert_eq!(
            import_text(&api, "x.json", "[]").unwrap_err().code,
            "empty_file"
        );
        let csv = "external_job_id,external_stop_id,address,parcel_count\nJ,1,1 A St,lots\n";
        let e = import_text(&api, "jobs.csv", csv).unwrap_err();
        assert_eq!(e.code, "invalid_job_file");
        assert!(
            e.fields.iter().any(|f| f.field.starts_with("row 2")),
            "{e:?}"
        );
    }

    #[test]
    fn a_csv_file_imports_its_jobs() {
        let (_d, api) = api();
        let csv = "external_job_id;external_stop_id;lat;lng\nJ1;a;-27.4;153.0\nJ1;b;-27.5;153.1\nJ2;c;-27.6;153.2\n";
        let report = import_text(&api, "day.CSV", csv).unwrap();
        let ids: Vec<_> = report
            .jobs
            .iter()
            .map(|j| j.external_job_id.clone().unwrap())
            .collect();
        assert_eq!(ids, ["J1", "J2"]);
        assert_eq!(report.jobs[0].outcome.as_ref().unwrap().job.stop_count, 2);
    }

    #[test]
    fn the_bundled_sample_imports_once() {
        let (_d, api) = api();
        let first = import_text(&api, "sample-job.json", SAMPLE_JOB).unwrap();
        let again = import_text(&api, "sample-job.json", SAMPLE_JOB).unwrap();
        let (a, b) = (
            first.jobs[0].outcome.as_ref().unwrap(),
            again.jobs[0].outcome.as_ref().unwrap(),
        );
        assert!(
            a.created && !b.created && !b.changed,
            "the same sample twice changes nothing"
        );
        assert_eq!(a.job.job_id, b.job.job_id);
    }

    #[test]
    fn a_dropped_file_keeps_its_own_encoding() {
        use base64::Engine as _;
        let (_d, api) = api();
        // Windows-1252 "Café" (0xE9): read as UTF-8 text by the webview it would turn into U+FFFD.
        let mut csv = b"external_job_id,external_stop_id,label,lat,lng\nD1,1,Caf".to_vec();
        csv.extend_from_slice(b"\xe9,-27.4,153.0\n");
        let b64 = base64::engine::general_purpose::STANDARD.encode(&csv);
        let report = import_dropped(&api, "day.csv", &b64).unwrap();
        let job = &report.jobs[0].outcome.as_ref().unwrap().job;
        assert_eq!(job.stops[0].label.as_deref(), Some("Caf\u{e9}"));
        let err = import_dropped(&api, "day.csv", "not base64!").unwrap_err();
        assert_eq!(err.code, "invalid_request");
    }
}
