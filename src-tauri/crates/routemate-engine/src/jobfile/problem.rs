//! One problem in a job file, located the way the sender sees the file: sheet (workbooks), row
//! and column as written, or the JSON field path; plus a stable code and a human reason.

use serde::Serialize;

/// A bad cell, a bad header, or a file-level problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Workbooks (`.xlsx`, `.xls`, `.ods`): the name of the sheet the row and column are on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Tables: 1-based row as a spreadsheet shows it (header = row 1). JSON syntax errors: the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// Tables: the column header exactly as written in the file.
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
            sheet: None,
            row: None,
            column: None,
            external_job_id: None,
            field: None,
            code: code.into(),
            detail: detail.into(),
            value: None,
        }
    }

    /// A problem in one table cell.
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

    /// Names the workbook sheet the problem is on (kept as a report may quote it).
    pub fn on_sheet(mut self, sheet: &str) -> Problem {
        self.sheet = Some(super::quote::quote(sheet));
        self
    }

    pub fn with_job(mut self, job: Option<&str>) -> Problem {
        self.external_job_id = job.map(str::to_string);
        self
    }

    /// One line for the text report: `Row 4, column "Parcels": must be … (got "-2") [job B1]`,
    /// in a workbook `Sheet "Orders", row 4, column "Parcels": …`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let place = match (&self.row, &self.column) {
            (Some(r), Some(c)) => format!("row {r}, column \"{c}\""),
            (Some(r), None) => format!("row {r}"),
            (None, Some(c)) => format!("column \"{c}\""),
            (None, None) => String::new(),
        };
        let place = match (&self.sheet, place.is_empty()) {
            (Some(sheet), true) => format!("Sheet \"{sheet}\""),
            (Some(sheet), false) => format!("Sheet \"{sheet}\", {place}"),
            (None, _) => capitalise(&place),
        };
        if !place.is_empty() {
            s.push_str(&place);
            s.push_str(": ");
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

/// `row 4` → `Row 4`.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
