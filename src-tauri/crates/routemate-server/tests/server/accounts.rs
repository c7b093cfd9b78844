//! Accounts disabled and enabled through a running server's admin socket (what `routemate
//! accounts …` does while `serve` holds a sled store; the suite also runs on PostgreSQL): the
//! account's tokens get the bearer 401 `invalid-token` problem saying the account is disabled,
//! the token endpoint answers `invalid_client` saying so, another account carries on, and
//! enabling it lets the same token in again.

use crate::support::{job, start};
use routemate_server::cli::accounts::AccountsCmd;
use routemate_server::cli::admin::connect;
use routemate_server::RouterOptions;
use serde_json::{json, Value};
use std::path::Path;

/// One `routemate accounts …` call through the admin client of the data dir `dir`, as the
/// command makes it (the client runs a runtime of its own: off this one).
async fn admin(dir: &Path, cmd: AccountsCmd) -> anyhow::Result<Value> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        connect(&dir)?
            .expect("the admin socket answers")
            .accounts(&cmd)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_disabled_through_the_admin_socket_is_refused_until_enabled() {
    let s = start(RouterOptions::default()).await;
    let dir = s.api.store().data_dir().to_path_buf();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = routemate_server::http::admin::serve_unix(s.api.clone(), dir.clone(), async {
        let _ = stopped.await;
    })
    .await
    .unwrap();
    let served = tokio::spawn(serving);

    let c = s.api.create_credential("acme", "erp").unwrap();
    let token_req = json!({"client_id": c.client_id, "client_secret": c.client_secret});
    let issued: Value = s
        .http
        .post(s.url("/v1/integration-token"))
        .json(&token_req)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tok = issued["access_token"].as_str().unwrap().to_string();
    let other = s.token("globex").await;
    assert_eq!(s.import(&tok, &job("A-1")).await.status(), 201);

    let info = admin(
        &dir,
        AccountsCmd::Disable {
            account: "acme".into(),
            reason: Some("contract ended".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(info["disabled"], true, "{info}");
    assert_eq!(info["disabled_reason"], "contract ended");
    assert_eq!(info["jobs"], 1);

    // The very next request is refused, with the bearer problem saying why.
    let r = s.import(&tok, &job("A-2")).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        "Bearer realm=\"routemate\", error=\"invalid_token\""
    );
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["type"], "https://routemate.app/problems/invalid-token");
    assert_eq!(p["status"], 401);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("account is disabled"),
        "{p}"
    );
    assert!(
        !p.to_string().contains("contract ended"),
        "the operator's reason stays with the operator"
    );
    // No new token either (RFC 6749 body, as every token error).
    let r = s
        .http
        .post(s.url("/v1/integration-token"))
        .json(&token_req)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Basic realm=\"routemate\"");
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "invalid_client");
    assert!(
        e["error_description"]
            .as_str()
            .unwrap()
            .contains("account is disabled"),
        "{e}"
    );
    // Another account carries on.
    assert_eq!(s.import(&other, &job("G-1")).await.status(), 201);

    let list = admin(&dir, AccountsCmd::List).await.unwrap();
    let rows: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["account"].as_str().unwrap(), a["disabled"] == true))
        .collect();
    assert_eq!(rows, [("acme", true), ("globex", false)], "{list}");

    let info = admin(
        &dir,
        AccountsCmd::Enable {
            account: "acme".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(info["disabled"], false);
    assert_eq!(
        s.import(&tok, &job("A-2")).await.status(),
        201,
        "the same token works again"
    );

    // A name the store holds nothing of: the server's 404 comes back as the command's error.
    let err = admin(
        &dir,
        AccountsCmd::Disable {
            account: "acme-typo".into(),
            reason: None,
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("404"), "{err:#}");

    let _ = stop.send(());
    served.await.unwrap();
    assert!(!dir.join("admin.sock").exists());
}
