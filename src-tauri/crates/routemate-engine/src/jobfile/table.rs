//! The one row-to-job step of every tabular job file (CSV, TSV, and the first sheet of an
//! `.xlsx`, `.xls` or `.ods` workbook): a header row resolved through the column aliases, then data
//! rows of text cells, one stop a row, grouped into jobs by `external_job_id` (or the file name
//! when that column is absent). Each job is built as an import-request JSON object and checked by
//! the same validator as the HTTP API; its field paths (`stops[3].parcel_count`) are mapped back
//! to the row and column the sender wrote, so a report points at the cell to fix.

use super::cells::{check_unheaded_cells, read_row, settle_job_fields};
use super::header::{canonical_column, Column};
use super::quote::quote;
use super::{JobFileError, Problem, MAX_JOBS, MAX_ROWS};
use routemate_core::model::ImportRequest;
use routemate_core::validate::{parse_import, FieldError};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One data row: its row number as a spreadsheet shows it (header = row 1 when it is the first
/// line) and its cells as text, by column position.
pub(super) type Row = (usize, Vec<String>);

/// The jobs of a table, and how many data rows (not empty ones) it held.
pub(super) struct Table {
    pub jobs: Vec<ImportRequest>,
    pub rows: usize,
}

/// The header row, resolved.
pub(super) struct Header {
    /// Per file column: the RouteMate column it feeds, if any.
    pub cols: Vec<Option<Column>>,
    /// Per file column: the header exactly as written.
    pub written: Vec<String>,
    /// Per RouteMate column: its file column.
    pub index: HashMap<Column, usize>,
}

impl Header {
    /// The header as written for `col`, or its canonical name when the file lacks it.
    pub fn label(&self, col: Column) -> String {
        match self.index.get(&col) {
            Some(&i) => self.written[i].clone(),
            None => col.name().to_string(),
        }
    }
}

/// The rows of one job while they are collected.
pub(super) struct Group {
    pub id: String,
    pub first_row: usize,
    pub job: Map<String, Value>,
    /// Row each job-level value came from.
    pub job_rows: HashMap<Column, usize>,
    /// Job-level cells as given: (column, row, value).
    pub job_values: Vec<(Column, usize, String)>,
    pub stops: Vec<Value>,
    pub stop_rows: Vec<usize>,
}

impl Group {
    fn new(id: String, first_row: usize) -> Group {
        Group {
            id,
            first_row,
            job: Map::new(),
            job_rows: HashMap::new(),
            job_values: Vec::new(),
            stops: Vec::new(),
            stop_rows: Vec::new(),
        }
    }
}

/// Turns data rows into validated jobs, or every problem found (`problems` may already hold the
/// header's and the reader's). `rows` yields rows in file order; an `Err` is a problem that ends
/// the reading (a malformed record), reported with the rest.
pub(super) fn build_jobs(
    stem: &str,
    header: &Header,
    rows: impl Iterator<Item = Result<Row, Problem>>,
    mut problems: Vec<Problem>,
) -> Result<Table, JobFileError> {
    let job_col = header.index.get(&Column::ExternalJobId).copied();
    let mut groups: Vec<Group> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut orphans: Vec<Group> = Vec::new();
    let mut count = 0usize;
    for rec in rows {
        let (row, rec) = match rec {
            Ok(r) => r,
            Err(p) => {
                problems.push(p);
                break;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        count += 1;
        if count > MAX_ROWS {
            problems.push(Problem {
                row: Some(row),
                ..Problem::file(
                    "too_many_rows",
                    format!("a job file may hold at most {MAX_ROWS} rows; split the file"),
                )
            });
            // The rest is unread: checking partial jobs would only mislead.
            return Err(invalid(sorted(problems, header)));
        }
        check_unheaded_cells(&rec, header, row, &mut problems);
        let group = match job_col {
            None => group_for(stem, row, &mut groups, &mut by_id),
            Some(i) => {
                let id = rec.get(i).map_or("", |s| s.trim());
                if id.is_empty() {
                    problems.push(Problem::cell(
                        row,
                        &header.written[i],
                        "required",
                        "is required",
                    ));
                    // Still check the row's own cells, as a job of its own.
                    orphans.push(Group::new(String::new(), row));
                    orphans.last_mut().expect("just pushed")
                } else {
                    group_for(id, row, &mut groups, &mut by_id)
                }
            }
        };
        read_row(&rec, header, row, group, &mut problems);
    }
    if groups.len() > MAX_JOBS {
        problems.push(Problem::file(
            "too_many_jobs",
            format!(
                "a job file may hold at most {MAX_JOBS} jobs (found {})",
                groups.len()
            ),
        ));
    }

    let mut jobs = Vec::with_capacity(groups.len());
    for group in groups.iter_mut().chain(orphans.iter_mut()) {
        settle_job_fields(group, header, &mut problems);
        let group = &*group;
        let orphan = group.id.is_empty();
        let mut job = group.job.clone();
        let id = if orphan { "-" } else { group.id.as_str() };
        job.insert("external_job_id".into(), Value::String(id.into()));
        job.insert("stops".into(), Value::Array(group.stops.clone()));
        let value = Value::Object(job);
        match parse_import(&value) {
            Ok(req) if !orphan => jobs.push(req),
            Ok(_) => {}
            Err(errs) => {
                for e in errs {
                    if orphan && !e.field.starts_with("stops[") {
                        continue;
                    }
                    problems.push(
                        map_error(&e, group, header, &value).with_job((!orphan).then_some(id)),
                    );
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(invalid(sorted(problems, header)));
    }
    if jobs.is_empty() {
        return Err(invalid(vec![Problem::file(
            "empty_file",
            "the file has a header but no stops",
        )]));
    }
    Ok(Table { jobs, rows: count })
}

pub(super) fn invalid(problems: Vec<Problem>) -> JobFileError {
    JobFileError::Invalid { problems }
}

/// Orders problems as the file reads: by row, then by column position.
pub(super) fn sorted(mut problems: Vec<Problem>, header: &Header) -> Vec<Problem> {
    let pos = |p: &Problem| {
        p.column
            .as_ref()
            .and_then(|c| header.written.iter().position(|w| w == c))
            .unwrap_or(usize::MAX)
    };
    problems.sort_by_key(|p| (p.row.unwrap_or(0), pos(p)));
    problems
}

fn group_for<'a>(
    id: &str,
    row: usize,
    groups: &'a mut Vec<Group>,
    by_id: &mut HashMap<String, usize>,
) -> &'a mut Group {
    let i = *by_id.entry(id.to_string()).or_insert_with(|| {
        groups.push(Group::new(id.to_string(), row));
        groups.len() - 1
    });
    &mut groups[i]
}

/// Resolves the header row's cells to columns; unknown, repeated and missing columns are problems.
pub(super) fn read_header(rec: &[String], row: usize, problems: &mut Vec<Problem>) -> Header {
    let mut header = Header {
        cols: Vec::new(),
        written: Vec::new(),
        index: HashMap::new(),
    };
    for (i, cell) in rec.iter().enumerate() {
        let raw = cell.trim();
        // Reports name columns as written, so a header is kept only as a report may quote it.
        let written = quote(raw);
        let col = if written.is_empty() {
            None
        } else if let Some(col) = canonical_column(raw) {
            if let Some(&first) = header.index.get(&col) {
                let detail = format!(
                    "repeats column \"{}\" (both mean {})",
                    header.written[first],
                    col.name()
                );
                problems.push(Problem::cell(row, &written, "duplicate_column", detail));
                None
            } else {
                header.index.insert(col, i);
                Some(col)
            }
        } else {
            let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
            let detail = format!("unknown column; the columns are {}", names.join(", "));
            problems.push(Problem::cell(row, &written, "unknown_column", detail));
            None
        };
        header.cols.push(col);
        header.written.push(written);
    }
    let has = |c| header.index.contains_key(&c);
    let missing = |name: &str, detail: &str| Problem {
        row: Some(row),
        field: Some(name.to_string()),
        ..Problem::file("missing_column", detail.to_string())
    };
    if !has(Column::ExternalStopId) {
        problems.push(missing(
            "external_stop_id",
            "the file has no external_stop_id column (or stop_id, order_id, …)",
        ));
    }
    if has(Column::Lat) != has(Column::Lng) {
        problems.push(missing("lat", "lat and lng columns must be given together"));
    }
    if !has(Column::Address) && !has(Column::Lat) {
        problems.push(missing(
            "address",
            "the file needs an address column, or lat and lng columns",
        ));
    }
    header
}

/// Maps a validator error on the job's JSON back to the cell it came from.
fn map_error(e: &FieldError, g: &Group, h: &Header, value: &Value) -> Problem {
    let shown = value.pointer(&e.pointer).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let base = |row: usize, col: Option<Column>| {
        let p = Problem {
            row: Some(row),
            column: col.map(|c| h.label(c)),
            field: col.is_none().then(|| e.field.clone()),
            ..Problem::file(&e.code, e.detail.clone())
        };
        match (&shown, col) {
            (Some(v), Some(_)) => p.with_value(v),
            _ => p,
        }
    };
    if let Some(rest) = e.field.strip_prefix("stops[") {
        let (idx, tail) = rest.split_once(']').unwrap_or((rest, ""));
        let row = idx
            .parse::<usize>()
            .ok()
            .and_then(|i| g.stop_rows.get(i).copied())
            .unwrap_or(g.first_row);
        let tail = tail.trim_start_matches('.');
        let col = match tail {
            "time_window.end" => Some(Column::TimeWindowEnd),
            t if t.starts_with("time_window") => Some(Column::TimeWindowStart),
            t => Column::ALL.into_iter().find(|c| c.name() == t),
        };
        return base(row, col);
    }
    let col = Column::ALL
        .into_iter()
        .find(|c| c.is_job_level() && c.name() == e.field);
    let row = col
        .and_then(|c| g.job_rows.get(&c).copied())
        .unwrap_or(g.first_row);
    // The job id column may be absent (the file name is the id): then there is no cell to name.
    let col = col.filter(|c| h.index.contains_key(c));
    base(row, col)
}
