//! The watched folder, W1–W7 of reliability.md §8.6 plus dedupe, reports and crash leftovers,
//! driven through a real `Api` on a temporary store. Waits are bounded polls, not timings.

use routemate_engine::jobs::{JobQuery, JobRef};
use routemate_engine::watch::{content_hash, WatchConfig, WatchEvent, WatchMode, Watcher};
use routemate_engine::{Api, EngineConfig, DEFAULT_ACCOUNT};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Rig {
    api: Api,
    dir: PathBuf,
    events: Arc<Mutex<Vec<WatchEvent>>>,
    watcher: Option<Watcher>,
    _tmp: tempfile::TempDir,
}

fn rig() -> Rig {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("drop");
    std::fs::create_dir(&dir).unwrap();
    let api = Api::open(EngineConfig::new(tmp.path().join("data"))).unwrap();
    Rig {
        api,
        dir,
        events: Arc::default(),
        watcher: None,
        _tmp: tmp,
    }
}

fn fast(dir: &Path) -> WatchConfig {
    WatchConfig {
        quiet_period: Duration::from_millis(1500),
        settle: Duration::from_millis(200),
        ..WatchConfig::new(dir, DEFAULT_ACCOUNT)
    }
}

impl Rig {
    fn start(&mut self, cfg: WatchConfig) {
        let events = self.events.clone();
        let w = Watcher::start(self.api.clone(), cfg, move |e| {
            events.lock().unwrap().push(e)
        })
        .unwrap();
        self.watcher = Some(w);
    }

    fn count(&self, f: impl Fn(&WatchEvent) -> bool) -> usize {
        self.events.lock().unwrap().iter().filter(|e| f(e)).count()
    }

    fn imported(&self) -> usize {
        self.count(|e| matches!(e, WatchEvent::Imported { .. }))
    }

    /// Waits (bounded) until `cond` holds; panics with the events seen otherwise.
    fn wait(&self, what: &str, cond: impl Fn(&Rig) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while !cond(self) {
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}; events: {:#?}",
                    self.events.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn jobs(&self) -> usize {
        let mut n = 0;
        let mut q = JobQuery {
            limit: Some(500),
            ..Default::default()
        };
        loop {
            let page = self.api.list_jobs(DEFAULT_ACCOUNT, &q).unwrap();
            n += page.jobs.len();
            match page.next_cursor {
                Some(c) => q.cursor = Some(c),
                None => return n,
            }
        }
    }

    fn names(&self, sub: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir.join(sub))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// A valid one-job CSV with `stops` stops (coordinates given: no geocoder needed).
fn job_csv(job: &str, stops: usize) -> String {
    let mut s = String::from("external_job_id,external_stop_id,address,lat,lng,parcel_count\n");
    for i in 0..stops {
        s.push_str(&format!(
            "{job},S{i},\"{i} Example St, Brisbane\",{:.5},{:.5},1\n",
            -27.4 - i as f64 * 1e-4,
            153.0 + i as f64 * 1e-4
        ));
    }
    s
}

fn drop_file(dir: &Path, name: &str, text: &str) {
    // Producer contract: write under a temporary name, then rename in.
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

#[test]
fn w1_slow_writer_is_not_claimed_before_the_last_byte() {
    let mut r = rig();
    r.start(fast(&r.dir));
    let text = job_csv("SLOW", 3300); // ≈ 200 KB
    assert!(text.len() > 190_000, "{}", text.len());
    let path = r.dir.join("slow.csv");
    let mut f = std::fs::File::create(&path).unwrap();
    // 10 KB/s: 1 KB every 100 ms, one open handle, like a slow network copy.
    for chunk in text.as_bytes().chunks(1024) {
        f.write_all(chunk).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(f);
    r.wait("the slow file", |r| {
        r.imported() + r.count(|e| matches!(e, WatchEvent::Failed { .. })) >= 1
    });
    assert_eq!(r.imported(), 1, "{:#?}", r.events.lock().unwrap());
    let result: serde_json::Value = serde_json::from_slice(
        &std::fs::read(r.dir.join("imported/slow.csv.result.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(result["sha256"], content_hash(text.as_bytes()));
    let job = r
        .api
        .job(DEFAULT_ACCOUNT, &JobRef::External("SLOW".into()))
        .unwrap();
    assert_eq!(job.stop_count, 3300);
}

#[test]
fn w2_temporary_and_hidden_files_are_left_alone_until_renamed() {
    let mut r = rig();
    r.start(fast(&r.dir));
    let patterns = [
        ".{}.csv",
        "~${}.csv",
        ".~lock.{}.csv#",
        "{}.csv~",
        "{}.csv.tmp",
        "{}.csv.part",
        "{}.csv.crdownload",
        ".{}.csv.swp",
        "{}.csv.swx",
        "#{}.csv#",
    ];
    let mut temps = Vec::new();
    for i in 0..100 {
        let name = patterns[i % patterns.len()].replace("{}", &format!("t{i}"));
        std::fs::write(r.dir.join(&name), job_csv(&format!("T{i}"), 1)).unwrap();
        temps.push(name);
    }
    drop_file(&r.dir, "marker.csv", &job_csv("MARKER", 1));
    r.wait("the marker file", |r| r.imported() == 1);
    // Give the temporaries more than a quiet period too: they must still be untouched.
    std::thread::sleep(Duration::from_millis(2000));
    for (i, name) in temps.iter().enumerate() {
        let bytes = std::fs::read(r.dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(bytes, job_csv(&format!("T{i}"), 1).into_bytes());
    }
    assert_eq!(r.imported(), 1);
    assert_eq!(r.jobs(), 1);
    // Their final versions (renamed to plain names) are imported once each.
    for (i, name) in temps.iter().enumerate().take(20) {
        std::fs::rename(r.dir.join(name), r.dir.join(format!("final{i}.csv"))).unwrap();
    }
    r.wait("the renamed files", |r| r.imported() == 21);
    assert_eq!(r.jobs(), 21);
}

#[test]
fn w3_files_present_at_start_are_imported() {
    let mut r = rig();
    for i in 0..50 {
        std::fs::write(
            r.dir.join(format!("early{i}.csv")),
            job_csv(&format!("E{i}"), 3),
        )
        .unwrap();
    }
    r.start(fast(&r.dir));
    r.wait("50 files", |r| r.imported() == 50);
    assert_eq!(r.jobs(), 50);
    assert_eq!(r.names("imported").len(), 100, "each file plus its result");
    assert!(r.names("").iter().all(|n| !n.ends_with(".csv")));
}

#[test]
fn w4_renamed_in_and_moved_in_from_another_filesystem() {
    let mut r = rig();
    r.start(fast(&r.dir));
    let elsewhere = r.dir.parent().unwrap().join("staging");
    std::fs::create_dir(&elsewhere).unwrap();
    for i in 0..10 {
        let p = elsewhere.join(format!("r{i}.csv"));
        std::fs::write(&p, job_csv(&format!("R{i}"), 2)).unwrap();
        std::fs::rename(&p, r.dir.join(format!("r{i}.csv"))).unwrap();
    }
    // Another filesystem (tmpfs) → `mv` copies the bytes and then deletes the source.
    let other = tempfile::tempdir_in("/dev/shm").unwrap();
    for i in 0..10 {
        let p = other.path().join(format!("m{i}.csv"));
        std::fs::write(&p, job_csv(&format!("M{i}"), 2)).unwrap();
        let st = std::process::Command::new("mv")
            .arg(&p)
            .arg(&r.dir)
            .status()
            .unwrap();
        assert!(st.success());
    }
    r.wait("20 files", |r| r.imported() == 20);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(r.imported(), 20, "each exactly once");
    assert_eq!(r.jobs(), 20);
}

#[test]
fn w5_burst_and_rescan_find_everything() {
    let mut r = rig();
    r.start(fast(&r.dir));
    for i in 0..2000 {
        std::fs::write(
            r.dir.join(format!("b{i:04}.csv")),
            job_csv(&format!("B{i}"), 1),
        )
        .unwrap();
    }
    r.wait("2000 files", |r| r.imported() == 2000);
    assert_eq!(r.jobs(), 2000);
    assert_eq!(r.count(|e| matches!(e, WatchEvent::Failed { .. })), 0);
}

#[test]
fn w5_missed_events_are_recovered_by_a_rescan() {
    let mut r = rig();
    // No event source and no timer within the test: only a rescan can find the files.
    r.start(WatchConfig {
        mode: WatchMode::RescanOnly,
        rescan_interval: Duration::from_secs(3600),
        ..fast(&r.dir)
    });
    r.wait("start", |r| {
        r.count(|e| matches!(e, WatchEvent::Started { .. })) == 1
    });
    for i in 0..100 {
        drop_file(&r.dir, &format!("m{i}.csv"), &job_csv(&format!("M{i}"), 1));
    }
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(r.imported(), 0, "nothing without events before the rescan");
    // What notify sends when the inotify queue overflowed: an event flagged Rescan.
    let overflow =
        notify::Event::new(notify::EventKind::Other).set_flag(notify::event::Flag::Rescan);
    r.watcher.as_ref().unwrap().inject(overflow);
    r.wait("100 files after the rescan", |r| r.imported() == 100);
    // The owner can ask for a rescan too (the desktop's "Rescan now").
    for i in 100..150 {
        drop_file(&r.dir, &format!("m{i}.csv"), &job_csv(&format!("M{i}"), 1));
    }
    r.watcher.as_ref().unwrap().rescan();
    r.wait("150 files", |r| r.imported() == 150);
    assert_eq!(r.jobs(), 150);
}

#[test]
fn w6_poll_mode_imports_without_os_events() {
    let mut r = rig();
    r.start(WatchConfig {
        mode: WatchMode::Poll(Duration::from_secs(2)),
        rescan_interval: Duration::from_secs(3600),
        ..fast(&r.dir)
    });
    r.wait("start", |r| {
        r.count(|e| matches!(e, WatchEvent::Started { .. })) == 1
    });
    for i in 0..20 {
        std::fs::write(
            r.dir.join(format!("p{i}.csv")),
            job_csv(&format!("P{i}"), 2),
        )
        .unwrap();
    }
    r.wait("20 files by polling", |r| r.imported() == 20);
    assert_eq!(r.jobs(), 20);
}

#[test]
fn w7_removed_folder_is_reported_and_rearmed() {
    let mut r = rig();
    r.start(fast(&r.dir));
    drop_file(&r.dir, "one.csv", &job_csv("ONE", 1));
    r.wait("first file", |r| r.imported() == 1);
    let aside = r.dir.with_file_name("aside");
    std::fs::rename(&r.dir, &aside).unwrap();
    r.wait("missing folder warning", |r| {
        r.count(|e| matches!(e, WatchEvent::FolderMissing { .. })) == 1
    });
    std::fs::create_dir(&r.dir).unwrap();
    r.wait("folder back", |r| {
        r.count(|e| matches!(e, WatchEvent::FolderRestored { .. })) == 1
    });
    drop_file(&r.dir, "two.csv", &job_csv("TWO", 1));
    r.wait("file after re-arm", |r| r.imported() == 2);
    assert_eq!(r.names("imported"), ["two.csv", "two.csv.result.json"]);
    assert_eq!(r.jobs(), 2);
}

#[test]
fn same_bytes_again_are_a_duplicate_and_changed_bytes_update_the_job() {
    let mut r = rig();
    r.start(fast(&r.dir));
    let text = job_csv("DUP", 3);
    drop_file(&r.dir, "a.csv", &text);
    r.wait("a", |r| r.imported() == 1);
    drop_file(&r.dir, "b.csv", &text);
    drop_file(&r.dir, "a.csv", &text); // same name, same bytes, again
    r.wait("duplicates", |r| {
        r.count(|e| matches!(e, WatchEvent::Duplicate { .. })) == 2
    });
    let imported = r.names("imported");
    assert_eq!(imported.len(), 6, "{imported:?}");
    assert!(
        imported
            .iter()
            .any(|n| n.starts_with("a-") && n.ends_with(".csv")),
        "{imported:?}"
    );
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.dir.join("imported/b.csv.result.json")).unwrap())
            .unwrap();
    assert_eq!(b["status"], "duplicate");
    assert_eq!(b["duplicate_of"], "a.csv");
    // Different bytes for the same job: imported (an update), not a duplicate.
    drop_file(&r.dir, "c.csv", &job_csv("DUP", 4));
    r.wait("update", |r| r.imported() == 2);
    assert_eq!(r.jobs(), 1);
    let job = r
        .api
        .job(DEFAULT_ACCOUNT, &JobRef::External("DUP".into()))
        .unwrap();
    assert_eq!(job.stop_count, 4);
}

#[test]
fn invalid_file_fails_whole_with_both_reports() {
    let mut r = rig();
    r.start(fast(&r.dir));
    drop_file(
        &r.dir,
        "bad.csv",
        "job,stop,address,parcels\nJ1,A,x,2\nJ1,B,y,many\nJ2,C,,1\n",
    );
    r.wait("failure", |r| {
        r.count(|e| matches!(e, WatchEvent::Failed { .. })) == 1
    });
    assert_eq!(
        r.names("failed"),
        ["bad.csv", "bad.csv.report.json", "bad.csv.report.txt"]
    );
    let text = std::fs::read_to_string(r.dir.join("failed/bad.csv.report.txt")).unwrap();
    assert!(text.contains("Row 3, column \"parcels\""), "{text}");
    assert!(text.contains("Row 4, column \"address\""), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.dir.join("failed/bad.csv.report.json")).unwrap())
            .unwrap();
    assert_eq!(json["problems"].as_array().unwrap().len(), 2);
    assert_eq!(json["problems"][0]["row"], 3);
    assert_eq!(r.jobs(), 0, "a file with a bad row imports nothing");
}

#[test]
fn dropped_xlsx_and_ods_import_and_a_bad_cell_names_its_sheet() {
    use crate::spreadsheet::{fixture, orders_xlsx};
    let mut r = rig();
    r.start(fast(&r.dir));
    for (name, bytes) in [
        ("monday.xlsx", orders_xlsx(false, false)),
        ("tuesday.ods", fixture("orders.ods")),
        ("bad.xlsx", orders_xlsx(true, false)),
    ] {
        let tmp = r.dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, bytes).unwrap();
        std::fs::rename(&tmp, r.dir.join(name)).unwrap();
    }
    // Excel's owner file beside an open workbook is left alone.
    std::fs::write(r.dir.join("~$monday.xlsx"), b"owner").unwrap();
    r.wait("two imports and a failure", |r| {
        r.imported() == 2 && r.count(|e| matches!(e, WatchEvent::Failed { .. })) == 1
    });
    // Both workbooks hold jobs B1 and B2: the second is the same jobs again.
    assert_eq!(r.jobs(), 2);
    let imported = r.names("imported");
    assert!(
        imported.contains(&"monday.xlsx".to_string()),
        "{imported:?}"
    );
    assert!(
        imported.contains(&"tuesday.ods".to_string()),
        "{imported:?}"
    );
    let text = std::fs::read_to_string(r.dir.join("failed/bad.xlsx.report.txt")).unwrap();
    assert!(
        text.contains("Sheet \"Orders\", row 3, column \"Parcels\""),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(r.dir.join("failed/bad.xlsx.report.json")).unwrap())
            .unwrap();
    assert_eq!(json["problems"][0]["sheet"], "Orders");
    assert_eq!(json["problems"][0]["row"], 3);
    assert_eq!(json["problems"][0]["column"], "Parcels");
    assert!(r.names("").contains(&"~$monday.xlsx".to_string()));
}

#[test]
fn a_file_left_in_processing_by_a_crash_is_finished_once() {
    let mut r = rig();
    let processing = r.dir.join(".routemate/processing");
    std::fs::create_dir_all(&processing).unwrap();
    std::fs::write(
        processing.join("20260101T000000000Z-0000abcd--left.csv"),
        job_csv("LEFT", 2),
    )
    .unwrap();
    r.start(fast(&r.dir));
    r.wait("left-over", |r| r.imported() == 1);
    assert_eq!(r.names("imported"), ["left.csv", "left.csv.result.json"]);
    assert!(r.names(".routemate/processing").is_empty());
    assert_eq!(r.jobs(), 1);
}

#[test]
fn a_watcher_can_live_in_shared_app_state() {
    // The desktop keeps the watcher in managed state and forwards events from any thread.
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Watcher>();
    shareable::<WatchEvent>();
    let e = WatchEvent::Duplicate {
        file: "b.csv".into(),
        duplicate_of: "a.csv".into(),
        result: "imported/b.csv.result.json".into(),
    };
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        serde_json::json!({"kind": "duplicate", "file": "b.csv", "duplicate_of": "a.csv",
                           "result": "imported/b.csv.result.json"})
    );
}

// ---- hostile folder contents (issue 10, items 3, 4, 12) -------------------------------------

#[cfg(unix)]
#[test]
fn a_symlink_planted_at_the_report_temp_name_is_not_followed() {
    let mut r = rig();
    let victim = r._tmp.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let failed = r.dir.join("failed");
    std::fs::create_dir_all(&failed).unwrap();
    // The temp names the watcher used to write its reports through, and the final names.
    for name in [
        ".bad.csv.report.txt.tmp",
        ".bad.csv.report.json.tmp",
        "bad.csv.report.txt",
    ] {
        std::os::unix::fs::symlink(&victim, failed.join(name)).unwrap();
    }
    r.start(fast(&r.dir));
    drop_file(&r.dir, "bad.csv", "job,stop,address,parcels\nJ1,A,x,many\n");
    r.wait("failure", |r| {
        r.count(|e| matches!(e, WatchEvent::Failed { .. })) == 1
    });
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "precious\n",
        "the file behind the planted link is untouched"
    );
    let report = r
        .events
        .lock()
        .unwrap()
        .iter()
        .find_map(|e| match e {
            WatchEvent::Failed { report, .. } => Some(report.clone()),
            _ => None,
        })
        .unwrap();
    let meta = std::fs::symlink_metadata(&report).unwrap();
    assert!(
        meta.is_file(),
        "the report is a file of its own: {report:?}"
    );
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("Row 2, column \"parcels\""));
}

#[cfg(unix)]
#[test]
fn a_symlink_left_in_processing_is_moved_to_failed_unread() {
    let mut r = rig();
    let secret = r._tmp.path().join("secret.env");
    std::fs::write(&secret, "SECRET_TOKEN=hunter2-canary\nmore\n").unwrap();
    let processing = r.dir.join(".routemate/processing");
    std::fs::create_dir_all(&processing).unwrap();
    let planted = processing.join("20260101T000000000Z-0000abcd--leak.csv");
    std::os::unix::fs::symlink(&secret, &planted).unwrap();
    r.start(fast(&r.dir));
    r.wait("the link refused", |r| {
        r.count(|e| matches!(e, WatchEvent::Failed { code, .. } if code == "not_a_regular_file"))
            == 1
    });
    for name in r.names("failed") {
        let path = r.dir.join("failed").join(&name);
        if std::fs::symlink_metadata(&path).unwrap().is_file() {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains("hunter2"), "{name} leaks the target: {text}");
        }
    }
    let text = std::fs::read_to_string(r.dir.join("failed/leak.csv.report.txt")).unwrap();
    assert!(text.contains("symbolic link"), "{text}");
    assert!(std::fs::symlink_metadata(r.dir.join("failed/leak.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "SECRET_TOKEN=hunter2-canary\nmore\n",
        "the target is untouched"
    );
    assert!(r.names(".routemate/processing").is_empty());
    assert_eq!(r.jobs(), 0);
}

/// Makes a FIFO at `path` (a named pipe: opening it for reading blocks until a writer comes).
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(ok.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_at_a_sidecar_name_does_not_block_the_watcher() {
    use std::os::unix::fs::OpenOptionsExt;
    let mut r = rig();
    let imported = r.dir.join("imported");
    std::fs::create_dir_all(&imported).unwrap();
    let fifo = imported.join("good.csv.result.json");
    mkfifo(&fifo);
    let fifo_in_processing = r
        .dir
        .join(".routemate/processing/20260101T000000000Z-0000abcd--p.csv");
    std::fs::create_dir_all(fifo_in_processing.parent().unwrap()).unwrap();
    mkfifo(&fifo_in_processing);
    r.start(fast(&r.dir));
    drop_file(&r.dir, "good.csv", &job_csv("GOOD", 2));
    let deadline = Instant::now() + Duration::from_secs(60);
    while r.imported() == 0 {
        if Instant::now() > deadline {
            // Unblock a watcher stuck opening the FIFO, so the test fails instead of hanging.
            for f in [&fifo, &fifo_in_processing] {
                let _ = std::fs::OpenOptions::new()
                    .write(true)
                    .custom_flags(libc_nonblock())
                    .open(f);
            }
            panic!("the watcher is stuck: {:#?}", r.events.lock().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(r.jobs(), 1);
    assert!(
        r.names("imported")
            .iter()
            .any(|n| n.starts_with("good-") && n.ends_with(".csv")),
        "imported under a free name next to the FIFO: {:?}",
        r.names("imported")
    );
    r.wait("the FIFO in processing moved aside", |r| {
        r.count(|e| matches!(e, WatchEvent::Failed { code, .. } if code == "not_a_regular_file"))
            == 1
    });
    assert!(r.names("failed").contains(&"p.csv.report.txt".to_string()));
}

#[cfg(unix)]
fn libc_nonblock() -> i32 {
    0o4000 // O_NONBLOCK on Linux
}

#[cfg(unix)]
#[test]
fn a_symlinked_subfolder_is_refused_at_start() {
    let r = rig();
    let elsewhere = r._tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, r.dir.join("failed")).unwrap();
    let err = Watcher::start(r.api.clone(), fast(&r.dir), |_| {})
        .err()
        .expect("a symlinked failed/ must be refused");
    assert_eq!(err.code(), "watch_folder_unusable");
    assert!(err.to_string().contains("symlink"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn a_subfolder_swapped_for_a_symlink_while_watching_is_not_written_through() {
    let mut r = rig();
    r.start(fast(&r.dir));
    let elsewhere = r._tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::remove_dir(r.dir.join("imported")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, r.dir.join("imported")).unwrap();
    drop_file(&r.dir, "swap.csv", &job_csv("SWAP", 1));
    r.wait("a refusal", |r| {
        r.count(|e| matches!(e, WatchEvent::Retrying { error, .. } if error.contains("symlink")))
            > 0
    });
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(
        r.dir.join("swap.csv").is_file(),
        "left where it was, for later"
    );
}
