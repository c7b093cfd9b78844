//! Liveness, readiness and metrics of the router (in process; the binary's are in tests/ops.rs).

use super::support::start;
use routemate_server::RouterOptions;

#[tokio::test]
async fn readiness_follows_the_store_and_liveness_does_not() {
    let s = start(RouterOptions::default()).await;
    let r = s.http.get(s.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ready");

    s.api.store().health().fail("test: the disk failed a write");
    let r = s.http.get(s.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["type"], "https://routemate.app/problems/not-ready");
    // The process itself still answers: a supervisor restarts it, a balancer skips it.
    let r = s.http.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn unknown_paths_are_one_metrics_label_whatever_they_are() {
    let s = start(RouterOptions::default()).await;
    for i in 0..3 {
        let r = s
            .http
            .get(s.url(&format!("/probe-{i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    let r = s.http.get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = r.text().await.unwrap();
    assert!(!text.contains("probe-"), "raw paths never become labels");
    // Other tests in this binary share the process's recorder, so at least our three.
    let unmatched = text
        .lines()
        .find_map(|l| {
            l.strip_prefix(
                r#"routemate_http_requests_total{method="GET",route="unmatched",status="404"} "#,
            )
        })
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    assert!(unmatched >= 3.0, "{text}");
}
