//! Hands a planned job to its driver: a printable PDF run sheet (route map, stop table, QR codes
//! that open the route in a phone's navigation app), GPX 1.1, CSV and XLSX of the planned order,
//! and driver packs (those files for one job, or for several jobs at once, in a folder).
//!
//! Everything is drawn from the engine's job view ([`JobView`]) and this crate's bundled font:
//! no network, no tauri, no store access. The front ends (CLI, HTTP, desktop) fetch the job and
//! call [`export`] or [`pack::write_pack`].

pub mod basemap;
pub mod gpx;
pub mod navlink;
pub mod pack;
pub mod pdf;
pub mod route;
pub mod table;

use route::{LatLngLine, Route};
use routemate_engine::jobs::JobView;

/// The formats a job can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The printable run sheet (A4 portrait).
    Pdf,
    /// GPX 1.1: waypoints in order, the route, and the road geometry as a track when known.
    Gpx,
    /// The planned order, one stop a row (UTF-8, comma-separated, header row).
    Csv,
    /// The same rows as an Excel workbook.
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Pdf, Format::Gpx, Format::Csv, Format::Xlsx];

    /// `pdf`, `gpx`, `csv` or `xlsx` (as in `--format` and `?format=`), case-insensitive.
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Gpx => "gpx",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// The media type an HTTP answer carries.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Gpx => "application/gpx+xml",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an export can fail on. Every variant names what went wrong; none carries job text.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the workbook could not be written: {0}")]
    Xlsx(String),
    #[error("the CSV could not be written: {0}")]
    Csv(String),
    #[error("could not write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ExportError {
    /// A stable code for front ends that branch on the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::Pdf(_) => "export_pdf_failed",
            ExportError::Xlsx(_) => "export_xlsx_failed",
            ExportError::Csv(_) => "export_csv_failed",
            ExportError::Io { .. } => "export_io_failed",
        }
    }
}

/// Extra drawing input the job itself does not carry.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Context lines drawn faintly under the route on the run sheet's map (streets of a road
    /// pack, coastlines of an outline basemap), each a list of points. Empty: none.
    pub background: Vec<LatLngLine>,
    /// A road pack's streets under the route, drawn in greys by rank ([`basemap::streets_for`]).
    /// Empty (and no `background`): a light lat/lng grid instead.
    pub streets: Vec<basemap::MapStreet>,
}

/// Exports `job` in `format` with no extra drawing input.
pub fn export(job: &JobView, format: Format) -> Result<Vec<u8>, ExportError> {
    export_with(job, format, &ExportOptions::default())
}

/// Exports `job` in `format`.
pub fn export_with(
    job: &JobView,
    format: Format,
    options: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    let route = Route::from_job(job);
    match format {
        Format::Pdf => pdf::run_sheet(&route, options),
        Format::Gpx => Ok(gpx::write(&route).into_bytes()),
        Format::Csv => table::csv(&route),
        Format::Xlsx => table::xlsx(&route),
    }
}

/// A file name for the export of `job`: its external id made safe for any file system, then the
/// format's extension (`BATCH-001.pdf`).
pub fn file_name(job: &JobView, format: Format) -> String {
    format!("{}.{}", safe_name(&job.external_job_id), format.as_str())
}

/// `s` with every character that is not a letter, digit, `.`, `-`, `_` or `@` replaced by `_`,
/// no leading dot (hidden files), at most 80 characters; `job` when nothing is left.
pub fn safe_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    while out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    if out.trim_matches('_').is_empty() {
        out = "job".into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name_only() {
        assert_eq!(Format::parse("PDF"), Some(Format::Pdf));
        assert_eq!(Format::parse("xlsx"), Some(Format::Xlsx));
        assert_eq!(Format::parse("docx"), None);
        assert_eq!(Format::parse(""), None);
    }

    #[test]
    fn safe_names_stay_inside_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_._.._etc_passwd");
        assert_eq!(safe_name(".hidden"), "_hidden");
        assert_eq!(safe_name("BATCH-001"), "BATCH-001");
        assert_eq!(safe_name("Tour Köln 3"), "Tour_Köln_3");
        assert_eq!(safe_name("///"), "job");
        assert_eq!(safe_name(&"x".repeat(300)).len(), 80);
    }
}
