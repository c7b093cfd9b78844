//! A job file into the engine in one call: read (safely), decode, parse, validate every job, then
//! import each through the import pipeline, answering job by job. The desktop's manual import,
//! `routemate import` and the watched folder all come through here.

use super::read::read_file;
use super::{decode, parse, Encoding, Format, JobFileError};
use crate::context::Context;
use crate::error::EngineError;
use crate::import::{self, ImportOutcome};
use crate::jobs::write::Origin;
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
    /// One entry per job, in file order.
    pub jobs: Vec<JobReport>,
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
    let jobs = file
        .jobs
        .into_iter()
        .enumerate()
        .map(|(index, req)| JobReport {
            index,
            external_job_id: req.external_job_id.clone(),
            result: import::import(ctx, account, req, Origin::Local),
        })
        .collect();
    tracing::info!(file = name, ?format, single, "job file imported");
    Ok(FileReport {
        file: name.to_string(),
        format,
        encoding: file.encoding,
        delimiter: file.delimiter,
        rows: file.rows,
        single,
        jobs,
    })
}
