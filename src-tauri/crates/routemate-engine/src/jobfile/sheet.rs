//! Workbook job files (`.xlsx`, `.xls`, `.ods`, read with `calamine` from the bytes in memory):
//! the first sheet that holds a value is the job table, laid out as a CSV file would be (header
//! row, one stop a row); its cells become text and go through the same row-to-job step as CSV
//! ([`super::table`]), so aliases, grouping, limits and per-cell problems are the same. Problems
//! also name the sheet. Other sheets are ignored (a lookup or notes sheet may sit beside it).
//!
//! Cells: whole numbers lose their `.0` (a stop id `1001` stays `1001`); dates become
//! `YYYY-MM-DD` and times `HH:MM` (Excel serial dates, ODS ISO dates and durations alike); an error
//! cell (`#N/A`, `#REF!`, …) is a problem of its own. Cells are collected sparsely, row by row,
//! and a value past column [`MAX_SHEET_COLUMNS`] refuses the file, so a tiny workbook naming cell
//! `XFD1048576` cannot make us allocate a sheet's worth of empty cells.

use super::header::Column;
use super::quote::quote;
use super::table::{build_jobs, invalid, read_header, sorted, Row};
use super::{Encoding, Format, JobFile, JobFileError, Problem, MAX_ROWS};
use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Ods, Reader, Xls, Xlsx};
use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

/// Most columns a job sheet may use (a value further right refuses the file).
pub const MAX_SHEET_COLUMNS: usize = 256;
/// Most values a sheet may hold, and most cells an `.ods` sheet may span from its first value to
/// its last (see [`super::ods_bound`]); a full-size job sheet (100,000 rows of 15 columns) holds
/// 1.5 million.
pub const MAX_SHEET_CELLS: usize = 4_000_000;

/// A sheet's used cells: row (0-based) → (column, value), in column order.
type Cells = BTreeMap<u32, Vec<(u32, Data)>>;

/// Parses a workbook of `format` (a workbook format) into jobs, or every problem found.
pub fn parse(stem: &str, format: Format, bytes: &[u8]) -> Result<JobFile, JobFileError> {
    // calamine can panic on a damaged file (a slice index in its .xls reader, found by the
    // property test): a damaged workbook is a problem of the file, never a crash of the import.
    let read = std::panic::catch_unwind(|| first_sheet(format, bytes));
    let found = match read {
        Ok(found) => found.map_err(|p| invalid(vec![p]))?,
        Err(_) => {
            tracing::warn!(?format, "the workbook reader panicked on a damaged file");
            let detail = "cannot read the workbook: it is damaged; save it again from the \
                          spreadsheet program";
            return Err(invalid(vec![Problem::file("unreadable_workbook", detail)]));
        }
    };
    let mut rows = found.as_ref().map(|(_, cells)| cells.iter());
    let (Some((sheet, _)), Some((&header_at, header_cells))) =
        (&found, rows.as_mut().and_then(|r| r.next()))
    else {
        return Err(invalid(vec![Problem::file(
            "empty_file",
            "the workbook has no sheet with a value in it",
        )]));
    };
    let rows: Vec<(u32, &Vec<(u32, Data)>)> =
        rows.into_iter().flatten().map(|(r, c)| (*r, c)).collect();
    let named =
        |problems: Vec<Problem>| invalid(problems.into_iter().map(|p| p.on_sheet(sheet)).collect());
    let header_row = header_at as usize + 1;
    let header_text = dense(header_cells, |_| None);
    let mut problems = Vec::new();
    let header = read_header(&header_text, header_row, &mut problems);
    if problems.iter().any(|p| p.code == "missing_column") {
        return Err(named(sorted(problems, &header)));
    }
    // Error cells are reported here; they read as empty, and any other problem the table step
    // finds in the same cell (`required`) is dropped as a repeat.
    let mut error_cells: HashSet<(usize, String)> = HashSet::new();
    for (r, cells) in &rows {
        for (c, v) in cells.iter() {
            if let Data::Error(e) = v {
                let label = match header.written.get(*c as usize) {
                    Some(w) if !w.is_empty() => w.clone(),
                    _ => format!("column {} (no header)", c + 1),
                };
                let detail = format!("holds the spreadsheet error {e}; enter a value or clear it");
                let row = *r as usize + 1;
                problems.push(
                    Problem::cell(row, &label, "cell_error", detail).with_value(&e.to_string()),
                );
                error_cells.insert((row, label));
            }
        }
    }
    let data_rows = rows.into_iter().map(|(r, cells)| -> Result<Row, Problem> {
        Ok((
            r as usize + 1,
            dense(cells, |c| header.cols.get(c).copied().flatten()),
        ))
    });
    match build_jobs(stem, &header, data_rows, problems) {
        Ok(table) => Ok(JobFile {
            format,
            jobs: table.jobs,
            rows: table.rows,
            encoding: Encoding::Utf8,
            delimiter: None,
            sheet: Some(quote(sheet)),
        }),
        Err(JobFileError::Invalid { problems }) => {
            let problems = problems
                .into_iter()
                .filter(|p| {
                    p.code == "cell_error"
                        || !matches!((p.row, &p.column), (Some(r), Some(c)) if error_cells.contains(&(r, c.clone())))
                })
                .collect();
            Err(named(problems))
        }
        Err(other) => Err(other),
    }
}

/// One row's cells as text by column position (from column A), converted for their column.
fn dense(cells: &[(u32, Data)], col_of: impl Fn(usize) -> Option<Column>) -> Vec<String> {
    let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
    let mut out = vec![String::new(); width];
    for (c, v) in cells {
        out[*c as usize] = text(v, col_of(*c as usize));
    }
    out
}

/// A cell as the text a CSV export of it would hold.
fn text(v: &Data, col: Option<Column>) -> String {
    let time_col = matches!(col, Some(Column::TimeWindowStart | Column::TimeWindowEnd));
    match v {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        // A time typed as a bare day fraction (0.375) in a time column is 09:00.
        Data::Float(f) if time_col && (0.0..1.0).contains(f) => serial_text(
            ExcelDateTime::new(*f, ExcelDateTimeType::DateTime, false),
            col,
        ),
        Data::Float(f) => number_text(*f),
        Data::DateTime(dt) if dt.is_duration() => hhmm_of_fraction(dt.as_f64()),
        Data::DateTime(dt) => serial_text(*dt, col),
        Data::DateTimeIso(s) => iso_text(s, col),
        Data::DurationIso(s) => duration_text(s).unwrap_or_else(|| s.clone()),
    }
}

/// `1001.0` → `1001` (ids, counts), anything else as the shortest exact decimal.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// An Excel serial date-time: `HH:MM` in time columns or when it has no date part, else
/// `YYYY-MM-DD` (with ` HH:MM` when it has a time of day outside the date column).
fn serial_text(dt: ExcelDateTime, col: Option<Column>) -> String {
    let value = dt.as_f64();
    // calamine applies the workbook's epoch (1900 or 1904) and Excel's 1900 leap-year quirk.
    let (y, mo, d, h, mi, _, _) = dt.to_ymd_hms_milli();
    let time = format!("{h:02}:{mi:02}");
    let date = format!("{y:04}-{mo:02}-{d:02}");
    match col {
        Some(Column::TimeWindowStart | Column::TimeWindowEnd) => time,
        Some(Column::Date) => date,
        _ if value < 1.0 => time,
        _ if value.fract() == 0.0 => date,
        _ => format!("{date} {time}"),
    }
}

/// A duration (`[h]:mm`) of less than a day, as a time of day.
fn hhmm_of_fraction(days: f64) -> String {
    let minutes = (days * 1440.0).round().clamp(0.0, 1439.0) as u32;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// ODS dates come as ISO text (`2026-06-01`, `2026-06-01T09:30:00`).
fn iso_text(s: &str, col: Option<Column>) -> String {
    let (date, time) = s.split_once('T').unwrap_or((s, ""));
    let hhmm = time.get(..5).unwrap_or(time);
    match col {
        Some(Column::TimeWindowStart | Column::TimeWindowEnd) if !hhmm.is_empty() => hhmm.into(),
        Some(Column::Date) => date.into(),
        _ if hhmm.is_empty() => date.into(),
        _ => format!("{date} {hhmm}"),
    }
}

/// ODS times come as ISO durations (`PT09H30M00S`): `09:30`.
fn duration_text(s: &str) -> Option<String> {
    let rest = s.strip_prefix("PT")?;
    let (h, rest) = rest.split_once('H')?;
    let m = rest.split_once('M').map_or("0", |(m, _)| m);
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    Some(format!("{h:02}:{m:02}"))
}

/// The name and used cells of the workbook's first sheet holding a value (`None`: no such sheet).
fn first_sheet(format: Format, bytes: &[u8]) -> Result<Option<(String, Cells)>, Problem> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Problem::file(
            "unreadable_workbook",
            format!("cannot read the workbook: {}", quote(&e.to_string())),
        )
    };
    let cursor = Cursor::new(bytes);
    match format {
        Format::Xlsx => {
            // Streamed cell by cell: a sheet's declared size is never allocated.
            let mut book: Xlsx<_> = Xlsx::new(cursor).map_err(|e| unreadable(&e))?;
            for name in book.sheet_names() {
                let mut reader = book
                    .worksheet_cells_reader(&name)
                    .map_err(|e| unreadable(&e))?;
                let mut cells = Collector::default();
                while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                    let (r, c) = cell.get_position();
                    cells
                        .add(r, c, Data::from(cell.get_value().clone()))
                        .map_err(|p| p.on_sheet(&name))?;
                    if cells.full() {
                        break;
                    }
                }
                if let Some(cells) = cells.done() {
                    return Ok(Some((name, cells)));
                }
            }
        }
        Format::Xls => {
            super::xls_bound::check(bytes)?;
            let book: Xls<_> = Xls::new(cursor).map_err(|e| unreadable(&e))?;
            return first_range(book, unreadable);
        }
        Format::Ods => {
            super::ods_bound::check(bytes)?;
            let book: Ods<_> = Ods::new(cursor).map_err(|e| unreadable(&e))?;
            return first_range(book, unreadable);
        }
        Format::Csv | Format::Json => unreachable!("only workbook formats reach the sheet reader"),
    }
    Ok(None)
}

/// [`first_sheet`] for the formats calamine reads a whole sheet at a time (`.xls`, `.ods`), in
/// workbook order.
fn first_range<RS, R>(
    mut book: R,
    unreadable: impl Fn(&dyn std::fmt::Display) -> Problem,
) -> Result<Option<(String, Cells)>, Problem>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Collector::default();
        for (r, c, v) in range.used_cells() {
            cells
                .add(r0 + r as u32, c0 + c as u32, v.clone())
                .map_err(|p| p.on_sheet(&name))?;
            if cells.full() {
                break;
            }
        }
        if let Some(cells) = cells.done() {
            return Ok(Some((name, cells)));
        }
    }
    Ok(None)
}

/// Collects a sheet's non-empty cells, refusing values beyond [`MAX_SHEET_COLUMNS`] and more than
/// [`MAX_SHEET_CELLS`] values (a well-compressed `.xlsx` could otherwise hold tens of millions).
struct Collector {
    cells: Cells,
    count: usize,
    max_cells: usize,
}

impl Default for Collector {
    fn default() -> Collector {
        Collector::with_limit(MAX_SHEET_CELLS)
    }
}

impl Collector {
    fn with_limit(max_cells: usize) -> Collector {
        Collector {
            cells: Cells::new(),
            count: 0,
            max_cells,
        }
    }

    fn add(&mut self, r: u32, c: u32, v: Data) -> Result<(), Problem> {
        let empty =
            matches!(&v, Data::Empty) || matches!(&v, Data::String(s) if s.trim().is_empty());
        if empty {
            return Ok(());
        }
        if c as usize >= MAX_SHEET_COLUMNS {
            return Err(Problem {
                row: Some(r as usize + 1),
                ..Problem::file(
                    "too_many_columns",
                    format!(
                        "has a value in column {}; a job sheet may use at most \
                         {MAX_SHEET_COLUMNS} columns",
                        c + 1
                    ),
                )
            });
        }
        self.count += 1;
        if self.count > self.max_cells {
            let detail = format!(
                "the sheet holds more than {} values; a job sheet may hold at most that many",
                self.max_cells
            );
            return Err(Problem {
                row: Some(r as usize + 1),
                ..Problem::file("sheet_too_large", detail)
            });
        }
        self.cells.entry(r).or_default().push((c, v));
        Ok(())
    }

    /// Enough rows to know the sheet is over the row limit (the table step reports it).
    fn full(&self) -> bool {
        self.cells.len() > MAX_ROWS + 1
    }

    fn done(mut self) -> Option<Cells> {
        if self.cells.is_empty() {
            return None;
        }
        for row in self.cells.values_mut() {
            row.sort_by_key(|(c, _)| *c);
        }
        Some(self.cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_collector_refuses_values_past_its_limit_and_far_columns() {
        let mut c = Collector::with_limit(3);
        for col in 0..3 {
            c.add(0, col, Data::Int(1)).unwrap();
        }
        // Empty and blank cells do not count.
        c.add(1, 0, Data::Empty).unwrap();
        c.add(1, 1, Data::String("  ".into())).unwrap();
        let p = c.add(1, 2, Data::Int(1)).unwrap_err();
        assert_eq!((p.code.as_str(), p.row), ("sheet_too_large", Some(2)));
        let p = Collector::default()
            .add(0, MAX_SHEET_COLUMNS as u32, Data::Int(1))
            .unwrap_err();
        assert_eq!(p.code, "too_many_columns");
    }

    #[test]
    fn cells_read_as_a_csv_export_would_hold_them() {
        let time = Some(Column::TimeWindowStart);
        assert_eq!(text(&Data::Float(1001.0), None), "1001");
        assert_eq!(text(&Data::Float(-27.47), None), "-27.47");
        assert_eq!(text(&Data::Float(0.375), time), "09:00");
        assert_eq!(
            text(&Data::DateTimeIso("2026-06-01".into()), None),
            "2026-06-01"
        );
        assert_eq!(
            text(&Data::DateTimeIso("2026-06-01T09:30:00".into()), time),
            "09:30"
        );
        assert_eq!(
            text(&Data::DurationIso("PT13H30M00S".into()), time),
            "13:30"
        );
        assert_eq!(text(&Data::Bool(true), None), "TRUE");
    }
}
