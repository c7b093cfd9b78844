//! `POST`/`GET /v1/integration-plans` over a real listener: 201 then 200 with the same plan,
//! 422 naming every bad field, a job per driver reachable by the job status call, 404 across
//! accounts.

use crate::support::start;
use routemate_server::RouterOptions;
use serde_json::{json, Value};

fn day(id: &str) -> Value {
    let stops: Vec<Value> = (0..20)
        .map(|i| {
            json!({"external_stop_id": format!("S{i}"), "lat": -27.40 - 0.01 * (i % 5) as f64,
                        "lng": 152.98 + 0.02 * (i / 5) as f64, "parcel_count": 2})
        })
        .collect();
    json!({"external_plan_id": id, "date": "2026-11-02", "depot": {"lat": -27.47, "lng": 153.02},
           "drivers": [{"email": "ann@example.com", "capacity": 24},
                       {"email": "bob@example.com", "capacity": 24}],
           "stops": stops, "options": {"time_limit_ms": 200}})
}

#[tokio::test]
async fn a_plan_is_created_once_and_answered_again() {
    let s = start(RouterOptions::default()).await;
    let token = s.token("a").await;
    let post = |body: Value| {
        s.http
            .post(s.url("/v1/integration-plans"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let r = post(day("D1")).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let first: Value = r.json().await.unwrap();
    let jobs = first["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "40 parcels need both vans: {first}");
    assert_eq!(first["totals"]["planned_stops"], 20);
    assert_eq!(first["unassigned"], json!([]));

    let r = post(day("D1")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), first);

    // Each driver's job answers the ordinary job status call.
    for j in jobs {
        let r = s
            .http
            .get(s.url(&format!(
                "/v1/integration-jobs/{}",
                j["job_id"].as_str().unwrap()
            )))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let job: Value = r.json().await.unwrap();
        assert_eq!(job["driver_email"], j["driver"]);
        assert_eq!(job["status"], "assigned");
    }
    let id = first["plan_id"].as_str().unwrap();
    let r = s
        .http
        .get(s.url(&format!("/v1/integration-plans/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), first);

    let other = s.token("b").await;
    let r = s
        .http
        .get(s.url(&format!("/v1/integration-plans/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn a_bad_plan_is_422_naming_every_field() {
    let s = start(RouterOptions::default()).await;
    let token = s.token("a").await;
    let r = s
        .http
        .post(s.url("/v1/integration-plans"))
        .bearer_auth(&token)
        .json(
            &json!({"external_plan_id": "", "drivers": [{"email": "nope"}],
                      "stops": [{"external_stop_id": "S1", "lat": 1, "lng": 2, "priority": "asap"}],
                      "options": {"balance": "fair"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    let pointers: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/external_plan_id",
            "/drivers/0/email",
            "/stops/0/priority",
            "/options/balance"
        ]
    );
    // No token: 401 before anything is read.
    let r = s
        .http
        .post(s.url("/v1/integration-plans"))
        .json(&day("D2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}
