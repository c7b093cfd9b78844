//! Job files as a sender writes them: CSV dialects and encodings, grouping, and reports that name
//! every bad cell by row and column (V1 of reliability.md §8.5), plus JSON job files.

use routemate_engine::jobfile::{self, Encoding, Format, JobFileError, Problem};

fn csv(name: &str, text: &str) -> Result<jobfile::JobFile, JobFileError> {
    jobfile::parse(name, Format::Csv, text.as_bytes())
}

fn problems(r: Result<jobfile::JobFile, JobFileError>) -> Vec<Problem> {
    match r {
        Ok(f) => panic!("expected problems, got {} jobs", f.jobs.len()),
        Err(e) => e.problems(),
    }
}

/// (row, column, code) of each problem, for compact assertions.
fn cells(ps: &[Problem]) -> Vec<(usize, String, String)> {
    ps.iter()
        .map(|p| {
            (
                p.row.unwrap_or(0),
                p.column.clone().unwrap_or_default(),
                p.code.clone(),
            )
        })
        .collect()
}

#[test]
fn aliases_group_jobs_and_keep_first_appearance_order() {
    let f = csv(
        "x.csv",
        "Job ID,Order ID,Delivery Address,Customer,Parcels,Latitude,Lon,Driver\n\
         B2,S1,1 George St Brisbane,Ann,2,,,d2@example.com\n\
         B1,S1,2 Ann St Brisbane,Bob,1,-27.47,153.02,\n\
         B2,S2,3 Queen St Brisbane,Cat,,,,d2@example.com\n",
    )
    .unwrap();
    assert_eq!(f.rows, 3);
    assert_eq!(f.delimiter, Some(','));
    let ids: Vec<_> = f.jobs.iter().map(|j| j.external_job_id.as_str()).collect();
    assert_eq!(ids, ["B2", "B1"]);
    assert_eq!(f.jobs[0].stops.len(), 2);
    assert_eq!(f.jobs[0].driver_email.as_deref(), Some("d2@example.com"));
    assert_eq!(f.jobs[0].stops[0].parcel_count, 2);
    assert_eq!(
        f.jobs[0].stops[1].parcel_count, 1,
        "empty parcel cell defaults to 1"
    );
    assert_eq!(f.jobs[1].stops[0].lat, Some(-27.47));
    assert_eq!(f.jobs[1].stops[0].label.as_deref(), Some("Bob"));
}

#[test]
fn file_name_is_the_job_id_without_that_column() {
    let f = csv(
        "run-0601.csv",
        "stop_id,address\nA,1 George St\nB,2 Ann St\n",
    )
    .unwrap();
    assert_eq!(f.jobs.len(), 1);
    assert_eq!(f.jobs[0].external_job_id, "run-0601");
}

#[test]
fn semicolon_tab_decimal_comma_and_time_windows() {
    let f = csv(
        "a.csv",
        "stop_id;address;lat;lng;time_window_start;time_window_end\nA;\"x; y\";-27,5;153,1;09:00;11:00\n",
    )
    .unwrap();
    assert_eq!(f.delimiter, Some(';'));
    let s = &f.jobs[0].stops[0];
    assert_eq!((s.lat, s.lng), (Some(-27.5), Some(153.1)));
    assert_eq!(s.address.as_deref(), Some("x; y"));
    assert_eq!(s.time_window.as_ref().unwrap().end, "11:00");
    let f = csv(
        "t.csv",
        "stop_id\taddress\tnotes\nA\t1 George St\tring, twice\n",
    )
    .unwrap();
    assert_eq!(f.delimiter, Some('\t'));
    assert_eq!(f.jobs[0].stops[0].notes.as_deref(), Some("ring, twice"));
}

#[test]
fn encodings_from_spreadsheets() {
    let text = "stop_id,address,label\nA,1 George St,Zoë Café\n";
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    for (bytes, enc) in [
        (text.as_bytes().to_vec(), Encoding::Utf8),
        (bom, Encoding::Utf8Bom),
        (utf16, Encoding::Utf16Le),
        (cp1252.into_owned(), Encoding::Windows1252),
    ] {
        let f = jobfile::parse("e.csv", Format::Csv, &bytes).unwrap();
        assert_eq!(f.encoding, enc);
        // With a BOM the first header must still be recognised (no "\u{feff}stop_id").
        assert_eq!(f.jobs[0].stops[0].external_stop_id, "A");
        assert_eq!(
            f.jobs[0].stops[0].label.as_deref(),
            Some("Zoë Café"),
            "{enc:?}"
        );
    }
}

#[test]
fn quoted_newlines_keep_spreadsheet_row_numbers() {
    // Row 2 holds a cell with two line breaks; row 3 has the bad parcel count.
    let r = csv(
        "q.csv",
        "stop_id,address,parcel_count\nA,\"Unit 4\n12 Smith St\nBrisbane\",1\nB,2 Ann St,lots\n",
    );
    assert_eq!(
        cells(&problems(r)),
        [(3, "parcel_count".into(), "invalid_value".into())]
    );
}

#[test]
fn trailing_empty_rows_and_columns_are_ignored() {
    let f = csv(
        "t.csv",
        "stop_id,address,,\r\nA,1 George St,,\r\nB,2 Ann St,,\r\n,,,\r\n\r\n;;\r\n",
    );
    // ";;" is one cell under the comma dialect: a stop id without an address, reported at its
    // spreadsheet row (blank line and CRLF counted) rather than dropped.
    assert_eq!(
        cells(&problems(f)),
        [(6, "address".into(), "required".into())]
    );
    let f = csv(
        "t.csv",
        "stop_id,address,,\r\nA,1 George St,,\r\nB,2 Ann St,,\r\n,,,\r\n\r\n",
    )
    .unwrap();
    assert_eq!(f.rows, 2);
}

#[test]
fn header_problems_are_reported_with_the_name_as_written() {
    let ps = problems(csv("h.csv", "Stop ID,Address,Colour,stop\nA,x,red,B\n"));
    assert_eq!(
        cells(&ps),
        [
            (1, "Colour".into(), "unknown_column".into()),
            (1, "stop".into(), "duplicate_column".into())
        ]
    );
    let ps = problems(csv("h.csv", "address,label\nx,y\n"));
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].code, "missing_column");
    assert_eq!(ps[0].field.as_deref(), Some("external_stop_id"));
}

#[test]
fn job_level_conflicts_and_validator_errors_map_to_cells() {
    let ps = problems(csv(
        "c.csv",
        "job,stop,address,driver_email,time_window_start,time_window_end\n\
         J1,A,x,a@example.com,09:00,08:00\n\
         J1,A,y,b@example.com,,\n\
         J2,B,,nope,10:00,\n\
         ,C,z,,,\n",
    ));
    let got = cells(&ps);
    assert_eq!(
        got,
        [
            (2, "time_window_end".into(), "invalid_value".into()),
            (3, "stop".into(), "duplicate".into()),
            (3, "driver_email".into(), "conflict".into()),
            (4, "address".into(), "required".into()),
            (4, "driver_email".into(), "invalid_value".into()),
            (4, "time_window_end".into(), "required".into()),
            (5, "job".into(), "required".into()),
        ]
    );
    assert_eq!(ps[1].external_job_id.as_deref(), Some("J1"));
    assert_eq!(ps[4].value.as_deref(), Some("nope"));
    let text = ps[2].describe();
    assert!(text.contains("Row 3, column \"driver_email\""), "{text}");
    assert!(text.contains("row 2"), "{text}");
}

#[test]
fn an_unclosed_quote_is_reported_at_its_cell() {
    let ps = problems(csv(
        "u.csv",
        "stop_id,address,parcels\nA,x,nope\nB,\"2 Ann St\nC,3 Queen St,1\n",
    ));
    assert_eq!(
        cells(&ps),
        [
            (2, "parcels".into(), "invalid_value".into()),
            (3, "address".into(), "unclosed_quote".into())
        ]
    );
    // Quotes that open and close, even around line breaks and with "" inside, are fine.
    csv(
        "q.csv",
        "stop_id,address\nA,\"say \"\"hi\"\"\n x\"\nB,a\"b\n",
    )
    .unwrap();
}

#[test]
fn a_repeated_job_value_with_one_typo_names_only_the_typo() {
    // WMS exports repeat job-level columns on every row; the typo is in the job's first row.
    let ps = problems(csv(
        "w.csv",
        "job,stop,address,driver_email\nJ1,A,x,d@exmaple.com\nJ1,B,y,d@example.com\nJ1,C,z,d@example.com\n",
    ));
    assert_eq!(cells(&ps), [(2, "driver_email".into(), "conflict".into())]);
    assert_eq!(ps[0].value.as_deref(), Some("d@exmaple.com"));
    assert!(
        ps[0].detail.contains("2 rows (first in row 3)"),
        "{}",
        ps[0].detail
    );
}

#[test]
fn values_without_header_and_too_many_jobs_limit_messages() {
    let ps = problems(csv("v.csv", "stop_id,address\nA,x,surprise\n"));
    assert_eq!(
        cells(&ps),
        [(2, "column 3 (no header)".into(), "unknown_column".into())]
    );
    assert_eq!(ps[0].value.as_deref(), Some("surprise"));
}

#[test]
fn empty_and_oversized_files() {
    assert_eq!(problems(csv("e.csv", ""))[0].code, "empty_file");
    assert_eq!(
        problems(csv("e.csv", "stop_id,address\n,,\n"))[0].code,
        "empty_file"
    );
    let big = vec![b' '; jobfile::MAX_FILE_BYTES + 1];
    let e = jobfile::parse("big.csv", Format::Csv, &big).unwrap_err();
    assert_eq!(e.code(), "job_file_too_large");
}

#[test]
fn more_rows_than_the_limit_fail_with_a_clear_problem() {
    let mut text = String::from("stop_id,address\n");
    for i in 0..=jobfile::MAX_ROWS {
        text.push_str(&format!("S{i},x\n"));
    }
    let ps = problems(csv("big.csv", &text));
    assert_eq!(ps.len(), 1, "{:?}", &ps[..ps.len().min(3)]);
    assert_eq!(ps[0].code, "too_many_rows");
    assert_eq!(ps[0].row, Some(jobfile::MAX_ROWS + 2));
    assert!(ps[0].detail.contains("100000"), "{}", ps[0].detail);
}

#[test]
fn json_single_array_and_problems() {
    let one = br#"{"external_job_id": "J1", "stops": [{"external_stop_id": "A", "address": "x"}]}"#;
    let f = jobfile::parse("j.json", Format::Json, one).unwrap();
    assert_eq!(f.jobs[0].external_job_id, "J1");
    let many =
        br#"[{"external_job_id": "J1", "stops": [{"external_stop_id": "A", "address": "x"}]},
        {"external_job_id": "J2", "stops": [{"external_stop_id": "A", "parcel_count": -1}]},
        {"external_job_id": "J1", "stops": [{"external_stop_id": "A", "address": "x"}]}]"#;
    let ps = problems(jobfile::parse("j.json", Format::Json, many));
    let fields: Vec<_> = ps
        .iter()
        .map(|p| p.field.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        fields,
        [
            "[1].stops[0].parcel_count",
            "[1].stops[0].address",
            "[2].external_job_id"
        ]
    );
    assert_eq!(ps[0].value.as_deref(), Some("-1"));
    assert_eq!(ps[0].external_job_id.as_deref(), Some("J2"));
    let bad = problems(jobfile::parse(
        "j.json",
        Format::Json,
        b"{\n\"stops\": [,]}",
    ));
    assert_eq!(
        (bad[0].code.as_str(), bad[0].row),
        ("malformed_json", Some(2))
    );
}

/// V1: generated CSVs with K known bad cells; the report lists exactly those cells.
mod v1 {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use std::collections::BTreeSet;

    const COLS: [&str; 10] = [
        "External Job ID",
        "Stop",
        "Address",
        "Parcels",
        "Latitude",
        "Longitude",
        "Service Minutes",
        "Window Start",
        "Window End",
        "Driver Email",
    ];
    /// Bad values per corruptible column (index into COLS).
    const BAD: [(usize, &[&str]); 8] = [
        (1, &[""]),
        (3, &["-2", "abc", "1.5"]),
        (4, &["95", "north"]),
        (5, &["-200", "east"]),
        (6, &["x", "2000"]),
        (7, &["9am", "24:00"]),
        (8, &["25:00", "noon"]),
        (9, &["nope", "driver@", "two words@example.com"]),
    ];
    const JOB_ROWS: usize = 50;

    /// Builds a CSV of `rows` rows with `k` bad cells; returns it and the bad (row, column).
    /// From K = 10 on, two of them are an unknown header and an unclosed quote in the last row.
    fn generate(
        seed: u64,
        rows: usize,
        k: usize,
        sep: char,
    ) -> (String, BTreeSet<(usize, String)>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut bad = BTreeSet::new();
        let extras = if k >= 10 { 2 } else { 0 };
        let mut chosen = BTreeSet::new();
        while chosen.len() < k - extras {
            let (col, _) = BAD[rng.gen_range(0..BAD.len())];
            // The email is job-level: given (and so corruptible) on each job's first row only.
            let row = if col == 9 {
                rng.gen_range(0..rows.div_ceil(JOB_ROWS)) * JOB_ROWS
            } else {
                rng.gen_range(0..rows)
            };
            if extras == 0 || row + 1 < rows {
                chosen.insert((row, col));
            }
        }
        let s = sep.to_string();
        let mut header: Vec<&str> = COLS.to_vec();
        if extras > 0 {
            header.push("Colour");
            bad.insert((1, "Colour".to_string()));
        }
        let mut out = header.join(&s) + "\n";
        for r in 0..rows {
            let mut cells: Vec<String> = vec![
                format!("JOB-{}", r / JOB_ROWS),
                format!("S{r}"),
                format!("\"{} Example St{sep} Brisbane\"", r + 1),
                format!("{}", r % 7),
                format!("{:.5}", -27.4 - r as f64 * 1e-4),
                format!("{:.5}", 153.0 + r as f64 * 1e-4),
                "5".into(),
                "08:00".into(),
                "17:30".into(),
                if r % JOB_ROWS == 0 {
                    format!("driver{}@example.com", r / JOB_ROWS)
                } else {
                    String::new()
                },
            ];
            for (col, values) in BAD {
                if chosen.contains(&(r, col)) {
                    cells[col] = values[rng.gen_range(0..values.len())].to_string();
                    bad.insert((r + 2, COLS[col].to_string()));
                }
            }
            if extras > 0 {
                cells.push("red".into());
                if r + 1 == rows {
                    cells[2] = format!("\"{} Example St, never closed", r + 1);
                    bad.insert((r + 2, COLS[2].to_string()));
                }
            }
            out.push_str(&cells.join(&s));
            out.push('\n');
        }
        assert_eq!(bad.len(), k);
        (out, bad)
    }

    fn check(k: usize, rows: usize, sep: char, encode: fn(&str) -> Vec<u8>) {
        let (text, expected) = generate(k as u64 + 7, rows, k, sep);
        let r = jobfile::parse("v1.csv", Format::Csv, &encode(&text));
        let ps = problems(r);
        let got: BTreeSet<(usize, String)> = ps
            .iter()
            .map(|p| (p.row.unwrap(), p.column.clone().unwrap()))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(ps.len(), k, "exactly one problem per bad cell: {ps:#?}");
        // And the clean version of the same file imports every row (0 silently dropped).
        let (clean, none) = generate(1, rows, 0, sep);
        assert!(none.is_empty());
        let f = jobfile::parse("v1.csv", Format::Csv, &encode(&clean)).unwrap();
        assert_eq!(f.rows, rows);
        assert_eq!(f.jobs.iter().map(|j| j.stops.len()).sum::<usize>(), rows);
        assert_eq!(
            f.jobs[0].driver_email.as_deref(),
            Some("driver0@example.com")
        );
    }

    #[test]
    fn one_bad_cell_semicolon_with_bom() {
        check(1, 20, ';', |t| {
            [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat()
        });
    }

    #[test]
    fn ten_bad_cells_tab_utf16() {
        check(10, 120, '\t', |t| {
            let mut v = vec![0xFF, 0xFE];
            v.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
            v
        });
    }

    #[test]
    fn five_hundred_bad_cells_comma() {
        check(500, 1500, ',', |t| t.as_bytes().to_vec());
    }
}

// ---- reading files: only regular files, size checked before reading -------------------------

fn refused(path: &std::path::Path) -> JobFileError {
    jobfile::read_file(path).expect_err("must be refused")
}

#[cfg(unix)]
#[test]
fn a_symlink_is_refused_even_to_a_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "external_stop_id,lat,lng\nS1,-27.4,153.0\n").unwrap();
    assert!(jobfile::read_file(&good).is_ok());
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&good, &link).unwrap();
    let e = refused(&link);
    assert_eq!(e.code(), "job_file_symlink", "{e}");
    assert!(e.to_string().contains("symbolic link"), "{e}");
    let zero = dir.path().join("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    assert_eq!(refused(&zero).code(), "job_file_symlink");
}

#[cfg(unix)]
#[test]
fn a_fifo_a_device_and_a_folder_are_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Opening a FIFO for reading would wait for a writer: this returns at once, refused.
    let e = refused(&fifo);
    assert_eq!(e.code(), "job_file_not_regular");
    assert!(e.to_string().contains("pipe"), "{e}");
    let e = refused(std::path::Path::new("/dev/zero"));
    assert_eq!(e.code(), "job_file_not_regular");
    assert!(e.to_string().contains("device"), "{e}");
    let e = refused(dir.path());
    assert_eq!(e.code(), "job_file_not_regular");
    assert!(e.to_string().contains("folder"), "{e}");
}

#[test]
fn an_oversized_file_is_refused_by_its_size_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: 1 GiB on paper, nothing on disk; reading it whole would take a GiB of memory.
    let huge = dir.path().join("huge.csv");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(1 << 30).unwrap();
    match refused(&huge) {
        JobFileError::TooLarge { bytes, limit } => {
            assert_eq!(
                bytes,
                1 << 30,
                "the size comes from the open file's metadata"
            );
            assert_eq!(limit, jobfile::MAX_FILE_BYTES);
        }
        other => panic!("{other:?}"),
    }
    let small = dir.path().join("small.csv");
    std::fs::write(&small, "x".repeat(100)).unwrap();
    assert!(matches!(
        jobfile::read_file_limited(&small, 99),
        Err(JobFileError::TooLarge {
            bytes: 100,
            limit: 99
        })
    ));
    assert_eq!(jobfile::read_file_limited(&small, 100).unwrap().len(), 100);
}

#[test]
fn a_hostile_header_cell_is_quoted_short_and_escaped() {
    let hostile = format!("\u{1b}[2J{}\nInjected", "A".repeat(10_000));
    let text = format!("external_stop_id,lat,lng,\"{hostile}\"\nS1,-27.4,153.0,x\n");
    let ps = problems(csv("h.csv", &text));
    let unknown = ps.iter().find(|p| p.code == "unknown_column").unwrap();
    let column = unknown.column.as_deref().unwrap();
    assert!(
        column.chars().count() <= 61,
        "{} chars",
        column.chars().count()
    );
    assert!(column.ends_with('…'));
    assert!(column.starts_with("\\u{1b}[2J"), "{column}");
    assert!(!column.chars().any(char::is_control), "{column:?}");
    let line = unknown.describe();
    assert!(line.len() < 400 && !line.contains('\n'), "{line}");
}

#[test]
fn import_file_reads_parses_and_imports_job_by_job() {
    let dir = tempfile::tempdir().unwrap();
    let api =
        routemate_engine::Api::open(routemate_engine::EngineConfig::new(dir.path().join("d")))
            .unwrap();
    let file = dir.path().join("day.csv");
    std::fs::write(
        &file,
        "external_job_id;external_stop_id;lat;lng\nJ1;a;-27.4;153.0\nJ2;b;-27.5;153.1\n",
    )
    .unwrap();
    let report = api.import_file("acct", &file).unwrap();
    assert_eq!(
        (report.format, report.rows, report.single),
        (Format::Csv, 2, false)
    );
    let ids: Vec<&str> = report
        .jobs
        .iter()
        .map(|j| j.external_job_id.as_str())
        .collect();
    assert_eq!(ids, ["J1", "J2"]);
    assert!(report
        .jobs
        .iter()
        .all(|j| j.result.as_ref().unwrap().created));

    // One rule for several jobs: a bad one refuses the whole file, nothing is imported.
    let json = dir.path().join("day.json");
    let bad = r#"[{"external_job_id": "J3", "stops": [{"external_stop_id": "1", "lat": -27.4, "lng": 153.0}]},
                  {"external_job_id": "J4", "stops": [{"external_stop_id": "1", "parcel_count": -2}]}]"#;
    std::fs::write(&json, bad).unwrap();
    let e = api.import_file("acct", &json).unwrap_err();
    assert!(e
        .problems()
        .iter()
        .any(|p| p.field.as_deref() == Some("[1].stops[0].parcel_count")));
    let listed = api.list_jobs("acct", &Default::default()).unwrap().jobs;
    assert_eq!(listed.len(), 2, "J3 was not imported");

    // A JSON object is one job; Windows-1252 JSON decodes like CSV does.
    let one = dir.path().join("one.json");
    std::fs::write(
        &one,
        b"{\"external_job_id\": \"J5\", \"title\": \"Caf\xE9\", \"stops\": [{\"external_stop_id\": \"1\", \"lat\": -27.4, \"lng\": 153.0}]}",
    )
    .unwrap();
    let report = api.import_file("acct", &one).unwrap();
    assert!(report.single);
    assert_eq!(report.encoding, Encoding::Windows1252);
    assert_eq!(report.jobs[0].result.as_ref().unwrap().job.title, "Café");
}
