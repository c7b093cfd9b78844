//! Driver packs: a job's run sheet, GPX, CSV and XLSX in one folder, for one job or for several
//! at once (a plan's drivers). Each file is written to a hidden temporary file beside it, then
//! renamed over the old one, so a tablet reading the folder never sees half a file.

use crate::{export_with, safe_name, ExportError, ExportOptions, Format};
use routemate_engine::jobs::JobView;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The files of one job's pack, by format.
pub const PACK_FILES: [(Format, &str); 4] = [
    (Format::Pdf, "run-sheet.pdf"),
    (Format::Gpx, "route.gpx"),
    (Format::Csv, "stops.csv"),
    (Format::Xlsx, "stops.xlsx"),
];

/// The folder name of a job's pack: its date and external id (`2026-11-30_BATCH-001`), made
/// safe for any file system.
pub fn pack_name(job: &JobView) -> String {
    let date = job
        .date
        .clone()
        .unwrap_or_else(|| job.created_at.format("%Y-%m-%d").to_string());
    safe_name(&format!("{date}_{}", job.external_job_id))
}

/// Writes `job`'s pack into `dir/<pack_name>/` (created when missing); returns that folder.
pub fn write_pack(
    dir: &Path,
    job: &JobView,
    options: &ExportOptions,
) -> Result<PathBuf, ExportError> {
    let folder = dir.join(pack_name(job));
    std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
    for (format, name) in PACK_FILES {
        let bytes = export_with(job, format, options)?;
        write_atomic(&folder.join(name), &bytes)?;
    }
    Ok(folder)
}

/// What writing several packs did: the folders written, and each job that failed with why.
#[derive(Debug, Default)]
pub struct PackReport {
    pub written: Vec<PathBuf>,
    pub failed: Vec<(String, ExportError)>,
}

/// Writes one pack per job into `dir`; a job that fails does not stop the others.
pub fn write_packs(dir: &Path, jobs: &[JobView], options: &ExportOptions) -> PackReport {
    let mut report = PackReport::default();
    for job in jobs {
        match write_pack(dir, job, options) {
            Ok(folder) => report.written.push(folder),
            Err(e) => report.failed.push((job.job_id.clone(), e)),
        }
    }
    report
}

/// Writes `bytes` to `path` through a hidden temporary file in the same folder, flushed to disk,
/// then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".routemate-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| io(tmp.path(), e))?;
    tmp.as_file().sync_all().map_err(|e| io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| io(path, e.error))?;
    Ok(())
}

fn io(path: &Path, source: std::io::Error) -> ExportError {
    ExportError::Io {
        path: path.display().to_string(),
        source,
    }
}
