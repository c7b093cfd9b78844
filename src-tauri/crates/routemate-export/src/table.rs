//! The planned order as a table: one stop a row, routed stops by sequence, then the stops left
//! off the route (empty sequence). CSV and XLSX carry the same columns; the stop columns use the
//! job-file header names, so an exported file imports again as the same job.

use crate::route::Route;
use crate::ExportError;
use routemate_core::model::Stop;
use rust_xlsxwriter::{Format as CellFormat, Workbook};

/// The header row.
pub const COLUMNS: [&str; 21] = [
    "sequence",
    "external_job_id",
    "title",
    "driver_email",
    "date",
    "external_stop_id",
    "label",
    "address",
    "parcel_count",
    "lat",
    "lng",
    "eta",
    "time_window_start",
    "time_window_end",
    "phone",
    "notes",
    "service_minutes",
    "leg_distance_km",
    "leg_duration_minutes",
    "status",
    "geocode_level",
];

/// One cell: text or a number (numbers stay numbers in the workbook).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    fn text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }
    fn number(n: Option<f64>) -> Cell {
        n.map_or(Cell::Empty, Cell::Number)
    }
}

/// Every row of the table, header excluded, in [`COLUMNS`] order.
pub fn rows(route: &Route) -> Vec<Vec<Cell>> {
    route.all_stops().map(|s| row(route, s)).collect()
}

fn row(route: &Route, s: &Stop) -> Vec<Cell> {
    let level = serde_json::to_value(s.geocode.level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string));
    vec![
        Cell::number(s.sequence.map(f64::from)),
        Cell::Text(route.external_job_id.clone()),
        Cell::Text(route.title.clone()),
        Cell::text(route.driver.as_deref()),
        Cell::Text(route.date.clone()),
        Cell::Text(s.external_stop_id.clone()),
        Cell::text(s.label.as_deref()),
        Cell::text(s.address.as_deref()),
        Cell::Number(f64::from(s.parcel_count)),
        Cell::number(s.lat),
        Cell::number(s.lng),
        Cell::text(s.eta.as_deref()),
        Cell::text(s.time_window.as_ref().map(|w| w.start.as_str())),
        Cell::text(s.time_window.as_ref().map(|w| w.end.as_str())),
        Cell::text(s.phone.as_deref()),
        Cell::text(s.notes.as_deref()),
        Cell::Number(s.service_minutes),
        Cell::number(s.leg_distance_km.map(round3)),
        Cell::number(s.leg_duration_minutes.map(round3)),
        Cell::Text(s.status.as_str().to_string()),
        Cell::text(level.as_deref()),
    ]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// UTF-8 CSV with a header row. Text that a spreadsheet would run as a formula (starting with
/// `=`, `@`, or `+`/`-` not followed by a digit) is prefixed with `'`; phone numbers such as
/// `+61 7 …` are left alone.
pub fn csv(route: &Route) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ExportError::Csv(e.to_string());
    w.write_record(COLUMNS).map_err(err)?;
    for r in rows(route) {
        let fields: Vec<String> = r
            .iter()
            .map(|c| match c {
                Cell::Text(t) => defuse(t),
                Cell::Number(n) => format_number(*n),
                Cell::Empty => String::new(),
            })
            .collect();
        w.write_record(&fields).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| ExportError::Csv(e.error().to_string()))
}

/// Whole numbers without `.0`, others as Rust prints them (shortest round-trip form).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Text made safe from spreadsheet formula injection (see [`csv`]).
pub fn defuse(t: &str) -> String {
    let mut chars = t.chars();
    let risky = match chars.next() {
        Some('=' | '@') => true,
        Some('+' | '-') => !chars.next().is_some_and(|c| c.is_ascii_digit() || c == ' '),
        _ => false,
    };
    if risky {
        format!("'{t}")
    } else {
        t.to_string()
    }
}

/// An `.xlsx` workbook with one sheet, "Route": a bold header row, frozen, then one stop a row.
/// Text is written as text (never as a formula), numbers as numbers.
pub fn xlsx(route: &Route) -> Result<Vec<u8>, ExportError> {
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Route").map_err(err)?;
    let bold = CellFormat::new().set_bold();
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *name, &bold)
            .map_err(err)?;
    }
    for (r, cells) in rows(route).iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, c, t).map_err(err)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n).map_err(err)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    for (c, width) in [(6, 24.0), (7, 40.0), (15, 30.0)] {
        sheet.set_column_width(c, width).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_phone_numbers_kept() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("+61 7 3000 0000"), "+61 7 3000 0000");
        assert_eq!(defuse("-5"), "-5");
        assert_eq!(defuse("-cmd"), "'-cmd");
        assert_eq!(defuse("12 Queen St"), "12 Queen St");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-27.4748), "-27.4748");
    }
}
