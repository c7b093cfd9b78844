//! CSV job files: the separator and the spreadsheet row numbers of each record, unclosed quotes;
//! the rows then go through the one row-to-job step of every table ([`super::table`]).

use super::decode::Encoding;
use super::table::{build_jobs, invalid, read_header, sorted};
use super::{Format, JobFile, JobFileError, Problem};

/// Picks the separator that occurs most often (outside quotes) in the header line; comma on a tie.
pub fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut seen_content = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' | '\r' if !in_quotes && seen_content => break,
            ',' if !in_quotes => counts[0] += 1,
            ';' if !in_quotes => counts[1] += 1,
            '\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
        seen_content |= !c.is_whitespace();
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Finds a quoted cell that is never closed (the reader would swallow the rest of the file into
/// it): returns its spreadsheet row and 0-based column.
pub fn unclosed_quote(text: &str, delimiter: u8) -> Option<(usize, usize)> {
    let (mut row, mut col) = (1usize, 0usize);
    let mut at_field_start = true;
    let mut open: Option<(usize, usize)> = None;
    let mut chars = text.bytes().peekable();
    while let Some(b) = chars.next() {
        if open.is_some() {
            match b {
                b'"' if chars.peek() == Some(&b'"') => {
                    chars.next();
                }
                b'"' => open = None,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' if at_field_start => open = Some((row, col)),
            b'\n' => {
                row += 1;
                col = 0;
                at_field_start = true;
                continue;
            }
            b if b == delimiter => {
                col += 1;
                at_field_start = true;
                continue;
            }
            // A carriage return or leading spaces keep the field "at start" as csv sees it.
            b'\r' => continue,
            _ => {}
        }
        at_field_start = false;
    }
    open
}

/// Parses CSV text (already decoded) into jobs, or every problem found.
pub fn parse(stem: &str, text: &str, encoding: Encoding) -> Result<JobFile, JobFileError> {
    let delimiter = detect_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let mut records = reader.records();
    // Row numbers as a spreadsheet shows them: the line breaks before the record (csv's own line
    // count skips blank lines and miscounts CRLF) minus those inside quoted cells of earlier records.
    let bytes = text.as_bytes();
    let (mut scanned, mut breaks, mut embedded) = (0usize, 0usize, 0usize);
    let mut next_row = |rec: &csv::StringRecord| {
        // csv reports a record as starting right after the previous one's terminator, so skip
        // the blank lines (only CR/LF bytes) that precede it.
        let mut at = rec
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        breaks += bytes[scanned.min(at)..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        scanned = scanned.max(at);
        let row = (breaks + 1).saturating_sub(embedded).max(1);
        embedded += rec.iter().map(|f| f.matches('\n').count()).sum::<usize>();
        row
    };
    let header_rec = loop {
        match records.next() {
            None => {
                return Err(invalid(vec![Problem::file(
                    "empty_file",
                    "the file has no header row",
                )]))
            }
            Some(Err(e)) => {
                return Err(invalid(vec![Problem::file("malformed_csv", e.to_string())]))
            }
            Some(Ok(rec)) if rec.iter().all(|c| c.trim().is_empty()) => {
                next_row(&rec);
            }
            Some(Ok(rec)) => break rec,
        }
    };
    let header_row = next_row(&header_rec);
    let header = read_header(&cells(&header_rec), header_row, &mut problems);
    let unclosed = unclosed_quote(text, delimiter);
    if let Some((row, col)) = unclosed {
        let label = match header.written.get(col) {
            Some(w) if !w.is_empty() && row > header_row => w.clone(),
            _ => format!("column {}", col + 1),
        };
        let detail = "opens a quote (\") that is never closed, so the rest of the file would be \
                      read into this cell; close the quote or remove it";
        problems.push(Problem::cell(row, &label, "unclosed_quote", detail));
        if row <= header_row {
            return Err(invalid(problems));
        }
    }
    if problems.iter().any(|p| p.code == "missing_column") {
        return Err(invalid(sorted(problems, &header)));
    }
    let rows = records
        .map(|rec| match rec {
            Ok(rec) => Ok((next_row(&rec), cells(&rec))),
            Err(e) => Err(Problem::file("malformed_csv", e.to_string())),
        })
        // The record with the unclosed quote runs to the end of the file; already reported.
        .take_while(|r| !matches!((r, unclosed), (Ok((row, _)), Some((u, _))) if *row >= u));
    let table = build_jobs(stem, &header, rows, problems)?;
    Ok(JobFile {
        format: Format::Csv,
        jobs: table.jobs,
        rows: table.rows,
        encoding,
        delimiter: Some(delimiter as char),
        sheet: None,
    })
}

/// A record's cells as owned text, the form every table's rows take.
fn cells(rec: &csv::StringRecord) -> Vec<String> {
    rec.iter().map(str::to_string).collect()
}
