//! A job file into the engine in one call: read (safely), decode, parse, validate every job, then
//! import each through the import pipeline, answering job by job. The desktop's manual import,
//! `routemate import` and the watched folder all come through here.
//!
//! A day's table (CSV or sheet) whose job names no driver (no `driver_email` column, or blank on
//! every row) is planned across the fleet saved in Settings when there is one: it becomes one
//! job per driver (each answered as a job of the file) and a plan with the stops left out
//! (`FileReport::plans`). Without a saved fleet it is imported as one unassigned job, as before.

use super::read::read_file;
use super::{decode, parse, Encoding, Format, JobFileError};
use crate::context::Context;
use crate::error::EngineError;
use crate::import::{self, ImportOutcome};
use crate::jobs::write::Origin;
use crate::jobs::JobRef;
use crate::plan::{self, PlanOutcome};
use routemate_core::dayplan::{PlanRequest, PlanStopInput};
use routemate_core::model::ImportRequest;
use std::path::Path;

/// What importing one job file did.
#[derive(Debug)]
pub struct FileReport {
    /// The file's name as given.
    pub file: String,
    pub format: Format,
    pub encoding: Encoding,
    /// The detected CSV separator (`None` for JSON).
    pub delimiter: Option<char>,
    /// Data rows read (CSV) or jobs (JSON).
    pub rows: usize,
    /// A JSON file holding one job object rather than an array: front ends that echo the import
    /// response answer with that one job, as the HTTP API would.
    pub single: bool,
    /// One entry per job, in file order (a planned day: one per driver).
    pub jobs: Vec<JobReport>,
    /// The days planned across the fleet (see the module doc).
    pub plans: Vec<PlanOutcome>,
}

/// One job of a file: the import's outcome, or the engine error that stopped it.
#[derive(Debug)]
pub struct JobReport {
    /// Position in the file (0 for a single job).
    pub index: usize,
    pub external_job_id: String,
    pub result: Result<ImportOutcome, EngineError>,
}

impl FileReport {
    /// The first job the engine refused, if any.
    pub fn first_error(&self) -> Option<(&JobReport, &EngineError)> {
        self.jobs
            .iter()
            .find_map(|j| j.result.as_ref().err().map(|e| (j, e)))
    }
}

/// Reads the job file at `path` and imports it into `account` (see [`import_bytes`]).
pub fn import_file(ctx: &Context, account: &str, path: &Path) -> Result<FileReport, JobFileError> {
    let bytes = read_file(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    import_bytes(ctx, account, &name, &bytes)
}

/// Imports the content of a job file named `name` into `account`.
///
/// The format follows the name: `.csv`/`.tsv` is CSV, anything else is JSON (one import body or
/// an array of them). The file is all or nothing: every job is parsed and validated first, and
/// one problem anywhere refuses the whole file (`Err`, naming every problem) with nothing
/// imported. A valid file's jobs are then imported in order, each on its own; an engine error
/// (a store failure) is reported on that job and the others still go in.
pub fn import_bytes(
    ctx: &Context,
    account: &str,
    name: &str,
    bytes: &[u8],
) -> Result<FileReport, JobFileError> {
    let format = Format::from_path(Path::new(name)).unwrap_or(Format::Json);
    let file = parse(name, format, bytes)?;
    let single = format == Format::Json && {
        let (text, _) = decode::decode(bytes);
        !text.trim_start().starts_with('[')
    };
    let fleet = if format == Format::Json {
        None
    } else {
        match plan::fleet::load(ctx.store()) {
            Ok(f) if !f.drivers.is_empty() => Some(f),
            _ => None,
        }
    };
    let mut jobs = Vec::new();
    let mut plans = Vec::new();
    for (index, req) in file.jobs.into_iter().enumerate() {
        if fleet.is_some() && req.driver_email.is_none() {
            plan_day(ctx, account, index, req, &mut jobs, &mut plans);
            continue;
        }
        jobs.push(JobReport {
            index,
            external_job_id: req.external_job_id.clone(),
            result: import::import(ctx, account, req, Origin::Local),
        });
    }
    tracing::info!(file = name, ?format, single, "job file imported");
    Ok(FileReport {
        file: name.to_string(),
        format,
        encoding: file.encoding,
        delimiter: file.delimiter,
        rows: file.rows,
        single,
        jobs,
        plans,
    })
}

/// A day without drivers, planned across the saved fleet: each driver's job is reported as a job
/// of the file.
fn plan_day(
    ctx: &Context,
    account: &str,
    index: usize,
    req: ImportRequest,
    jobs: &mut Vec<JobReport>,
    plans: &mut Vec<PlanOutcome>,
) {
    let external_job_id = req.external_job_id.clone();
    let day = PlanRequest {
        external_plan_id: req.external_job_id,
        title: req.title,
        date: req.date,
        depot: req.depot,
        drivers: None,
        stops: req
            .stops
            .into_iter()
            .map(|stop| PlanStopInput {
                stop,
                time_windows: Vec::new(),
                weight_kg: None,
                volume_m3: None,
                priority: Default::default(),
                driver_email: None,
            })
            .collect(),
        options: Default::default(),
    };
    let outcome = ctx.store().guard(0, || plan::plan_day(ctx, account, day));
    match outcome {
        Ok(out) => {
            for j in &out.plan.jobs {
                let job = crate::jobs::find(ctx.store(), account, &JobRef::Id(j.job_id.clone()));
                jobs.push(JobReport {
                    index,
                    external_job_id: j.external_job_id.clone(),
                    result: job.map(|job| ImportOutcome {
                        created: out.created,
                        changed: out.changed,
                        job: job.view(),
                    }),
                });
            }
            plans.push(out);
        }
        Err(e) => jobs.push(JobReport {
            index,
            external_job_id,
            result: Err(e),
        }),
    }
}
