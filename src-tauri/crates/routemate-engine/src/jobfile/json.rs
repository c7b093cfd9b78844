//! JSON job files: one import-request body, or an array of them, validated exactly like the HTTP
//! API; problems keep the validator's field path, prefixed with the array index for arrays.

use super::decode::Encoding;
use super::{Format, JobFile, JobFileError, Problem, MAX_JOBS};
use routemate_core::validate::parse_import;
use serde_json::Value;
use std::collections::HashMap;

/// Parses JSON text (already decoded) into jobs, or every problem found.
pub fn parse(text: &str, encoding: Encoding) -> Result<JobFile, JobFileError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let p = Problem {
            row: (e.line() > 0).then_some(e.line()),
            ..Problem::file("malformed_json", format!("not valid JSON: {e}"))
        };
        JobFileError::Invalid { problems: vec![p] }
    })?;
    let (items, is_array) = match value {
        Value::Array(items) => (items, true),
        other => (vec![other], false),
    };
    let mut problems = Vec::new();
    if items.is_empty() {
        problems.push(Problem::file("empty_file", "the array holds no jobs"));
    }
    if items.len() > MAX_JOBS {
        let detail = format!(
            "a job file may hold at most {MAX_JOBS} jobs (found {})",
            items.len()
        );
        problems.push(Problem::file("too_many_jobs", detail));
    }
    let mut jobs = Vec::with_capacity(items.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = if is_array {
            format!("[{i}]")
        } else {
            String::new()
        };
        let job_id = item.get("external_job_id").and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        });
        match parse_import(item) {
            Ok(req) => {
                if let Some(first) = seen.insert(req.external_job_id.clone(), i) {
                    problems.push(
                        Problem {
                            field: Some(format!("{prefix}.external_job_id")),
                            ..Problem::file(
                                "duplicate",
                                format!("job '{}' is also element [{first}]", req.external_job_id),
                            )
                        }
                        .with_job(Some(&req.external_job_id)),
                    );
                }
                jobs.push(req);
            }
            Err(errs) => {
                for e in errs {
                    let field = match (prefix.is_empty(), e.field.is_empty()) {
                        (true, _) => e.field.clone(),
                        (false, true) => prefix.clone(),
                        (false, false) => format!("{prefix}.{}", e.field),
                    };
                    let mut p = Problem {
                        field: Some(field).filter(|f| !f.is_empty()),
                        ..Problem::file(&e.code, e.detail)
                    }
                    .with_job(job_id.as_deref());
                    if let Some(Value::String(s)) = item.pointer(&e.pointer) {
                        p = p.with_value(s);
                    } else if let Some(v @ Value::Number(_)) = item.pointer(&e.pointer) {
                        p = p.with_value(&v.to_string());
                    }
                    problems.push(p);
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(JobFileError::Invalid { problems });
    }
    Ok(JobFile {
        format: Format::Json,
        rows: jobs.len(),
        jobs,
        encoding,
        delimiter: None,
        sheet: None,
    })
}
