//! A6: with `RUST_LOG=trace`, no issued secret or token appears in logs or in the store's files.

use routemate_blackbox::{bin, job, post_json, token, Server};
use serde_json::json;
use std::path::Path;
use std::process::Command;

fn all_bytes(dir: &Path, out: &mut Vec<u8>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            all_bytes(&p, out);
        } else {
            out.extend(std::fs::read(&p).unwrap());
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn secrets_and_tokens_never_reach_logs_or_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = Command::new(bin())
        .args([
            "--data",
            data.to_str().unwrap(),
            "credentials",
            "create",
            "--name",
            "x",
        ])
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    assert!(out.status.success());
    let cred: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (id, secret) = (
        cred["client_id"].as_str().unwrap(),
        cred["client_secret"].as_str().unwrap(),
    );
    let mut logs = out.stderr.clone();

    let log = dir.path().join("serve.log");
    let server = Server::start(&data, &[("RUST_LOG", "trace")], &log);
    let tok = token(&server, id, secret);
    // Basic and form paths too, plus failures that carry a secret.
    let basic = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    };
    let r = ureq::post(&server.url("/v1/integration-token"))
        .set("Authorization", &format!("Basic {basic}"))
        .set("Content-Type", "application/x-www-form-urlencoded")
        .send_string("grant_type=client_credentials")
        .unwrap();
    let tok2 = r.into_json::<serde_json::Value>().unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let _ = post_json(
        &server.url("/v1/integration-token"),
        None,
        &json!({"client_id": id, "client_secret": format!("{secret}x")}),
    );
    assert_eq!(
        post_json(
            &server.url("/v1/integration-import"),
            Some(&tok),
            &job("J", 3)
        )
        .status,
        201
    );
    assert_eq!(
        post_json(
            &server.url("/v1/integration-import"),
            Some(&tok2),
            &job("J", 3)
        )
        .status,
        200
    );
    assert!(server.terminate());
    logs.extend(std::fs::read(&log).unwrap());
    assert!(contains(&logs, "token issued"), "trace logging was on");

    let mut store = Vec::new();
    all_bytes(&data, &mut store);
    for (what, value) in [
        ("secret", secret),
        ("token", tok.as_str()),
        ("token", tok2.as_str()),
    ] {
        // The random part alone, so no encoding or prefix stripping hides it.
        let core = &value[6..];
        assert!(!contains(&logs, core), "{what} found in logs");
        assert!(!contains(&store, core), "{what} found in the store files");
    }
}
