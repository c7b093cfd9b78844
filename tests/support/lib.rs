//! Helpers for the black-box tests: find and start the built `routemate` binary, talk HTTP to it.
//!
//! The binary is `$ROUTEMATE_BIN`, else `target/debug/routemate` of this workspace (built by
//! `cargo build --bin routemate`, which the README's test command runs first).

pub mod proxy;
pub mod receiver;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// Path of the `routemate` binary under test.
pub fn bin() -> PathBuf {
    if let Some(p) = std::env::var_os("ROUTEMATE_BIN") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    let p = target.join("debug").join("routemate");
    assert!(
        p.exists(),
        "{} is missing: run `cargo build --bin routemate` first",
        p.display()
    );
    p
}

/// Runs a CLI command on `data` and returns its output.
pub fn cli(data: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("run routemate")
}

/// Runs a CLI command that must succeed and print JSON.
pub fn cli_json(data: &Path, args: &[&str]) -> Value {
    let out = cli(data, args);
    assert!(
        out.status.success(),
        "routemate {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// A running `routemate serve`; killed on drop.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

impl Server {
    /// Starts `routemate serve --listen 127.0.0.1:0` on `data`, with `env`, logging to `log`.
    pub fn start(data: &Path, env: &[(&str, &str)], log: &Path) -> Server {
        let log_file = std::fs::File::create(log).unwrap();
        let mut cmd = Command::new(bin());
        cmd.arg("--data")
            .arg(data)
            .args(["serve", "--listen", "127.0.0.1:0"]);
        cmd.stdout(Stdio::piped()).stderr(log_file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start routemate serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let start = line.find("http://").unwrap_or_else(|| {
            panic!(
                "no address in {line:?}; log: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            )
        });
        let base = line[start..].trim().to_string();
        Server {
            child,
            base,
            log: log.to_path_buf(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// SIGKILL, no goodbye.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM; returns whether it exited successfully.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let ok = self.child.wait().map(|s| s.success()).unwrap_or(false);
        std::mem::forget(self);
        ok
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer: status and JSON body (Null when not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

fn try_reply(r: Result<ureq::Response, ureq::Error>) -> Result<Reply, String> {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(format!("transport error: {e}")),
    };
    let status = resp.status();
    let text = resp
        .into_string()
        .map_err(|e| format!("body read error: {e}"))?;
    Ok(Reply {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    })
}

fn reply(r: Result<ureq::Response, ureq::Error>) -> Reply {
    try_reply(r).unwrap_or_else(|e| panic!("{e}"))
}

/// POSTs JSON; `Err` when the connection fails (e.g. the server was killed).
pub fn try_post_json(url: &str, token: Option<&str>, body: &Value) -> Result<Reply, String> {
    let mut req = ureq::post(url).set("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    try_reply(req.send_string(&body.to_string()))
}

pub fn post_json(url: &str, token: Option<&str>, body: &Value) -> Reply {
    try_post_json(url, token, body).unwrap_or_else(|e| panic!("{e}"))
}

pub fn get(url: &str, token: Option<&str>) -> Reply {
    let mut req = ureq::get(url);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    reply(req.call())
}

/// Exchanges credentials for a token against `server`.
pub fn token(server: &Server, client_id: &str, secret: &str) -> String {
    let r = post_json(
        &server.url("/v1/integration-token"),
        None,
        &serde_json::json!({"client_id": client_id, "client_secret": secret}),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["access_token"].as_str().unwrap().to_string()
}

/// A job body with `n` stops given by coordinates around Brisbane.
pub fn job(ext: &str, n: usize) -> Value {
    let stops: Vec<Value> = (0..n)
        .map(|i| {
            let a = i as f64 * 0.7;
            serde_json::json!({"external_stop_id": format!("S{i}"), "label": format!("Customer {i}"),
                "address": format!("{} Example St, Brisbane QLD 4000", i + 1),
                "lat": -27.47 + 0.03 * a.sin(), "lng": 153.02 + 0.03 * a.cos(), "parcel_count": 1})
        })
        .collect();
    serde_json::json!({"external_job_id": ext, "title": format!("Job {ext}"),
        "driver_email": "driver@example.com", "depot": {"lat": -27.5, "lng": 153.0}, "stops": stops})
}

/// Accepts connections on a free loopback port, on a runtime thread of its own (two workers),
/// and hands each to `serve` in a task of its own; answers the address. The test servers
/// (`receiver`, `proxy`) stand on it.
pub fn serve_loopback<F, Fut>(serve: F) -> std::net::SocketAddr
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(serve(sock));
            }
        });
    });
    rx.recv().unwrap()
}
