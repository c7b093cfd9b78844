//! A webhook receiver for the tests (tokio, on its own thread), written from the README's
//! verification rules and not from the sender's code: it reads each request (head +
//! `Content-Length` body, keep-alive), checks `RouteMate-Signature` (`t=…,v1=HMAC-SHA256(secret,
//! "t.body")`, timestamp within 5 minutes, constant-time compare), and by its [`Mode`] answers
//! 200, fails with a status, closes the connection without an answer (down), or hangs. It keeps
//! every request it acknowledged with a 200, in arrival order.

use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the receiver does with the next requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Verify and answer 200 (401 to a bad signature).
    Ok,
    /// Verify, wait, then answer 200.
    Slow(Duration),
    /// Answer this status.
    Fail(u16),
    /// Close the connection without an answer.
    Down,
    /// Never answer (until the sender gives up).
    Hang,
}

/// One acknowledged delivery.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub event: Value,
    pub body: Vec<u8>,
    pub signature: String,
}

#[derive(Default)]
struct State {
    mode: Mutex<Option<Mode>>,
    secret: Mutex<String>,
    got: Mutex<Vec<Received>>,
    refused_signatures: Mutex<usize>,
    requests: Mutex<usize>,
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    state: Arc<State>,
}

/// Verifies a `RouteMate-Signature` header value against `body` at `now` (unix seconds), as the
/// README tells a receiver to.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), &'static str> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        if let Some(v) = part.strip_prefix("t=") {
            t = v.parse::<i64>().ok();
        } else if let Some(v) = part.strip_prefix("v1=") {
            sigs.push(v.to_string());
        }
    }
    let t = t.ok_or("no timestamp")?;
    if (now - t).abs() > 300 {
        return Err("timestamp too old or too new");
    }
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(body);
    for s in sigs {
        let Some(bytes) = unhex(&s) else { continue };
        if ring::hmac::verify(&key, &msg, &bytes).is_ok() {
            return Ok(());
        }
    }
    Err("no signature matches")
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    s.len()
        .is_multiple_of(2)
        .then(|| {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
                .collect()
        })
        .flatten()
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Receiver {
    pub fn start() -> Receiver {
        let state = Arc::new(State::default());
        *state.mode.lock().unwrap() = Some(Mode::Ok);
        let st = state.clone();
        let addr = crate::serve_loopback(move |sock| serve(sock, st.clone()));
        Receiver {
            url: format!("http://{addr}/hook"),
            state,
        }
    }

    pub fn set_secret(&self, secret: &str) {
        *self.state.secret.lock().unwrap() = secret.to_string();
    }

    /// The secret it verifies with.
    pub fn secret(&self) -> String {
        self.state.secret.lock().unwrap().clone()
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = Some(mode);
    }

    /// Every acknowledged delivery so far, in arrival order.
    /// The acknowledged deliveries, in the order they were answered.
    pub fn received(&self) -> Vec<Received> {
        let mut got = self.state.got.lock().unwrap().clone();
        got.sort_by_key(|r| r.at);
        got
    }

    pub fn refused_signatures(&self) -> usize {
        *self.state.refused_signatures.lock().unwrap()
    }

    pub fn requests(&self) -> usize {
        *self.state.requests.lock().unwrap()
    }

    /// Waits until `done` holds for the received deliveries, or `max` passes; answers them.
    pub fn wait_for(&self, max: Duration, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let end = Instant::now() + max;
        loop {
            let got = self.received();
            if done(&got) || Instant::now() > end {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

async fn serve(mut sock: TcpStream, st: Arc<State>) {
    let mut buf = Vec::new();
    loop {
        // Read one request head.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 8192];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.trim()
                        .eq_ignore_ascii_case(name)
                        .then(|| v.trim().to_string())
                })
                .unwrap_or_default()
        };
        let len: usize = header("content-length").parse().unwrap_or(0);
        while buf.len() < head_end + len {
            let mut chunk = [0u8; 8192];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buf[head_end..head_end + len].to_vec();
        buf.drain(..head_end + len);
        *st.requests.lock().unwrap() += 1;
        let mode = st.mode.lock().unwrap().clone().unwrap_or(Mode::Ok);
        let status = match mode {
            Mode::Down => return,
            Mode::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Mode::Fail(s) => s,
            Mode::Ok | Mode::Slow(_) => {
                if let Mode::Slow(d) = mode {
                    tokio::time::sleep(d).await;
                }
                let secret = st.secret.lock().unwrap().clone();
                let sig = header("routemate-signature");
                match verify(&secret, &sig, &body, unix_now()) {
                    Ok(()) => {
                        // Taken before the 200 goes out: the sender cannot send a job's next
                        // event before it has this answer, so ordering by `at` is the order
                        // of acknowledgement even when another connection's task pushes first.
                        let at = Instant::now();
                        let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                        if sock.write_all(answer).await.is_err() {
                            return;
                        }
                        st.got.lock().unwrap().push(Received {
                            at,
                            event: serde_json::from_slice(&body).unwrap_or(Value::Null),
                            body,
                            signature: sig,
                        });
                        continue;
                    }
                    Err(_) => {
                        *st.refused_signatures.lock().unwrap() += 1;
                        401
                    }
                }
            }
        };
        let answer = format!("HTTP/1.1 {status} Nope\r\ncontent-length: 0\r\n\r\n");
        if sock.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}
