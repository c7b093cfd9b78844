//! D1 of reliability.md §8.1, the watched folder's crash test: job files (5 % duplicate
//! content, 5 % invalid) dropped into a folder watched by the built `routemate watch`, half by
//! tmp+rename and half by slow direct writes, while the watcher is SIGKILLed at random moments
//! and restarted. [`run`] drives it and reports what it finds; `tests/watch_d1.rs` runs it at CI
//! scale and asserts the report, `routemate-bench watch` at full scale and prints it.

use crate::Rng;
use anyhow::{bail, Context};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How big a run is.
#[derive(Debug, Clone, Copy)]
pub struct D1Config {
    pub files: usize,
    pub kills: usize,
    pub seed: u64,
}

/// One input file.
pub struct Input {
    pub name: String,
    pub text: String,
    /// The job it carries when valid.
    pub job: Option<String>,
    /// Written directly in two halves (a producer still writing) instead of tmp+rename.
    pub slow: bool,
}

/// What a run found. Every count but the totals should be 0; [`D1Report::problems`] says which
/// are not, in words.
#[derive(Debug, Clone, Serialize)]
pub struct D1Report {
    pub files: usize,
    pub kills: usize,
    pub seconds: f64,
    pub imported: usize,
    pub failed: usize,
    pub in_both: usize,
    pub left_in_folder_or_processing: usize,
    pub in_wrong_folder: usize,
    pub failed_without_reports: usize,
    /// Distinct contents whose `result.json` files do not say "imported" exactly once.
    pub contents_not_imported_once: usize,
    pub expected_jobs: usize,
    pub jobs_in_store: usize,
    pub jobs_lost: usize,
    pub jobs_duplicated: usize,
    pub unexpected_jobs: usize,
    pub jobs_with_wrong_stop_count: usize,
    /// The last restart exited 0 on SIGTERM.
    pub clean_exit: bool,
}

impl D1Report {
    /// Each broken promise, in words; empty when D1 passed.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |n: usize, what: &str| {
            if n > 0 {
                out.push(format!("{n} {what}"));
            }
        };
        check(self.in_both, "file(s) in both imported/ and failed/");
        check(
            self.left_in_folder_or_processing,
            "file(s) left in the folder or processing/",
        );
        check(self.in_wrong_folder, "file(s) in the wrong folder");
        check(
            self.failed_without_reports,
            "failed file(s) without reports",
        );
        check(
            self.contents_not_imported_once,
            "content(s) not imported exactly once",
        );
        check(self.jobs_lost, "job(s) lost");
        check(self.jobs_duplicated, "job(s) duplicated");
        check(self.unexpected_jobs, "unexpected job(s)");
        check(
            self.jobs_with_wrong_stop_count,
            "job(s) with a wrong stop count",
        );
        if self.imported + self.failed != self.files {
            out.push(format!(
                "{} placed files for {} dropped",
                self.imported + self.failed,
                self.files
            ));
        }
        if !self.clean_exit {
            out.push("the watcher did not exit cleanly on SIGTERM".into());
        }
        out
    }
}

/// A job file in a European spreadsheet's dialect (semicolons, decimal commas, header aliases);
/// `bad_row` gets a parcel count that is not a number.
pub fn job_csv(job: &str, stops: u64, bad_row: Option<u64>) -> String {
    let mut s = String::from("Job ID;Stop ID;Address;Parcels;Latitude;Longitude\n");
    for i in 0..stops {
        let parcels = if bad_row == Some(i) {
            "two".to_string()
        } else {
            (i % 4).to_string()
        };
        s.push_str(&format!(
            "{job};S{i};\"{i} Example St; Brisbane\";{parcels};-27,{:04};153,{:04}\n",
            4000 + i,
            100 + i
        ));
    }
    s
}

/// The input files of a run: 5 % copies of an earlier valid file, 5 % invalid.
pub fn inputs(files: usize, rng: &mut Rng) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::with_capacity(files);
    for i in 0..files {
        let name = format!("drop-{i:05}.csv");
        let slow = rng.below(2) == 0;
        let roll = rng.below(100);
        let valid: Vec<usize> = (0..out.len()).filter(|&k| out[k].job.is_some()).collect();
        let (text, job) = if roll < 5 && !valid.is_empty() {
            let src = &out[valid[rng.below(valid.len())]];
            (src.text.clone(), src.job.clone())
        } else if roll >= 95 {
            let stops = 1 + rng.below(50) as u64;
            let bad = rng.below(stops as usize) as u64;
            (job_csv(&format!("BAD-{i}"), stops, Some(bad)), None)
        } else {
            let id = format!("JOB-{i}");
            (job_csv(&id, 1 + rng.below(50) as u64, None), Some(id))
        };
        out.push(Input {
            name,
            text,
            job,
            slow,
        });
    }
    out
}

/// Starts `routemate watch` (the `n`th time); its event lines (JSON) go to `<log>.events<n>`.
fn spawn(bin: &Path, data: &Path, dir: &Path, log: &Path, n: usize) -> anyhow::Result<Child> {
    let open = |p: &Path| OpenOptions::new().create(true).append(true).open(p);
    let events = open(&log.with_extension(format!("events{n}")))?;
    Command::new(bin)
        .arg("--data")
        .arg(data)
        .arg("watch")
        .arg(dir)
        .args([
            "--quiet-ms",
            "1000",
            "--settle-ms",
            "100",
            "--rescan-secs",
            "2",
        ])
        .stdout(events)
        .stderr(open(log)?)
        .spawn()
        .with_context(|| format!("starting {} watch", bin.display()))
}

fn csv_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".csv"))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs D1 with the `routemate` binary `bin` in the empty folder `work` (the store is
/// `work/data`, the watched folder `work/drop`, the watcher's log `work/watch.log`).
pub fn run(bin: &Path, work: &Path, config: D1Config) -> anyhow::Result<D1Report> {
    let (data, dir, staging) = (work.join("data"), work.join("drop"), work.join("staging"));
    std::fs::create_dir_all(&dir)?;
    std::fs::create_dir_all(&staging)?;
    let log = work.join("watch.log");
    let mut rng = Rng::new(config.seed);
    let inputs = inputs(config.files, &mut rng);
    // Kill moments spread over the writing phase (~25 ms a file) and a little after.
    let span = 1_000 + config.files * 25;
    let mut moments: Vec<u64> = (0..config.kills)
        .map(|_| 300 + rng.below(span) as u64)
        .collect();
    moments.sort_unstable();

    let started = Instant::now();
    let mut child = spawn(bin, &data, &dir, &log, 0)?;
    let kills = std::cell::Cell::new(0);
    let kill_due = |child: &mut Child| -> anyhow::Result<()> {
        while kills.get() < moments.len()
            && started.elapsed().as_millis() as u64 >= moments[kills.get()]
        {
            child.kill()?; // SIGKILL
            child.wait()?;
            kills.set(kills.get() + 1);
            *child = spawn(bin, &data, &dir, &log, kills.get())?;
        }
        Ok(())
    };
    for input in &inputs {
        if input.slow {
            let mut f = std::fs::File::create(dir.join(&input.name))?;
            let (a, b) = input.text.as_bytes().split_at(input.text.len() / 2);
            f.write_all(a)?;
            f.flush()?;
            std::thread::sleep(Duration::from_millis(40));
            f.write_all(b)?;
        } else {
            std::fs::write(staging.join(&input.name), &input.text)?;
            std::fs::rename(staging.join(&input.name), dir.join(&input.name))?;
        }
        std::thread::sleep(Duration::from_millis(5));
        kill_due(&mut child)?;
    }
    while kills.get() < moments.len() {
        std::thread::sleep(Duration::from_millis(20));
        kill_due(&mut child)?;
    }
    let kills = kills.get();

    // Wait (bounded) until every file has landed.
    let deadline = Instant::now() + Duration::from_secs(120 + config.files as u64 / 5);
    let landed = || csv_names(&dir.join("imported")).len() + csv_names(&dir.join("failed")).len();
    while landed() < config.files && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    // SIGTERM once the last restart is watching, so its exit code says whether it stopped cleanly.
    let events = log.with_extension(format!("events{kills}"));
    let watching = || {
        std::fs::read_to_string(&events)
            .unwrap_or_default()
            .contains("\"kind\":\"started\"")
    };
    while !watching() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status()?;
    let clean_exit = child.wait()?.success();
    let seconds = started.elapsed().as_secs_f64();
    check(&inputs, &dir, &data, bin, kills, seconds, clean_exit)
}

/// Compares the folder and the store with what was dropped.
fn check(
    inputs: &[Input],
    dir: &Path,
    data: &Path,
    bin: &Path,
    kills: usize,
    seconds: f64,
    clean_exit: bool,
) -> anyhow::Result<D1Report> {
    let (imported, failed) = (
        csv_names(&dir.join("imported")),
        csv_names(&dir.join("failed")),
    );
    let left = csv_names(dir).len() + csv_names(&dir.join(".routemate/processing")).len();
    let in_wrong_folder = inputs
        .iter()
        .filter(|i| i.job.is_some() != imported.contains(&i.name))
        .count();
    let failed_without_reports = failed
        .iter()
        .filter(|n| {
            ["report.txt", "report.json"]
                .iter()
                .any(|ext| !dir.join("failed").join(format!("{n}.{ext}")).exists())
        })
        .count();
    // Each distinct valid content is imported once; its copies are reported as duplicates.
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for name in &imported {
        let path = dir.join("imported").join(format!("{name}.result.json"));
        let r: Value = serde_json::from_slice(&std::fs::read(&path).unwrap_or_default())
            .with_context(|| format!("reading {}", path.display()))?;
        let hash = r["sha256"].as_str().unwrap_or_default().to_string();
        *statuses.entry(hash).or_default() += usize::from(r["status"] == "imported");
    }
    let contents_not_imported_once = statuses.values().filter(|&&n| n != 1).count();

    let jobs = routemate_json(bin, data, &["jobs"])?;
    let mut per_id: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for j in jobs
        .as_array()
        .context("`routemate jobs` printed no array")?
    {
        let id = j["external_job_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let entry = per_id.entry(id).or_default();
        entry.0 += 1;
        entry.1 = j["stop_count"].as_u64().unwrap_or_default();
    }
    let expected: BTreeMap<&str, u64> = inputs
        .iter()
        .filter_map(|i| Some((i.job.as_deref()?, i.text.lines().count() as u64 - 1)))
        .collect();
    Ok(D1Report {
        files: inputs.len(),
        kills,
        seconds,
        imported: imported.len(),
        failed: failed.len(),
        in_both: imported.intersection(&failed).count(),
        left_in_folder_or_processing: left,
        in_wrong_folder,
        failed_without_reports,
        contents_not_imported_once,
        expected_jobs: expected.len(),
        jobs_in_store: per_id.len(),
        jobs_lost: expected
            .keys()
            .filter(|id| !per_id.contains_key(**id))
            .count(),
        jobs_duplicated: per_id.values().map(|(n, _)| n.saturating_sub(1)).sum(),
        unexpected_jobs: per_id
            .keys()
            .filter(|k| !expected.contains_key(k.as_str()))
            .count(),
        jobs_with_wrong_stop_count: expected
            .iter()
            .filter(|(id, stops)| per_id.get(**id).is_some_and(|(_, got)| got != *stops))
            .count(),
        clean_exit,
    })
}

/// Runs `routemate --data DATA ARGS…`, which must succeed and print JSON.
fn routemate_json(bin: &Path, data: &Path, args: &[&str]) -> anyhow::Result<Value> {
    let out = Command::new(bin)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !out.status.success() {
        bail!(
            "routemate {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    serde_json::from_slice(&out.stdout).context("routemate printed no JSON")
}

/// The `routemate` binary next to the running executable (both live in `target/<profile>/`).
pub fn sibling_routemate() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name(format!("routemate{}", std::env::consts::EXE_SUFFIX));
    if !bin.is_file() {
        bail!(
            "{} is missing: build it first (cargo build --release --bin routemate) or pass --routemate",
            bin.display()
        );
    }
    Ok(bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_reproducible_and_mix_valid_duplicate_and_invalid_files() {
        let a = inputs(400, &mut Rng::new(7));
        let b = inputs(400, &mut Rng::new(7));
        assert!(a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.text == y.text && x.slow == y.slow));
        let invalid = a.iter().filter(|i| i.job.is_none()).count();
        let jobs: BTreeSet<_> = a.iter().filter_map(|i| i.job.as_deref()).collect();
        let copies = a.len() - invalid - jobs.len();
        assert!((5..=40).contains(&invalid) && (5..=40).contains(&copies));
        assert!(a.iter().any(|i| i.slow) && a.iter().any(|i| !i.slow));
    }

    #[test]
    fn problems_name_every_broken_promise() {
        let mut r = D1Report {
            files: 3,
            kills: 1,
            seconds: 1.0,
            imported: 2,
            failed: 1,
            in_both: 0,
            left_in_folder_or_processing: 0,
            in_wrong_folder: 0,
            failed_without_reports: 0,
            contents_not_imported_once: 0,
            expected_jobs: 2,
            jobs_in_store: 2,
            jobs_lost: 0,
            jobs_duplicated: 0,
            unexpected_jobs: 0,
            jobs_with_wrong_stop_count: 0,
            clean_exit: true,
        };
        assert!(r.problems().is_empty());
        r.jobs_lost = 1;
        r.failed = 0;
        r.clean_exit = false;
        assert_eq!(
            r.problems(),
            [
                "1 job(s) lost",
                "2 placed files for 3 dropped",
                "the watcher did not exit cleanly on SIGTERM"
            ]
        );
    }
}
