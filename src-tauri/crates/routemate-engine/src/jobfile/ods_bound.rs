//! The size an `.ods` sheet would take once calamine spreads it out, read before calamine does:
//! ODS compresses runs of cells with `number-rows-repeated` / `number-columns-repeated`, and
//! calamine expands a sheet into one dense grid from its first to its last value, so a file of a
//! few hundred bytes could otherwise ask for billions of cells. Streams `content.xml` (capped).

use super::quote::quote;
use super::sheet::MAX_SHEET_CELLS;
use super::Problem;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};

/// Most bytes of `content.xml` read while checking (a job sheet's XML is far smaller).
const MAX_CONTENT_BYTES: u64 = 512 * 1024 * 1024;

/// `Err` when a sheet of the workbook would span more than [`MAX_SHEET_CELLS`] cells.
pub fn check(bytes: &[u8]) -> Result<(), Problem> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Problem::file(
            "unreadable_workbook",
            format!("cannot read the workbook: {}", quote(&e.to_string())),
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let content = zip.by_name("content.xml").map_err(|e| unreadable(&e))?;
    let mut reader =
        quick_xml::Reader::from_reader(BufReader::new(content.take(MAX_CONTENT_BYTES)));
    let mut buf = Vec::new();
    // Per sheet: rows so far, the row count up to the last row with a value, the rightmost
    // column with a value, and the current row's repeat, column and whether it has a value.
    let (mut rows, mut last_row, mut max_col) = (0u64, 0u64, 0u64);
    let (mut row_repeat, mut col, mut row_valued) = (1u64, 0u64, false);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(&e))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "table-row" => {
                row_repeat = repeat(&e, "table:number-rows-repeated");
                (col, row_valued) = (0, false);
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                let n = repeat(&e, "table:number-columns-repeated");
                if e.try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some()
                {
                    max_col = max_col.max(col.saturating_add(n));
                    row_valued = true;
                }
                col = col.saturating_add(n);
            }
            Event::End(e) if e.local_name().as_ref() == "table-row" => {
                rows = rows.saturating_add(row_repeat);
                if row_valued {
                    last_row = rows;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "table" => {
                if last_row.saturating_mul(max_col) > MAX_SHEET_CELLS as u64 {
                    return Err(Problem::file(
                        "sheet_too_large",
                        format!(
                            "a sheet spans {last_row} rows by {max_col} columns; a job sheet may \
                             span at most {MAX_SHEET_CELLS} cells"
                        ),
                    ));
                }
                (rows, last_row, max_col) = (0, 0, 0);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// A repeat attribute's count (1 when absent or unreadable).
fn repeat(e: &BytesStart<'_>, name: &str) -> u64 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}
