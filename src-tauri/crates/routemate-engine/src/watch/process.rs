//! One file through the watched-folder pipeline: claim (atomic rename into `processing/`), read,
//! dedupe by content hash, parse, import through `Api::import`, record, then write the result or
//! report and move the original to `imported/` or `failed/`.
//!
//! Crash safety: every step can be cut off. A file left in `processing/` is processed again on
//! start; the engine's import is idempotent per `external_job_id`, the ledger entry carries the
//! claim id (so a file already recorded is only moved on, never reported as its own duplicate),
//! and a sidecar carrying the claim id marks the destination slot as ours.

use super::event::{Listener, WatchEvent};
use super::folder::{
    is_regular, move_durable, occupied, read_small_regular, split_claimed, with_suffix,
    write_durable, Layout, CLAIM_SEP,
};
use super::ledger::{content_hash, Entry, ImportedJob, Ledger};
use super::report;
use crate::context::Context;
use crate::error::EngineError;
use crate::jobfile::{self, JobFileError, Problem};
use std::path::{Path, PathBuf};

/// Processes claimed files for one watched folder.
pub struct Processor {
    pub ctx: Context,
    pub account: String,
    pub layout: Layout,
    pub ledger: Ledger,
    pub listener: Listener,
}

/// How processing a claimed file ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    Imported,
    Duplicate,
    Failed,
    /// Left in `processing/` to try again later.
    Retry,
    /// Not ours to process (a name the watcher never gives a claimed file); left alone.
    Skipped,
}

/// Sidecars we read back (to recognise our own claim) are small; anything bigger is not ours.
const MAX_SIDECAR_READ: u64 = 1024 * 1024;

impl Processor {
    /// Claims `path` by renaming it into `processing/`. `Ok(None)`: it is gone (someone else took
    /// it, or it was renamed away meanwhile).
    pub fn claim(&self, path: &Path) -> std::io::Result<Option<PathBuf>> {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return Ok(None);
        };
        let now = self.ctx.now();
        let claim = format!(
            "{}-{:08x}",
            now.format("%Y%m%dT%H%M%S%3fZ"),
            rand::random::<u32>()
        );
        self.layout.verify()?;
        let target = self
            .layout
            .processing
            .join(format!("{claim}{CLAIM_SEP}{name}"));
        match move_durable(path, &target) {
            Ok(()) => Ok(Some(target)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Finishes a claimed file (`processing/<claim>--<name>`).
    pub fn process(&self, claimed: &Path) -> Finish {
        let file_name = claimed
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some((claim, name)) = split_claimed(file_name) else {
            tracing::warn!(file = %claimed.display(), "not a claimed file name; skipped");
            return Finish::Skipped;
        };
        // A symlink, FIFO or device (planted, or swapped in just before the claim's rename) is
        // never opened: reading one leaks its target or blocks the watcher.
        let result = if is_regular(claimed) {
            self.try_process(claimed, claim, name)
        } else {
            self.refuse_unread(claimed, claim, name)
        };
        match result {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(file = name, error = %e, "cannot finish the file now; will retry");
                (self.listener)(WatchEvent::Retrying {
                    file: name.to_string(),
                    error: e.to_string(),
                });
                Finish::Retry
            }
        }
    }

    fn try_process(&self, claimed: &Path, claim: &str, name: &str) -> Result<Finish, EngineError> {
        let io = |e: std::io::Error| EngineError::Io {
            path: claimed.to_path_buf(),
            source: e,
        };
        let bytes = match jobfile::read_file(claimed) {
            Ok(bytes) => bytes,
            Err(JobFileError::Unreadable { detail, .. }) => {
                return Err(io(std::io::Error::other(detail)))
            }
            // A symlink, a FIFO, a device or an oversized file: refused unread, reported.
            Err(e) => return self.fail(claimed, claim, name, "", &e, 0),
        };
        let hash = content_hash(&bytes);
        if let Some(entry) = self.ledger.get(&hash)? {
            if entry.claim == claim {
                // Imported before a crash; only the finishing steps are left.
                return self.finish_imported(claimed, claim, name, &hash, &entry, None);
            }
            let dest = self.slot(&self.layout.imported, name, claim, ".result.json")?;
            let result = report::duplicate_json(name, claim, &hash, &entry);
            self.move_with_sidecars(claimed, &dest, &[(".result.json", result)])?;
            tracing::info!(file = name, duplicate_of = %entry.file, "duplicate content; not imported again");
            (self.listener)(WatchEvent::Duplicate {
                file: name.to_string(),
                duplicate_of: entry.file.clone(),
                result: sidecar(&dest, ".result.json"),
            });
            return Ok(Finish::Duplicate);
        }
        let mut parsed = match jobfile::import_bytes(&self.ctx, &self.account, name, &bytes) {
            Ok(f) => f,
            Err(e) => return self.fail(claimed, claim, name, &hash, &e, 0),
        };
        let mut jobs = Vec::with_capacity(parsed.jobs.len());
        for job in std::mem::take(&mut parsed.jobs) {
            let external_job_id = job.external_job_id;
            match job.result {
                Ok(out) => jobs.push(ImportedJob {
                    external_job_id,
                    job_id: out.job.job_id.clone(),
                    created: out.created,
                    changed: out.changed,
                    stop_count: out.job.stop_count,
                    warnings: out.job.warnings.clone(),
                }),
                Err(EngineError::Invalid(errs)) => {
                    let problems = errs
                        .into_iter()
                        .map(|e| {
                            Problem {
                                field: Some(e.field),
                                ..Problem::file(&e.code, e.detail)
                            }
                            .with_job(Some(&external_job_id))
                        })
                        .collect();
                    let err = JobFileError::Invalid { problems };
                    return self.fail(claimed, claim, name, &hash, &err, jobs.len());
                }
                Err(e) => return Err(e),
            }
        }
        let entry = Entry {
            claim: claim.to_string(),
            file: name.to_string(),
            jobs,
            imported_at: self.ctx.now(),
        };
        self.ledger.record(&hash, &entry)?;
        self.finish_imported(claimed, claim, name, &hash, &entry, Some(&parsed))
    }

    fn finish_imported(
        &self,
        claimed: &Path,
        claim: &str,
        name: &str,
        hash: &str,
        entry: &Entry,
        parsed: Option<&jobfile::FileReport>,
    ) -> Result<Finish, EngineError> {
        let dest = self.slot(&self.layout.imported, name, claim, ".result.json")?;
        let result = report::imported_json(name, claim, hash, entry, parsed);
        self.move_with_sidecars(claimed, &dest, &[(".result.json", result)])?;
        let warnings = entry.jobs.iter().map(|j| j.warnings.len()).sum();
        tracing::info!(file = name, jobs = entry.jobs.len(), warnings, "imported");
        (self.listener)(WatchEvent::Imported {
            file: name.to_string(),
            jobs: entry.jobs.clone(),
            warnings,
            result: sidecar(&dest, ".result.json"),
        });
        Ok(Finish::Imported)
    }

    fn fail(
        &self,
        claimed: &Path,
        claim: &str,
        name: &str,
        hash: &str,
        err: &JobFileError,
        imported_before: usize,
    ) -> Result<Finish, EngineError> {
        let problems = err.problems();
        let dest = self.slot(&self.layout.failed, name, claim, ".report.json")?;
        let json = report::failed_json(name, claim, hash, err, &problems, imported_before);
        let text = report::failed_text(name, err, &problems, imported_before);
        self.move_with_sidecars(
            claimed,
            &dest,
            &[(".report.json", json), (".report.txt", text.into_bytes())],
        )?;
        tracing::info!(
            file = name,
            problems = problems.len(),
            "failed; report written"
        );
        (self.listener)(WatchEvent::Failed {
            file: name.to_string(),
            code: err.code().to_string(),
            message: err.to_string(),
            problems: problems.len(),
            report: sidecar(&dest, ".report.txt"),
        });
        Ok(Finish::Failed)
    }

    /// Moves a non-regular entry (symlink, FIFO, device, folder) to `failed/` without opening it.
    fn refuse_unread(
        &self,
        claimed: &Path,
        claim: &str,
        name: &str,
    ) -> Result<Finish, EngineError> {
        let kind = std::fs::symlink_metadata(claimed)
            .map(|m| describe(m.file_type()))
            .unwrap_or("gone");
        if kind == "gone" {
            return Ok(Finish::Skipped);
        }
        let message = format!(
            "{name} is a {kind}, not a regular file; RouteMate does not follow links or read \
             special files, so it was not opened"
        );
        let json = serde_json::to_vec_pretty(&serde_json::json!({
            "file": name, "status": "failed", "claim": claim, "code": "not_a_regular_file",
            "message": message, "jobs_imported_before_failure": 0, "problems": [],
        }))
        .expect("a report serialises");
        let text = format!("{message}.\nNothing from it was imported.\n");
        let dest = self.slot(&self.layout.failed, name, claim, ".report.json")?;
        self.move_with_sidecars(
            claimed,
            &dest,
            &[(".report.json", json), (".report.txt", text.into_bytes())],
        )?;
        tracing::warn!(
            file = name,
            kind,
            "not a regular file; moved to failed/ unread"
        );
        (self.listener)(WatchEvent::Failed {
            file: name.to_string(),
            code: "not_a_regular_file".into(),
            message,
            problems: 0,
            report: sidecar(&dest, ".report.txt"),
        });
        Ok(Finish::Failed)
    }

    /// The destination for `name` in `dir`: the name itself when free, or when its sidecar
    /// already carries our claim (a restart finishing its own work); else a claim-suffixed name.
    fn slot(
        &self,
        dir: &Path,
        name: &str,
        claim: &str,
        marker: &str,
    ) -> Result<PathBuf, EngineError> {
        for candidate in [name.to_string(), with_suffix(name, claim)] {
            let path = dir.join(&candidate);
            let side = sidecar(&path, marker);
            // Never `fs::read`: a FIFO planted at a sidecar name would block the watcher.
            let ours = read_small_regular(&side, MAX_SIDECAR_READ)
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                .is_some_and(|v| v.get("claim").and_then(|c| c.as_str()) == Some(claim));
            if ours || (!occupied(&path) && !occupied(&side)) {
                return Ok(path);
            }
        }
        Ok(dir.join(with_suffix(
            name,
            &format!("{claim}-{:08x}", rand::random::<u32>()),
        )))
    }

    /// Writes the sidecars next to `dest`, then moves the original there.
    fn move_with_sidecars(
        &self,
        claimed: &Path,
        dest: &Path,
        sidecars: &[(&str, Vec<u8>)],
    ) -> Result<(), EngineError> {
        self.layout.verify().map_err(|e| EngineError::Io {
            path: dest.to_path_buf(),
            source: e,
        })?;
        for (suffix, bytes) in sidecars {
            let path = sidecar(dest, suffix);
            write_durable(&path, bytes).map_err(|e| EngineError::Io { path, source: e })?;
        }
        move_durable(claimed, dest).map_err(|e| EngineError::Io {
            path: dest.to_path_buf(),
            source: e,
        })
    }
}

/// A file type in words, for a report.
fn describe(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "named pipe (FIFO)";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_symlink() {
        "symbolic link"
    } else if t.is_dir() {
        "folder"
    } else {
        "special file"
    }
}

/// `imported/orders.csv` → `imported/orders.csv.result.json`.
pub fn sidecar(dest: &Path, suffix: &str) -> PathBuf {
    let mut s = dest.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}
