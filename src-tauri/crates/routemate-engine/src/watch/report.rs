//! The sidecar files a dispatcher (or the sending system) reads: `<name>.result.json` next to an
//! imported file, `<name>.report.txt` and `<name>.report.json` next to a failed one. Each carries
//! the claim id, which lets a restart recognise its own half-finished work.

use super::ledger::Entry;
use crate::jobfile::{FileReport, JobFileError, Problem};
use serde_json::{json, Value};

fn pretty(v: Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&v).expect("JSON values serialise");
    out.push(b'\n');
    out
}

/// `<name>.result.json` for an imported file.
pub fn imported_json(
    name: &str,
    claim: &str,
    hash: &str,
    entry: &Entry,
    parsed: Option<&FileReport>,
) -> Vec<u8> {
    let mut v = json!({
        "file": name,
        "status": "imported",
        "claim": claim,
        "sha256": hash,
        "imported_at": entry.imported_at,
        "jobs": entry.jobs,
    });
    if let Some(p) = parsed {
        v["format"] = json!(p.format);
        v["encoding"] = json!(p.encoding);
        v["rows"] = json!(p.rows);
        if let Some(d) = p.delimiter {
            v["delimiter"] = json!(d.to_string());
        }
        if !p.plans.is_empty() {
            // A day planned across the fleet: its plan, with the stops left out and why.
            let plans: Vec<_> = p.plans.iter().map(|o| &o.plan).collect();
            v["plans"] = json!(plans);
        }
    }
    pretty(v)
}

/// `<name>.result.json` for a file whose bytes were imported before under another name.
pub fn duplicate_json(name: &str, claim: &str, hash: &str, first: &Entry) -> Vec<u8> {
    pretty(json!({
        "file": name,
        "status": "duplicate",
        "claim": claim,
        "sha256": hash,
        "duplicate_of": first.file,
        "first_imported_at": first.imported_at,
        "message": format!(
            "the same content was imported from '{}' at {}; nothing was imported again",
            first.file, first.imported_at
        ),
        "jobs": first.jobs,
    }))
}

/// `<name>.report.json` for a failed file: every problem with row, column and reason.
pub fn failed_json(
    name: &str,
    claim: &str,
    hash: &str,
    err: &JobFileError,
    problems: &[Problem],
    imported_before: usize,
) -> Vec<u8> {
    pretty(json!({
        "file": name,
        "status": "failed",
        "claim": claim,
        "sha256": hash,
        "code": err.code(),
        "message": err.to_string(),
        "jobs_imported_before_failure": imported_before,
        "problems": problems,
    }))
}

/// `<name>.report.txt`: the same, for a person.
pub fn failed_text(
    name: &str,
    err: &JobFileError,
    problems: &[Problem],
    imported_before: usize,
) -> String {
    let mut s = format!("{name} was not imported: {err}.\n");
    if imported_before > 0 {
        s.push_str(&format!(
            "Note: {imported_before} job(s) from this file were imported before the engine refused the next one.\n"
        ));
    } else {
        s.push_str("Nothing from this file was imported.\n");
    }
    s.push_str("Fix the problems below and drop the file into the folder again.\n\n");
    for p in problems {
        s.push_str(&p.describe());
        s.push('\n');
    }
    s
}
