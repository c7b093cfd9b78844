//! `routemate-bench sync`: sync with a hosted server on loopback, in this process (the real
//! router over a second store, and the real `routemate-sync` sender and pull).
//!
//! 1. drain: N queued 25-stop jobs pushed to the hosted server (goal < 20 s for 1,000);
//! 2. lossy: the same through a proxy that drops a fraction of the answers after the server
//!    handled the request (goal < 60 s, every job on the hosted side once);
//! 3. pull: M stop statuses completed on the hosted side, pulled and applied locally
//!    (goal < 5 s for 10,000).

use anyhow::{ensure, Context};
use clap::Args;
use routemate_engine::jobs::JobQuery;
use routemate_engine::{Api, EngineConfig, DEFAULT_ACCOUNT};
use routemate_server::{serve, RouterOptions};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Args)]
pub struct BenchSyncArgs {
    /// Jobs queued for the drain and the lossy drain.
    #[arg(long, default_value_t = 1000)]
    pub jobs: usize,
    /// Stops per job.
    #[arg(long, default_value_t = 25)]
    pub stops: usize,
    /// Fraction of answers the proxy drops in the lossy drain.
    #[arg(long, default_value_t = 0.2)]
    pub drop: f64,
    /// Stop-status changes pulled (in jobs of `--stops` stops).
    #[arg(long, default_value_t = 10_000)]
    pub statuses: usize,
}

fn job(ext: &str, n: usize) -> Value {
    let stops: Vec<Value> = (0..n)
        .map(|i| {
            let a = i as f64 * 0.61;
            json!({"external_stop_id": format!("S{i}"), "label": format!("Customer {i}"),
                   "address": format!("{i} Example St, Brisbane QLD 4000"),
                   "lat": -27.47 + 0.05 * a.sin(), "lng": 153.02 + 0.05 * a.cos(),
                   "sequence": i + 1})
        })
        .collect();
    // The dispatcher's order is given: setting up 1,000 jobs does not run the optimizer.
    json!({"external_job_id": ext, "title": "Bench", "driver_email": "bench@example.com",
           "depot": {"lat": -27.5, "lng": 153.0}, "optimize": false, "stops": stops})
}

/// A fresh store in `dir`.
fn open(dir: &std::path::Path) -> anyhow::Result<Api> {
    Ok(Api::open(EngineConfig::new(dir))?)
}

fn hosted_count(api: &Api) -> anyhow::Result<usize> {
    let mut q = JobQuery {
        limit: Some(500),
        ..JobQuery::default()
    };
    let mut n = 0;
    loop {
        let page = api.list_jobs("bench", &q)?;
        n += page.jobs.len();
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return Ok(n),
        }
    }
}

/// Starts the hosted router over `api` on loopback; answers its base URL.
async fn start_hosted(api: Api) -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let options = RouterOptions {
        loopback_only: true,
        ..RouterOptions::default()
    };
    tokio::spawn(serve(listener, api, options, std::future::pending()));
    Ok(format!("http://{addr}"))
}

/// A local store with `n` queued jobs, logged in to `url`.
async fn local(
    dir: &std::path::Path,
    url: &str,
    cred: &routemate_engine::auth::NewCredential,
    n: usize,
    stops: usize,
    prefix: &str,
) -> anyhow::Result<Api> {
    let api = open(dir)?;
    for i in 0..n {
        api.import_value(DEFAULT_ACCOUNT, &job(&format!("{prefix}-{i:05}"), stops))?;
    }
    routemate_sync::login(
        &api,
        url,
        &cred.client_id,
        &cred.client_secret,
        DEFAULT_ACCOUNT,
    )
    .await
    .context("login")?;
    Ok(api)
}

async fn drain(api: &Api) -> anyhow::Result<(Duration, routemate_sync::RoundReport)> {
    let syncer = routemate_sync::Syncer::open(api, &Default::default())
        .map_err(anyhow::Error::msg)?
        .context("not logged in")?;
    let started = Instant::now();
    let report = syncer.round(Duration::from_secs(300)).await;
    Ok((started.elapsed(), report))
}

pub fn run(args: &BenchSyncArgs) -> anyhow::Result<()> {
    std::env::set_var("ROUTEMATE_SECRET_STORE", "file");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        // 1. Drain to a healthy host.
        let hdir = tempfile::tempdir()?;
        let hosted = open(hdir.path())?;
        let cred = hosted.create_credential("bench", "depot")?;
        let url = start_hosted(hosted.clone()).await?;
        let ldir = tempfile::tempdir()?;
        let l = local(ldir.path(), &url, &cred, args.jobs, args.stops, "D").await?;
        let (took, r) = drain(&l).await?;
        let on_host = hosted_count(&hosted)?;
        println!(
            "drain: {} jobs x {} stops in {:.2} s ({:.0} jobs/s), pushed {}, on the hosted side {} \
             (goal < 20 s for 1,000)",
            args.jobs,
            args.stops,
            took.as_secs_f64(),
            args.jobs as f64 / took.as_secs_f64(),
            r.pushed,
            on_host
        );
        ensure!(r.queued == 0 && on_host == args.jobs, "drain incomplete: {r:?}");

        // 2. The same through a proxy that drops answers.
        let proxy = lossy_proxy(&url, args.drop).await?;
        let ldir2 = tempfile::tempdir()?;
        let l2 = local(ldir2.path(), &proxy, &cred, args.jobs, args.stops, "L").await?;
        let (took, r) = drain(&l2).await?;
        let on_host = hosted_count(&hosted)? - args.jobs;
        println!(
            "lossy drain ({:.0} % of answers dropped): {} jobs in {:.2} s, pushed {}, queued {}, on \
             the hosted side {} ({} duplicated) (goal < 60 s)",
            args.drop * 100.0,
            args.jobs,
            took.as_secs_f64(),
            r.pushed,
            r.queued,
            on_host,
            on_host.saturating_sub(args.jobs)
        );

        // 3. Pull: stop statuses completed on the hosted side.
        let per_job = args.stops.max(1);
        let pjobs = args.statuses.div_ceil(per_job);
        let ldir3 = tempfile::tempdir()?;
        let l3 = local(ldir3.path(), &url, &cred, pjobs, per_job, "P").await?;
        drain(&l3).await?;
        let setup = Instant::now();
        let mut changed = 0;
        let hosted_ctx = hosted.clone();
        for i in 0..pjobs {
            let view = hosted_ctx.job(
                "bench",
                &routemate_engine::jobs::JobRef::External(format!("P-{i:05}")),
            )?;
            for s in &view.stops {
                if changed == args.statuses {
                    break;
                }
                hosted_ctx.set_stop_status(
                    "bench",
                    &view.job_id,
                    &s.external_stop_id,
                    routemate_core::model::StopStatus::Completed,
                    None,
                )?;
                changed += 1;
            }
        }
        eprintln!(
            "  ({changed} hosted statuses set in {:.1} s)",
            setup.elapsed().as_secs_f64()
        );
        let (took, r) = drain(&l3).await?;
        let mut applied = 0;
        for i in 0..pjobs {
            let v = l3.job(
                DEFAULT_ACCOUNT,
                &routemate_engine::jobs::JobRef::External(format!("P-{i:05}")),
            )?;
            applied += v.status_counts.get("completed").copied().unwrap_or(0);
        }
        println!(
            "pull: {changed} stop-status changes in {pjobs} jobs pulled and applied in {:.2} s, \
             {applied} completed locally, pulled {} jobs (goal < 5 s for 10,000)",
            took.as_secs_f64(),
            r.pulled
        );
        Ok(())
    })
}

/// A proxy to `upstream` that forwards each request and drops `fraction` of the answers (the
/// server handled the request; the client never hears). One upstream connection per request.
async fn lossy_proxy(upstream: &str, fraction: f64) -> anyhow::Result<String> {
    let up: std::net::SocketAddr = upstream.trim_start_matches("http://").parse()?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let mut n: u64 = 0;
        while let Ok((client, _)) = listener.accept().await {
            n += 1;
            let seed = n;
            tokio::spawn(async move {
                let _ = relay(client, up, fraction, seed).await;
            });
        }
    });
    Ok(format!("http://{addr}"))
}

async fn read_message(s: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Option<Vec<u8>>> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let mut chunk = [0u8; 16384];
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(None);
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(Some(buf.drain(..end + 4 + len).collect()));
        }
        let mut chunk = [0u8; 16384];
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn relay(
    mut client: TcpStream,
    up: std::net::SocketAddr,
    fraction: f64,
    seed: u64,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut k = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    while let Some(req) = read_message(&mut client, &mut buf).await? {
        let mut upstream = TcpStream::connect(up).await?;
        upstream.write_all(&req).await?;
        let mut ubuf = Vec::new();
        let resp = read_message(&mut upstream, &mut ubuf)
            .await?
            .unwrap_or(ubuf);
        // xorshift: a cheap, deterministic-per-connection coin.
        k ^= k << 13;
        k ^= k >> 7;
        k ^= k << 17;
        let is_token = req.starts_with(b"POST /v1/integration-token");
        if !is_token && (k % 10_000) as f64 / 10_000.0 < fraction {
            return Ok(()); // drop the connection: the answer is lost
        }
        client.write_all(&resp).await?;
    }
    Ok(())
}
