//! Accounts (`routemate accounts list|disable|enable`): a disabled account's tokens are refused
//! and it gets no new token, other accounts carry on, nothing is deleted, enabling it lets the
//! same tokens work again; the list counts each account's credentials, jobs and webhook
//! subscriptions. Under `ROUTEMATE_TEST_DATABASE_URL` also: a second process sees the change at
//! its next request.

use chrono::{TimeZone, Utc};
use routemate_engine::store::testing;
use routemate_engine::webhooks::{EventType, NewSubscription};
use routemate_engine::{Api, AuthError, EngineConfig, ManualClock};
use serde_json::{json, Value};
use std::sync::Arc;

fn open(dir: &std::path::Path) -> Api {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
    ));
    Api::open(EngineConfig {
        data_dir: dir.into(),
        clock,
        geocoder: None,
    })
    .unwrap()
}

fn job(ext: &str) -> Value {
    json!({"external_job_id": ext, "driver_email": "d@example.com",
           "stops": [{"external_stop_id": "S1", "lat": -27.45, "lng": 153.0}]})
}

/// A token of a new credential of `account`.
fn token(api: &Api, account: &str) -> String {
    let c = api.create_credential(account, "test").unwrap();
    api.issue_token(&c.client_id, &c.client_secret, None)
        .unwrap()
        .access_token
}

#[test]
fn a_disabled_account_is_refused_until_enabled_and_others_carry_on() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let acme = api.create_credential("acme", "erp").unwrap();
    let tok = api
        .issue_token(&acme.client_id, &acme.client_secret, None)
        .unwrap()
        .access_token;
    let other = token(&api, "globex");
    api.import_value("acme", &job("J1")).unwrap();

    let info = api.disable_account("acme", Some("unpaid invoice")).unwrap();
    assert!(info.disabled);
    assert_eq!(info.disabled_reason.as_deref(), Some("unpaid invoice"));
    assert_eq!(
        api.authenticate(&tok),
        Err(AuthError::AccountDisabled),
        "the account's token is refused"
    );
    let err = api
        .issue_token(&acme.client_id, &acme.client_secret, None)
        .unwrap_err();
    assert_eq!(err.code(), "account_disabled", "and it gets no new token");
    let wrong = api
        .issue_token(&acme.client_id, "rm_cs_wrong", None)
        .unwrap_err();
    assert_eq!(
        wrong.code(),
        "invalid_client",
        "a wrong secret does not learn the account is disabled"
    );
    assert_eq!(api.authenticate(&other).unwrap(), "globex");

    // Nothing was deleted: the job and the credential are still there.
    assert_eq!(
        api.list_jobs("acme", &Default::default())
            .unwrap()
            .jobs
            .len(),
        1
    );
    assert!(api.list_credentials(Some("acme")).unwrap()[0]
        .revoked_at
        .is_none());

    let info = api.enable_account("acme").unwrap();
    assert!(!info.disabled && info.disabled_at.is_none() && info.disabled_reason.is_none());
    assert_eq!(
        api.authenticate(&tok).unwrap(),
        "acme",
        "the same token works again"
    );
    assert!(api
        .issue_token(&acme.client_id, &acme.client_secret, None)
        .is_ok());
}

#[test]
fn the_list_counts_each_accounts_credentials_jobs_and_subscriptions() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let a1 = api.create_credential("acme", "one").unwrap();
    api.create_credential("acme", "two").unwrap();
    api.revoke_credential(None, &a1.client_id).unwrap();
    for i in 0..3 {
        api.import_value("acme", &job(&format!("J{i}"))).unwrap();
    }
    // An account with jobs only, and one with a webhook subscription only.
    api.import_value("jobs-only", &job("K1")).unwrap();
    api.webhook_create(
        "hooks-only",
        &NewSubscription {
            url: "https://erp.example.com/hook".into(),
            events: Some(vec![EventType::JobCompleted]),
            description: None,
        },
        false,
    )
    .unwrap();
    api.disable_account("jobs-only", None).unwrap();

    let list = api.list_accounts().unwrap();
    let names: Vec<&str> = list.iter().map(|a| a.account.as_str()).collect();
    assert_eq!(names, ["acme", "hooks-only", "jobs-only"]);
    let acme = &list[0];
    assert_eq!(
        (acme.credentials_active, acme.credentials_revoked, acme.jobs),
        (1, 1, 3)
    );
    assert_eq!(acme.webhook_subscriptions, 0);
    assert!(!acme.disabled);
    assert_eq!(list[1].webhook_subscriptions, 1);
    assert_eq!((list[1].jobs, list[1].credentials_active), (0, 0));
    assert_eq!(list[2].jobs, 1);
    assert!(list[2].disabled && list[2].disabled_at.is_some());
    assert_eq!(list[2].disabled_reason, None);

    // What disable answers is the account's line of the list.
    let line = api.disable_account("acme", Some("audit")).unwrap();
    assert_eq!(
        (line.credentials_active, line.credentials_revoked, line.jobs),
        (1, 1, 3)
    );
    assert_eq!(api.list_accounts().unwrap()[0], line);
}

#[test]
fn an_unknown_account_or_a_bad_reason_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    api.create_credential("acme", "erp").unwrap();
    let err = api.disable_account("acmee", None).unwrap_err();
    assert_eq!(err.code(), "not_found", "a typo disables nobody");
    assert_eq!(
        api.enable_account("nobody").unwrap_err().code(),
        "not_found"
    );
    let err = api
        .disable_account("acme", Some(&"x".repeat(501)))
        .unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    let err = api.disable_account("acme", Some("two\nlines")).unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    let list = api.list_accounts().unwrap();
    assert_eq!(list.len(), 1);
    assert!(!list[0].disabled);
}

#[test]
fn a_new_credential_of_a_disabled_account_gets_no_token_either() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    api.create_credential("acme", "old").unwrap();
    api.disable_account("acme", None).unwrap();
    // Creating a credential does not quietly enable the account.
    let c = api.create_credential("acme", "new").unwrap();
    let err = api
        .issue_token(&c.client_id, &c.client_secret, None)
        .unwrap_err();
    assert_eq!(err.code(), "account_disabled");
    assert!(api.list_accounts().unwrap()[0].disabled);
}

#[test]
fn a_second_process_refuses_the_accounts_tokens_within_seconds() {
    if !testing::on_postgres() {
        eprintln!("skipped on sled: several processes share only a PostgreSQL store");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The same data dir names the same test schema: a second pool, as a second process has.
    let a = Api::open(EngineConfig::new(dir.path())).unwrap();
    let b = Api::open(EngineConfig::new(dir.path())).unwrap();
    let tok = token(&a, "acme");
    assert_eq!(b.authenticate(&tok).unwrap(), "acme");
    a.disable_account("acme", Some("moved")).unwrap();
    assert_eq!(a.authenticate(&tok), Err(AuthError::AccountDisabled));
    // The other process trusts a token it resolved for a moment: refused within that time.
    let until = std::time::Instant::now()
        + routemate_engine::auth::TOKEN_CACHE_FRESH
        + std::time::Duration::from_secs(1);
    while b.authenticate(&tok).is_ok() {
        assert!(std::time::Instant::now() < until, "refused within seconds");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(b.authenticate(&tok), Err(AuthError::AccountDisabled));
    assert!(b.list_accounts().unwrap()[0].disabled);
    b.enable_account("acme").unwrap();
    assert_eq!(a.authenticate(&tok).unwrap(), "acme");
}
