//! The seed flow against the real `routemate serve`, as an integrator walks it:
//! credentials → token → import → status; re-import; changed payload; concurrent imports.

use routemate_blackbox::{cli_json, get, job, post_json, token, Server};
use serde_json::json;

#[test]
fn seed_flow_credentials_token_import_status() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cred = cli_json(&data, &["credentials", "create", "--name", "erp"]);
    let (id, secret) = (
        cred["client_id"].as_str().unwrap(),
        cred["client_secret"].as_str().unwrap(),
    );
    assert!(id.starts_with("rm_ci_") && secret.starts_with("rm_cs_"));
    assert_eq!(
        secret.len(),
        "rm_cs_".len() + 43,
        "32 random bytes, base64url"
    );

    let server = Server::start(&data, &[], &dir.path().join("log"));
    let tok = token(&server, id, secret);
    let import_url = server.url("/v1/integration-import");
    let created = post_json(&import_url, Some(&tok), &job("BATCH-001", 8));
    assert_eq!(created.status, 201, "{:?}", created.body);
    let b = &created.body;
    assert_eq!(b["external_job_id"], "BATCH-001");
    assert_eq!(b["status"], "assigned");
    assert!(b["optimization"]["total_distance_km"].as_f64().unwrap() > 0.0);
    assert!(
        b["optimization"]["total_duration_minutes"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let seqs: Vec<u64> = b["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        (1..=8).collect::<Vec<_>>(),
        "stops in optimized order"
    );

    let job_id = b["job_id"].as_str().unwrap();
    let status = get(
        &server.url(&format!("/v1/integration-jobs?job_id={job_id}")),
        Some(&tok),
    );
    assert_eq!(status.status, 200);
    assert_eq!(status.body["stop_count"], 8);
    assert_eq!(status.body["status_counts"], json!({"pending": 8}));
    let by_ext = get(
        &server.url("/v1/integration-jobs?external_job_id=BATCH-001"),
        Some(&tok),
    );
    assert_eq!(by_ext.body["job_id"], job_id);

    // Retry after a timeout: same job, same answer, 200.
    let again = post_json(&import_url, Some(&tok), &job("BATCH-001", 8));
    assert_eq!(again.status, 200);
    assert_eq!(again.body, created.body);

    // Changed payload: updated in place, statuses kept, warned.
    let done = post_json(
        &server.url(&format!("/v1/integration-jobs/{job_id}/stops/S0/status")),
        Some(&tok),
        &json!({"status": "completed"}),
    );
    assert_eq!(done.status, 200);
    let mut changed = job("BATCH-001", 9);
    changed["title"] = json!("Morning Deliveries (amended)");
    let updated = post_json(&import_url, Some(&tok), &changed);
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["job_id"], job_id);
    assert_eq!(updated.body["stop_count"], 9);
    assert_eq!(updated.body["status"], "in_progress");
    let s0 = updated.body["stops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["external_stop_id"] == "S0")
        .unwrap();
    assert_eq!(s0["status"], "completed");
    let codes: Vec<&str> = updated.body["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"JOB_UPDATED") && codes.contains(&"STOP_ADDED"),
        "{codes:?}"
    );
    assert!(server.terminate(), "SIGTERM shuts down cleanly");

    // The CLI sees what the server stored.
    let jobs = cli_json(&data, &["jobs"]);
    assert_eq!(jobs.as_array().unwrap().len(), 1);
    let one = cli_json(&data, &["jobs", "--external-job-id", "BATCH-001"]);
    assert_eq!(one["title"], "Morning Deliveries (amended)");
}

#[test]
fn sixteen_concurrent_identical_imports_make_one_job() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cred = cli_json(&data, &["credentials", "create", "--name", "x"]);
    let server = Server::start(&data, &[], &dir.path().join("log"));
    let tok = token(
        &server,
        cred["client_id"].as_str().unwrap(),
        cred["client_secret"].as_str().unwrap(),
    );
    let url = server.url("/v1/integration-import");
    let replies: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..16)
            .map(|_| s.spawn(|| post_json(&url, Some(&tok), &job("SAME", 20))))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(replies.iter().filter(|r| r.status == 201).count(), 1);
    assert_eq!(replies.iter().filter(|r| r.status == 200).count(), 15);
    let ids: std::collections::HashSet<_> = replies
        .iter()
        .map(|r| r.body["job_id"].to_string())
        .collect();
    assert_eq!(ids.len(), 1);
    let list = get(&server.url("/v1/integration-jobs"), Some(&tok));
    assert_eq!(list.body["jobs"].as_array().unwrap().len(), 1);
}

#[test]
fn revoked_credential_stops_its_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cred = cli_json(&data, &["credentials", "create", "--name", "x"]);
    let id = cred["client_id"].as_str().unwrap();
    let listed = cli_json(&data, &["credentials", "list"]);
    assert_eq!(listed[0]["client_id"], id);
    assert!(listed[0].get("client_secret").is_none() && !listed.to_string().contains("rm_cs_"));
    let server = Server::start(&data, &[], &dir.path().join("log"));
    let tok = token(&server, id, cred["client_secret"].as_str().unwrap());
    assert_eq!(
        get(&server.url("/v1/integration-jobs"), Some(&tok)).status,
        200
    );
    server.kill9();
    cli_json(&data, &["credentials", "revoke", id]);
    let server = Server::start(&data, &[], &dir.path().join("log2"));
    let r = get(&server.url("/v1/integration-jobs"), Some(&tok));
    assert_eq!(r.status, 401);
}
