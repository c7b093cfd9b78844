//! A small fault-injecting HTTP/1.1 proxy for the sync tests (tokio, on its own thread): it reads
//! each request whole (head + `Content-Length` body), then, by its [`Mode`], forwards it to the
//! real server (one upstream connection per request) and relays the answer, refuses it, delays
//! it, answers `503` with `Retry-After`, or forwards it and drops the connection before the
//! answer (the server committed; the client never hears). It counts requests, the most in flight
//! at once, token requests, and when each request arrived.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the proxy does with the next requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Forward,
    /// Close the connection without an answer (the host is down).
    Refuse,
    /// Forward after a pause.
    Delay(Duration),
    /// Answer 503 with `Retry-After: secs`, forwarding nothing.
    Unavailable {
        retry_after_secs: u64,
    },
    /// Forward, then drop this fraction of answers (0.0–1.0) before the client sees them.
    DropResponses(f64),
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Instant,
    pub method: String,
    pub path: String,
    /// What the proxy did: "forwarded", "refused", "503", "dropped", "422", "401".
    pub action: &'static str,
}

#[derive(Default)]
struct State {
    mode: Mutex<Option<Mode>>,
    seen: Mutex<Vec<Seen>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// A request whose body holds this text is answered 422 with a problem body.
    poison: Mutex<Option<String>>,
    /// The next this-many non-token requests get a 401 (a token the server no longer takes).
    unauthorized: AtomicUsize,
    /// The next this-many answers are dropped after forwarding.
    drop_next: AtomicUsize,
}

/// A running proxy to `upstream`.
pub struct Proxy {
    pub base: String,
    state: Arc<State>,
}

impl Proxy {
    pub fn start(upstream: &str) -> Proxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("upstream host:port");
        let state = Arc::new(State::default());
        *state.mode.lock().unwrap() = Some(Mode::Forward);
        let st = state.clone();
        let addr = crate::serve_loopback(move |client| {
            let st = st.clone();
            async move {
                let _ = serve_client(client, upstream, st).await;
            }
        });
        Proxy {
            base: format!("http://{addr}"),
            state,
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = Some(mode);
    }

    pub fn set_poison(&self, text: Option<&str>) {
        *self.state.poison.lock().unwrap() = text.map(str::to_string);
    }

    pub fn unauthorize_next(&self, n: usize) {
        self.state.unauthorized.store(n, Ordering::SeqCst);
    }

    pub fn drop_next(&self, n: usize) {
        self.state.drop_next.store(n, Ordering::SeqCst);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// The most requests in flight at once since the last reset.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn reset_counts(&self) {
        self.state.seen.lock().unwrap().clear();
        self.state.max_in_flight.store(0, Ordering::SeqCst);
    }
}

/// Reads one request (head and `Content-Length` body); `None` at a clean end of stream.
async fn read_request(s: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Option<Vec<u8>>> {
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            let total = end + 4 + len;
            while buf.len() < total {
                let mut chunk = [0u8; 16384];
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(None);
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let req: Vec<u8> = buf.drain(..total).collect();
            return Ok(Some(req));
        }
        let mut chunk = [0u8; 16384];
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one whole answer from the upstream connection (head and `Content-Length` body).
async fn read_response(s: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    match read_request(s, &mut buf).await? {
        Some(r) => Ok(r),
        None => Ok(buf),
    }
}

fn canned(status: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve_client(
    mut client: TcpStream,
    upstream: SocketAddr,
    st: Arc<State>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    while let Some(req) = read_request(&mut client, &mut buf).await? {
        let line = String::from_utf8_lossy(&req[..find(&req, b"\r\n").unwrap_or(0)]).to_string();
        let mut parts = line.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let now = st.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        st.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let mode = st.mode.lock().unwrap().clone().unwrap_or(Mode::Forward);
        let poisoned = st
            .poison
            .lock()
            .unwrap()
            .as_ref()
            .is_some_and(|p| find(&req, p.as_bytes()).is_some());
        let is_token = path.starts_with("/v1/integration-token");
        let unauthorized = !is_token
            && st
                .unauthorized
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        let (action, answer): (&'static str, Option<Vec<u8>>) = match mode {
            Mode::Refuse => ("refused", None),
            Mode::Unavailable { retry_after_secs } => (
                "503",
                Some(canned(
                    "503 Service Unavailable",
                    &format!("retry-after: {retry_after_secs}\r\n"),
                    "{\"title\":\"unavailable\"}",
                )),
            ),
            _ if poisoned => (
                "422",
                Some(canned(
                    "422 Unprocessable Entity",
                    "",
                    "{\"type\":\"validation\",\"title\":\"refused by the test\",\"status\":422}",
                )),
            ),
            _ if unauthorized => (
                "401",
                Some(canned(
                    "401 Unauthorized",
                    "www-authenticate: Bearer error=\"invalid_token\"\r\n",
                    "{\"title\":\"token expired\"}",
                )),
            ),
            Mode::Forward | Mode::Delay(_) | Mode::DropResponses(_) => {
                if let Mode::Delay(d) = mode {
                    tokio::time::sleep(d).await;
                }
                let mut up = TcpStream::connect(upstream).await?;
                up.write_all(&req).await?;
                let resp = read_response(&mut up).await?;
                let drop_once = !is_token
                    && st
                        .drop_next
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                let drop_random = match mode {
                    Mode::DropResponses(f) => rand_fraction() < f,
                    _ => false,
                };
                if (drop_once || drop_random) && !is_token {
                    ("dropped", None)
                } else {
                    ("forwarded", Some(resp))
                }
            }
        };
        st.seen.lock().unwrap().push(Seen {
            at: Instant::now(),
            method,
            path,
            action,
        });
        if action == "refused" {
            // Hold the refused connection a moment, so overlapping attempts would show.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        st.in_flight.fetch_sub(1, Ordering::SeqCst);
        match answer {
            Some(a) => client.write_all(&a).await?,
            None => return Ok(()), // drop the connection: no answer
        }
    }
    Ok(())
}

/// A cheap pseudo-random fraction (no extra dependency for the tests).
fn rand_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (h.finish() % 1_000_000) as f64 / 1_000_000.0
}
