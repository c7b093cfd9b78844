//! `routemate-bench webhooks`: stop status changes fanned out to webhook subscribers on loopback,
//! in this process (the engine, the real `routemate-sync` deliverer, and three receivers that
//! verify every signature and answer 200; they stand in for other machines, so they run at the
//! deliverer's low CPU priority).
//!
//! 1. `--imports` 25-stop imports alone, their p50/p99;
//! 2. imports (one every `--import-every-ms`, on another thread) beside `--changes` stop status
//!    changes (in 25-stop jobs, one thread, as fast as the store takes them or `--change-rate` a
//!    second) with **no** subscriber: the imports' p99 under that write load, the comparison
//!    for step 3;
//! 3. fan-out: as 2, on other jobs, with `--subscribers` subscribers receiving every change:
//!    change → receipt latency (p50/p99/max) per delivery, throughput of deliveries, and the
//!    imports' p99 beside step 2's (goal: p99 < 200 ms; the webhooks do not slow the imports).

use anyhow::ensure;
use clap::Args;
use routemate_core::model::StopStatus;
use routemate_engine::webhooks::{sign, EventType, NewSubscription};
use routemate_engine::{Api, EngineConfig, DEFAULT_ACCOUNT};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Args)]
pub struct BenchWebhooksArgs {
    /// Stop status changes.
    #[arg(long, default_value_t = 10_000)]
    pub changes: usize,
    /// Subscribers each change goes to.
    #[arg(long, default_value_t = 3)]
    pub subscribers: usize,
    /// Stop status changes a second (0: as fast as the store takes them, one after another).
    #[arg(long, default_value_t = 0.0)]
    pub change_rate: f64,
    /// Imports measured alone.
    #[arg(long, default_value_t = 200)]
    pub imports: usize,
    /// Beside the changes (with and without subscribers), a job is imported this often (ms)
    /// until the changes are done.
    #[arg(long, default_value_t = 10)]
    pub import_every_ms: u64,
}

const STOPS: usize = 25;

fn job(ext: &str) -> Value {
    let stops: Vec<Value> = (0..STOPS)
        .map(|i| {
            let a = i as f64 * 0.61;
            json!({"external_stop_id": format!("S{i}"), "label": format!("Customer {i}"),
                   "address": format!("{i} Example St, Brisbane QLD 4000"),
                   "lat": -27.47 + 0.05 * a.sin(), "lng": 153.02 + 0.05 * a.cos(),
                   "sequence": i + 1})
        })
        .collect();
    json!({"external_job_id": ext, "title": "Bench", "driver_email": "bench@example.com",
           "depot": {"lat": -27.5, "lng": 153.0}, "optimize": false, "stops": stops})
}

/// When each (job, stop) change arrived, per receiver.
type Receipts = Arc<Mutex<HashMap<(String, String), Instant>>>;

/// A receiver on loopback that checks the signature of every delivery and answers 200.
async fn receiver(secret: Arc<Mutex<String>>, got: Receipts) -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(connection(sock, secret.clone(), got.clone()));
        }
    });
    Ok(url)
}

async fn connection(mut sock: TcpStream, secret: Arc<Mutex<String>>, got: Receipts) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 16384];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let value = |name: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
                .unwrap_or_default()
        };
        let len: usize = value("content-length:").parse().unwrap_or(0);
        let sig = value("routemate-signature:");
        while buf.len() < head_end + len {
            let mut chunk = [0u8; 16384];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body: Vec<u8> = buf.drain(..head_end + len).skip(head_end).collect();
        let key = secret.lock().unwrap().clone();
        let ok = sign::verify(&key, &sig, &body, chrono::Utc::now().timestamp()).is_ok();
        if ok {
            if let Ok(e) = serde_json::from_slice::<Value>(&body) {
                let d = &e["data"];
                if let (Some(j), Some(s)) = (d["job_id"].as_str(), d["external_stop_id"].as_str()) {
                    got.lock()
                        .unwrap()
                        .insert((j.to_string(), s.to_string()), Instant::now());
                }
            }
        }
        let answer: &[u8] = if ok {
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
        } else {
            b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n"
        };
        if sock.write_all(answer).await.is_err() {
            return;
        }
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Imports `n` jobs one after another; answers their latencies, sorted.
fn imports(api: &Api, prefix: &str, n: usize) -> anyhow::Result<Vec<Duration>> {
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        api.import_value(DEFAULT_ACCOUNT, &job(&format!("{prefix}-{i:05}")))?;
        lat.push(t.elapsed());
    }
    lat.sort();
    Ok(lat)
}

/// When each (job, stop) was changed.
type Changed = HashMap<(String, String), Instant>;

/// Completes stop after stop of `job_ids` (stop 1 of every job, then stop 2, …) until `n`
/// changes, `every` apart (`None`: as fast as the store takes them): when each one was made, and
/// how long they all took.
fn changes(
    api: &Api,
    job_ids: &[String],
    n: usize,
    every: Option<Duration>,
) -> anyhow::Result<(Changed, f64)> {
    let mut changed = Changed::new();
    let started = Instant::now();
    let mut next = started;
    'outer: for s in 0..STOPS {
        for j in job_ids {
            if changed.len() == n {
                break 'outer;
            }
            let stop = format!("S{s}");
            let t = Instant::now();
            api.set_stop_status(DEFAULT_ACCOUNT, j, &stop, StopStatus::Completed, None)?;
            changed.insert((j.clone(), stop), t);
            if let Some(every) = every {
                next += every;
                std::thread::sleep(next.saturating_duration_since(Instant::now()));
            }
        }
    }
    Ok((changed, started.elapsed().as_secs_f64()))
}

/// Imports a job every `every` on another thread for as long as [`changes`] runs on this one
/// (so the imports sample the whole fan-out, not its first second).
fn imports_beside_changes(
    api: &Api,
    prefix: &str,
    every: Duration,
    job_ids: &[String],
    n_changes: usize,
    change_every: Option<Duration>,
) -> anyhow::Result<(Vec<Duration>, Changed, f64)> {
    let done = Arc::new(AtomicBool::new(false));
    let side = {
        let (api, prefix, done) = (api.clone(), prefix.to_string(), done.clone());
        std::thread::spawn(move || -> anyhow::Result<Vec<Duration>> {
            let mut lat = Vec::new();
            let mut next = Instant::now();
            while !done.load(Ordering::SeqCst) {
                let t = Instant::now();
                let ext = format!("{prefix}-{:05}", lat.len());
                api.import_value(DEFAULT_ACCOUNT, &job(&ext))?;
                lat.push(t.elapsed());
                next += every;
                std::thread::sleep(next.saturating_duration_since(Instant::now()));
            }
            lat.sort();
            Ok(lat)
        })
    };
    let changed = changes(api, job_ids, n_changes, change_every);
    done.store(true, Ordering::SeqCst);
    let side = side
        .join()
        .map_err(|_| anyhow::anyhow!("import thread panicked"))??;
    let (changed, secs) = changed?;
    Ok((side, changed, secs))
}

pub fn run(args: &BenchWebhooksArgs) -> anyhow::Result<()> {
    // The receivers stand in for other machines: on this one they take only the CPU the engine
    // leaves idle (the deliverer's own threads run at that priority too).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .on_thread_start(routemate_sync::webhooks::background::lower_priority)
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    let api = Api::open(EngineConfig::new(dir.path()))?;
    let jobs_needed = args.changes.div_ceil(STOPS);
    let mut quiet_jobs = Vec::new();
    let mut job_ids = Vec::new();
    for i in 0..jobs_needed {
        let out = api.import_value(DEFAULT_ACCOUNT, &job(&format!("Q-{i:05}")))?;
        quiet_jobs.push(out.job.job_id);
        let out = api.import_value(DEFAULT_ACCOUNT, &job(&format!("W-{i:05}")))?;
        job_ids.push(out.job.job_id);
    }
    let every = Duration::from_millis(args.import_every_ms.max(1));
    let change_every =
        (args.change_rate > 0.0).then(|| Duration::from_secs_f64(1.0 / args.change_rate));
    let alone = imports(&api, "ALONE", args.imports)?;
    println!(
        "imports alone: {} × 25 stops, p50 {:.1} ms, p99 {:.1} ms",
        args.imports,
        ms(pct(&alone, 0.5)),
        ms(pct(&alone, 0.99))
    );
    let (base, quiet_changed, quiet_secs) =
        imports_beside_changes(&api, "BASE", every, &quiet_jobs, args.changes, change_every)?;
    println!(
        "imports beside {} stop status changes ({:.0}/s), no subscriber: {} imports, p50 {:.1} ms, \
         p99 {:.1} ms",
        quiet_changed.len(),
        quiet_changed.len() as f64 / quiet_secs,
        base.len(),
        ms(pct(&base, 0.5)),
        ms(pct(&base, 0.99))
    );

    let mut receipts = Vec::new();
    for n in 0..args.subscribers {
        let secret = Arc::new(Mutex::new(String::new()));
        let got: Receipts = Arc::default();
        let url = rt.block_on(receiver(secret.clone(), got.clone()))?;
        let created = api.webhook_create(
            DEFAULT_ACCOUNT,
            &NewSubscription {
                url,
                events: Some(vec![EventType::StopStatusChanged]),
                description: Some(format!("bench {n}")),
            },
            true,
        )?;
        *secret.lock().unwrap() = created.secret;
        receipts.push(got);
    }
    routemate_sync::webhooks::background::start(
        api.clone(),
        routemate_sync::webhooks::Options::default(),
    )?;
    std::thread::sleep(Duration::from_millis(1500)); // the workers start

    let started = Instant::now();
    let (side, changed, change_secs) =
        imports_beside_changes(&api, "SIDE", every, &job_ids, args.changes, change_every)?;
    let want = changed.len() * args.subscribers;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let have: usize = receipts.iter().map(|r| r.lock().unwrap().len()).sum();
        if have >= want || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let total_secs = started.elapsed().as_secs_f64();
    let mut lat = Vec::with_capacity(want);
    let mut last = started;
    for r in &receipts {
        for (k, at) in r.lock().unwrap().iter() {
            if let Some(t) = changed.get(k) {
                lat.push(at.saturating_duration_since(*t));
                last = last.max(*at);
            }
        }
    }
    lat.sort();
    println!(
        "changes: {} stop statuses in {:.2} s ({:.0}/s), {} subscribers",
        changed.len(),
        change_secs,
        changed.len() as f64 / change_secs,
        args.subscribers
    );
    println!(
        "deliveries: {} of {} received in {:.2} s ({:.0}/s); change → receipt p50 {:.1} ms, \
         p99 {:.1} ms, max {:.1} ms (goal p99 < 200 ms)",
        lat.len(),
        want,
        total_secs,
        lat.len() as f64 / (last - started).as_secs_f64().max(1e-9),
        ms(pct(&lat, 0.5)),
        ms(pct(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or_default())
    );
    println!(
        "imports beside the changes fanned out: {} × 25 stops, p50 {:.1} ms, p99 {:.1} ms \
         (beside the same changes without subscribers: p99 {:.1} ms)",
        side.len(),
        ms(pct(&side, 0.5)),
        ms(pct(&side, 0.99)),
        ms(pct(&base, 0.99))
    );
    ensure!(lat.len() == want, "{} deliveries missing", want - lat.len());
    Ok(())
}
