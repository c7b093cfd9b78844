//! One problem in a job file, located the way the sender sees the file: CSV row and column as
//! written, or the JSON field path; plus a stable code and a human reason.

use serde::Serialize;

/// A bad cell, a bad header, or a file-level problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// CSV: 1-based row as a spreadsheet shows it (header = row 1). JSON syntax errors: the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// CSV: the column header exactly as written in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The job the problem belongs to, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_job_id: Option<String>,
    /// The import-request field path (`stops[3].parcel_count`), when the problem maps to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Stable machine code: `required`, `invalid_value`, `unknown_column`, `malformed_json`, …
    pub code: String,
    /// What is wrong, for a person.
    pub detail: String,
    /// The offending text (truncated), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Problem {
    /// A problem about the file as a whole.
    pub fn file(code: &str, detail: impl Into<String>) -> Problem {
        Problem {
            row: None,
            column: None,
            external_job_id: None,
            field: None,
            code: code.into(),
            detail: detail.into(),
            value: None,
        }
    }

    /// A problem in one CSV cell.
    pub fn cell(row: usize, column: &str, code: &str, detail: impl Into<String>) -> Problem {
        Problem {
            row: Some(row),
            column: Some(column.to_string()),
            ..Problem::file(code, detail)
        }
    }

    /// The offending text, as a report may quote it (short, control characters escaped).
    pub fn with_value(mut self, value: &str) -> Problem {
        self.value = Some(super::quote::quote(value));
        self
    }

    pub fn with_job(mut self, job: Option<&str>) -> Problem {
        self.external_job_id = job.map(str::to_string);
        self
    }

    /// One line for the text report: `Row 4, column "Parcels": must be … (got "-2") [job B1]`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => s.push_str(&format!("Row {r}, column \"{c}\": ")),
            (Some(r), None) => s.push_str(&format!("Row {r}: ")),
            (None, Some(c)) => s.push_str(&format!("Column \"{c}\": ")),
            (None, None) => {}
        }
        if let (None, Some(f)) = (&self.column, &self.field) {
            s.push_str(&format!("{f}: "));
        }
        s.push_str(&self.detail);
        if let Some(v) = &self.value {
            s.push_str(&format!(" (got \"{v}\")"));
        }
        if let Some(j) = &self.external_job_id {
            s.push_str(&format!(" [job {j}]"));
        }
        s
    }
}
