//! Fuzz target: any bytes as a JSON job file must parse or be refused with problems, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routemate_engine::jobfile::{self, Format};

fuzz_target!(|data: &[u8]| {
    if let Err(e) = jobfile::parse("fuzz.json", Format::Json, data) {
        for p in e.problems() {
            let _ = p.describe();
        }
    }
});
