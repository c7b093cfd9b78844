//! `routemate plan FILE`: plans a day across drivers on the local store and prints the plan(s).
//!
//! A `.json` file is a `POST /v1/integration-plans` body (drivers optional: the saved fleet).
//! A CSV or workbook is a day's job file without drivers, planned across the fleet saved with
//! `routemate fleet set` through the one job-file call (`jobfile::import_file`), as the watched
//! folder does; without a saved fleet it is refused, naming the fix.

use super::{open_api, print_json, Cli};
use anyhow::{bail, Context};
use clap::Args;
use routemate_engine::jobfile::Format;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The day: a plan body (.json) or a job file (.csv, .xlsx/.xls/.ods) without drivers.
    pub file: PathBuf,
}

pub fn run(cli: &Cli, args: &PlanArgs) -> anyhow::Result<()> {
    let api = open_api(cli)?;
    let file = &args.file;
    if Format::from_path(file) == Some(Format::Json) {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let body: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", file.display()))?;
        let out = api.plan_day_value(&cli.account, &body)?;
        return print_json(&out.plan);
    }
    if api.fleet()?.drivers.is_empty() {
        bail!(
            "no fleet saved: save the drivers first with `routemate fleet set FLEET.json` \
             (or plan a JSON body that lists its drivers)"
        );
    }
    let report = match api.import_file(&cli.account, file) {
        Ok(r) => r,
        Err(e) => {
            let problems: Vec<String> = e.problems().iter().map(|p| p.describe()).collect();
            bail!(
                "{}: nothing planned: {}",
                file.display(),
                problems.join("; ")
            )
        }
    };
    if let Some((job, e)) = report.first_error() {
        bail!("{}: {}: {e}", file.display(), job.external_job_id);
    }
    if report.plans.is_empty() {
        bail!(
            "{}: every job names its driver (driver_email), so nothing was planned across the \
             fleet; the jobs were imported as they are",
            file.display()
        );
    }
    let plans: Vec<_> = report.plans.into_iter().map(|o| o.plan).collect();
    print_json(&plans)
}
