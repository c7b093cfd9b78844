//! Job files: turns the bytes of a CSV, JSON or workbook (`.xlsx`, `.xls`, `.ods`) job file into
//! validated import requests, or into a report naming every bad cell (sheet, row, column as
//! written, reason) so the sender fixes them at once; and [`import_file`], the one call that
//! reads, decodes, parses and imports a file.
//!
//! Used alike by the watched folder, `routemate import FILE` and the desktop's manual import (file
//! dialog, dropped file, sample job). The rules, the same for all three:
//! - **Reading** ([`read_file`]): a regular file only (symlinks, FIFOs, devices and folders are
//!   refused without reading them); its size is checked before reading.
//! - **Encodings**: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252, for CSV and JSON.
//! - **Format**: `.csv`/`.tsv` is CSV; `.xlsx`, `.xls`, `.ods` are workbooks, read from the
//!   first sheet that holds a value, laid out as a CSV file (see [`sheet`]); any other name is
//!   JSON (one import body or an array). A workbook saved under the other workbook extension
//!   (an `.xls` that is really `.xlsx`) is read by its first bytes; one that is no workbook at all
//!   is refused (`not_a_workbook`).
//! - **Tables**: CSV rows and sheet rows go through one row-to-job step ([`table`]): the same
//!   header aliases, grouping by `external_job_id`, limits and per-cell problems.
//! - **Several jobs in one file**: all or nothing. Every job is parsed and validated before any is
//!   imported; one problem anywhere refuses the whole file and nothing of it is imported. A valid
//!   file's jobs are imported in file order, each answered on its own.
//! - **Reports** quote at most [`quote::MAX_QUOTED_CHARS`] characters of any text from the file,
//!   control characters escaped.
//!
//! Limits (documented in the README): a file may be at most [`MAX_FILE_BYTES`] bytes, hold at most
//! [`MAX_ROWS`] data rows and [`MAX_JOBS`] jobs; a job at most `routemate_core::validate::MAX_STOPS`
//! stops; a CSV or sheet cell at most [`MAX_CELL_CHARS`] characters; a sheet at most
//! [`sheet::MAX_SHEET_COLUMNS`] columns; an `.ods` sheet at most [`sheet::MAX_SHEET_CELLS`] cells
//! from its first value to its last.

mod cells;
mod csv;
mod decode;
mod header;
mod import;
mod json;
mod ods_bound;
mod problem;
pub mod quote;
mod read;
pub mod sheet;
mod table;
mod xls_bound;

pub use decode::Encoding;
pub use header::{canonical_column, Column};
pub use import::{import_bytes, import_file, FileReport, JobReport};
pub use problem::Problem;
pub use read::{read_file, read_file_limited};

use routemate_core::model::ImportRequest;
use std::path::Path;

/// Largest job file accepted (bytes, before decoding).
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// Most data rows (not counting the header) in one CSV file or sheet.
pub const MAX_ROWS: usize = 100_000;
/// Most jobs in one file.
pub const MAX_JOBS: usize = 1_000;
/// Longest CSV or sheet cell, in characters.
pub const MAX_CELL_CHARS: usize = 10_000;

/// The job file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Json,
    /// Office Open XML workbook (Excel 2007 and later).
    Xlsx,
    /// Legacy Excel workbook (BIFF, Excel 97-2003).
    Xls,
    /// OpenDocument spreadsheet (LibreOffice, Google Sheets export).
    Ods,
}

/// A zip archive's first bytes (`.xlsx`, `.ods`).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// An OLE compound file's first bytes (`.xls`).
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0";

impl Format {
    /// The format a file name says (`.csv` or `.tsv`, `.json`, `.xlsx`, `.xls`, `.ods`;
    /// case-insensitive); `None` for anything else (so a `readme.txt` dropped into the watched
    /// folder is left alone).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            _ => None,
        }
    }

    /// True for the workbook formats, read by [`sheet`].
    pub fn is_workbook(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls | Format::Ods)
    }

    /// The workbook format the first bytes show, for a file named as a workbook: an OLE file is
    /// `.xls`, a zip is `.xlsx` or `.ods` (as named; `.xlsx` when named `.xls`); `None` when the
    /// bytes are no workbook at all.
    fn sniff_workbook(self, bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(OLE_MAGIC) {
            Some(Format::Xls)
        } else if bytes.starts_with(ZIP_MAGIC) {
            Some(if self == Format::Ods {
                Format::Ods
            } else {
                Format::Xlsx
            })
        } else {
            None
        }
    }
}

/// A successfully parsed job file.
#[derive(Debug, Clone, PartialEq)]
pub struct JobFile {
    pub format: Format,
    /// The jobs in the order their first row (or array element) appears.
    pub jobs: Vec<ImportRequest>,
    /// Data rows read (CSV and sheets, header and empty rows not counted) or jobs (JSON).
    pub rows: usize,
    pub encoding: Encoding,
    /// The detected CSV separator (`None` for JSON and workbooks).
    pub delimiter: Option<char>,
    /// Workbooks: the sheet the jobs were read from (as a report may quote it).
    pub sheet: Option<String>,
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

/// Parses a job file. `file_name` names the job when a table (CSV or sheet) has no
/// `external_job_id` column (its stem, e.g. `orders-0601.csv` → `orders-0601`).
pub fn parse(file_name: &str, format: Format, bytes: &[u8]) -> Result<JobFile, JobFileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(JobFileError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let stem = Path::new(file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file_name);
    if format.is_workbook() {
        let Some(actual) = format.sniff_workbook(bytes) else {
            let detail = "the file is named as a spreadsheet but is not an .xlsx, .xls or .ods \
                          workbook; save it again from the spreadsheet program";
            return Err(JobFileError::Invalid {
                problems: vec![Problem::file("not_a_workbook", detail)],
            });
        };
        return sheet::parse(stem, actual, bytes);
    }
    let (text, encoding) = decode::decode(bytes);
    match format {
        Format::Json => json::parse(&text, encoding),
        _ => csv::parse(stem, &text, encoding),
    }
}
