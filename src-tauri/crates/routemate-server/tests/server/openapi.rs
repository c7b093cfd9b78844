//! The OpenAPI document: the committed `docs/openapi.json` is what the code generates (run with
//! `UPDATE_OPENAPI=1` to rewrite it), and the running server serves the same at
//! `/v1/openapi.json` without a token.

use crate::support::start;
use routemate_server::http::openapi::document;
use routemate_server::RouterOptions;
use serde_json::Value;
use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../docs/openapi.json")
}

fn generated() -> String {
    let mut json = serde_json::to_string_pretty(&document()).expect("the document serialises");
    json.push('\n');
    json
}

#[test]
fn committed_document_is_current() {
    let path = committed_path();
    let fresh = generated();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: regenerate it with `UPDATE_OPENAPI=1 cargo test -p routemate-server \
         openapi` and commit it",
        path.display()
    );
}

#[test]
fn document_is_openapi_3_1_with_every_call() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/integration-token", "post"),
        ("/v1/integration-import", "post"),
        ("/v1/integration-jobs", "get"),
        ("/v1/integration-jobs/{job_id}", "get"),
        (
            "/v1/integration-jobs/{job_id}/stops/{external_stop_id}/status",
            "post",
        ),
        ("/v1/integration-jobs/{job_id}/export", "get"),
        ("/v1/openapi.json", "get"),
        ("/healthz", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path} missing");
    }
    // The token endpoint takes JSON and the OAuth2 form; job calls need the bearer token.
    let token_body = &paths["/v1/integration-token"]["post"]["requestBody"]["content"];
    assert!(token_body["application/json"].is_object());
    assert!(token_body["application/x-www-form-urlencoded"].is_object());
    let import = &paths["/v1/integration-import"]["post"];
    assert_eq!(import["security"][0]["bearerAuth"], serde_json::json!([]));
    let problem = &import["responses"]["422"]["content"]["application/problem+json"];
    assert_eq!(problem["schema"]["$ref"], "#/components/schemas/Problem");
    // Links let a client (and the fuzzer) follow an import to the job's other calls.
    let link = &import["responses"]["201"]["links"]["GetJob"];
    assert_eq!(link["operationId"], "status_by_path");
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    assert_eq!(schemes["basicAuth"]["scheme"], "basic");
}

#[tokio::test]
async fn served_without_a_token_and_equal_to_the_generated_one() {
    let options = RouterOptions {
        loopback_only: true,
        ..RouterOptions::default()
    };
    let s = start(options).await;
    let res = reqwest::get(s.url("/v1/openapi.json")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let served: Value = res.json().await.unwrap();
    let expected: Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(served, expected);
}

/// Found with a path of percent-encoded bytes that are not UTF-8: axum answered `400 text/plain`
/// before the token was checked, which the document (problem+json) does not describe.
#[tokio::test]
async fn an_undecodable_path_is_a_problem_after_authentication() {
    let s = start(RouterOptions::default()).await;
    let (base, api) = (&s.base, &s.api);
    let cred = api.create_credential("default", "t").unwrap();
    let token = api
        .issue_token(&cred.client_id, &cred.client_secret, None)
        .unwrap()
        .access_token;
    let http = reqwest::Client::new();
    for (method, path) in [
        (reqwest::Method::GET, "/v1/integration-jobs/%FF"),
        (
            reqwest::Method::POST,
            "/v1/integration-jobs/%FF/stops/S1/status",
        ),
    ] {
        let url = format!("{base}{path}");
        let anonymous = http.request(method.clone(), &url).send().await.unwrap();
        assert_eq!(anonymous.status(), 401, "{path}");
        let res = http
            .request(method, &url)
            .bearer_auth(&token)
            .json(&serde_json::json!({"status": "completed"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{path}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["type"], "https://routemate.app/problems/bad-request");
        assert!(body["detail"].as_str().unwrap().contains("UTF-8"), "{body}");
    }
}
