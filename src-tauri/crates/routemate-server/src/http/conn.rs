//! The hardened accept loop every RouteMate listener uses (`routemate serve` and the desktop's
//! loopback API): HTTP/1.1 with a header-read timeout that also ends idle keep-alive
//! connections, and a connection cap that makes room by closing the longest-idle connection.
//!
//! Why not a bare `axum::serve`: it has no timeouts and no cap, so sockets that send half a header
//! or nothing at all are held forever and a few hundred of them lock out every new client.
//! Body and whole-request deadlines live in the router (`read_body`, `request_deadline`).

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tower::ServiceExt as _;

/// Connection-level limits.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    /// Open connections at most; at the cap the longest-idle one is closed for a newcomer, and
    /// when every connection is busy the newcomer gets `503` and is closed.
    pub max_connections: usize,
    /// Time to send a complete request head, and the most a keep-alive connection may sit idle
    /// between requests.
    pub header_read_timeout: Duration,
}

/// What the loop knows about one connection.
struct ConnState {
    /// Requests being handled (a connection with none may be closed to make room).
    in_flight: AtomicUsize,
    /// Milliseconds since the loop started at the last request start or end.
    last_active_ms: AtomicU64,
    evict: Notify,
}

/// Open connections, for the cap and for eviction.
struct Registry {
    max: usize,
    started: Instant,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<ConnState>>>,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Registers a new connection, evicting the longest-idle one at the cap; `None` when the
    /// cap is reached and every connection has a request in flight.
    fn admit(&self) -> Option<(u64, Arc<ConnState>)> {
        let mut conns = self.conns.lock().unwrap_or_else(|e| e.into_inner());
        if conns.len() >= self.max {
            let idle = conns
                .iter()
                .filter(|(_, c)| c.in_flight.load(Ordering::SeqCst) == 0)
                .min_by_key(|(_, c)| c.last_active_ms.load(Ordering::Relaxed))
                .map(|(id, _)| *id)?;
            if let Some(victim) = conns.remove(&idle) {
                victim.evict.notify_one();
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(ConnState {
            in_flight: AtomicUsize::new(0),
            last_active_ms: AtomicU64::new(self.now_ms()),
            evict: Notify::new(),
        });
        conns.insert(id, state.clone());
        Some((id, state))
    }

    fn leave(&self, id: u64) {
        self.conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    /// Connections currently open (for tests and diagnostics).
    fn len(&self) -> usize {
        self.conns.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Marks a request in flight on its connection for as long as it lives.
struct Busy {
    state: Arc<ConnState>,
    registry: Arc<Registry>,
}

impl Busy {
    fn new(state: Arc<ConnState>, registry: Arc<Registry>) -> Busy {
        state.in_flight.fetch_add(1, Ordering::SeqCst);
        state
            .last_active_ms
            .store(registry.now_ms(), Ordering::Relaxed);
        Busy { state, registry }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.state
            .last_active_ms
            .store(self.registry.now_ms(), Ordering::Relaxed);
        self.state.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A fixed answer for a newcomer when every connection is busy.
const BUSY_RESPONSE: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
Connection: close\r\nContent-Type: text/plain\r\nContent-Length: 36\r\n\r\n\
too many connections; retry shortly\n";

/// Serves `app` on `listener` until `shutdown` completes, then lets in-flight requests finish.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let registry = Arc::new(Registry {
        max: limits.max_connections.max(1),
        started: Instant::now(),
        next_id: AtomicU64::new(0),
        conns: Mutex::default(),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
        };
        let Some((id, state)) = registry.admit() else {
            refuse(stream);
            continue;
        };
        let conn = serve_one(
            stream,
            peer,
            app.clone(),
            limits,
            state,
            registry.clone(),
            stop_rx.clone(),
        );
        let registry = registry.clone();
        tasks.spawn(async move {
            conn.await;
            registry.leave(id);
        });
    }
    // Close the listening socket now, not when the in-flight requests are done: a newcomer is
    // refused at once (a load balancer tries the next process) instead of waiting in the backlog.
    drop(listener);
    tracing::debug!(
        open = registry.len(),
        "listener closed; finishing connections"
    );
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

/// Accept errors are per-connection (reset before accept) or resource exhaustion (out of file
/// descriptors): never fatal; back off briefly on the latter so the loop does not spin.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted
    ) {
        return;
    }
    static ACCEPT_LOG: routemate_engine::log_budget::LogBudget =
        routemate_engine::log_budget::LogBudget::new(1, 10);
    if let Some(suppressed) = ACCEPT_LOG.allow() {
        tracing::warn!(error = %e, suppressed, "accept failed; backing off");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Answers 503 without reading anything, then closes.
fn refuse(stream: TcpStream) {
    // A fresh socket's send buffer takes these few bytes at once; if not, closing is the answer.
    let _ = stream.try_write(BUSY_RESPONSE);
    drop(stream);
}

async fn serve_one(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnLimits,
    state: Arc<ConnState>,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let conn_state = state.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let busy = Busy::new(conn_state.clone(), registry.clone());
        let app = app.clone();
        async move {
            let res = app.oneshot(req).await;
            drop(busy);
            res
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            _ = state.evict.notified(), if !closing => {
                if state.in_flight.load(Ordering::SeqCst) == 0 {
                    return; // idle (or mid-way through a request head): close at once
                }
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
            _ = stop.changed(), if !closing => {
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
        }
    }
}
