//! Workbook job files (`.xlsx`, `.xls`, `.ods`): the same jobs as the equivalent CSV, the same
//! header aliases, and bad cells named by sheet, row and column. The `.xlsx` files are written
//! here with `rust_xlsxwriter`; the `.ods` and `.xls` fixtures (no Rust writer) come from
//! `tests/fixtures/sheets/make_fixtures.py` and hold the jobs of `orders.csv` beside them.

use routemate_engine::jobfile::{self, Format, JobFile, JobFileError, Problem};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Formula, Workbook};
use std::io::Cursor;
use std::path::PathBuf;

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets");
    std::fs::read(dir.join(name)).unwrap()
}

fn parse(name: &str, bytes: &[u8]) -> Result<JobFile, JobFileError> {
    let format = Format::from_path(name.as_ref()).expect("a job file name");
    jobfile::parse(name, format, bytes)
}

fn problems(r: Result<JobFile, JobFileError>) -> Vec<Problem> {
    match r {
        Ok(f) => panic!("expected problems, got {} jobs", f.jobs.len()),
        Err(e) => e.problems(),
    }
}

/// The CSV every workbook fixture mirrors, parsed as CSV.
fn csv_jobs() -> JobFile {
    jobfile::parse("orders.csv", Format::Csv, &fixture("orders.csv")).unwrap()
}

/// Job, numeric stop id (else the text one), text stop id, address, customer, parcels, lat, lng,
/// day of June 2026, window (0 none, 1 09:00-11:00, 2 13:30-15:00).
type OrderRow<'a> = (
    &'a str,
    Option<f64>,
    &'a str,
    &'a str,
    &'a str,
    f64,
    f64,
    f64,
    f64,
    u8,
);

/// `orders.csv` as an Excel user types it: numbers, real dates and times, a second sheet.
/// `bad` puts "lots" in the parcels of row 3; `na` puts `#N/A` in the latitude of row 4.
pub(crate) fn orders_xlsx(bad: bool, na: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let time = CellFormat::new().set_num_format("hh:mm");
    let sheet = book.add_worksheet();
    sheet.set_name("Orders").unwrap();
    let header = [
        "Job ID",
        "Order ID",
        "Delivery Address",
        "Customer",
        "Parcels",
        "Latitude",
        "Lon",
        "Date",
        "Window start",
        "Window end",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [OrderRow; 3] = [
        (
            "B1",
            Some(1001.0),
            "",
            "1 George St Brisbane",
            "Ann",
            2.0,
            -27.47,
            153.02,
            1.0,
            1,
        ),
        (
            "B1",
            None,
            "S2",
            "2 Ann St Brisbane",
            "Bob",
            3.0,
            -27.46,
            153.03,
            1.0,
            0,
        ),
        (
            "B2",
            None,
            "S3",
            "3 Queen St Brisbane",
            "Cat",
            1.0,
            -27.48,
            153.01,
            2.0,
            2,
        ),
    ];
    for (i, (job, num_id, text_id, addr, label, parcels, lat, lng, day, window)) in
        rows.iter().enumerate()
    {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *job).unwrap();
        match num_id {
            Some(n) => sheet.write_number(r, 1, *n).unwrap(),
            None => sheet.write_string(r, 1, *text_id).unwrap(),
        };
        sheet.write_string(r, 2, *addr).unwrap();
        sheet.write_string(r, 3, *label).unwrap();
        if bad && r == 2 {
            sheet.write_string(r, 4, "lots").unwrap();
        } else {
            sheet.write_number(r, 4, *parcels).unwrap();
        }
        if na && r == 3 {
            sheet
                .write_formula(r, 5, Formula::new("=NA()").set_result("#N/A"))
                .unwrap();
        } else {
            sheet.write_number(r, 5, *lat).unwrap();
        }
        sheet.write_number(r, 6, *lng).unwrap();
        let d = ExcelDateTime::from_ymd(2026, 6, *day as u8).unwrap();
        sheet.write_datetime_with_format(r, 7, &d, &date).unwrap();
        let (start, end) = match window {
            1 => ((9, 0), (11, 0)),
            2 => ((13, 30), (15, 0)),
            _ => continue,
        };
        let start = ExcelDateTime::from_hms(start.0, start.1, 0).unwrap();
        let end = ExcelDateTime::from_hms(end.0, end.1, 0).unwrap();
        sheet
            .write_datetime_with_format(r, 8, &start, &time)
            .unwrap();
        sheet.write_datetime_with_format(r, 9, &end, &time).unwrap();
    }
    book.add_worksheet()
        .set_name("Notes")
        .unwrap()
        .write_string(0, 0, "remember the dog")
        .unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_ods_and_xls_hold_the_same_jobs_as_the_equivalent_csv() {
    let csv = csv_jobs();
    let files = [
        ("orders.xlsx", orders_xlsx(false, false)),
        ("orders.ods", fixture("orders.ods")),
        ("orders.xls", fixture("orders.xls")),
    ];
    for (name, bytes) in files {
        let f = parse(name, &bytes).unwrap_or_else(|e| panic!("{name}: {:#?}", e.problems()));
        assert_eq!(f.jobs, csv.jobs, "{name}");
        assert_eq!(f.rows, 3, "{name}");
        assert_eq!(f.sheet.as_deref(), Some("Orders"), "{name}");
        assert_eq!(f.format, Format::from_path(name.as_ref()).unwrap());
        // A postcode-like numeric stop id is the text "1001", never "1001.0".
        assert_eq!(f.jobs[0].stops[0].external_stop_id, "1001", "{name}");
        assert_eq!(f.jobs[0].stops[0].parcel_count, 2, "{name}: 2.0 is 2");
        assert_eq!(f.jobs[0].date.as_deref(), Some("2026-06-01"), "{name}");
        let w = f.jobs[1].stops[0].time_window.as_ref().expect("a window");
        assert_eq!(
            (w.start.as_str(), w.end.as_str()),
            ("13:30", "15:00"),
            "{name}"
        );
    }
}

#[test]
fn a_bad_cell_is_named_with_sheet_row_and_column() {
    let files = [
        ("orders-bad.xlsx", orders_xlsx(true, false)),
        ("orders-bad.ods", fixture("orders-bad.ods")),
        ("orders-bad.xls", fixture("orders-bad.xls")),
    ];
    for (name, bytes) in files {
        let ps = problems(parse(name, &bytes));
        assert_eq!(ps.len(), 1, "{name}: {ps:#?}");
        let p = &ps[0];
        assert_eq!(
            (
                p.sheet.as_deref(),
                p.row,
                p.column.as_deref(),
                p.code.as_str()
            ),
            (Some("Orders"), Some(3), Some("Parcels"), "invalid_value"),
            "{name}"
        );
        assert_eq!(p.value.as_deref(), Some("lots"));
        assert!(
            p.describe()
                .starts_with("Sheet \"Orders\", row 3, column \"Parcels\": "),
            "{}",
            p.describe()
        );
        let json = serde_json::to_value(p).unwrap();
        assert_eq!(json["sheet"], "Orders");
        assert_eq!(json["row"], 3);
        assert_eq!(json["column"], "Parcels");
    }
}

#[test]
fn an_error_cell_is_a_problem_of_its_own_and_not_reported_twice() {
    let ps = problems(parse("na.xlsx", &orders_xlsx(false, true)));
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let p = &ps[0];
    assert_eq!(
        (
            p.sheet.as_deref(),
            p.row,
            p.column.as_deref(),
            p.code.as_str()
        ),
        (Some("Orders"), Some(4), Some("Latitude"), "cell_error")
    );
    assert_eq!(p.value.as_deref(), Some("#N/A"));
}

#[test]
fn header_aliases_an_offset_table_and_the_first_sheet_with_values() {
    let mut book = Workbook::new();
    // An empty first sheet is skipped; the table starts at B3, so rows and columns keep the
    // numbers the spreadsheet shows.
    book.add_worksheet().set_name("Cover").unwrap();
    let s = book.add_worksheet();
    s.set_name("Today").unwrap();
    let header = [
        "Batch",
        "Consignment",
        "Addr",
        "QTY",
        "Latitude",
        "Longitude",
    ];
    for (c, h) in header.iter().enumerate() {
        s.write_string(2, c as u16 + 1, *h).unwrap();
    }
    s.write_string(3, 1, "R7").unwrap();
    s.write_number(3, 2, 42).unwrap();
    s.write_string(3, 3, "9 Eagle St").unwrap();
    s.write_number(3, 4, 4.0).unwrap();
    s.write_number(3, 5, -27.4).unwrap();
    s.write_number(3, 6, 153.1).unwrap();
    s.write_string(4, 1, "R7").unwrap();
    s.write_string(4, 2, "43").unwrap();
    s.write_string(4, 3, "10 Eagle St").unwrap();
    s.write_number(4, 4, 2.5).unwrap();
    s.write_number(4, 5, -27.41).unwrap();
    s.write_number(4, 6, 153.11).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let ps = problems(parse("today.xlsx", &bytes));
    let got: Vec<_> = ps
        .iter()
        .map(|p| (p.sheet.clone(), p.row, p.column.clone(), p.code.clone()))
        .collect();
    assert_eq!(
        got,
        [(
            Some("Today".to_string()),
            Some(5),
            Some("QTY".to_string()),
            "invalid_value".to_string()
        )],
        "2.5 parcels is refused at E5"
    );
}

#[test]
fn a_table_under_alias_headers_imports() {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in ["Batch", "Consignment", "Addr", "QTY"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    s.write_string(1, 0, "R7").unwrap();
    s.write_number(1, 1, 42).unwrap();
    s.write_string(1, 2, "9 Eagle St").unwrap();
    s.write_number(1, 3, 4.0).unwrap();
    let f = parse("today.xlsx", &book.save_to_buffer().unwrap()).unwrap();
    assert_eq!(f.jobs[0].external_job_id, "R7");
    assert_eq!(f.jobs[0].stops[0].external_stop_id, "42");
    assert_eq!(f.jobs[0].stops[0].address.as_deref(), Some("9 Eagle St"));
    assert_eq!(f.jobs[0].stops[0].parcel_count, 4);
}

#[test]
fn a_workbook_is_known_by_its_first_bytes_and_a_fake_one_is_refused() {
    // Saved as .xlsx but named .xls (and the other way round): read by content.
    let f = parse("orders.xls", &orders_xlsx(false, false)).unwrap();
    assert_eq!((f.format, f.jobs.len()), (Format::Xlsx, 2));
    let f = parse("orders.xlsx", &fixture("orders.xls")).unwrap();
    assert_eq!((f.format, f.jobs.len()), (Format::Xls, 2));
    // A CSV renamed to .xlsx is no workbook.
    let ps = problems(parse("orders.xlsx", &fixture("orders.csv")));
    assert_eq!(ps[0].code, "not_a_workbook");
    // A zip that is no workbook: calamine's error, quoted.
    let ps = problems(parse("x.xlsx", b"PK\x03\x04garbage"));
    assert_eq!(ps[0].code, "unreadable_workbook");
}

#[test]
fn a_value_far_to_the_right_is_refused_without_reading_a_huge_sheet() {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.write_string(0, 0, "stop_id").unwrap();
    s.write_string(0, 1, "address").unwrap();
    s.write_string(1, 0, "A").unwrap();
    s.write_string(1, 1, "1 George St").unwrap();
    // The last cell Excel allows: a dense sheet to it would be 17 billion cells.
    s.write_string(1_048_575, 16_383, "x").unwrap();
    let ps = problems(parse("wide.xlsx", &book.save_to_buffer().unwrap()));
    assert_eq!(ps[0].code, "too_many_columns");
    assert_eq!(ps[0].row, Some(1_048_576));
    assert_eq!(ps[0].sheet.as_deref(), Some("Sheet1"));
}

#[test]
fn a_tiny_ods_claiming_billions_of_cells_is_refused_before_it_is_spread_out() {
    use std::io::Write;
    // One row with a value, repeated a million times across 16,384 columns: ~600 bytes of XML
    // that calamine would expand into a dense grid of 17 billion cells.
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Orders">
<table:table-row><table:table-cell office:value-type="string"><text:p>stop_id</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut buf = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let stored = zip::write::SimpleFileOptions::default();
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
    let ps = problems(parse("huge.ods", buf.get_ref()));
    assert_eq!(ps[0].code, "sheet_too_large", "{ps:#?}");
    assert!(
        ps[0].detail.contains("1000001 rows by 16384 columns"),
        "{ps:#?}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// A damaged workbook (bytes of a valid one overwritten) is a clear problem, never a panic.
    #[test]
    fn damaged_workbooks_never_panic(
        which in 0usize..3,
        hits in proptest::collection::vec((0usize..1 << 20, proptest::num::u8::ANY), 1..8),
    ) {
        let (name, mut bytes) = match which {
            0 => ("d.xlsx", orders_xlsx(false, false)),
            1 => ("d.ods", fixture("orders.ods")),
            _ => ("d.xls", fixture("orders.xls")),
        };
        for (at, b) in hits {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        let _ = parse(name, &bytes);
    }
}

#[test]
fn a_workbook_without_values_or_without_stops_says_so() {
    let mut book = Workbook::new();
    book.add_worksheet().set_name("Empty").unwrap();
    let ps = problems(parse("none.xlsx", &book.save_to_buffer().unwrap()));
    assert_eq!(ps[0].code, "empty_file");
    assert!(ps[0].detail.contains("no sheet with a value"), "{ps:#?}");

    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.write_string(0, 0, "stop_id").unwrap();
    s.write_string(0, 1, "address").unwrap();
    let ps = problems(parse("header-only.xlsx", &book.save_to_buffer().unwrap()));
    assert_eq!(ps[0].code, "empty_file");
}

#[test]
fn an_xls_that_makes_the_reader_panic_is_an_unreadable_workbook() {
    // Found by `damaged_workbooks_never_panic`: one byte of a cell record's column range
    // changed makes calamine's .xls reader overflow (a panic in a debug build).
    let mut bytes = fixture("orders.xls");
    bytes[2361] = 8;
    let ps = problems(parse("damaged.xls", &bytes));
    assert_eq!(ps[0].code, "unreadable_workbook", "{ps:#?}");
    assert!(ps[0].detail.contains("damaged"), "{ps:#?}");
}

#[test]
fn an_xls_whose_sheet_claims_billions_of_cells_is_refused_before_it_is_read() {
    // calamine reserves a sheet's claimed Dimensions up front; one damaged record asked it for
    // ~100 GB and aborted the process. The claim is checked first.
    let mut bytes = fixture("orders.xls");
    let at = bytes
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("the fixture has a BIFF8 Dimensions record");
    bytes[at + 8..at + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let ps = problems(parse("huge.xls", &bytes));
    assert_eq!(ps[0].code, "sheet_too_large", "{ps:#?}");
    assert!(ps[0].detail.contains("rows by"), "{ps:#?}");
    // The untouched file still imports.
    assert!(parse("orders.xls", &fixture("orders.xls")).is_ok());
}
