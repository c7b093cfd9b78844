//! Property tests standing in for fuzzing in CI (F1/F2/F4 of reliability.md §8.5): the job-file
//! parsers never panic on any bytes, seed-corpus mutations included, and a valid job set written
//! as CSV parses back to the same jobs. `fuzz/` holds the cargo-fuzz targets for longer runs.

use proptest::prelude::*;
use routemate_core::model::{ImportRequest, StopInput, TimeWindow};
use routemate_engine::jobfile::{self, Format, JobFileError};
use std::path::PathBuf;

fn corpus(dir: &str) -> Vec<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "seed corpus {dir} is empty");
    files
}

/// Problems must point inside the file: a row is ≥ 1 (header = 1).
fn check_problems(r: Result<jobfile::JobFile, JobFileError>) {
    if let Err(e) = r {
        for p in e.problems() {
            assert!(p.row.unwrap_or(1) >= 1, "{p:?}");
            assert!(!p.detail.is_empty());
        }
    }
}

/// Applies byte edits (position, byte) to a seed.
fn mutate(seed: &[u8], edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut v = seed.to_vec();
    for &(pos, b) in edits {
        if v.is_empty() {
            v.push(b);
        } else {
            let i = pos % (v.len() + 1);
            if b % 3 == 0 && i < v.len() {
                v[i] = b;
            } else if b % 3 == 1 && i < v.len() {
                v.remove(i);
            } else {
                v.insert(i.min(v.len()), b);
            }
        }
    }
    v.truncate(v.len().saturating_sub(cut % 4));
    v
}

fn csv_alphabet() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(","),
            Just(";"),
            Just("\t"),
            Just("\""),
            Just("\n"),
            Just("\r\n"),
            Just(" "),
            Just("stop_id"),
            Just("address"),
            Just("job"),
            Just("lat"),
            Just("lng"),
            Just("parcel_count"),
            Just("time_window_start"),
            Just("-27,5"),
            Just("9am"),
            Just("é"),
            Just("1"),
            Just("x@y.z"),
            Just("\u{feff}"),
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn csv_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_problems(jobfile::parse("f.csv", Format::Csv, &bytes));
    }

    #[test]
    fn json_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_problems(jobfile::parse("f.json", Format::Json, &bytes));
    }

    #[test]
    fn csv_never_panics_on_csv_like_text(text in csv_alphabet()) {
        check_problems(jobfile::parse("f.csv", Format::Csv, text.as_bytes()));
    }

    #[test]
    fn corpus_mutations_never_panic(
        pick in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
        cut in any::<usize>(),
    ) {
        let csvs = corpus("csv_import");
        let seed = &csvs[pick % csvs.len()];
        check_problems(jobfile::parse("m.csv", Format::Csv, &mutate(seed, &edits, cut)));
        let jsons = corpus("json_import");
        let seed = &jsons[pick % jsons.len()];
        check_problems(jobfile::parse("m.json", Format::Json, &mutate(seed, &edits, cut)));
    }

    /// F4: any valid job set → CSV → parse gives an equal job set.
    #[test]
    fn csv_round_trip(jobs in job_set()) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "external_job_id", "title", "external_stop_id", "address", "label", "parcel_count",
            "lat", "lng", "notes", "time_window_start", "time_window_end",
        ]).unwrap();
        for j in &jobs {
            for s in &j.stops {
                let tw = s.time_window.clone().unwrap_or(TimeWindow { start: String::new(), end: String::new() });
                w.write_record([
                    j.external_job_id.clone(), j.title.clone().unwrap_or_default(),
                    s.external_stop_id.clone(), s.address.clone().unwrap_or_default(),
                    s.label.clone().unwrap_or_default(), s.parcel_count.to_string(),
                    s.lat.map(|x| x.to_string()).unwrap_or_default(),
                    s.lng.map(|x| x.to_string()).unwrap_or_default(),
                    s.notes.clone().unwrap_or_default(), tw.start, tw.end,
                ]).unwrap();
            }
        }
        let bytes = w.into_inner().unwrap();
        let parsed = jobfile::parse("rt.csv", Format::Csv, &bytes)
            .unwrap_or_else(|e| panic!("{:?}\n{}", e.problems(), String::from_utf8_lossy(&bytes)));
        prop_assert_eq!(parsed.jobs, jobs);
    }
}

/// Text a cell may hold after trimming: letters, punctuation, separators, quotes and line breaks.
fn cell_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 ,;\"'\\-\n\té]{0,12}[A-Za-z0-9]".prop_map(|s| s.trim().to_string())
}

fn job_set() -> impl Strategy<Value = Vec<ImportRequest>> {
    let stop = (
        cell_text(),
        proptest::option::of(cell_text()),
        0u32..50,
        proptest::option::of((-90.0f64..90.0, -180.0f64..180.0)),
        proptest::option::of(cell_text()),
        proptest::option::of((0u32..12, 12u32..24)),
    );
    let job = (
        cell_text(),
        proptest::option::of(cell_text()),
        proptest::collection::vec(stop, 1..6),
    );
    proptest::collection::vec(job, 1..4).prop_map(|jobs| {
        let mut out: Vec<ImportRequest> = Vec::new();
        for (n, (id, title, stops)) in jobs.into_iter().enumerate() {
            let external_job_id = format!("{id}-{n}");
            let stops = stops
                .into_iter()
                .enumerate()
                .map(|(i, (sid, label, parcels, pos, notes, tw))| StopInput {
                    external_stop_id: format!("{sid}-{i}"),
                    address: Some(
                        format!("{i} {}", label.clone().unwrap_or_default())
                            .trim()
                            .to_string(),
                    ),
                    label,
                    parcel_count: parcels,
                    lat: pos.map(|p| p.0),
                    lng: pos.map(|p| p.1),
                    notes,
                    phone: None,
                    service_minutes: None,
                    time_window: tw.map(|(a, b)| TimeWindow {
                        start: format!("{a:02}:00"),
                        end: format!("{b:02}:30"),
                    }),
                    sequence: None,
                })
                .collect();
            out.push(ImportRequest {
                external_job_id,
                title,
                driver_email: None,
                stops,
                depot: None,
                return_to_depot: None,
                date: None,
                optimize: None,
            });
        }
        out
    })
}
