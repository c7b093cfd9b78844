//! D1 of reliability.md §8.1, scaled for CI: 200 job files (5 % duplicate content, 5 % invalid)
//! dropped into a folder watched by the built `routemate watch`, half by tmp+rename and half by
//! slow direct writes, while the watcher is SIGKILLed 5 times at random moments and restarted.
//! At the end every file sits in exactly one of imported/ and failed/, 0 jobs are lost and 0
//! duplicated. (`routemate bench watch` runs the same at 1,000 files and 20 kills.)

use routemate_blackbox::{bin, cli_json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const FILES: usize = 200;
const KILLS: usize = 5;

/// Seeded splitmix64, so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

struct Input {
    name: String,
    text: String,
    job: Option<String>,
    slow: bool,
}

fn job_csv(job: &str, stops: u64, bad_row: Option<u64>) -> String {
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

fn inputs(rng: &mut Rng) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::new();
    for i in 0..FILES {
        let name = format!("drop-{i:04}.csv");
        let slow = rng.below(2) == 0;
        let roll = rng.below(100);
        let valid: Vec<usize> = (0..out.len()).filter(|&k| out[k].job.is_some()).collect();
        if roll < 5 && !valid.is_empty() {
            let src = &out[valid[rng.below(valid.len() as u64) as usize]];
            let (text, job) = (src.text.clone(), src.job.clone());
            out.push(Input {
                name,
                text,
                job,
                slow,
            });
        } else if roll >= 95 {
            let stops = 1 + rng.below(50);
            let bad = rng.below(stops);
            out.push(Input {
                name,
                text: job_csv(&format!("BAD-{i}"), stops, Some(bad)),
                job: None,
                slow,
            });
        } else {
            let id = format!("JOB-{i}");
            out.push(Input {
                name,
                text: job_csv(&id, 1 + rng.below(50), None),
                job: Some(id),
                slow,
            });
        }
    }
    out
}

/// Starts `routemate watch` (the `n`th time); its event lines (JSON) go to `<log>.events<n>`.
fn spawn(data: &Path, dir: &Path, log: &Path, n: usize) -> Child {
    let open = |p: &Path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .unwrap()
    };
    let events = open(&log.with_extension(format!("events{n}")));
    let log = open(log);
    Command::new(bin())
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
        .stderr(log)
        .spawn()
        .expect("start routemate watch")
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

#[test]
fn d1_kill_9_during_watched_imports_loses_and_duplicates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, dir, staging) = (
        tmp.path().join("data"),
        tmp.path().join("drop"),
        tmp.path().join("staging"),
    );
    std::fs::create_dir(&dir).unwrap();
    std::fs::create_dir(&staging).unwrap();
    let log = tmp.path().join("watch.log");
    let seed = std::env::var("D1_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED);
    let mut rng = Rng(seed);
    let inputs = inputs(&mut rng);
    // Random kill moments over the ~6 s of writing and a little after.
    let mut moments: Vec<u64> = (0..KILLS).map(|_| 300 + rng.below(7_000)).collect();
    moments.sort();

    let started = Instant::now();
    let mut child = spawn(&data, &dir, &log, 0);
    let mut kills = 0;
    let kill_due = |child: &mut Child, kills: &mut usize| {
        while *kills < moments.len() && started.elapsed().as_millis() as u64 >= moments[*kills] {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            *child = spawn(&data, &dir, &log, *kills + 1);
            *kills += 1;
        }
    };
    for input in &inputs {
        if input.slow {
            let mut f = std::fs::File::create(dir.join(&input.name)).unwrap();
            let (a, b) = input.text.as_bytes().split_at(input.text.len() / 2);
            f.write_all(a).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(40));
            f.write_all(b).unwrap();
        } else {
            std::fs::write(staging.join(&input.name), &input.text).unwrap();
            std::fs::rename(staging.join(&input.name), dir.join(&input.name)).unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
        kill_due(&mut child, &mut kills);
    }
    while kills < KILLS {
        std::thread::sleep(Duration::from_millis(20));
        kill_due(&mut child, &mut kills);
    }
    let deadline = Instant::now() + Duration::from_secs(180);
    while csv_names(&dir.join("imported")).len() + csv_names(&dir.join("failed")).len() < FILES
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    // SIGTERM once the last restart is watching (so the exit code says it stopped cleanly).
    let events = log.with_extension(format!("events{KILLS}"));
    let started = || {
        let text = std::fs::read_to_string(&events).unwrap_or_default();
        text.contains("\"kind\":\"started\"")
    };
    while !started() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(
        child.wait().unwrap().success(),
        "watch exits cleanly on SIGTERM"
    );

    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    let (imported, failed) = (
        csv_names(&dir.join("imported")),
        csv_names(&dir.join("failed")),
    );
    assert_eq!(kills, KILLS);
    assert!(
        csv_names(&dir).is_empty(),
        "left in the folder: {:?}",
        csv_names(&dir)
    );
    let processing = csv_names(&dir.join(".routemate/processing"));
    assert!(processing.is_empty(), "left in processing: {processing:?}");
    for input in &inputs {
        let (i, f) = (imported.contains(&input.name), failed.contains(&input.name));
        assert!(
            i != f,
            "{} must be in exactly one of imported/ failed/ (log: {log_text})",
            input.name
        );
        assert_eq!(i, input.job.is_some(), "{} in the wrong folder", input.name);
        if f {
            for ext in ["report.txt", "report.json"] {
                assert!(dir
                    .join("failed")
                    .join(format!("{}.{ext}", input.name))
                    .exists());
            }
        }
    }
    assert_eq!(imported.len() + failed.len(), FILES, "no extra files");
    // Each distinct valid content is imported once; its copies are reported as duplicates.
    let mut statuses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in &imported {
        let r: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join("imported").join(format!("{name}.result.json"))).unwrap(),
        )
        .unwrap();
        statuses
            .entry(r["sha256"].as_str().unwrap().to_string())
            .or_default()
            .push(r["status"].as_str().unwrap().into());
    }
    for (hash, s) in &statuses {
        assert_eq!(
            s.iter().filter(|s| *s == "imported").count(),
            1,
            "{hash}: {s:?}"
        );
    }
    let jobs = cli_json(&data, &["jobs"]);
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for j in jobs.as_array().unwrap() {
        *per_id
            .entry(j["external_job_id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let expected: BTreeSet<String> = inputs.iter().filter_map(|i| i.job.clone()).collect();
    let got: BTreeSet<String> = per_id.keys().cloned().collect();
    assert_eq!(got, expected, "0 lost, none unexpected");
    assert!(per_id.values().all(|&n| n == 1), "0 duplicated: {per_id:?}");
    for input in inputs.iter().filter(|i| i.job.is_some()).take(3) {
        let job = cli_json(
            &data,
            &["jobs", "--external-job-id", input.job.as_deref().unwrap()],
        );
        assert_eq!(
            job["stop_count"].as_u64().unwrap() as usize,
            input.text.lines().count() - 1
        );
    }
}
