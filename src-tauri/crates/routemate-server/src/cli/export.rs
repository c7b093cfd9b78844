//! `routemate export JOB_ID --format pdf|gpx|csv|xlsx --out FILE`: one job's run sheet, GPX,
//! CSV or XLSX; `routemate export --jobs ID,ID,… --out DIR`: a driver pack (all four files) per
//! job into DIR; `routemate export --plan PLAN_ID --out DIR`: a driver pack for every driver's job
//! of a day plan.

use super::{open_api, print_json, Cli};
use anyhow::{bail, Context as _};
use clap::Args;
use routemate_engine::jobs::{JobRef, JobView};
use routemate_engine::Api;
use routemate_export::{pack, Format};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["job_id", "jobs", "plan"])))]
pub struct ExportArgs {
    /// The job's RouteMate id (or its external id).
    pub job_id: Option<String>,
    /// pdf (run sheet), gpx, csv or xlsx; default: from the --out file's extension.
    #[arg(long, value_parser = parse_format)]
    pub format: Option<Format>,
    /// The file to write (one job), or the folder for the packs (--jobs, --plan).
    #[arg(long)]
    pub out: PathBuf,
    /// Write a driver pack per job (comma-separated job ids) into the --out folder.
    #[arg(long, value_delimiter = ',', conflicts_with = "format")]
    pub jobs: Vec<String>,
    /// Write a driver pack for every job of a day plan into the --out folder.
    #[arg(long, conflicts_with = "format")]
    pub plan: Option<String>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| format!("unknown format {s:?}; use pdf, gpx, csv or xlsx"))
}

pub fn run(cli: &Cli, args: &ExportArgs) -> anyhow::Result<()> {
    let api = open_api(cli)?;
    if let Some(id) = &args.job_id {
        let format = match args.format {
            Some(f) => f,
            None => format_of(&args.out)?,
        };
        let job = find(&api, &cli.account, id)?;
        let options = routemate_export::basemap::options_for(&api, &job);
        let bytes = routemate_export::export_with(&job, format, &options)?;
        pack::write_atomic(&args.out, &bytes)?;
        return print_json(&serde_json::json!({
            "job_id": job.job_id,
            "format": format.as_str(),
            "path": args.out,
            "bytes": bytes.len(),
        }));
    }
    let ids: Vec<String> = match &args.plan {
        Some(plan_id) => api
            .plan(&cli.account, plan_id)?
            .jobs
            .into_iter()
            .map(|j| j.job_id)
            .collect(),
        None => args.jobs.clone(),
    };
    let jobs = ids
        .iter()
        .filter(|id| !id.trim().is_empty())
        .map(|id| find(&api, &cli.account, id.trim()))
        .collect::<anyhow::Result<Vec<JobView>>>()?;
    if jobs.is_empty() {
        bail!("--jobs or --plan names no job");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    // Each run sheet's map with the road pack's streets around its job.
    let report = routemate_export::basemap::write_packs(&api, &args.out, &jobs);
    for (job_id, e) in &report.failed {
        eprintln!("job {job_id}: {e}");
    }
    print_json(&serde_json::json!({ "packs": report.written, "failed": report.failed.len() }))?;
    if !report.failed.is_empty() {
        bail!("{} of {} packs failed", report.failed.len(), jobs.len());
    }
    Ok(())
}

/// A job by RouteMate id, else by external id.
fn find(api: &Api, account: &str, id: &str) -> anyhow::Result<JobView> {
    match api.job(account, &JobRef::Id(id.to_string())) {
        Ok(job) => Ok(job),
        Err(_) => Ok(api.job(account, &JobRef::External(id.to_string()))?),
    }
}

fn format_of(out: &Path) -> anyhow::Result<Format> {
    out.extension()
        .and_then(|e| e.to_str())
        .and_then(Format::parse)
        .with_context(|| {
            format!(
                "say --format pdf|gpx|csv|xlsx ({} has no such extension)",
                out.display()
            )
        })
}
