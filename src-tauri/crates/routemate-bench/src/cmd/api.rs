//! `routemate-bench api`: load-tests the HTTP API.
//!
//! Without `--url` it starts the real router on `127.0.0.1:0` in this process over a fresh sled
//! store; with `--url` it measures a running deployment (one `routemate serve`, or several
//! behind a load balancer) with the credential given. It measures: token requests, new 25-stop
//! imports (`--concurrency` at once: throughput and latency), idempotent re-imports, and status
//! GETs at a fixed rate (open loop: latency counts from the scheduled send time, so a stall is
//! not hidden). Prints p50/p99 and errors; fails when any request failed.

use anyhow::{bail, Context};
use clap::Args;
use routemate_engine::{Api, EngineConfig};
use routemate_server::{serve, RouterOptions};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct BenchApiArgs {
    /// Status requests per second.
    #[arg(long, default_value_t = 500)]
    pub rate: u64,
    /// Seconds of status load.
    #[arg(long, default_value_t = 30)]
    pub duration_secs: u64,
    /// Samples for the re-import, new-import and token measurements.
    #[arg(long, default_value_t = 300)]
    pub samples: usize,
    /// New imports sent at once (their throughput is the figure to compare across set-ups).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// A running API to measure (e.g. a load balancer in front of several processes) instead of
    /// an in-process server; needs --client-id and --client-secret.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Client ID of a credential on the server at --url.
    #[arg(long, env = "ROUTEMATE_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Its secret.
    #[arg(long, env = "ROUTEMATE_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,
}

fn job(ext: &str, n: usize) -> Value {
    let stops: Vec<Value> = (0..n)
        .map(|i| {
            let a = i as f64 * 0.61;
            json!({"external_stop_id": format!("S{i}"), "label": format!("Customer {i}"),
                   "address": format!("{i} Example St, Brisbane QLD 4000"),
                   "lat": -27.47 + 0.05 * a.sin(), "lng": 153.02 + 0.05 * a.cos(),
                   "parcel_count": 1 + i % 3})
        })
        .collect();
    json!({"external_job_id": ext, "title": "Bench", "driver_email": "bench@example.com",
           "depot": {"lat": -27.5, "lng": 153.0}, "stops": stops})
}

struct Stats(Vec<f64>);

impl Stats {
    fn pct(&mut self, p: f64) -> f64 {
        self.0.sort_by(|a, b| a.total_cmp(b));
        if self.0.is_empty() {
            return f64::NAN;
        }
        let i = ((p / 100.0) * (self.0.len() - 1) as f64).round() as usize;
        self.0[i]
    }
}

pub fn run(args: &BenchApiArgs) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir().context("cannot create a temp store")?;
    rt.block_on(async move {
        // The target: a running deployment, or a server of our own over a fresh store.
        let (base, creds, local) = match &args.url {
            Some(url) => {
                let (Some(id), Some(secret)) = (&args.client_id, &args.client_secret) else {
                    bail!("--url needs --client-id and --client-secret (a credential there)");
                };
                let creds = json!({"client_id": id, "client_secret": secret});
                (url.trim_end_matches('/').to_string(), creds, None)
            }
            None => {
                let api = Api::open(EngineConfig::new(dir.path()))?;
                let cred = api.create_credential("bench", "bench")?;
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                let base = format!("http://{}", listener.local_addr()?);
                let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
                let server = tokio::spawn(serve(listener, api, RouterOptions::default(), async {
                    let _ = stop_rx.await;
                }));
                let creds =
                    json!({"client_id": cred.client_id, "client_secret": cred.client_secret});
                (base, creds, Some((stop_tx, server)))
            }
        };
        println!("target: {base}");
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()?;
        let token_url = format!("{base}/v1/integration-token");
        // Job ids unique to this run, so a shared database measures new imports every time.
        let run_id = format!("{:x}", chrono::Utc::now().timestamp_millis());

        let mut token_lat = Stats(Vec::new());
        let mut token = String::new();
        for _ in 0..args.samples.min(100) {
            let t = Instant::now();
            let r = client.post(&token_url).json(&creds).send().await?;
            token_lat.0.push(t.elapsed().as_secs_f64() * 1000.0);
            let v: Value = r.json().await?;
            token = v["access_token"].as_str().context("no token")?.to_string();
        }
        let auth = format!("Bearer {token}");
        let import_url = format!("{base}/v1/integration-import");

        // New imports, `concurrency` at once: each worker takes the next index until all sent.
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..args.concurrency.max(1) {
            let (client, url, auth, next) = (
                client.clone(),
                import_url.clone(),
                auth.clone(),
                next.clone(),
            );
            let (samples, run_id) = (args.samples, run_id.clone());
            workers.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= samples {
                        break;
                    }
                    let body = job(&format!("NEW-{run_id}-{i}"), 25);
                    let t = Instant::now();
                    let r = client
                        .post(&url)
                        .header("authorization", &auth)
                        .json(&body)
                        .send()
                        .await;
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    errors += usize::from(!matches!(&r, Ok(r) if r.status() == 201));
                }
                (lat, errors)
            }));
        }
        let mut new_lat = Stats(Vec::new());
        let mut errors = 0usize;
        for w in workers {
            let (lat, e) = w.await?;
            new_lat.0.extend(lat);
            errors += e;
        }
        let import_rate = args.samples as f64 / started.elapsed().as_secs_f64();
        let mut re_lat = Stats(Vec::new());
        let again = job(&format!("NEW-{run_id}-0"), 25);
        let mut job_id = String::new();
        for _ in 0..args.samples {
            let t = Instant::now();
            let r = client
                .post(&import_url)
                .header("authorization", &auth)
                .json(&again)
                .send()
                .await?;
            re_lat.0.push(t.elapsed().as_secs_f64() * 1000.0);
            errors += usize::from(r.status() != 200);
            job_id = r.json::<Value>().await?["job_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
        }

        // Open-loop status load at a fixed rate.
        let status_url = format!("{base}/v1/integration-jobs?job_id={job_id}");
        let total = args.rate * args.duration_secs;
        let interval = Duration::from_secs_f64(1.0 / args.rate as f64);
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(total as usize);
        for i in 0..total {
            let due = start + interval * i as u32;
            tokio::time::sleep_until(due.into()).await;
            let (client, url, auth) = (client.clone(), status_url.clone(), auth.clone());
            tasks.push(tokio::spawn(async move {
                let r = client.get(&url).header("authorization", auth).send().await;
                let ok = matches!(&r, Ok(r) if r.status() == 200);
                if let Ok(r) = r {
                    let _ = r.bytes().await;
                }
                (due.elapsed().as_secs_f64() * 1000.0, ok)
            }));
        }
        let mut status_lat = Stats(Vec::new());
        let mut status_errors = 0;
        for t in tasks {
            let (ms, ok) = t.await?;
            status_lat.0.push(ms);
            status_errors += usize::from(!ok);
        }
        let achieved = total as f64 / start.elapsed().as_secs_f64();
        if let Some((stop_tx, server)) = local {
            let _ = stop_tx.send(());
            server.await??;
        }

        println!("| measurement | requests | p50 ms | p99 ms | errors |");
        println!("|---|---:|---:|---:|---:|");
        let row = |name: &str, s: &mut Stats, e: usize| {
            println!(
                "| {name} | {} | {:.2} | {:.2} | {e} |",
                s.0.len(),
                s.pct(50.0),
                s.pct(99.0)
            );
        };
        row(
            &format!("status GET @ {} req/s (achieved {achieved:.0})", args.rate),
            &mut status_lat,
            status_errors,
        );
        row("idempotent re-import (25 stops)", &mut re_lat, 0);
        row(
            &format!(
                "new import (25 stops, {} at once): {import_rate:.1} imports/s",
                args.concurrency.max(1)
            ),
            &mut new_lat,
            errors,
        );
        row("token", &mut token_lat, 0);
        if errors + status_errors > 0 {
            bail!("{} request(s) failed", errors + status_errors);
        }
        Ok(())
    })
}
