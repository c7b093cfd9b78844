//! A day plan handed to its drivers from the plan view: every driver's pack into a folder
//! (Export), and every run sheet in one PDF opened in the system's viewer (Print, as
//! `printing` does for a job). Each run sheet's map carries the road pack's streets around
//! its job when a pack covers it (`routemate_export::basemap`).

use crate::commands::UiError;
use crate::printing;
use routemate_engine::jobs::{JobRef, JobView};
use routemate_engine::{Api, DEFAULT_ACCOUNT};
use routemate_export::{basemap, pack};
use serde::Serialize;
use std::path::Path;

/// What exporting a plan's packs did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PlanPacks {
    /// The folder the packs were written into.
    pub folder: String,
    /// One folder per driver's job, written (`<date>_<external id>`).
    pub packs: Vec<String>,
    /// Jobs whose pack failed, with why (the others are written regardless).
    pub failed: Vec<PackFailure>,
}

/// One job whose pack could not be written.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PackFailure {
    pub job_id: String,
    pub message: String,
}

/// The jobs of `plan_id` (one per driver with stops), in the plan's order.
fn plan_jobs(api: &Api, plan_id: &str) -> Result<Vec<JobView>, UiError> {
    let plan = api.plan(DEFAULT_ACCOUNT, plan_id)?;
    let jobs = plan
        .jobs
        .iter()
        .map(|j| api.job(DEFAULT_ACCOUNT, &JobRef::Id(j.job_id.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    if jobs.is_empty() {
        return Err(UiError::new(
            "plan_empty",
            format!("plan {plan_id} has no driver with stops"),
        ));
    }
    Ok(jobs)
}

/// Writes a driver pack for every job of `plan_id` into `folder` (created when missing).
pub fn export_packs(api: &Api, plan_id: &str, folder: &Path) -> Result<PlanPacks, UiError> {
    let jobs = plan_jobs(api, plan_id)?;
    std::fs::create_dir_all(folder)
        .map_err(|e| UiError::new("export_io_failed", format!("{}: {e}", folder.display())))?;
    let report = basemap::write_packs(api, folder, &jobs);
    tracing::info!(
        written = report.written.len(),
        failed = report.failed.len(),
        "plan packs exported"
    );
    Ok(PlanPacks {
        folder: folder.display().to_string(),
        packs: report
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        failed: report
            .failed
            .into_iter()
            .map(|(job_id, e)| PackFailure {
                job_id,
                message: e.to_string(),
            })
            .collect(),
    })
}

/// Writes every run sheet of `plan_id` into one PDF under `dir` and opens it for printing.
pub fn print(api: &Api, dir: &Path, plan_id: &str) -> Result<printing::PrintedSheet, UiError> {
    let jobs = plan_jobs(api, plan_id)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| UiError::new("export_io_failed", format!("{}: {e}", dir.display())))?;
    let path = dir.join(format!("plan-{}.pdf", routemate_export::safe_name(plan_id)));
    let bytes = basemap::run_sheets(api, plan_id, &jobs).map_err(printing::ui_error)?;
    pack::write_atomic(&path, &bytes).map_err(printing::ui_error)?;
    Ok(printing::open_written(&path))
}
