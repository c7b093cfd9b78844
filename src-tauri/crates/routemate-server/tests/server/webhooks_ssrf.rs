//! A server on a public address (`loopback_only` off, the default options) refuses webhook URLs
//! whose host name resolves only to loopback or private addresses, and says nothing about a name
//! that does not resolve (yet).

use crate::support::start;
use routemate_server::RouterOptions;
use serde_json::{json, Value};
use std::net::ToSocketAddrs;

async fn subscribe(s: &crate::support::Server, token: &str, url: &str) -> (u16, Value) {
    let r = s
        .http
        .post(s.url("/v1/integration-webhooks"))
        .bearer_auth(token)
        .json(&json!({"url": url}))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn a_public_server_refuses_names_resolving_to_internal_addresses() {
    let s = start(RouterOptions::default()).await;
    let token = s.token("acct_ssrf").await;

    // This machine's own name: on a laptop, a container or a cloud VM it resolves to a loopback
    // or private address (here through /etc/hosts or the system's resolver; no internet).
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .unwrap()
        .trim()
        .to_string();
    let addrs: Vec<_> = (host.as_str(), 443)
        .to_socket_addrs()
        .map(|a| a.map(|a| a.ip()).collect())
        .unwrap_or_default();
    let all_internal = !addrs.is_empty()
        && addrs
            .iter()
            .all(|ip| routemate_engine::webhooks::internal_kind(*ip).is_some());
    let (status, body) = subscribe(&s, &token, &format!("https://{host}/hook")).await;
    if all_internal {
        assert_eq!(status, 422, "{body}");
        let e = &body["errors"][0];
        assert_eq!(
            (e["field"].as_str(), e["code"].as_str()),
            (Some("url"), Some("private_address")),
            "{body}"
        );
        let detail = e["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(&format!("{host} resolves to ")),
            "{detail}"
        );
        assert!(
            detail.ends_with("address; refused on a public server"),
            "{detail}"
        );
    } else {
        // A host whose name resolves to a public address (or not at all) is accepted.
        assert_eq!(status, 201, "{body}");
    }

    // A name that does not resolve is no error at creation (DNS may not be set up yet).
    let (status, body) = subscribe(&s, &token, "https://hooks.routemate-test.invalid/hook").await;
    assert_eq!(status, 201, "{body}");
    // The literal forms stay refused as before, the metadata service's included.
    let (status, _) = subscribe(&s, &token, "https://169.254.169.254/latest").await;
    assert_eq!(status, 422);
    let (status, _) = subscribe(&s, &token, "https://[::ffff:10.0.0.5]/").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_loopback_server_accepts_a_local_name() {
    let s = start(RouterOptions {
        loopback_only: true,
        ..Default::default()
    })
    .await;
    let token = s.token("acct_ssrf").await;
    let (status, body) = subscribe(&s, &token, "http://localhost:9000/hook").await;
    assert_eq!(status, 201, "{body}");
}
