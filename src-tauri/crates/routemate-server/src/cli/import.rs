//! `routemate import FILE`: imports a job file into the local store and prints the response(s).
//!
//! A JSON file holds one import body or an array of them. Every body is validated before any is
//! imported, so a bad file imports nothing and names each problem.

use super::{open_api, print_json, Cli};
use anyhow::{bail, Context};
use clap::Args;
use routemate_core::model::ImportRequest;
use routemate_core::validate::parse_import;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The job file (.json).
    pub file: PathBuf,
}

/// Parses a job file into validated requests, or one error naming every problem.
pub fn read_job_file(path: &std::path::Path) -> anyhow::Result<(Vec<ImportRequest>, bool)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not valid JSON", path.display()))?;
    let (items, is_array) = match value {
        serde_json::Value::Array(items) => (items, true),
        other => (vec![other], false),
    };
    let mut requests = Vec::new();
    let mut problems = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match parse_import(item) {
            Ok(r) => requests.push(r),
            Err(errs) => problems.extend(errs.into_iter().map(|e| {
                let at = if is_array {
                    format!("[{i}].")
                } else {
                    String::new()
                };
                format!("{at}{}: {}", e.field, e.detail)
            })),
        }
    }
    if !problems.is_empty() {
        bail!(
            "{}: nothing imported, {} problem(s): {}",
            path.display(),
            problems.len(),
            problems.join("; ")
        );
    }
    Ok((requests, is_array))
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
