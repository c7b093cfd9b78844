//! Sync with the hosted API, against a real `routemate serve` (the hosted side) behind the
//! fault-injecting proxy of `support/proxy.rs`, driven by the `routemate sync` CLI on a second
//! data dir (the depot machine). Each test checks what the office would see on the hosted side
//! and what the dispatcher would see locally.
//!
//! The outage is `ROUTEMATE_SYNC_OUTAGE_SECS` long (default 15 s in CI; the 60 s with
//! `ROUTEMATE_SYNC_OUTAGE_SECS=60`).

use routemate_blackbox::proxy::{Mode, Proxy};
use routemate_blackbox::{bin, cli_json, get, job, post_json, token, Server};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The hosted server, its credentials and the depot's data dir, logged in through a proxy.
struct Setup {
    _dir: tempfile::TempDir,
    hosted: Server,
    proxy: Proxy,
    local: PathBuf,
    client_id: String,
    secret: String,
}

fn run(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(bin());
    c.arg("--data").arg(data).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run routemate")
}

fn json_out(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn setup(hosted_env: &[(&str, &str)], secret_env: &[(&str, &str)]) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let hdata = dir.path().join("hosted");
    let cred = cli_json(&hdata, &["credentials", "create", "--name", "depot"]);
    let hosted = Server::start(&hdata, hosted_env, &dir.path().join("hosted.log"));
    let proxy = Proxy::start(&hosted.base);
    let local = dir.path().join("local");
    let (client_id, secret) = (
        cred["client_id"].as_str().unwrap().to_string(),
        cred["client_secret"].as_str().unwrap().to_string(),
    );
    let login = json_out(&run(
        &local,
        &[
            "sync",
            "login",
            "--url",
            &proxy.base,
            "--client-id",
            &client_id,
            "--client-secret",
            &secret,
        ],
        secret_env,
    ));
    assert_eq!(login["connected"], true, "{login}");
    Setup {
        _dir: dir,
        hosted,
        proxy,
        local,
        client_id,
        secret,
    }
}

const FILE_SECRET: &[(&str, &str)] = &[("ROUTEMATE_SECRET_STORE", "file")];

impl Setup {
    fn import_local(&self, jobs: &[Value]) {
        let f = self.local.join(format!("jobs-{}.json", jobs.len()));
        std::fs::write(&f, serde_json::to_vec(&jobs).unwrap()).unwrap();
        let out = run(&self.local, &["import", f.to_str().unwrap()], &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn sync_now(&self, max_wait: u64) -> Value {
        let out = run(
            &self.local,
            &["sync", "now", "--max-wait-s", &max_wait.to_string()],
            &[],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.trim().lines().count(), 1, "one JSON object: {text}");
        json_out(&out)
    }

    fn token(&self) -> String {
        token(&self.hosted, &self.client_id, &self.secret)
    }

    /// Every job on the hosted side, whole.
    fn hosted_jobs(&self) -> Vec<Value> {
        let tok = self.token();
        let mut all = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = get(
                &self
                    .hosted
                    .url(&format!("/v1/integration-jobs?limit=500{cursor}")),
                Some(&tok),
            );
            assert_eq!(page.status, 200, "{:?}", page.body);
            for row in page.body["jobs"].as_array().unwrap() {
                let id = row["job_id"].as_str().unwrap();
                all.push(
                    get(
                        &self.hosted.url(&format!("/v1/integration-jobs/{id}")),
                        Some(&tok),
                    )
                    .body,
                );
            }
            match page.body["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => return all,
            }
        }
    }

    fn local_job(&self, ext: &str) -> Value {
        json_out(&run(&self.local, &["jobs", "--external-job-id", ext], &[]))
    }

    fn status(&self) -> Value {
        json_out(&run(&self.local, &["sync", "status"], &[]))
    }
}

/// The parts of a job both copies must agree on: stops in order with coordinates.
fn route(job: &Value) -> Vec<(String, Value, Value, Value)> {
    job["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["external_stop_id"].as_str().unwrap().to_string(),
                s["sequence"].clone(),
                s["lat"].clone(),
                s["lng"].clone(),
            )
        })
        .collect()
}

/// Each local job is on the hosted side exactly once, with the same route.
fn assert_hosted_equals_local(s: &Setup, exts: &[String]) {
    let hosted = s.hosted_jobs();
    let mut ids: Vec<&str> = hosted
        .iter()
        .map(|j| j["external_job_id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut want: Vec<&str> = exts.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(ids, want, "each job exactly once on the hosted side");
    for h in &hosted {
        let ext = h["external_job_id"].as_str().unwrap();
        let local = s.local_job(ext);
        assert_eq!(route(h), route(&local), "job {ext}: hosted copy differs");
    }
}

fn jobs(prefix: &str, n: usize, stops: usize) -> (Vec<Value>, Vec<String>) {
    let bodies: Vec<Value> = (0..n)
        .map(|i| job(&format!("{prefix}-{i:03}"), stops))
        .collect();
    let exts = bodies
        .iter()
        .map(|b| b["external_job_id"].as_str().unwrap().to_string())
        .collect();
    (bodies, exts)
}

#[test]
fn sync_outage_then_recovery_delivers_every_job_once_and_equal() {
    let s = setup(&[], FILE_SECRET);
    let outage: u64 = std::env::var("ROUTEMATE_SYNC_OUTAGE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    s.proxy.set_mode(Mode::Refuse);
    s.proxy.reset_counts();
    let (bodies, exts) = jobs("OUT", 100, 6);
    s.import_local(&bodies);
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(outage) {
        let r = s.sync_now(0);
        assert_eq!(r["pushed"], 0);
        assert_eq!(r["queued"], 100, "queued work is kept: {r}");
        std::thread::sleep(Duration::from_millis(500));
    }
    let during = s.proxy.seen();
    assert_eq!(s.proxy.max_in_flight(), 1, "one probe at a time while down");
    assert!(!during.is_empty() && during.iter().all(|r| r.action == "refused"));
    eprintln!("outage {outage} s: {} requests", during.len());

    s.proxy.set_mode(Mode::Forward);
    let r = s.sync_now(90);
    assert_eq!(r["queued"], 0, "{r}");
    assert_eq!(r["parked"], 0, "{r}");
    assert_eq!(r["pushed"], 100, "{r}");
    assert_hosted_equals_local(&s, &exts);
    // A second round sends nothing: everything is known to be there.
    s.proxy.reset_counts();
    let again = s.sync_now(0);
    assert_eq!(again["pushed"], 0);
    assert!(s
        .proxy
        .seen()
        .iter()
        .all(|r| r.method == "GET" || r.path.starts_with("/v1/integration-token")));
}

#[test]
fn sync_a_lost_response_still_makes_one_job() {
    // The default secret store: the keyring where there is one, else the 0600 file.
    let s = setup(&[], &[]);
    let store = s.status()["secret_store"].as_str().unwrap().to_string();
    assert!(store == "keyring" || store == "file", "{store}");
    let (bodies, exts) = jobs("LOST", 1, 5);
    s.import_local(&bodies);
    s.proxy.drop_next(1);
    let r = s.sync_now(10);
    assert_eq!(r["pushed"], 1, "{r}");
    let imports: Vec<_> = s
        .proxy
        .seen()
        .into_iter()
        .filter(|r| r.path == "/v1/integration-import")
        .map(|r| r.action)
        .collect();
    assert_eq!(
        imports,
        ["dropped", "forwarded"],
        "sent again after the lost answer"
    );
    assert_hosted_equals_local(&s, &exts);
}

#[test]
fn sync_a_refused_job_is_parked_while_the_others_flow() {
    let s = setup(&[], FILE_SECRET);
    let (mut bodies, mut exts) = jobs("PARK", 5, 4);
    bodies[2]["title"] = json!("POISON job");
    s.import_local(&bodies);
    s.proxy.set_poison(Some("POISON"));
    let r = s.sync_now(5);
    assert_eq!(
        (r["pushed"].as_u64(), r["parked"].as_u64()),
        (Some(4), Some(1)),
        "{r}"
    );
    assert_eq!(r["queued"], 0);
    let st = s.status();
    let parked = &st["parked_entries"][0]["parked"];
    assert_eq!(parked["status"], 422);
    assert_eq!(parked["problem"]["title"], "refused by the test");
    let poisoned = exts.remove(2);
    assert_hosted_equals_local(&s, &exts);
    // Parked entries are not retried by themselves...
    s.proxy.reset_counts();
    assert_eq!(s.sync_now(0)["parked"], 1);
    assert!(s
        .proxy
        .seen()
        .iter()
        .all(|r| r.path != "/v1/integration-import"));
    // ...but on the dispatcher's "retry", once the cause is fixed.
    s.proxy.set_poison(None);
    let id = st["parked_entries"][0]["id"].as_u64().unwrap().to_string();
    json_out(&run(&s.local, &["sync", "retry", &id], &[]));
    let r = s.sync_now(5);
    assert_eq!(
        (r["pushed"].as_u64(), r["parked"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    exts.push(poisoned);
    assert_hosted_equals_local(&s, &exts);
}

#[test]
fn sync_respects_retry_after_on_503() {
    let s = setup(&[], FILE_SECRET);
    let (bodies, exts) = jobs("BUSY", 3, 4);
    s.import_local(&bodies);
    s.proxy.reset_counts();
    s.proxy.set_mode(Mode::Unavailable {
        retry_after_secs: 3,
    });
    let proxy_mode = std::thread::scope(|sc| {
        let h = sc.spawn(|| s.sync_now(30));
        std::thread::sleep(Duration::from_millis(4500));
        s.proxy.set_mode(Mode::Forward);
        h.join().unwrap()
    });
    assert_eq!(proxy_mode["pushed"], 3, "{proxy_mode}");
    let seen = s.proxy.seen();
    let unavailable: Vec<_> = seen.iter().filter(|r| r.action == "503").collect();
    assert!(!unavailable.is_empty());
    for pair in seen.windows(2) {
        if pair[0].action == "503" {
            let gap = pair[1].at - pair[0].at;
            assert!(
                gap >= Duration::from_millis(2900),
                "sent {gap:?} after a 503 with Retry-After: 3"
            );
        }
    }
    assert_hosted_equals_local(&s, &exts);
}

#[test]
fn sync_a_401_fetches_one_new_token_and_delivers() {
    let s = setup(&[], FILE_SECRET);
    let (bodies, exts) = jobs("TOK", 2, 3);
    s.import_local(&bodies);
    s.proxy.reset_counts();
    s.proxy.unauthorize_next(1);
    let r = s.sync_now(0);
    assert_eq!(
        (r["pushed"].as_u64(), r["queued"].as_u64()),
        (Some(2), Some(0)),
        "{r}"
    );
    let tokens = s
        .proxy
        .seen()
        .iter()
        .filter(|r| r.path == "/v1/integration-token")
        .count();
    assert_eq!(
        tokens, 2,
        "the first token, then exactly one refresh after the 401"
    );
    assert_hosted_equals_local(&s, &exts);
}

#[test]
fn sync_token_expiry_mid_drain_refreshes_without_failing_a_delivery() {
    // Tokens live 4 s on the hosted side; the drain takes longer (each request delayed).
    let s = setup(&[("ROUTEMATE_TOKEN_TTL_SECS", "4")], FILE_SECRET);
    let (bodies, exts) = jobs("TTL", 24, 3);
    s.import_local(&bodies);
    s.proxy.reset_counts();
    s.proxy.set_mode(Mode::Delay(Duration::from_millis(1500)));
    let started = Instant::now();
    let r = s.sync_now(0);
    let took = started.elapsed();
    assert!(
        took > Duration::from_secs(5),
        "the drain outlived a token ({took:?})"
    );
    assert_eq!(
        (r["pushed"].as_u64(), r["queued"].as_u64()),
        (Some(24), Some(0)),
        "{r}"
    );
    let seen = s.proxy.seen();
    assert!(seen.iter().all(|r| r.action == "forwarded"));
    let tokens = seen
        .iter()
        .filter(|r| r.path == "/v1/integration-token")
        .count();
    // One token per 3 s of drain (4 s life, refreshed a second early), never one per request.
    let most = took.as_secs() as usize / 3 + 2;
    assert!((2..=most).contains(&tokens), "{tokens} tokens in {took:?}");
    assert!(
        s.status()["parked"] == 0,
        "no delivery failed because a token expired"
    );
    s.proxy.set_mode(Mode::Forward);
    assert_hosted_equals_local(&s, &exts);
}

#[test]
fn sync_survives_five_sigkills_mid_drain() {
    let s = setup(&[], FILE_SECRET);
    let (bodies, exts) = jobs("KILL", 100, 5);
    s.import_local(&bodies);
    s.proxy.set_mode(Mode::Delay(Duration::from_millis(500)));
    for i in 0..5u64 {
        let mut child = Command::new(bin())
            .arg("--data")
            .arg(&s.local)
            .args(["sync", "now", "--max-wait-s", "30"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1200 + 200 * i));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let mid = s.status()["queued"].as_u64().unwrap();
    assert!(
        mid > 0 && mid < 100,
        "the kills landed mid-drain ({mid} left)"
    );
    s.proxy.set_mode(Mode::Forward);
    let r = s.sync_now(60);
    assert_eq!(r["queued"], 0, "{r}");
    assert_hosted_equals_local(&s, &exts);
}

#[test]
fn sync_pull_brings_hosted_progress_and_jobs_and_flags_conflicts() {
    let s = setup(&[], FILE_SECRET);
    let (bodies, _) = jobs("PULL", 2, 4);
    s.import_local(&bodies);
    assert_eq!(s.sync_now(5)["pushed"], 2);
    let tok = s.token();
    let hosted = s.hosted_jobs();
    let h0 = hosted
        .iter()
        .find(|j| j["external_job_id"] == "PULL-000")
        .unwrap();
    let hid = h0["job_id"].as_str().unwrap();
    // A driver completes a stop on the hosted side; the office imports a new job there.
    let done = post_json(
        &s.hosted
            .url(&format!("/v1/integration-jobs/{hid}/stops/S1/status")),
        Some(&tok),
        &json!({"status": "completed", "note": "left at door"}),
    );
    assert_eq!(done.status, 200, "{:?}", done.body);
    let office = post_json(
        &s.hosted.url("/v1/integration-import"),
        Some(&tok),
        &job("OFFICE-1", 3),
    );
    assert_eq!(office.status, 201);
    let r = s.sync_now(0);
    assert_eq!(r["pulled"], 2, "one pull brings both: {r}");
    let local = s.local_job("PULL-000");
    let s1 = local["stops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["external_stop_id"] == "S1")
        .unwrap();
    assert_eq!(s1["status"], "completed");
    assert_eq!(s1["status_note"], "left at door");
    assert_eq!(
        route(&s.local_job("OFFICE-1")),
        route(&office.body),
        "hosted job in the hosted order"
    );
    // Pulled changes are not sent back.
    s.proxy.reset_counts();
    let quiet = s.sync_now(0);
    assert_eq!(
        (quiet["pushed"].as_u64(), quiet["pulled"].as_u64()),
        (Some(0), Some(0)),
        "{quiet}"
    );
    assert!(s
        .proxy
        .seen()
        .iter()
        .all(|r| r.method == "GET" || r.path == "/v1/integration-token"));

    // Both sides change PULL-001 before the next sync: a conflict, nothing overwritten.
    let mut mine = job("PULL-001", 4);
    mine["stops"][0]["label"] = json!("changed here");
    s.import_local(&[mine]);
    let mut theirs = job("PULL-001", 4);
    theirs["stops"][1]["label"] = json!("changed there");
    assert_eq!(
        post_json(&s.hosted.url("/v1/integration-import"), Some(&tok), &theirs).status,
        200
    );
    let r = s.sync_now(0);
    assert_eq!(r["parked"], 1, "{r}");
    let st = s.status();
    assert_eq!(st["conflicts"], 1, "{st}");
    let local = s.local_job("PULL-001");
    assert_eq!(
        local["stops"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["label"] == "changed here")
            .count(),
        1
    );
    let hosted_now = s
        .hosted_jobs()
        .into_iter()
        .find(|j| j["external_job_id"] == "PULL-001")
        .unwrap();
    assert!(
        hosted_now["stops"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["label"] == "changed there"),
        "hosted copy kept too"
    );
    // The dispatcher takes the hosted copy.
    let job_id = local["job_id"].as_str().unwrap();
    json_out(&run(
        &s.local,
        &["sync", "resolve", job_id, "--take-hosted"],
        &[],
    ));
    let local = s.local_job("PULL-001");
    assert!(local["stops"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["label"] == "changed there"));
    assert_eq!(route(&local), route(&hosted_now));
    let r = s.sync_now(0);
    assert_eq!(
        (r["parked"].as_u64(), r["queued"].as_u64()),
        (Some(0), Some(0)),
        "{r}"
    );
}
