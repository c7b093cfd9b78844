//! `routemate jobs [--job-id ID | --external-job-id ID]`: one job's status, or every job.

use super::{open_api, print_json, Cli};
use clap::Args;
use routemate_engine::jobs::{JobQuery, JobRef};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").args(["job_id", "external_job_id"])))]
pub struct JobsArgs {
    /// The job's RouteMate id.
    #[arg(long)]
    pub job_id: Option<String>,
    /// The integrator's id for the job.
    #[arg(long)]
    pub external_job_id: Option<String>,
}

pub fn run(cli: &Cli, args: &JobsArgs) -> anyhow::Result<()> {
    let api = open_api(cli)?;
    let job = match (&args.job_id, &args.external_job_id) {
        (Some(id), _) => Some(JobRef::Id(id.clone())),
        (None, Some(ext)) => Some(JobRef::External(ext.clone())),
        (None, None) => None,
    };
    if let Some(job) = job {
        return print_json(&api.job(&cli.account, &job)?);
    }
    let mut all = Vec::new();
    let mut q = JobQuery {
        limit: Some(500),
        ..JobQuery::default()
    };
    loop {
        let page = api.list_jobs(&cli.account, &q)?;
        all.extend(page.jobs);
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    print_json(&all)
}
