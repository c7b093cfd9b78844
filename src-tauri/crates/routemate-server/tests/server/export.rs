//! `GET /v1/integration-jobs/{job_id}/export`: each format with its content type and download
//! name, the token required, another account's job not found, a bad format named.

use crate::support::{job, start};
use routemate_server::RouterOptions;
use serde_json::{json, Value};

#[tokio::test]
async fn export_formats_auth_and_errors() {
    let s = start(RouterOptions::default()).await;
    let token = s.token("acme").await;
    let mut body = job("EXP-1");
    body["stops"][0]["address"] = json!("1 Müllerstraße, Köln");
    let r = s.import(&token, &body).await;
    assert_eq!(r.status(), 201);
    let job_id = r.json::<Value>().await.unwrap()["job_id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = |q: &str| s.url(&format!("/v1/integration-jobs/{job_id}/export{q}"));

    for (format, ctype, magic) in [
        ("pdf", "application/pdf", b"%PDF-".as_slice()),
        ("gpx", "application/gpx+xml", b"<?xml".as_slice()),
        ("csv", "text/csv; charset=utf-8", b"sequence,".as_slice()),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK",
        ),
    ] {
        let r = s
            .http
            .get(url(&format!("?format={format}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{format}");
        assert_eq!(r.headers()["content-type"], ctype);
        assert_eq!(
            r.headers()["content-disposition"],
            format!("attachment; filename=\"EXP-1.{format}\"").as_str()
        );
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(magic), "{format} starts with {magic:?}");
    }
    // The CSV carries the stops in route order, non-ASCII intact.
    let csv = s
        .http
        .get(url("?format=csv"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(csv.text().await.unwrap().contains("1 Müllerstraße, Köln"));

    // No token: 401 with the challenge.
    let r = s.http.get(url("?format=pdf")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    // Another account's job: not found, never visible.
    let other = s.token("other").await;
    let r = s
        .http
        .get(url("?format=pdf"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = s
        .http
        .get(s.url("/v1/integration-jobs/no-such-job/export?format=gpx"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // A bad or missing format: 422 naming the field.
    for q in ["?format=docx", ""] {
        let r = s.http.get(url(q)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 422, "{q}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "format", "{p}");
    }
}
