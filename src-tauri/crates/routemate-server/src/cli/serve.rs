//! `routemate serve [--listen ADDR]`: the HTTP API until SIGINT/SIGTERM.
//!
//! When ready it prints one line with `http://HOST:PORT` on stdout (port 0 picks a free one), so
//! scripts and tests can read the address.

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
}

pub fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<()> {
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
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let options = RouterOptions {
            max_body_bytes: args.max_body_bytes,
            ..Default::default()
        };
        tracing::info!(%addr, data = %api.data_dir().display(), "serving the RouteMate API");
        println!("routemate listening on http://{addr}");
        std::io::stdout().flush()?;
        serve(listener, api.clone(), options, shutdown_signal()).await?;
        if let Some(w) = watcher {
            w.stop();
        }
        api.flush()?;
        tracing::info!("shut down cleanly");
        Ok(())
    })
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
