//! Table cells (text) to import-request values: stop cells converted (numbers, decimal commas, time
//! windows), job-level cells checked for one value per job, stray cells reported. A bad cell is
//! reported here and replaced by a neutral placeholder, so the validator does not report it twice.

use super::header::Column;
use super::table::{Group, Header};
use super::{Problem, MAX_CELL_CHARS};
use serde_json::{Map, Value};

/// Cells with text under an empty or ignored header, or beyond the last header.
pub(super) fn check_unheaded_cells(rec: &[String], h: &Header, row: usize, out: &mut Vec<Problem>) {
    for (i, cell) in rec.iter().enumerate() {
        let unheaded = i >= h.written.len() || h.written[i].is_empty();
        if unheaded && !cell.trim().is_empty() {
            let col = format!("column {} (no header)", i + 1);
            out.push(
                Problem::cell(row, &col, "unknown_column", "has a value but no header")
                    .with_value(cell),
            );
        }
    }
}

/// Adds one data row to its job: job-level cells checked for consistency, stop cells converted.
pub(super) fn read_row(
    rec: &[String],
    h: &Header,
    row: usize,
    g: &mut Group,
    out: &mut Vec<Problem>,
) {
    let mut stop = Map::new();
    let mut window: [Option<String>; 2] = [None, None];
    for (i, col) in h.cols.iter().enumerate() {
        let Some(col) = *col else { continue };
        let cell = rec.get(i).map_or("", |s| s.trim());
        if cell.is_empty() {
            continue;
        }
        let written = &h.written[i];
        if cell.chars().count() > MAX_CELL_CHARS {
            let detail = format!("must be at most {MAX_CELL_CHARS} characters");
            out.push(Problem::cell(row, written, "too_long", detail));
            continue;
        }
        match col {
            Column::ExternalJobId => {}
            // Settled per job once all rows are read (see `settle_job_fields`).
            Column::Title | Column::DriverEmail | Column::Date => {
                g.job_values.push((col, row, cell.to_string()));
            }
            Column::ParcelCount => {
                let n = cell.parse::<u64>().ok().or_else(|| whole_float(cell));
                let v = n.map(Value::from).unwrap_or_else(|| {
                    let p =
                        Problem::cell(row, written, "invalid_value", "must be a whole number ≥ 0");
                    out.push(p.with_value(cell));
                    Value::from(1) // placeholder so the validator does not report it again
                });
                stop.insert(col.name().into(), v);
            }
            Column::Lat | Column::Lng | Column::ServiceMinutes => {
                let v = parse_number(cell).map(Value::from).unwrap_or_else(|| {
                    let p = Problem::cell(row, written, "invalid_type", "must be a number");
                    out.push(p.with_value(cell));
                    Value::from(0.0)
                });
                stop.insert(col.name().into(), v);
            }
            Column::TimeWindowStart => window[0] = Some(cell.into()),
            Column::TimeWindowEnd => window[1] = Some(cell.into()),
            _ => {
                stop.insert(col.name().into(), Value::String(cell.into()));
            }
        }
    }
    match window {
        [Some(start), Some(end)] => {
            let mut w = Map::new();
            w.insert("start".into(), Value::String(start));
            w.insert("end".into(), Value::String(end));
            stop.insert("time_window".into(), Value::Object(w));
        }
        [None, None] => {}
        [start, _] => {
            let missing = if start.is_some() {
                Column::TimeWindowEnd
            } else {
                Column::TimeWindowStart
            };
            let detail = "time_window_start and time_window_end must be given together";
            out.push(Problem::cell(row, &h.label(missing), "required", detail));
        }
    }
    g.stops.push(Value::Object(stop));
    g.stop_rows.push(row);
}

/// `3.0` → 3: spreadsheets sometimes export whole numbers with a decimal part.
fn whole_float(s: &str) -> Option<u64> {
    let x = parse_number(s)?;
    (x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64).then_some(x as u64)
}

/// A decimal number; a single decimal comma (`-27,47`, from semicolon-separated exports) is accepted.
fn parse_number(s: &str) -> Option<f64> {
    let owned;
    let s = if !s.contains('.') && s.matches(',').count() == 1 {
        owned = s.replace(',', ".");
        owned.as_str()
    } else {
        s
    };
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Picks each job-level field's value: the one most of the job's rows give (the earliest on a
/// tie), so one mistyped row is reported as that row's conflict, not every other row's. Rows
/// giving another value are reported; rows leaving the cell empty are fine.
pub(super) fn settle_job_fields(g: &mut Group, h: &Header, out: &mut Vec<Problem>) {
    for col in [Column::Title, Column::DriverEmail, Column::Date] {
        let given: Vec<&(Column, usize, String)> =
            g.job_values.iter().filter(|(c, _, _)| *c == col).collect();
        // value → (rows giving it, first such row)
        let mut tally: std::collections::HashMap<&str, (usize, usize)> = Default::default();
        for (_, row, v) in &given {
            tally.entry(v.as_str()).or_insert((0, *row)).0 += 1;
        }
        let Some((value, (n, row))) = tally
            .iter()
            .map(|(v, t)| (*v, *t))
            .max_by_key(|(_, (n, row))| (*n, std::cmp::Reverse(*row)))
        else {
            continue;
        };
        for (_, r, v) in &given {
            if v != value {
                let detail = format!(
                    "differs from \"{value}\", given for this job in {} (first in row {row})",
                    super::plural(n, "row")
                );
                out.push(Problem::cell(*r, &h.label(col), "conflict", detail).with_value(v));
            }
        }
        g.job
            .insert(col.name().into(), Value::String(value.to_string()));
        g.job_rows.insert(col, row);
    }
}
