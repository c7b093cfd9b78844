//! `routemate import FILE`: imports a job file into the local store and prints the response(s).
//!
//! A CSV file holds one stop a row (jobs grouped by external_job_id); a JSON file holds one
//! import body or an array of them. Every body is validated before any is
//! imported, so a bad file imports nothing and names each problem.

use super::{open_api, print_json, Cli};
use anyhow::{bail, Context};
use clap::Args;
use routemate_core::model::ImportRequest;
use routemate_engine::jobfile;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The job file (.csv, or .json: one import body or an array of them).
    pub file: PathBuf,
}

/// Parses a job file (CSV, or JSON by default) into validated requests, or one error naming
/// every problem (row and column for CSV). Returns whether to print an array.
pub fn read_job_file(path: &std::path::Path) -> anyhow::Result<(Vec<ImportRequest>, bool)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let format = jobfile::Format::from_path(path).unwrap_or(jobfile::Format::Json);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match jobfile::parse(&name, format, &bytes) {
        Ok(file) => {
            // A JSON object prints one job; a JSON array or a CSV (many jobs) prints an array.
            let is_array = format == jobfile::Format::Csv
                || String::from_utf8_lossy(&bytes)
                    .trim_start_matches('\u{feff}')
                    .trim_start()
                    .starts_with('[');
            Ok((file.jobs, is_array))
        }
        Err(e) => {
            let problems: Vec<String> = e.problems().iter().map(|p| p.describe()).collect();
            bail!(
                "{}: nothing imported, {} problem(s): {}",
                path.display(),
                problems.len(),
                problems.join("; ")
            )
        }
    }
}

pub fn run(cli: &Cli, args: &ImportArgs) -> anyhow::Result<()> {
    let (requests, is_array) = read_job_file(&args.file)?;
    let api = open_api(cli)?;
    let mut out = Vec::new();
    for req in requests {
        out.push(api.import(&cli.account, req)?.job);
    }
    if is_array {
        print_json(&out)
    } else {
        print_json(&out[0])
    }
}
