//! `routemate serve [--listen ADDR]`: the HTTP API until SIGINT/SIGTERM.
//!
//! When ready it prints one line with `http://HOST:PORT` on stdout (port 0 picks a free one), so
//! scripts and tests can read the address. Logs go to stderr only (no log files), one bounded
//! line per request. Bound to a loopback address, it answers only requests naming a loopback
//! host (or `--allowed-host`) and refuses browser requests from other origins.

use super::{open_api, Cli};
use crate::{serve, RouterOptions};
use anyhow::Context;
use clap::Args;
use std::io::Write;
use std::net::SocketAddr;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ROUTEMATE_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Also import the job files dropped into this folder (see `routemate watch`).
    #[arg(long, value_name = "DIR")]
    pub watch: Option<std::path::PathBuf>,
    /// Most open connections; at the cap the longest-idle one is closed for a newcomer.
    #[arg(long, env = "ROUTEMATE_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Seconds a client has to send a request head; also the idle keep-alive timeout.
    #[arg(long, env = "ROUTEMATE_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request body.
    #[arg(long, env = "ROUTEMATE_BODY_TIMEOUT_SECS", default_value_t = 30)]
    pub body_timeout_secs: u64,
    /// Seconds to answer a request before giving up with 503.
    #[arg(long, env = "ROUTEMATE_REQUEST_TIMEOUT_SECS", default_value_t = 120)]
    pub request_timeout_secs: u64,
    /// A host name accepted in `Host` besides localhost when listening on loopback (for a
    /// reverse proxy on the same machine that forwards its own name). Repeatable.
    #[arg(
        long = "allowed-host",
        value_name = "NAME",
        env = "ROUTEMATE_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,
    /// A load balancer in front of this server (IP address): its `X-Forwarded-For` names the
    /// client the failed-login rate limit counts. Repeatable.
    #[arg(
        long = "trusted-proxy",
        value_name = "IP",
        env = "ROUTEMATE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Lifetime of the bearer tokens this server issues, in seconds.
    #[arg(long, env = "ROUTEMATE_TOKEN_TTL_SECS", default_value_t = 3600)]
    pub token_ttl_secs: i64,
}

pub fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<()> {
    routemate_engine::auth::set_token_ttl_secs(args.token_ttl_secs);
    let api = open_api(cli)?;
    let watcher = match &args.watch {
        // stdout carries the listening address; the watcher's activity goes to the log.
        Some(dir) => Some(super::watch::start(
            &api,
            cli,
            dir,
            &Default::default(),
            |e| {
                tracing::debug!(event = ?e, "watched folder");
            },
        )?),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let secs = std::time::Duration::from_secs;
        let options = RouterOptions {
            max_body_bytes: args.max_body_bytes,
            // On loopback, only local programs may call: Host and Origin are checked against
            // DNS rebinding and cross-site form posts from pages in a local browser.
            loopback_only: addr.ip().is_loopback(),
            extra_hosts: args.allowed_hosts.clone(),
            max_connections: args.max_connections,
            header_read_timeout: secs(args.header_timeout_secs.max(1)),
            body_timeout: secs(args.body_timeout_secs.max(1)),
            request_timeout: secs(args.request_timeout_secs.max(1)),
            trusted_proxies: args.trusted_proxies.clone(),
        };
        // Credentials while we hold the store (`routemate credentials …` uses this socket);
        // opened before the ready line, so a script may use it as soon as it reads that line.
        let (admin_stop, admin_stopped) = tokio::sync::oneshot::channel::<()>();
        #[cfg(not(unix))]
        drop(admin_stopped);
        #[cfg(unix)]
        let admin = match crate::http::admin::serve_unix_if_sled(
            api.clone(),
            api.data_dir().into(),
            async {
                let _ = admin_stopped.await;
            },
        )
        .await
        {
            Ok(run) => run.map(tokio::spawn),
            Err(e) => {
                tracing::warn!(error = %e, "no admin socket: credentials need the server stopped");
                None
            }
        };
        tracing::info!(%addr, data = %api.data_dir().display(), "serving the RouteMate API");
        println!("routemate listening on http://{addr}");
        std::io::stdout().flush()?;
        let health = api.store().health().clone();
        tokio::spawn(daily_backups(api.clone()));
        // Once logged in (`routemate sync login`), push local changes and pull hosted ones.
        tokio::spawn(routemate_sync::run_background(
            api.clone(),
            std::future::pending::<()>(),
            |_, _| {},
        ));
        // Webhook subscribers get their events (one worker per subscription), on low-priority
        // threads of their own.
        // Reachable from elsewhere, it connects only to public addresses for subscriptions made
        // through its API (host names are resolved and checked at every connection).
        routemate_sync::webhooks::background::start(
            api.clone(),
            routemate_sync::webhooks::Options {
                allow_private: options.loopback_only,
                ..routemate_sync::webhooks::Options::from_env()
            },
        )?;
        // Stop on a signal, or on the first storage error (exit 75 so a supervisor restarts us
        // once the disk is fixed); after a storage error, in-flight requests get 5 s to finish.
        let failed = health.clone();
        let stop = async move {
            tokio::select! {
                _ = shutdown_signal() => {},
                _ = failed.failed() => {},
            }
        };
        let served = serve(listener, api.clone(), options, stop);
        tokio::select! {
            r = served => r?,
            _ = async {
                health.failed().await;
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            } => {}
        }
        let _ = admin_stop.send(());
        #[cfg(unix)]
        if let Some(admin) = admin {
            let _ = admin.await;
        }
        if let Some(failure) = api.store().health().failure() {
            // Nothing more touches sled (it may hang after an I/O error): no flush, no watcher
            // stop. All that was acknowledged was flushed before its answer.
            anyhow::bail!(routemate_engine::EngineError::StorageFailed { detail: failure });
        }
        if let Some(w) = watcher {
            w.stop();
        }
        api.flush()?;
        tracing::info!("shut down cleanly");
        Ok(())
    });
    // Requests stuck in sled after a storage error must not keep the process from exiting.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    result
}

/// Takes the daily store backup while the server runs (checked hourly; see `store::backup`).
async fn daily_backups(api: routemate_engine::Api) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    tick.tick().await; // the first tick is immediate; opening the store already checked
    loop {
        tick.tick().await;
        let api = api.clone();
        let r = tokio::task::spawn_blocking(move || {
            routemate_engine::store::backup::create_if_due(api.store())
        })
        .await;
        if let Ok(Err(e)) = r {
            tracing::warn!(error = %e, "the daily store backup could not be taken");
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested");
}
