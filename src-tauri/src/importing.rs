//! Manual import of job files, reporting each job's outcome or error separately. JSON (one import
//! body or an array of them): each job stands alone, so one bad job does not hide the good ones.
//! CSV: parsed by the engine's `jobfile` (the watched folder's parser), all or nothing, with every
//! bad cell named by row and column.

use crate::commands::UiError;
use routemate_core::validate::FieldError;
use routemate_engine::import::ImportOutcome;
use routemate_engine::jobfile::{self, Format, JobFileError};
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
        .add_filter("Job files (JSON, CSV)", &["json", "csv", "tsv"])
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
    let bytes = std::fs::read(path)
        .map_err(|e| UiError::new("io_error", format!("cannot read {}: {e}", path.display())))?;
    if Format::from_path(path) == Some(Format::Csv) {
        return import_csv(api, &name, &bytes);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| UiError::new("invalid_encoding", format!("{name} is not UTF-8 text")))?;
    import_text(api, &name, &text)
}

/// One job's line in an import report.
fn item(
    index: usize,
    external_job_id: Option<String>,
    result: Result<routemate_engine::import::ImportOutcome, routemate_engine::EngineError>,
) -> ImportItem {
    match result {
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
}

/// A CSV job file: all its jobs, or a report of every bad cell and nothing imported.
pub fn import_csv(api: &Api, name: &str, bytes: &[u8]) -> Result<ImportReport, UiError> {
    let file = jobfile::parse(name, Format::Csv, bytes).map_err(|e| file_error(name, &e))?;
    let jobs = file
        .jobs
        .into_iter()
        .enumerate()
        .map(|(index, req)| {
            let external_job_id = Some(req.external_job_id.clone());
            item(index, external_job_id, api.import(DEFAULT_ACCOUNT, req))
        })
        .collect();
    Ok(ImportReport {
        source: name.to_string(),
        jobs,
    })
}

/// A job file's problems as field errors: "row 4, parcel_count: must be a whole number".
fn file_error(name: &str, e: &JobFileError) -> UiError {
    let fields = e
        .problems()
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

/// Imports JSON text: one job object or an array of them.
pub fn import_text(api: &Api, name: &str, text: &str) -> Result<ImportReport, UiError> {
    if Format::from_path(Path::new(name)) == Some(Format::Csv) {
        return import_csv(api, name, text.as_bytes());
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
            item(
                index,
                external_job_id,
                api.import_value(DEFAULT_ACCOUNT, body),
            )
        })
        .collect();
    Ok(ImportReport {
        source: name.to_string(),
        jobs,
    })
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
    fn an_array_reports_each_job_and_keeps_the_good_ones() {
        let (_d, api) = api();
        let text = r#"[
          {"external_job_id": "A", "stops": [{"external_stop_id": "1", "lat": -27.4, "lng": 153.0}]},
          {"external_job_id": "B", "stops": [{"external_stop_id": "1", "parcel_count": -2}]}
        ]"#;
        let report = import_text(&api, "day.json", text).unwrap();
        assert_eq!(report.jobs.len(), 2);
        assert!(report.jobs[0].outcome.as_ref().unwrap().created);
        let err = report.jobs[1].error.as_ref().unwrap();
        assert_eq!(
            (report.jobs[1].external_job_id.as_deref(), err.code.as_str()),
            (Some("B"), "validation_failed")
        );
        assert!(
            err.fields
                .iter()
                .any(|f| f.field == "stops[0].parcel_count"),
            "{:?}",
            err.fields
        );
        assert_eq!(
            api.list_jobs(DEFAULT_ACCOUNT, &Default::default())
                .unwrap()
                .jobs
                .len(),
            1
        );
    }

    #[test]
    fn bad_files_get_specific_errors() {
        let (_d, api) = api();
        let e = import_text(&api, "x.json", "{\n  \"external_job_id\": ,\n}").unwrap_err();
        assert_eq!(e.code, "invalid_json");
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
}
