//! The HTTP contract, in process: the token-endpoint table and bearer-rejection matrix of
//! reliability.md §1.2–1.3, validation problems, body limits, job list, stop status.

use crate::support::{job, start};
use chrono::Duration;
use reqwest::StatusCode;
use routemate_server::RouterOptions;
use serde_json::{json, Value};

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

#[tokio::test]
async fn token_endpoint_table() {
    let s = start(RouterOptions::default()).await;
    let c = s.api.create_credential("a", "t").unwrap();
    let url = s.url("/v1/integration-token");
    let form_ok = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        c.client_id, c.client_secret
    );
    // (name, request builder, status, error code)
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, Option<&str>)> = vec![
        ("json", s.http.post(&url).json(&json!({"client_id": c.client_id, "client_secret": c.client_secret})), 200, None),
        ("form", s.http.post(&url).header("content-type", "application/x-www-form-urlencoded").body(form_ok.clone()), 200, None),
        ("basic", s.http.post(&url).header("authorization", basic(&c.client_id, &c.client_secret))
            .header("content-type", "application/x-www-form-urlencoded").body("grant_type=client_credentials"), 200, None),
        ("two methods", s.http.post(&url).header("authorization", basic(&c.client_id, &c.client_secret))
            .header("content-type", "application/x-www-form-urlencoded").body(form_ok.clone()), 400, Some("invalid_request")),
        ("form without grant_type", s.http.post(&url).header("content-type", "application/x-www-form-urlencoded")
            .body(format!("client_id={}&client_secret={}", c.client_id, c.client_secret)), 400, Some("invalid_request")),
        ("other grant", s.http.post(&url).header("content-type", "application/x-www-form-urlencoded")
            .body(form_ok.replace("client_credentials", "password")), 400, Some("unsupported_grant_type")),
        ("repeated parameter", s.http.post(&url).header("content-type", "application/x-www-form-urlencoded")
            .body(format!("{form_ok}&client_id=x")), 400, Some("invalid_request")),
        ("missing secret", s.http.post(&url).json(&json!({"client_id": c.client_id})), 400, Some("invalid_request")),
        ("empty secret", s.http.post(&url).json(&json!({"client_id": c.client_id, "client_secret": ""})), 400, Some("invalid_request")),
        ("malformed json", s.http.post(&url).header("content-type", "application/json").body("{"), 400, Some("invalid_request")),
        ("text/plain", s.http.post(&url).header("content-type", "text/plain").body("hi"), 400, Some("invalid_request")),
        ("secret in url", s.http.post(format!("{url}?client_secret={}", c.client_secret))
            .json(&json!({"client_id": c.client_id, "client_secret": c.client_secret})), 400, Some("invalid_request")),
        ("scope", s.http.post(&url).json(&json!({"client_id": c.client_id, "client_secret": c.client_secret, "scope": "admin"})), 400, Some("invalid_scope")),
        ("wrong secret", s.http.post(&url).json(&json!({"client_id": c.client_id, "client_secret": "rm_cs_nope"})), 401, Some("invalid_client")),
        ("unknown id", s.http.post(&url).json(&json!({"client_id": "rm_ci_nope", "client_secret": c.client_secret})), 401, Some("invalid_client")),
    ];
    let mut bodies_401 = Vec::new();
    for (name, req, status, code) in cases {
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{name}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{name}");
        assert_eq!(r.headers()["pragma"], "no-cache", "{name}");
        if status == 401 {
            assert_eq!(
                r.headers()["www-authenticate"],
                "Basic realm=\"routemate\"",
                "{name}"
            );
        }
        let body: Value = r.json().await.unwrap();
        match code {
            None => {
                assert_eq!(body["token_type"], "Bearer", "{name}");
                assert_eq!(body["expires_in"], 3600, "{name}");
                assert!(
                    body["access_token"].as_str().unwrap().starts_with("rm_at_"),
                    "{name}"
                );
            }
            Some(code) => {
                assert_eq!(body["error"], code, "{name}: {body}");
                assert!(
                    body["error_description"].as_str().unwrap().is_ascii(),
                    "{name}"
                );
                if status == 401 {
                    bodies_401.push(body);
                }
            }
        }
    }
    // Revoked credential: byte-identical to unknown id / wrong secret.
    s.api.revoke_credential(None, &c.client_id).unwrap();
    let r = s
        .http
        .post(&url)
        .json(&json!({"client_id": c.client_id, "client_secret": c.client_secret}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    bodies_401.push(r.json().await.unwrap());
    assert!(
        bodies_401.windows(2).all(|w| w[0] == w[1]),
        "{bodies_401:?}"
    );
    let r = s.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "POST");
}

#[tokio::test]
async fn repeated_failures_get_429_with_retry_after() {
    let s = start(RouterOptions::default()).await;
    let c = s.api.create_credential("a", "t").unwrap();
    let url = s.url("/v1/integration-token");
    let bad = json!({"client_id": c.client_id, "client_secret": "rm_cs_bad"});
    for _ in 0..10 {
        assert_eq!(
            s.http.post(&url).json(&bad).send().await.unwrap().status(),
            401
        );
    }
    let r = s.http.post(&url).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    s.clock.advance(Duration::seconds(61));
    let good = json!({"client_id": c.client_id, "client_secret": c.client_secret});
    assert_eq!(
        s.http.post(&url).json(&good).send().await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn bearer_rejection_matrix() {
    let s = start(RouterOptions::default()).await;
    let token = s.token("a").await;
    let status_url = s.url("/v1/integration-jobs?external_job_id=J1");
    let challenge = "Bearer realm=\"routemate\"";
    let invalid = "Bearer realm=\"routemate\", error=\"invalid_token\"";

    let r = s.http.get(&status_url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        challenge,
        "no credentials: no error code"
    );
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    for bad in [
        "garbage",
        "rm_at_short",
        &format!("rm_at_{}", "A".repeat(43)),
        &token[..token.len() - 1],
    ] {
        let r = s
            .http
            .get(&status_url)
            .bearer_auth(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{bad}");
        assert_eq!(r.headers()["www-authenticate"], invalid, "{bad}");
    }
    let r = s
        .http
        .get(format!("{status_url}&access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "token in the query is refused");

    // Valid token: 404 for a job that does not exist, then the other account's job is 404 too.
    let r = s
        .http
        .get(&status_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let other = s.token("b").await;
    let created: Value = s.import(&other, &job("J1")).await.json().await.unwrap();
    let r = s
        .http
        .get(s.url(&format!(
            "/v1/integration-jobs/{}",
            created["job_id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "another account's job is invisible");

    // Expired by the clock.
    s.clock.advance(Duration::seconds(3600));
    let r = s
        .http
        .get(&status_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], invalid);
}

#[tokio::test]
async fn revoked_credentials_tokens_stop_at_once() {
    let s = start(RouterOptions::default()).await;
    let c = s.api.create_credential("a", "t").unwrap();
    let body: Value = s
        .http
        .post(s.url("/v1/integration-token"))
        .json(&json!({"client_id": c.client_id, "client_secret": c.client_secret}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(s.import(token, &job("J1")).await.status(), 201);
    s.api.revoke_credential(None, &c.client_id).unwrap();
    assert_eq!(s.import(token, &job("J1")).await.status(), 401);
}

#[tokio::test]
async fn import_status_codes_and_validation_problems() {
    let s = start(RouterOptions {
        max_body_bytes: 64 * 1024,
        ..Default::default()
    })
    .await;
    let token = s.token("a").await;
    let r = s.import(&token, &job("J1")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let first: Value = r.json().await.unwrap();
    let r = s.import(&token, &job("J1")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let again: Value = r.json().await.unwrap();
    assert_eq!(first, again);

    let bad = json!({"external_job_id": "", "driver_email": "x", "stops": [
        {"external_stop_id": "S1", "address": "a", "parcel_count": -2},
        {"external_stop_id": "S2", "lat": 91, "lng": 0},
        {"external_stop_id": "S3", "address": "c", "time_window": {"start": "10:00", "end": "09:00"}},
        {"external_stop_id": "S3", "address": "d", "service_minutes": "five"}]});
    let r = s.import(&token, &bad).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "external_job_id",
            "driver_email",
            "stops[0].parcel_count",
            "stops[1].lat",
            "stops[2].time_window.end",
            "stops[3].external_stop_id",
            "stops[3].service_minutes"
        ]
    );
    assert_eq!(p["errors"][2]["pointer"], "/stops/0/parcel_count");
    assert_eq!(p["status"], 422);

    let big = json!({"external_job_id": "BIG", "stops": [{"external_stop_id": "S", "address": "x".repeat(70_000)}]});
    assert_eq!(s.import(&token, &big).await.status(), 413);
    let r = s
        .http
        .post(s.url("/v1/integration-import"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"external_job_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = s
        .http
        .post(s.url("/v1/integration-import"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body("a,b")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
}

#[tokio::test]
async fn stop_status_and_job_list() {
    let s = start(RouterOptions::default()).await;
    let token = s.token("a").await;
    for i in 0..3 {
        s.import(&token, &job(&format!("J{i}"))).await;
        s.clock.advance(Duration::seconds(1));
    }
    let list: Value = s
        .http
        .get(s.url("/v1/integration-jobs?limit=2"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = list["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["external_job_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["J2", "J1"]);
    let cursor = list["next_cursor"].as_str().unwrap();
    let rest: Value = s
        .http
        .get(s.url(&format!("/v1/integration-jobs?limit=2&cursor={cursor}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["jobs"][0]["external_job_id"], "J0");

    let j: Value = s
        .http
        .get(s.url("/v1/integration-jobs?external_job_id=J0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = s.url(&format!(
        "/v1/integration-jobs/{}/stops/S1/status",
        j["job_id"].as_str().unwrap()
    ));
    let r = s
        .http
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"status": "completed", "note": "ok"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "in_progress");
    assert_eq!(v["status_counts"], json!({"completed": 1, "pending": 1}));
    let r = s
        .http
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"status": "lost"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let filtered: Value = s
        .http
        .get(s.url("/v1/integration-jobs?status=in_progress"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["jobs"].as_array().unwrap().len(), 1);
    let r = s
        .http
        .get(s.url("/v1/integration-jobs?status=bogus&limit=0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn loopback_only_refuses_foreign_hosts() {
    let s = start(RouterOptions {
        loopback_only: true,
        ..Default::default()
    })
    .await;
    let r = s.http.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = s
        .http
        .get(s.url("/healthz"))
        .header("host", "evil.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
