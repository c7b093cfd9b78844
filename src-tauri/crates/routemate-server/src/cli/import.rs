//! `routemate import FILE`: imports a job file into the local store and prints the response(s),
//! through the engine's one job-file call (`jobfile::import_file`).
//!
//! A CSV file (or the first sheet with values of an .xlsx, .xls or .ods workbook) holds one stop a
//! row (jobs grouped by external_job_id); a JSON file holds one
//! import body or an array of them. Every job is validated before any is imported, so a bad file
//! imports nothing and names each problem.

use super::{open_api, print_json, Cli};
use anyhow::bail;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The job file (.csv, .xlsx/.xls/.ods, or .json: one import body or an array of them).
    pub file: PathBuf,
}

pub fn run(cli: &Cli, args: &ImportArgs) -> anyhow::Result<()> {
    let api = open_api(cli)?;
    let report = match api.import_file(&cli.account, &args.file) {
        Ok(report) => report,
        Err(e) => {
            let problems: Vec<String> = e.problems().iter().map(|p| p.describe()).collect();
            bail!(
                "{}: nothing imported, {} problem(s): {}",
                args.file.display(),
                problems.len(),
                problems.join("; ")
            )
        }
    };
    let single = report.single;
    let mut out = Vec::with_capacity(report.jobs.len());
    for job in report.jobs {
        out.push(job.result?.job);
    }
    // A JSON object prints one job; a JSON array or a CSV (many jobs) prints an array.
    match out.pop() {
        Some(only) if single && out.is_empty() => print_json(&only),
        last => {
            out.extend(last);
            print_json(&out)
        }
    }
}
