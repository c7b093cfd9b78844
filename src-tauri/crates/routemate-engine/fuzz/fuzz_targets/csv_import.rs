//! Fuzz target: any bytes as a CSV job file must parse or be refused with located problems,
//! never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routemate_engine::jobfile::{self, Format};

fuzz_target!(|data: &[u8]| {
    if let Err(e) = jobfile::parse("fuzz.csv", Format::Csv, data) {
        for p in e.problems() {
            assert!(p.row.unwrap_or(1) >= 1);
            let _ = p.describe();
        }
    }
});
