//! Issue 10 against the built `routemate serve`: a flood of bad token requests with huge client
//! ids leaves a small log, a depot server on loopback refuses DNS-rebound and cross-site
//! requests, half-sent requests are cut off, and control characters are field errors.

use routemate_blackbox::{cli_json, post_json, token, Server};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Sends raw request bytes and returns what the server answers before closing (or within 20 s).
fn raw(server: &Server, request: &str) -> String {
    let addr = server.base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn credentials(data: &std::path::Path) -> (String, String) {
    let c = cli_json(data, &["credentials", "create", "--name", "x"]);
    (
        c["client_id"].as_str().unwrap().to_string(),
        c["client_secret"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_flood_of_bad_token_requests_with_huge_ids_leaves_a_small_log() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (_, secret) = credentials(&data);
    let log = dir.path().join("serve.log");
    let server = Server::start(&data, &[], &log);
    let url = server.url("/v1/integration-token");
    let huge = format!("rm_ci_{}", "A".repeat(60 * 1024));
    let agent = ureq::agent(); // one keep-alive connection, as in the report
    for _ in 0..200 {
        let body = json!({"client_id": huge, "client_secret": "rm_cs_wrong"}).to_string();
        let r = agent
            .post(&url)
            .set("Content-Type", "application/json")
            .send_string(&body);
        let status = match r {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(c, _)) => c,
            Err(e) => panic!("{e}"),
        };
        assert!(status == 401 || status == 429, "{status}");
    }
    // A secret pasted as the client id is not logged either.
    let _ = post_json(
        &url,
        None,
        &json!({"client_id": secret, "client_secret": secret}),
    );
    assert!(server.terminate());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.len() < 64 * 1024,
        "200 refused requests wrote {} bytes of log",
        text.len()
    );
    assert!(
        text.contains("token request refused"),
        "refusals are logged"
    );
    assert!(!text.contains(&secret[6..]), "the secret reached the log");
}

#[test]
fn a_server_on_loopback_refuses_foreign_hosts_and_cross_site_posts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let log = dir.path().join("serve.log");
    let server = Server::start(&data, &[], &log);
    let rebound = raw(
        &server,
        "GET /healthz HTTP/1.1\r\nHost: rebind.attacker.example\r\nConnection: close\r\n\r\n",
    );
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    let form = "grant_type=client_credentials&client_id=rm_ci_x&client_secret=rm_cs_x";
    let cross_site = raw(
        &server,
        &format!(
            "POST /v1/integration-token HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Origin: https://attacker.example\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        ),
    );
    assert!(cross_site.starts_with("HTTP/1.1 403"), "{cross_site}");
    assert!(cross_site.contains("foreign-origin"), "{cross_site}");
    let local = raw(
        &server,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(local.starts_with("HTTP/1.1 200"), "{local}");
}

#[test]
fn half_sent_requests_do_not_hold_a_connection() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let log = dir.path().join("serve.log");
    let server = Server::start(&data, &[("ROUTEMATE_HEADER_TIMEOUT_SECS", "1")], &log);
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: a")
        .unwrap();
    let mut out = Vec::new();
    let closed = s.read_to_end(&mut out).is_ok();
    assert!(
        closed,
        "the server still held the half-sent request after 20 s"
    );
    assert!(!String::from_utf8_lossy(&out).contains("200 OK"));
}

#[test]
fn control_and_bidi_characters_in_ids_and_titles_are_field_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (id, secret) = credentials(&data);
    let log = dir.path().join("serve.log");
    let server = Server::start(&data, &[], &log);
    let tok = token(&server, &id, &secret);
    let body = json!({"external_job_id": "J\u{0}1", "title": "Invoice \u{202E}fdp.exe",
        "stops": [{"external_stop_id": "S1", "lat": -27.4, "lng": 153.0}]});
    let r = post_json(&server.url("/v1/integration-import"), Some(&tok), &body);
    assert_eq!(r.status, 422, "{}", r.body);
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["external_job_id", "title"]);
}

#[test]
fn a_flood_of_requests_with_huge_paths_leaves_a_small_log() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let log = dir.path().join("serve.log");
    let server = Server::start(&data, &[], &log);
    let path = format!("/v1/integration-jobs/{}", "x".repeat(30 * 1024));
    let agent = ureq::agent();
    for _ in 0..300 {
        match agent.get(&server.url(&path)).call() {
            Err(ureq::Error::Status(401, _)) => {}
            other => panic!("{:?}", other.map(|r| r.status())),
        }
    }
    assert!(server.terminate());
    let size = std::fs::metadata(&log).unwrap().len();
    assert!(
        size < 64 * 1024,
        "300 refused requests wrote {size} bytes of log"
    );
}
