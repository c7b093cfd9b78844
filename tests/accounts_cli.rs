//! `routemate accounts list|disable|enable` while `routemate serve` holds a sled store (through
//! its admin socket, as `credentials` does): a disabled account's token is refused at its next
//! request with the problem saying so, another account carries on, enabling lets it in again;
//! with the server gone the command opens the store itself and sees the same state.

use routemate_blackbox::{cli, cli_json, get, job, post_json, token, Server};

#[test]
fn accounts_are_disabled_and_enabled_while_the_server_runs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[], &dir.path().join("log"));
    let create = |account: &str| {
        cli_json(
            &data,
            &[
                "--account",
                account,
                "credentials",
                "create",
                "--name",
                "erp",
            ],
        )
    };
    let acme = create("acme");
    let globex = create("globex");
    let secret = |c: &serde_json::Value| {
        (
            c["client_id"].as_str().unwrap().to_string(),
            c["client_secret"].as_str().unwrap().to_string(),
        )
    };
    let (acme_id, acme_secret) = secret(&acme);
    let (globex_id, globex_secret) = secret(&globex);
    let tok = token(&server, &acme_id, &acme_secret);
    let other = token(&server, &globex_id, &globex_secret);
    let imports = &server.url("/v1/integration-import");
    assert_eq!(post_json(imports, Some(&tok), &job("A-1", 3)).status, 201);

    let listed = cli_json(&data, &["accounts", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(listed[0]["account"], "acme");
    assert_eq!(listed[0]["jobs"], 1);
    assert_eq!(listed[0]["credentials_active"], 1);
    assert_eq!(listed[0]["disabled"], false);

    let disabled = cli_json(
        &data,
        &["accounts", "disable", "acme", "--reason", "contract ended"],
    );
    assert_eq!(disabled["disabled"], true, "{disabled}");
    let refused = get(&server.url("/v1/integration-jobs"), Some(&tok));
    assert_eq!(refused.status, 401, "{:?}", refused.body);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("account is disabled"),
        "{:?}",
        refused.body
    );
    let no_token = post_json(
        &server.url("/v1/integration-token"),
        None,
        &serde_json::json!({"client_id": acme_id, "client_secret": acme_secret}),
    );
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.body["error"], "invalid_client");
    assert_eq!(
        get(&server.url("/v1/integration-jobs"), Some(&other)).status,
        200,
        "another account carries on"
    );
    let listed = cli_json(&data, &["accounts", "list"]);
    assert_eq!(listed[0]["disabled_reason"], "contract ended");

    // A typo is an error naming the account, and disables nobody.
    let out = cli(&data, &["accounts", "disable", "acmee"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("acmee"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let enabled = cli_json(&data, &["accounts", "enable", "acme"]);
    assert_eq!(enabled["disabled"], false);
    assert_eq!(
        get(&server.url("/v1/integration-jobs"), Some(&tok)).status,
        200,
        "the same token works again"
    );

    // Disabled again, then with the server gone: the store itself says so.
    cli_json(&data, &["accounts", "disable", "acme"]);
    assert!(server.terminate());
    assert!(!data.join("admin.sock").exists());
    let after = cli_json(&data, &["accounts", "list"]);
    assert_eq!(after[0]["disabled"], true, "{after}");
    assert_eq!(after[1]["disabled"], false);
    let enabled = cli_json(&data, &["accounts", "enable", "acme"]);
    assert_eq!(enabled["disabled"], false);
}
