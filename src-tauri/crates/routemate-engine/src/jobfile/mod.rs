//! Job files: turns the bytes of a CSV or JSON job file into validated import requests, or into a
//! report naming every bad cell (row, column as written, reason) so the sender fixes them at once;
//! and [`import_file`], the one call that reads, decodes, parses and imports a file.
//!
//! Used alike by the watched folder, `routemate import FILE` and the desktop's manual import (file
//! dialog, dropped file, sample job). The rules, the same for all three:
//! - **Reading** ([`read_file`]): a regular file only (symlinks, FIFOs, devices and folders are
//!   refused without reading them); its size is checked before reading.
//! - **Encodings**: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252, for CSV and JSON.
//! - **Format**: `.csv`/`.tsv` is CSV; any other name is JSON (one import body or an array).
//! - **Several jobs in one file**: all or nothing. Every job is parsed and validated before any is
//!   imported; one problem anywhere refuses the whole file and nothing of it is imported. A valid
//!   file's jobs are imported in file order, each answered on its own.
//! - **Reports** quote at most [`quote::MAX_QUOTED_CHARS`] characters of any text from the file,
//!   control characters escaped.
//!
//! Limits (documented in the README): a file may be at most [`MAX_FILE_BYTES`] bytes, hold at most
//! [`MAX_ROWS`] data rows and [`MAX_JOBS`] jobs; a job at most `routemate_core::validate::MAX_STOPS`
//! stops; a CSV cell at most [`MAX_CELL_CHARS`] characters.

mod cells;
mod csv;
mod decode;
mod header;
mod import;
mod json;
mod problem;
pub mod quote;
mod read;

pub use decode::Encoding;
pub use header::{canonical_column, Column};
pub use import::{import_bytes, import_file, FileReport, JobReport};
pub use problem::Problem;
pub use read::{read_file, read_file_limited};

use routemate_core::model::ImportRequest;
use std::path::Path;

/// Largest job file accepted (bytes, before decoding).
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// Most data rows (not counting the header) in one CSV file.
pub const MAX_ROWS: usize = 100_000;
/// Most jobs in one file.
pub const MAX_JOBS: usize = 1_000;
/// Longest CSV cell, in characters.
pub const MAX_CELL_CHARS: usize = 10_000;

/// The two job file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// The format a file name says (`.csv` or `.tsv`, `.json`; case-insensitive); `None` for
    /// anything else (so a `readme.txt` dropped into the watched folder is left alone).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// A successfully parsed job file.
#[derive(Debug, Clone, PartialEq)]
pub struct JobFile {
    pub format: Format,
    /// The jobs in the order their first row (or array element) appears.
    pub jobs: Vec<ImportRequest>,
    /// Data rows read (CSV, header and empty rows not counted) or jobs (JSON).
    pub rows: usize,
    pub encoding: Encoding,
    /// The detected CSV separator (`None` for JSON).
    pub delimiter: Option<char>,
}

/// Why a job file was refused. Every variant carries the problems a report lists.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JobFileError {
    #[error("the file is {bytes} bytes; job files may be at most {limit} bytes")]
    TooLarge { bytes: usize, limit: usize },
    #[error("'{0}' is a symbolic link; job files are read only from regular files")]
    Symlink(String),
    #[error("'{name}' is {kind}, not a regular file; it was not read")]
    NotAFile { name: String, kind: String },
    #[error("cannot read '{name}': {detail}")]
    Unreadable { name: String, detail: String },
    #[error("{}", plural(problems.len(), "problem") + " in the job file")]
    Invalid { problems: Vec<Problem> },
}

impl JobFileError {
    /// Stable machine code for reports and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            JobFileError::TooLarge { .. } => "job_file_too_large",
            JobFileError::Symlink(_) => "job_file_symlink",
            JobFileError::NotAFile { .. } => "job_file_not_regular",
            JobFileError::Unreadable { .. } => "job_file_unreadable",
            JobFileError::Invalid { .. } => "invalid_job_file",
        }
    }

    /// Every problem, for the report (a single file-level problem for the non-cell errors).
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            JobFileError::Invalid { problems } => problems.clone(),
            other => vec![Problem::file(other.code(), other.to_string())],
        }
    }
}

/// `1 problem`, `3 problems`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Parses a job file. `file_name` names the job when a CSV has no `external_job_id` column
/// (its stem, e.g. `orders-0601.csv` → `orders-0601`).
pub fn parse(file_name: &str, format: Format, bytes: &[u8]) -> Result<JobFile, JobFileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(JobFileError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let (text, encoding) = decode::decode(bytes);
    match format {
        Format::Csv => {
            let stem = Path::new(file_name)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(file_name);
            csv::parse(stem, &text, encoding)
        }
        Format::Json => json::parse(&text, encoding),
    }
}
