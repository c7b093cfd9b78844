//! Crash safety (reliability.md D2, scaled for CI): SIGKILL the server during a stream of imports,
//! restart, and check every acknowledged import is there exactly once.

use routemate_blackbox::{cli, cli_json, get, job, token, try_post_json, Server};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn every_acknowledged_import_survives_sigkill_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cred = cli_json(&data, &["credentials", "create", "--name", "x"]);
    let (id, secret) = (
        cred["client_id"].as_str().unwrap(),
        cred["client_secret"].as_str().unwrap(),
    );
    let acked: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let mut next = 0usize;
    for round in 0..4 {
        let server = Server::start(&data, &[], &dir.path().join(format!("log{round}")));
        let tok = token(&server, id, secret);
        let url = server.url("/v1/integration-import");
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let (url, tok, acked, stop) =
                    (url.clone(), tok.clone(), acked.clone(), stop.clone());
                let start = next + w * 10_000;
                std::thread::spawn(move || {
                    let mut i = start;
                    while !stop.load(Ordering::Relaxed) {
                        let ext = format!("J{i}");
                        let r = try_post_json(&url, Some(&tok), &job(&ext, 5));
                        match r {
                            Ok(r) if r.status == 201 => {
                                acked
                                    .lock()
                                    .unwrap()
                                    .insert(ext, r.body["job_id"].as_str().unwrap().into());
                            }
                            _ => break, // the server died mid-request: not acknowledged
                        }
                        i += 1;
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(700 + 300 * round as u64));
        server.kill9();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().unwrap();
        }
        next += 100_000;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 20,
        "the stream made progress ({} acked)",
        acked.len()
    );
    let server = Server::start(&data, &[], &dir.path().join("final"));
    let tok = token(&server, id, secret);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut url = server.url("/v1/integration-jobs?limit=500");
    loop {
        let page = get(&url, Some(&tok));
        assert_eq!(page.status, 200);
        for j in page.body["jobs"].as_array().unwrap() {
            *seen
                .entry(j["external_job_id"].as_str().unwrap().to_string())
                .or_default() += 1;
            if let Some(job_id) = acked.get(j["external_job_id"].as_str().unwrap()) {
                assert_eq!(j["job_id"].as_str().unwrap(), job_id);
            }
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => url = server.url(&format!("/v1/integration-jobs?limit=500&cursor={c}")),
            None => break,
        }
    }
    let lost: Vec<_> = acked.keys().filter(|k| !seen.contains_key(*k)).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert!(seen.values().all(|&n| n == 1), "duplicated jobs");
    eprintln!(
        "acknowledged {} imports across 4 SIGKILLs; stored {} jobs; lost 0",
        acked.len(),
        seen.len()
    );
}

/// `routemate store backup|verify|restore`, and the automatic recovery: a store that no longer
/// opens is replaced by the newest good backup at start, saying so.
#[test]
fn backups_verify_restore_and_rescue_an_unreadable_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cred = cli_json(&data, &["credentials", "create", "--name", "kept"]);
    let id = cred["client_id"].as_str().unwrap();
    let backup = cli_json(&data, &["store", "backup"]);
    let path = backup["path"].as_str().unwrap().to_string();
    assert!(backup["records"].as_u64().unwrap() >= 2, "{backup}");
    let verified = cli_json(&data, &["store", "verify"]);
    assert_eq!(verified[0]["ok"], true, "{verified}");

    // A damaged copy is named as damaged, and verify exits non-zero.
    let mut bytes = std::fs::read(&path).unwrap();
    let damaged = dir.path().join("damaged.rmbak");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&damaged, &bytes).unwrap();
    let out = cli(&data, &["store", "verify", damaged.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("checksum mismatch"));

    // The store's files are destroyed: the next start restores the backup and says so.
    for f in std::fs::read_dir(data.join("store")).unwrap().flatten() {
        if f.file_type().unwrap().is_file() {
            std::fs::write(f.path(), vec![0xAB; 4096]).unwrap();
        }
    }
    let out = cli(&data, &["credentials", "list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("restoring the newest good backup"), "{err}");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["client_id"], id, "{list}");
    let aside: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("store.replaced-")
        })
        .collect();
    assert_eq!(aside.len(), 1, "the unreadable store is kept for support");

    // `store restore FILE` by hand.
    cli_json(&data, &["credentials", "create", "--name", "later"]);
    let restored = cli_json(&data, &["store", "restore", &path]);
    assert_eq!(restored["backup"]["path"], path.as_str());
    let list = cli_json(&data, &["credentials", "list"]);
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "back to the backup's state: {list}"
    );
}

/// The data dir and the store are the owner's only (issue 10, item 13), also when an older
/// version left them world-readable.
#[cfg(unix)]
#[test]
fn data_dir_and_store_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    cli_json(&data, &["credentials", "create", "--name", "x"]);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let open = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(&data, open.clone()).unwrap();
    std::fs::set_permissions(data.join("store"), open).unwrap();
    std::fs::set_permissions(
        data.join("store/db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    cli_json(&data, &["credentials", "list"]);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("store")), 0o700);
    for f in std::fs::read_dir(data.join("store")).unwrap().flatten() {
        if f.file_type().unwrap().is_file() {
            assert_eq!(mode(&f.path()), 0o600, "{:?}", f.path());
        }
    }
}
