//! Webhooks against real receivers on loopback (`support/receiver.rs`, which checks signatures
//! as the README tells integrators to and can fail on command), sent by a real `routemate serve`.
//! The outage lasts `ROUTEMATE_WEBHOOK_OUTAGE_SECS` (default 10 s in CI; the 60 s with
//! `ROUTEMATE_WEBHOOK_OUTAGE_SECS=60`).

use routemate_blackbox::receiver::{unix_now, verify, Mode, Received, Receiver};
use routemate_blackbox::{cli_json, get, job, post_json, token, Server};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

/// Short retries so tests wait seconds, not minutes.
const ENV: &[(&str, &str)] = &[
    ("ROUTEMATE_WEBHOOK_BACKOFF_CAP_SECS", "1"),
    ("ROUTEMATE_WEBHOOK_TIMEOUT_SECS", "2"),
];

struct Setup {
    dir: tempfile::TempDir,
    server: Option<Server>,
    client_id: String,
    secret: String,
    token: String,
}

impl Setup {
    fn start() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let cred = cli_json(
            &dir.path().join("data"),
            &["credentials", "create", "--name", "t"],
        );
        let mut s = Setup {
            dir,
            server: None,
            client_id: cred["client_id"].as_str().unwrap().into(),
            secret: cred["client_secret"].as_str().unwrap().into(),
            token: String::new(),
        };
        s.restart();
        s
    }

    fn restart(&mut self) {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("serve.log");
        let server = Server::start(&data, ENV, &log);
        self.token = token(&server, &self.client_id, &self.secret);
        self.server = Some(server);
    }

    fn server(&self) -> &Server {
        self.server.as_ref().unwrap()
    }

    fn url(&self, path: &str) -> String {
        self.server().url(path)
    }

    /// Subscribes `r` (all events unless `events`), telling it the secret.
    fn subscribe(&self, r: &Receiver, events: Option<&[&str]>) -> String {
        let mut body = json!({"url": r.url, "description": "test receiver"});
        if let Some(e) = events {
            body["events"] = json!(e);
        }
        let created = post_json(
            &self.url("/v1/integration-webhooks"),
            Some(&self.token),
            &body,
        );
        assert_eq!(created.status, 201, "{}", created.body);
        let secret = created.body["secret"].as_str().unwrap();
        assert!(secret.starts_with("whsec_"));
        r.set_secret(secret);
        created.body["id"].as_str().unwrap().to_string()
    }

    /// Imports `n` jobs of `stops` stops; answers their job ids.
    fn import(&self, prefix: &str, n: usize, stops: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let r = post_json(
                    &self.url("/v1/integration-import"),
                    Some(&self.token),
                    &job(&format!("{prefix}-{i}"), stops),
                );
                assert_eq!(r.status, 201, "{}", r.body);
                r.body["job_id"].as_str().unwrap().to_string()
            })
            .collect()
    }

    fn complete_all(&self, jobs: &[String], stops: usize) {
        for s in 0..stops {
            for j in jobs {
                let r = post_json(
                    &self.url(&format!("/v1/integration-jobs/{j}/stops/S{s}/status")),
                    Some(&self.token),
                    &json!({"status": "completed"}),
                );
                assert_eq!(r.status, 200, "{}", r.body);
            }
        }
    }

    /// Every event of the account, by replay (all pages).
    fn replay(&self, after: Option<&str>) -> Vec<Value> {
        let mut out = Vec::new();
        let mut after = after.map(str::to_string);
        loop {
            let q = after
                .as_ref()
                .map_or(String::new(), |a| format!("&after={a}"));
            let page = get(
                &self.url(&format!("/v1/integration-events?limit=37{q}")),
                Some(&self.token),
            );
            assert_eq!(page.status, 200, "{}", page.body);
            let events = page.body["events"].as_array().unwrap().clone();
            after = events.last().map(|e| e["id"].as_str().unwrap().to_string());
            out.extend(events);
            if page.body["has_more"] != true {
                return out;
            }
        }
    }
}

fn ids(got: &[Received]) -> Vec<String> {
    got.iter()
        .map(|r| r.event["id"].as_str().unwrap().to_string())
        .collect()
}

/// Each job's events arrived in sequence order 1, 2, 3, … with no gap (duplicates of an event
/// are allowed only right after its first copy, when `allow_dups`).
fn assert_in_order_per_job(got: &[Received], allow_dups: bool) {
    let mut last: HashMap<String, u64> = HashMap::new();
    for r in got {
        let subject = r.event["subject"].as_str().unwrap().to_string();
        let seq = r.event["sequence"].as_u64().unwrap();
        let prev = last.get(&subject).copied().unwrap_or(0);
        if allow_dups && seq <= prev {
            continue;
        }
        assert_eq!(seq, prev + 1, "job {subject}: event {seq} after {prev}");
        last.insert(subject, seq);
    }
}

fn wait_count(r: &Receiver, n: usize, secs: u64) -> Vec<Received> {
    let got = r.wait_for(Duration::from_secs(secs), |g| {
        let unique: std::collections::HashSet<_> = ids(g).into_iter().collect();
        unique.len() >= n
    });
    let unique: std::collections::HashSet<_> = ids(&got).into_iter().collect();
    assert_eq!(unique.len(), n, "events received: {}", unique.len());
    got
}

#[test]
fn events_arrive_signed_once_in_order_and_replay_returns_exactly_what_follows_an_id() {
    let s = Setup::start();
    let r = Receiver::start();
    let sub = s.subscribe(&r, None);
    let jobs = s.import("A", 4, 3);
    s.complete_all(&jobs, 3);
    // Per job: job.imported, 3 × stop.status_changed, job.completed.
    let got = wait_count(&r, 4 * 5, 30);
    std::thread::sleep(Duration::from_millis(500));
    let got_after = r.received();
    assert_eq!(
        got_after.len(),
        20,
        "each acknowledged event once: {:?}",
        ids(&got_after)
    );
    assert_in_order_per_job(&got, false);
    let mut by_job: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in &got {
        assert_eq!(g.event["account"], "default");
        by_job
            .entry(g.event["subject"].as_str().unwrap().into())
            .or_default()
            .push(g.event["type"].as_str().unwrap().into());
    }
    for types in by_job.values() {
        assert_eq!(
            types,
            &[
                "job.imported",
                "stop.status_changed",
                "stop.status_changed",
                "stop.status_changed",
                "job.completed"
            ]
        );
    }
    // The documented verification refuses a forged and a replayed old delivery.
    let one = &got[0];
    assert!(verify(&s_secret(&r), &one.signature, &one.body, unix_now()).is_ok());
    assert!(verify("whsec_wrong", &one.signature, &one.body, unix_now()).is_err());
    assert!(verify(&s_secret(&r), &one.signature, &one.body, unix_now() + 600).is_err());
    let mut tampered = one.body.clone();
    tampered.extend_from_slice(b" ");
    assert!(verify(&s_secret(&r), &one.signature, &tampered, unix_now()).is_err());
    assert_eq!(r.refused_signatures(), 0, "every real delivery verified");

    // Replay: all 20 in commit order, then exactly those after an id.
    let all = s.replay(None);
    assert_eq!(all.len(), 20);
    let mut sent: Vec<String> = ids(&got);
    sent.sort();
    let mut replayed: Vec<String> = all
        .iter()
        .map(|e| e["id"].as_str().unwrap().into())
        .collect();
    let sorted = {
        let mut v = replayed.clone();
        v.sort();
        v
    };
    assert_eq!(replayed, sorted, "replay is in id order");
    assert_eq!(sorted, sent, "replay holds exactly the delivered events");
    let pivot = replayed[6].clone();
    let after = s.replay(Some(&pivot));
    replayed.drain(..7);
    assert_eq!(
        after
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        replayed
    );
    assert_eq!(
        s.replay(Some(replayed.last().unwrap())).len(),
        0,
        "nothing after the newest"
    );
    let bad = get(&s.url("/v1/integration-events?after=nope"), Some(&s.token));
    assert_eq!(bad.status, 422, "{}", bad.body);

    // The delivery log shows the attempts with status and latency; the list, the queue.
    let log = get(
        &s.url(&format!("/v1/integration-webhooks/{sub}/deliveries")),
        Some(&s.token),
    );
    assert_eq!(log.status, 200);
    let attempts = log.body["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 20);
    assert!(attempts
        .iter()
        .all(|a| a["status"] == 200 && a["ok"] == true));
    assert!(attempts.iter().all(|a| a["latency_ms"].is_u64()));
    let list = get(&s.url("/v1/integration-webhooks"), Some(&s.token));
    assert_eq!(list.body["webhooks"][0]["queued"], 0);
    assert!(
        list.body["webhooks"][0].get("secret").is_none(),
        "never listed"
    );
    // The secret is not in the store files or the log in plain text.
    let log_text = std::fs::read_to_string(s.dir.path().join("serve.log")).unwrap();
    assert!(!log_text.contains(&s_secret(&r)));
    assert!(!store_contains(
        &s.dir.path().join("data"),
        s_secret(&r).as_bytes()
    ));
}

/// The secret the receiver was given when its subscription was created.
fn s_secret(r: &Receiver) -> String {
    r.secret()
}

fn store_contains(dir: &Path, needle: &[u8]) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    return true;
                }
            }
        }
    }
    false
}

fn outage() -> Duration {
    Duration::from_secs(
        std::env::var("ROUTEMATE_WEBHOOK_OUTAGE_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10),
    )
}

#[test]
fn a_receiver_down_gets_everything_after_it_recovers() {
    let s = Setup::start();
    let r = Receiver::start();
    s.subscribe(&r, Some(&["job.imported", "stop.status_changed"]));
    r.set_mode(Mode::Down);
    let started = std::time::Instant::now();
    let jobs = s.import("D", 5, 2);
    s.complete_all(&jobs, 2);
    std::thread::sleep(outage().saturating_sub(started.elapsed()));
    assert!(r.requests() > 0, "the sender kept trying");
    assert!(r.received().is_empty());
    r.set_mode(Mode::Fail(503));
    std::thread::sleep(Duration::from_secs(2));
    assert!(r.received().is_empty(), "a 503 is not an acknowledgement");
    r.set_mode(Mode::Ok);
    // 5 × (imported + 2 status changes); job.completed is not subscribed.
    let got = wait_count(&r, 15, 30);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(r.received().len(), 15, "each once");
    assert_in_order_per_job(&got, false);
    assert!(got.iter().all(|g| g.event["type"] != "job.completed"));
}

#[test]
fn a_sender_killed_mid_delivery_loses_nothing() {
    let mut s = Setup::start();
    let r = Receiver::start();
    s.subscribe(&r, None);
    r.set_mode(Mode::Slow(Duration::from_millis(40)));
    let jobs = s.import("K", 10, 4);
    s.complete_all(&jobs, 4);
    let expected = s.replay(None);
    assert_eq!(expected.len(), 10 * 6);
    let mut kills = 0;
    for _ in 0..3 {
        let before = r.wait_for(Duration::from_secs(20), |g| g.len() >= 12 * (kills + 1));
        s.server.take().unwrap().kill9();
        eprintln!("SIGKILL {} after {} deliveries", kills + 1, before.len());
        kills += 1;
        s.restart();
    }
    let got = wait_count(&r, expected.len(), 60);
    let mut seen: HashMap<String, Vec<u8>> = HashMap::new();
    let mut dups = 0;
    for g in &got {
        let id = g.event["id"].as_str().unwrap().to_string();
        if let Some(first) = seen.get(&id) {
            dups += 1;
            assert_eq!(first, &g.body, "a duplicate is the same event");
        } else {
            seen.insert(id, g.body.clone());
        }
    }
    // A duplicate can only be an event in flight at a kill, whose acknowledgement the sender
    // had not recorded: at most one per job (a job's next event waits for that record), and all
    // 10 jobs can be in flight at once (a subscriber gets up to 16).
    eprintln!(
        "{} deliveries, {dups} duplicates after {kills} kills",
        got.len()
    );
    assert!(dups <= 10 * kills, "{dups} duplicates after {kills} kills");
    assert_in_order_per_job(&got, true);
    let want: std::collections::HashSet<_> = expected
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        seen.keys()
            .cloned()
            .collect::<std::collections::HashSet<_>>(),
        want
    );
}

#[test]
fn a_dead_subscriber_does_not_hold_up_another() {
    let s = Setup::start();
    let dead = Receiver::start();
    let live = Receiver::start();
    s.subscribe(&dead, None);
    s.subscribe(&live, None);
    dead.set_mode(Mode::Hang);
    let jobs = s.import("H", 6, 2);
    s.complete_all(&jobs, 2);
    // 6 × (imported + 2 statuses + completed). The hung receiver holds each request for the
    // 2 s timeout and only one job at a time once failing: it would need well over a minute to
    // see all 24 even if it answered; the live one gets them all meanwhile.
    let got = wait_count(&live, 24, 20);
    assert_in_order_per_job(&got, false);
    assert!(dead.received().is_empty());
    assert!(dead.requests() < 24, "the dead one was probed, not flooded");
}

#[test]
fn subscriptions_refuse_bad_urls_and_can_be_deleted() {
    let s = Setup::start();
    for (url, why) in [
        ("http://example.com/hook", "https"),
        ("https://user:pw@example.com/", "password"),
        ("ftp://example.com/", "https"),
    ] {
        let r = post_json(
            &s.url("/v1/integration-webhooks"),
            Some(&s.token),
            &json!({"url": url}),
        );
        assert_eq!(r.status, 422, "{url}: {}", r.body);
        assert!(r.body.to_string().contains(why), "{url}: {}", r.body);
    }
    let r = post_json(
        &s.url("/v1/integration-webhooks"),
        Some(&s.token),
        &json!({"url": "https://example.com/h", "events": ["job.exploded"]}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let rec = Receiver::start();
    let id = s.subscribe(&rec, Some(&["plan.created"]));
    let del = ureq::delete(&s.url(&format!("/v1/integration-webhooks/{id}")))
        .set("Authorization", &format!("Bearer {}", s.token))
        .call()
        .unwrap();
    assert_eq!(del.status(), 204);
    let list = get(&s.url("/v1/integration-webhooks"), Some(&s.token));
    assert_eq!(list.body["webhooks"], json!([]));
    let gone = ureq::delete(&s.url(&format!("/v1/integration-webhooks/{id}")))
        .set("Authorization", &format!("Bearer {}", s.token))
        .call();
    assert!(matches!(gone, Err(ureq::Error::Status(404, _))));
}
