//! Hostile peers, in process (issue 10): half-sent headers, trickled bodies, idle sockets at the
//! connection cap, bursts of bad token requests, lock-out of neighbours, cross-site posts, and
//! error answers that grow with the attack.

use crate::support::start;
use routemate_server::RouterOptions;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the peer closes (or `limit` passes: then `None`, the connection is still held).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|_| String::from_utf8_lossy(&got).into_owned())
}

/// A guard far beyond every configured timeout: only a server that never closes reaches it.
const NEVER: Duration = Duration::from_secs(20);

fn short_timeouts() -> RouterOptions {
    RouterOptions {
        header_read_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        ..Default::default()
    }
}

#[tokio::test]
async fn half_sent_headers_and_idle_keep_alive_connections_are_closed() {
    let s = start(short_timeouts()).await;
    let mut half = TcpStream::connect(s.addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    let answer = read_until_closed(&mut half, NEVER).await;
    let answer = answer.expect("a half-sent request head must not hold the connection");
    assert!(!answer.contains("200 OK"), "{answer}");

    // A keep-alive connection that has been served and then says nothing is closed too.
    let mut idle = TcpStream::connect(s.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut idle, NEVER).await;
    let answer = answer.expect("an idle keep-alive connection must be closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_trickled_body_gets_408() {
    let s = start(short_timeouts()).await;
    let mut slow = TcpStream::connect(s.addr).await.unwrap();
    slow.write_all(
        b"POST /v1/integration-token HTTP/1.1\r\nHost: localhost\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    )
    .await
    .unwrap();
    let answer = read_until_closed(&mut slow, NEVER)
        .await
        .expect("a body that never completes must not hold the connection");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn idle_sockets_at_the_connection_cap_make_room_for_a_new_client() {
    let s = start(RouterOptions {
        max_connections: 8,
        ..Default::default()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..24 {
        idle.push(TcpStream::connect(s.addr).await.unwrap());
    }
    // A new client is served although 24 sockets sit idle (header timeout: 10 s, not reached).
    let r = s.http.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // And the server holds at most its cap: the oldest idle sockets were closed.
    let mut closed = 0;
    for mut sock in idle {
        if read_until_closed(&mut sock, Duration::from_millis(200))
            .await
            .is_some()
        {
            closed += 1;
        }
    }
    assert!(closed >= 24 - 8, "only {closed} of 24 idle sockets closed");
}

#[tokio::test]
async fn a_concurrent_burst_of_bad_secrets_cannot_pass_the_limit() {
    let s = start(RouterOptions::default()).await;
    let c = s.api.create_credential("a", "t").unwrap();
    let bad = json!({"client_id": c.client_id, "client_secret": "rm_cs_wrong"});
    let calls = (0..40).map(|_| {
        let req = s.http.post(s.url("/v1/integration-token")).json(&bad);
        async move { req.send().await.unwrap().status().as_u16() }
    });
    let mut statuses = futures_join(calls).await;
    statuses.sort_unstable();
    let verified = statuses.iter().filter(|&&c| c == 401).count();
    // Every attempt counts before it is verified: exactly the limit reach argon2.
    assert_eq!(verified, 10, "{statuses:?}");
    assert!(
        statuses.iter().all(|&c| c == 401 || c == 429 || c == 503),
        "{statuses:?}"
    );
}

/// Runs futures concurrently on the runtime and collects their outputs.
async fn futures_join<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn one_clients_failures_do_not_lock_out_its_neighbours_on_the_same_address() {
    let s = start(RouterOptions::default()).await;
    let noisy = s.api.create_credential("a", "noisy").unwrap();
    let quiet = s.api.create_credential("a", "quiet").unwrap();
    let url = s.url("/v1/integration-token");
    let bad = json!({"client_id": noisy.client_id, "client_secret": "rm_cs_wrong"});
    for _ in 0..10 {
        let r = s.http.post(&url).json(&bad).send().await.unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = s.http.post(&url).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 429, "the failing client is limited");
    let good = json!({"client_id": quiet.client_id, "client_secret": quiet.client_secret});
    let r = s.http.post(&url).json(&good).send().await.unwrap();
    assert_eq!(r.status(), 200, "another client on the same address is not");
}

#[tokio::test]
async fn one_address_cannot_try_client_ids_without_end() {
    let s = start(RouterOptions::default()).await;
    let url = s.url("/v1/integration-token");
    let mut first_429 = None;
    for i in 0..=routemate_engine::auth::MAX_PEER_FAILURES {
        let bad = json!({"client_id": format!("rm_ci_guess{i}"), "client_secret": "rm_cs_x"});
        let r = s.http.post(&url).json(&bad).send().await.unwrap();
        if r.status() == 429 {
            first_429 = Some(i);
            break;
        }
    }
    assert_eq!(first_429, Some(routemate_engine::auth::MAX_PEER_FAILURES));
}

#[tokio::test]
async fn the_loopback_api_refuses_cross_site_posts_and_foreign_hosts() {
    let s = start(RouterOptions {
        loopback_only: true,
        ..Default::default()
    })
    .await;
    let url = s.url("/v1/integration-token");
    let form = "grant_type=client_credentials&client_id=rm_ci_x&client_secret=rm_cs_x";
    let post = |origin: &'static str| {
        s.http
            .post(&url)
            .header("Origin", origin)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
    };
    for origin in [
        "https://evil.example",
        "null",
        "http://localhost.evil.example",
    ] {
        let r = post(origin).await.unwrap();
        assert_eq!(r.status(), 403, "{origin}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body["type"],
            "https://routemate.app/problems/foreign-origin"
        );
    }
    // Pages served from loopback, and programs that send no Origin, reach the endpoint.
    assert_eq!(post("http://localhost:5173").await.unwrap().status(), 401);
    let r = s
        .http
        .post(&url)
        .body(form)
        .header("Content-Type", "application/x-www-form-urlencoded");
    assert_eq!(r.send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn a_megabyte_of_empty_stops_gets_a_small_422() {
    let s = start(RouterOptions::default()).await;
    let token = s.token("a").await;
    let token = token.as_str();
    for stops in [4_999, 350_000] {
        let body = format!(
            r#"{{"external_job_id":"J","stops":[{}{{}}]}}"#,
            "{},".repeat(stops - 1)
        );
        let r = s
            .http
            .post(s.url("/v1/integration-import"))
            .bearer_auth(token)
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        assert!(
            text.len() < 32 * 1024,
            "{stops} empty stops: a {} byte answer to a {} byte body",
            text.len(),
            body.len()
        );
        let problem: Value = serde_json::from_str(&text).unwrap();
        let errors = problem["errors"].as_array().unwrap();
        if stops > 5_000 {
            assert_eq!(errors.len(), 1, "{problem}");
            assert_eq!(errors[0]["field"], "stops");
        } else {
            let last = errors.last().unwrap();
            assert_eq!(last["code"], "too_many_errors", "{problem}");
            assert!(last["detail"].as_str().unwrap().contains("more"));
        }
    }
}

#[tokio::test]
async fn a_request_past_its_deadline_gets_503_and_the_import_still_lands() {
    let s = start(RouterOptions {
        request_timeout: Duration::from_millis(50),
        ..Default::default()
    })
    .await;
    let c = s.api.create_credential("a", "t").unwrap();
    let token = s
        .api
        .issue_token(&c.client_id, &c.client_secret, None)
        .unwrap()
        .access_token;
    // 300 stops: the optimizer alone is given far more than 50 ms.
    let stops: Vec<Value> = (0..300)
        .map(|i| {
            json!({"external_stop_id": format!("S{i}"),
            "lat": -27.4 - 0.001 * f64::from(i), "lng": 153.0 + 0.0007 * f64::from(i % 17)})
        })
        .collect();
    let r = s
        .http
        .post(s.url("/v1/integration-import"))
        .bearer_auth(&token)
        .json(&json!({"external_job_id": "SLOW", "stops": stops}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["type"],
        "https://routemate.app/problems/request-timeout"
    );
    // The import was not cancelled half-way: it completes and is stored.
    let api = s.api.clone();
    let found = tokio::time::timeout(NEVER, async move {
        loop {
            let job = routemate_engine::jobs::JobRef::External("SLOW".into());
            if let Ok(view) = api.job("a", &job) {
                return view.stop_count;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    assert_eq!(found.ok(), Some(300));
}
