//! A full disk must not cost a job (issue 10, item 1): on a small tmpfs, fill the disk while
//! imports stream in, stop the server, start it on the full disk (refused, store untouched),
//! free space, start again: every acknowledged job and the credential are there.
//!
//! Needs root to mount the tmpfs (CI and the dev machines run as root); otherwise it prints one
//! `SKIP` line and passes.

use routemate_blackbox::{bin, cli_json, job};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A tmpfs mounted for the test; unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        let uid = Command::new("id")
            .arg("-u")
            .output()
            .map_err(|e| e.to_string())?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Err("not root (mounting a tmpfs needs root)".into());
        }
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "mount failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// HTTP with a read timeout, so a hanging server fails the test instead of hanging it.
fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(5))
        .timeout_read(Duration::from_secs(60))
        .build()
}

fn post(url: &str, token: Option<&str>, body: &Value) -> Result<(u16, Value), String> {
    let mut req = agent().post(url).set("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let resp = match req.send_string(&body.to_string()) {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(e.to_string()),
    };
    let status = resp.status();
    let text = resp.into_string().map_err(|e| e.to_string())?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

fn token(base: &str, id: &str, secret: &str) -> Result<(u16, Value), String> {
    post(
        &format!("{base}/v1/integration-token"),
        None,
        &serde_json::json!({"client_id": id, "client_secret": secret}),
    )
}

/// Fills the disk holding `dir` to the last byte; returns the filler file.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    for chunk in [1 << 20, 4096, 1] {
        let buf = vec![0x5a_u8; chunk];
        while f.write_all(&buf).is_ok() {}
    }
    let _ = f.sync_all();
    path
}

/// Every file under `dir` with its size and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let m = e.metadata().unwrap();
        if m.is_dir() {
            out.extend(snapshot(&e.path()));
        } else {
            out.push((e.path(), m.len(), m.modified().unwrap()));
        }
    }
    out.sort();
    out
}

/// Waits (bounded) for `child` to exit; kills it and fails if it does not.
fn wait_exit(child: &mut std::process::Child, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}: the server did not exit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `routemate serve` on `data` with `env`; returns the child and its base URL.
fn serve(data: &Path, env: &[(&str, &str)], log: &Path) -> (std::process::Child, String) {
    let mut child = Command::new(bin())
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let Some(at) = line.find("http://") else {
        let _ = child.kill();
        panic!(
            "not serving: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    };
    (child, line[at..].trim().to_string())
}

fn bearer(base: &str, id: &str, secret: &str) -> String {
    let (status, body) = token(base, id, secret).unwrap();
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

#[test]
fn a_full_disk_loses_no_acknowledged_job_or_credential() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("disk");
    let _disk = match Tmpfs::mount(&mnt, "48m") {
        Ok(d) => d,
        Err(why) => {
            println!("SKIP hardening_disk: {why}");
            return;
        }
    };
    let data = mnt.join("data");
    let cred = cli_json(&data, &["credentials", "create", "--name", "disk"]);
    let (id, secret) = (
        cred["client_id"].as_str().unwrap().to_string(),
        cred["client_secret"].as_str().unwrap().to_string(),
    );

    // 1. The reproduction: no free-space reserve, so sled itself hits ENOSPC while imports
    //    stream in. The server must answer 507, stop writing and exit (75) by itself.
    let (mut server, base) = serve(
        &data,
        &[("ROUTEMATE_DISK_RESERVE_MB", "0")],
        &tmp.path().join("serve1.log"),
    );
    let tok = bearer(&base, &id, &secret);
    let acked: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let refused: Arc<Mutex<Vec<(u16, Value)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let url = format!("{base}/v1/integration-import");
        let (tok, acked, refused, stop) = (tok, acked.clone(), refused.clone(), stop.clone());
        std::thread::spawn(move || {
            for i in 0..20_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let ext = format!("D{i}");
                match post(&url, Some(&tok), &job(&ext, 8)) {
                    Ok((201, b)) => {
                        acked
                            .lock()
                            .unwrap()
                            .insert(ext, b["job_id"].as_str().unwrap().to_string());
                    }
                    Ok((s, b)) => refused.lock().unwrap().push((s, b)),
                    Err(e) => {
                        assert!(!e.contains("timed out"), "an import hung: {e}");
                        break; // the server exited: nothing more is acknowledged
                    }
                }
            }
        })
    };
    while acked.lock().unwrap().len() < 200 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let filler = fill(&mnt);
    let code = wait_exit(&mut server, "exit after a storage error").code();
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let log1 = std::fs::read_to_string(tmp.path().join("serve1.log")).unwrap();
    assert_eq!(code, Some(75), "exit code; log: {log1}");
    assert!(log1.contains("accepts no more writes"), "{log1}");
    for (status, body) in refused.lock().unwrap().iter() {
        assert_eq!(*status, 507, "a failing disk is answered 507: {body}");
    }
    let acked = acked.lock().unwrap().clone();

    // 2. Starting on the full disk is refused with the numbers, and the store is not touched.
    let before = snapshot(&data.join("store"));
    let mut child = Command::new(bin())
        .arg("--data")
        .arg(&data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_exit(&mut child, "start on a full disk");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(75), "{err}");
    assert!(err.contains("not enough free disk space"), "{err}");
    assert!(
        err.contains("MiB free") && err.contains("MiB needed"),
        "{err}"
    );
    assert_eq!(
        snapshot(&data.join("store")),
        before,
        "the store was not touched"
    );

    // 3. Free space, start again (measured: freeing space → a token served). Every
    //    acknowledged job and the credential are there.
    let freed = Instant::now();
    std::fs::remove_file(&filler).unwrap();
    let (mut server, base) = serve(&data, &[], &tmp.path().join("serve3.log"));
    let tok = bearer(&base, &id, &secret);
    let recovered = freed.elapsed();
    let mut lost = Vec::new();
    for (ext, job_id) in &acked {
        let r = agent()
            .get(&format!("{base}/v1/integration-jobs?external_job_id={ext}"))
            .set("Authorization", &format!("Bearer {tok}"))
            .call();
        match r {
            Ok(r) => {
                let j: Value = r.into_json().unwrap();
                assert_eq!(j["job_id"].as_str(), Some(job_id.as_str()), "{ext}: {j}");
            }
            Err(_) => lost.push(ext.clone()),
        }
    }
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");

    // 4. With the default reserve a full disk is refused up front (507 disk-full, nothing
    //    written) and imports work again once space is freed, without a restart.
    let filler = fill(&mnt);
    let url = format!("{base}/v1/integration-import");
    let (status, body) = post(&url, Some(&tok), &job("AFTER", 8)).unwrap();
    assert_eq!(status, 507, "{body}");
    assert!(
        body["type"].as_str().unwrap().ends_with("/disk-full"),
        "{body}"
    );
    std::fs::remove_file(&filler).unwrap();
    let (status, body) = post(&url, Some(&tok), &job("AFTER", 8)).unwrap();
    assert_eq!(status, 201, "{body}");
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    assert_eq!(wait_exit(&mut server, "SIGTERM").code(), Some(0));
    println!(
        "full disk: {} acknowledged jobs, {} lost; {} imports answered 507 on the failing disk; \
         time-to-recover (free space -> token served) {} ms",
        acked.len(),
        lost.len(),
        refused.lock().unwrap().len(),
        recovered.as_millis()
    );
}

#[test]
fn the_watcher_exits_for_its_supervisor_when_the_disk_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("disk");
    let _disk = match Tmpfs::mount(&mnt, "32m") {
        Ok(d) => d,
        Err(why) => {
            println!("SKIP hardening_disk (watch): {why}");
            return;
        }
    };
    // The store on the small disk, the watched folder on the normal one.
    let (data, drop) = (mnt.join("data"), tmp.path().join("drop"));
    std::fs::create_dir(&drop).unwrap();
    let mut child = Command::new(bin())
        .arg("--data")
        .arg(&data)
        .arg("watch")
        .arg(&drop)
        .args(["--quiet-ms", "300", "--settle-ms", "50"])
        .env("ROUTEMATE_DISK_RESERVE_MB", "0")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(tmp.path().join("watch.log")).unwrap())
        .spawn()
        .unwrap();
    let events = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    std::thread::spawn(move || {
        for line in events.lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });
    let next = |kind: &str| loop {
        let e = rx.recv_timeout(Duration::from_secs(60)).expect(kind);
        if e["kind"] == kind {
            return e;
        }
    };
    next("started");
    let stage = tmp.path().join("stage.csv");
    let drop_one = |i: usize| {
        let mut csv = String::from("job,stop,address,lat,lng\n");
        for s in 0..40 {
            csv.push_str(&format!("W{i},S{s},{s} Long Street,-27.4,153.0\n"));
        }
        std::fs::write(&stage, csv).unwrap();
        std::fs::rename(&stage, drop.join(format!("w{i}.csv"))).unwrap();
    };
    drop_one(0);
    next("imported");
    fill(&mnt);
    // Keep dropping files: the first write that fails makes the watcher leave with 75.
    let mut code = None;
    for i in 1..400 {
        drop_one(i);
        std::thread::sleep(Duration::from_millis(30));
        if let Some(s) = child.try_wait().unwrap() {
            code = s.code();
            break;
        }
    }
    let code = code.or_else(|| wait_exit(&mut child, "watch after a storage error").code());
    let log = std::fs::read_to_string(tmp.path().join("watch.log")).unwrap();
    assert_eq!(code, Some(75), "{log}");
    assert!(log.contains("accepts no more writes"), "{log}");
}
