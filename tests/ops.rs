//! Operating a running `routemate serve` (issue 14, item 3) on a sled store: health and
//! readiness, Prometheus metrics, JSON logs, credentials created and revoked while it serves
//! (through its admin socket), and a SIGTERM that lets an in-flight request finish.

use routemate_blackbox::{cli, cli_json, get, job, post_json, token, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The text of a GET without a token.
fn text(url: &str) -> (u16, String) {
    match ureq::get(url).call() {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap()),
        Err(e) => panic!("{url}: {e}"),
    }
}

/// The value of one Prometheus sample line (`name{labels} value`), if present.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn health_readiness_metrics_and_json_logs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cred = cli_json(&data, &["credentials", "create", "--name", "ops"]);
    let log = dir.path().join("log");
    let server = Server::start(&data, &[("ROUTEMATE_LOG_FORMAT", "json")], &log);
    assert_eq!(text(&server.url("/healthz")), (200, "ok".into()));
    assert_eq!(text(&server.url("/readyz")), (200, "ready".into()));

    let tok = token(
        &server,
        cred["client_id"].as_str().unwrap(),
        cred["client_secret"].as_str().unwrap(),
    );
    let r = post_json(
        &server.url("/v1/integration-import"),
        Some(&tok),
        &job("M-1", 6),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
    let job_id = r.body["job_id"].as_str().unwrap();
    let again = post_json(
        &server.url("/v1/integration-import"),
        Some(&tok),
        &job("M-1", 6),
    );
    assert_eq!(again.status, 200);
    assert_eq!(
        get(
            &server.url(&format!("/v1/integration-jobs/{job_id}")),
            Some(&tok)
        )
        .status,
        200
    );
    assert_eq!(
        get(&server.url("/v1/integration-jobs/no-such-job"), Some(&tok)).status,
        404
    );

    let (status, m) = text(&server.url("/metrics"));
    assert_eq!(status, 200);
    // Route templates, not raw paths: the job id never becomes a label.
    for (series, want) in [
        (
            r#"routemate_http_requests_total{method="POST",route="/v1/integration-import",status="201"}"#,
            1.0,
        ),
        (
            r#"routemate_http_requests_total{method="POST",route="/v1/integration-import",status="200"}"#,
            1.0,
        ),
        (
            r#"routemate_http_requests_total{method="GET",route="/v1/integration-jobs/{job_id}",status="200"}"#,
            1.0,
        ),
        (
            r#"routemate_http_requests_total{method="GET",route="/v1/integration-jobs/{job_id}",status="404"}"#,
            1.0,
        ),
        (
            r#"routemate_http_requests_total{method="POST",route="/v1/integration-token",status="200"}"#,
            1.0,
        ),
        (
            r#"routemate_http_request_duration_seconds_count{method="POST",route="/v1/integration-import",status="201"}"#,
            1.0,
        ),
        (
            r#"routemate_import_duration_seconds_count{outcome="created"}"#,
            1.0,
        ),
        (
            r#"routemate_import_duration_seconds_count{outcome="unchanged"}"#,
            1.0,
        ),
        (
            r#"routemate_optimizer_duration_seconds_count{algorithm="local_search"}"#,
            1.0,
        ),
    ] {
        assert_eq!(sample(&m, series), Some(want), "{series} in:\n{m}");
    }
    assert!(!m.contains(job_id), "a job id leaked into a label");

    assert!(server.terminate(), "SIGTERM shuts down cleanly");
    // Every log line is one JSON object; the request lines carry method, path and status.
    let lines = std::fs::read_to_string(&log).unwrap();
    let mut requests = 0;
    for line in lines.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["level"].is_string() && v["message"].is_string(), "{line}");
        if v["message"] == "request" && v["path"] == "/v1/integration-import" {
            assert_eq!(v["method"], "POST");
            assert!(v["status"] == 201 || v["status"] == 200, "{line}");
            requests += 1;
        }
    }
    assert_eq!(requests, 2, "{lines}");
    assert!(!lines.contains(&tok), "the token was logged");
}

#[test]
fn credentials_are_managed_while_the_server_runs() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[], &dir.path().join("log"));
    let mode = |name: &str| {
        std::fs::metadata(data.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("admin.sock"), 0o600, "only the owner may connect");
    assert_eq!(
        mode("admin.token"),
        0o600,
        "only the owner may read the token"
    );

    // Created through the running server: usable at once, without a restart.
    let cred = cli_json(
        &data,
        &[
            "--account",
            "acme",
            "credentials",
            "create",
            "--name",
            "live",
        ],
    );
    let id = cred["client_id"].as_str().unwrap();
    let tok = token(&server, id, cred["client_secret"].as_str().unwrap());
    let r = post_json(
        &server.url("/v1/integration-import"),
        Some(&tok),
        &job("L-1", 3),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);

    let listed = cli_json(&data, &["--account", "acme", "credentials", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["client_id"], id);
    assert!(listed[0].get("client_secret").is_none(), "never the secret");
    let other = cli_json(&data, &["credentials", "list"]);
    assert_eq!(other, serde_json::json!([]), "the default account has none");

    // Revoked through the running server: its token stops working at once.
    let revoked = cli_json(&data, &["credentials", "revoke", id]);
    assert_eq!(revoked["revoked"], id);
    let refused = get(&server.url("/v1/integration-jobs"), Some(&tok));
    assert_eq!(refused.status, 401, "{:?}", refused.body);

    // The socket refuses a caller without the token.
    let mut s = std::os::unix::net::UnixStream::connect(data.join("admin.sock")).unwrap();
    s.write_all(b"GET /admin/credentials HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(!answer.contains(id), "{answer}");

    assert!(server.terminate());
    assert!(!data.join("admin.sock").exists() && !data.join("admin.token").exists());
    // With the server gone the command opens the store itself, as before.
    let after = cli_json(
        &data,
        &["--account", "acme", "credentials", "list", "--all"],
    );
    assert!(after[0]["revoked_at"].is_string(), "{after}");
}

#[test]
fn a_stale_admin_socket_from_a_killed_server_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[], &dir.path().join("log"));
    server.kill9();
    assert!(
        data.join("admin.sock").exists(),
        "SIGKILL leaves the socket behind"
    );
    let out = cli(&data, &["credentials", "create", "--name", "after-crash"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And the next server replaces it.
    let server = Server::start(&data, &[], &dir.path().join("log2"));
    let listed = cli_json(&data, &["credentials", "list"]);
    assert_eq!(listed[0]["name"], "after-crash");
    assert!(server.terminate());
}

#[test]
fn sigterm_finishes_the_request_in_flight_and_takes_no_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cred = cli_json(&data, &["credentials", "create", "--name", "drain"]);
    let server = Server::start(&data, &[], &dir.path().join("log"));
    let tok = token(
        &server,
        cred["client_id"].as_str().unwrap(),
        cred["client_secret"].as_str().unwrap(),
    );
    let addr = server.base.trim_start_matches("http://").to_string();
    // Half an import is on the wire when the signal arrives: the request is in flight.
    let body = job("DRAIN-1", 5).to_string();
    let (head, tail) = body.split_at(body.len() / 2);
    let mut conn = TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /v1/integration-import HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {tok}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
        body.len()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        TcpStream::connect(&addr).is_err(),
        "after SIGTERM the listener takes no new connections"
    );
    conn.write_all(tail.as_bytes()).unwrap();
    let mut answer = String::new();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(
        server.terminate(),
        "exits cleanly once the request is answered"
    );
    // Acknowledged means stored: the job is there after the restart.
    let jobs = cli_json(&data, &["jobs", "--external-job-id", "DRAIN-1"]);
    assert_eq!(jobs["stop_count"], 5, "{jobs}");
}

/// Failed token requests from `forwarded_for` (through a pretend proxy on loopback); the
/// status of the last of `n`.
fn failed_logins(server: &Server, forwarded_for: &str, n: usize) -> u16 {
    let mut status = 0;
    for _ in 0..n {
        let r = ureq::post(&server.url("/v1/integration-token"))
            .set("X-Forwarded-For", forwarded_for)
            .send_json(serde_json::json!({"client_id": "rm_ci_nobody", "client_secret": "x"}));
        status = match r {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(s, _)) => s,
            Err(e) => panic!("{e}"),
        };
    }
    status
}

#[test]
fn behind_a_trusted_proxy_the_rate_limit_counts_each_forwarded_client() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = [("ROUTEMATE_TRUSTED_PROXIES", "127.0.0.1")];
    let server = Server::start(&data, &env, &dir.path().join("log"));
    assert_eq!(
        failed_logins(&server, "203.0.113.1", 11),
        429,
        "11th failure of one client"
    );
    // Another client behind the same proxy is not locked out by the first one's failures; a
    // client's own entries before the proxy's are not believed.
    assert_eq!(failed_logins(&server, "203.0.113.1, 203.0.113.2", 1), 401);
    assert!(server.terminate());

    // Without --trusted-proxy the header is the client's word: ignored.
    let server = Server::start(&data, &[], &dir.path().join("log2"));
    assert_eq!(failed_logins(&server, "203.0.113.3", 10), 401);
    assert_eq!(
        failed_logins(&server, "203.0.113.4", 1),
        429,
        "all one peer: 127.0.0.1"
    );
    assert!(server.terminate());
}
