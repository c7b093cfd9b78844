//! Crash safety (reliability.md D2, scaled for CI): SIGKILL the server during a stream of imports,
//! restart, and check every acknowledged import is there exactly once.

use routemate_blackbox::{cli_json, get, job, token, try_post_json, Server};
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
