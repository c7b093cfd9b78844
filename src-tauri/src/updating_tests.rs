//! The updater against a real HTTP server on loopback, through tauri-plugin-updater on the mock
//! runtime: check (up to date, available, offline, a broken server, a bad key), then download +
//! signature check + install of a signed package (a copy built from source saves it), and a
//! tampered package refused. The signature was made once with a throwaway key whose private half
//! was never kept; the E2E (`tests/e2e/steps_updater.py`) makes its own key per run.

use super::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use tauri::test::{mock_builder, MockRuntime};

/// The throwaway key's public half (`tauri signer generate`).
const TEST_PUBKEY: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6IDk2REY4RjM5OEYzNzlDREEKUldUYW5EZVBPWS9mbHNUYUVWUHdMbWkwNGZSdkwzZ00zRGd3Z1dMK0Z2eVBCQmVzMHVSNXhBaW8K";
/// The package that key signed ...
const PACKAGE: &[u8] = b"not RouteMate";
/// ... and its `.sig` (`tauri signer sign --app-version 0.2.0`).
const SIGNATURE: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZSBmcm9tIHRhdXJpIHNlY3JldCBrZXkKUlVUYW5EZVBPWS9mbG1QSENCYjI1UTNIOFN1MkFhMGNsZUlkRWRxOEE4MFA0OENRNTA2VW9UZGIzRitTVlFKckhwWHhUREp0STNIOTB4SGloUm5IUys5UHdRdmtHNUZyT3dnPQp0cnVzdGVkIGNvbW1lbnQ6IHRpbWVzdGFtcDoxNzk2MDQ5OTYzCWZpbGU6Zm9yZWlnbi5iaW4JdmVyc2lvbjowLjIuMApHRFhhZ205UmVqYVVweldjUHdMOE4wUk1mK2lienNGUHBJdzBWeUcveFZDZXdvOW5xa0haa0lBRGZKbTBBSnROZE1JMCt1dW5HQ2xBOXAzbU1oSytBUT09Cg==";

/// One canned answer per path; the server keeps answering until the test ends.
type Routes = Arc<Mutex<Vec<(String, u16, Vec<u8>)>>>;

fn serve(routes: Routes) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = first.split(' ').nth(1).unwrap_or("").to_string();
            let found = routes
                .lock()
                .unwrap()
                .iter()
                .find(|(p, _, _)| path.starts_with(p.as_str()))
                .map(|(_, s, b)| (*s, b.clone()));
            let (status, body) = found.unwrap_or((404, b"not found".to_vec()));
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

fn manifest(port: u16, version: &str, file: &str, signature: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "version": version, "notes": "Faster planning", "pub_date": "2026-12-01T00:00:00Z",
        "url": format!("http://127.0.0.1:{port}/files/{file}"), "signature": signature,
    }))
    .unwrap()
}

fn app() -> tauri::App<MockRuntime> {
    mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime")
}

fn updating(endpoint: String, key: &str, dir: &Path) -> Updating {
    Updating::new(Some(endpoint), Some(key.into()), dir.to_path_buf())
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    tauri::async_runtime::block_on(f)
}

#[test]
fn check_says_up_to_date_available_offline_or_what_the_server_did() {
    let app = app();
    let h = app.handle();
    let dir = tempfile::tempdir().unwrap();
    let routes: Routes = Arc::default();
    let port = serve(routes.clone());
    routes.lock().unwrap().extend([
        ("/current".into(), 204, vec![]),
        (
            "/newer".into(),
            200,
            manifest(port, "0.2.0", "a.deb", SIGNATURE),
        ),
        ("/broken".into(), 200, b"<html>maintenance</html>".to_vec()),
    ]);
    let at = |path: &str| {
        updating(
            format!("http://127.0.0.1:{port}{path}"),
            TEST_PUBKEY,
            dir.path(),
        )
    };

    let current = h.package_info().version.to_string();
    assert_eq!(
        block(check(h, &at("/current/{{current_version}}"))),
        UpdateStatus::UpToDate {
            current: current.clone()
        }
    );
    assert_eq!(
        block(check(h, &at("/newer"))),
        UpdateStatus::Available {
            current,
            version: "0.2.0".into(),
            notes: Some("Faster planning".into())
        }
    );
    // Reached, but a 404 or a page that is not a release: not "offline".
    for path in ["/missing", "/broken"] {
        match block(check(h, &at(path))) {
            UpdateStatus::Failed { message } => {
                assert!(message.contains("release description"), "{path}: {message}")
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    // Nothing listening: offline, naming the host.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    match block(check(h, &at_port(closed_port, dir.path()))) {
        UpdateStatus::Offline { message } => assert!(message.contains("127.0.0.1"), "{message}"),
        other => panic!("{other:?}"),
    }
}

fn at_port(port: u16, dir: &Path) -> Updating {
    updating(format!("http://127.0.0.1:{port}/u"), TEST_PUBKEY, dir)
}

#[test]
fn a_bad_endpoint_or_key_is_a_misconfiguration_not_offline() {
    let app = app();
    let h = app.handle();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            Some("http://updates.example.com/u"),
            None,
            "ROUTEMATE_UPDATE_ENDPOINT: plain http",
        ),
        (
            Some("not a url"),
            None,
            "ROUTEMATE_UPDATE_ENDPOINT: not a URL",
        ),
        (
            None,
            Some("c2VjcmV0"),
            "ROUTEMATE_UPDATE_PUBKEY: not a minisign public key",
        ),
        (None, Some("%%%"), "ROUTEMATE_UPDATE_PUBKEY: not base64"),
    ];
    for (endpoint, key, said) in cases {
        let u = Updating::new(
            endpoint.map(Into::into),
            key.map(Into::into),
            dir.path().into(),
        );
        match block(check(h, &u)) {
            UpdateStatus::Misconfigured { message } => {
                assert!(message.starts_with(said), "{message}")
            }
            other => panic!("{endpoint:?} {key:?}: {other:?}"),
        }
    }
    // The shipped config's key and endpoint are well-formed (the endpoint is https).
    assert!(check_pubkey(&configured_pubkey(h)).is_ok());
}

#[test]
fn a_signed_update_is_downloaded_verified_and_kept_a_tampered_one_refused() {
    let app = app();
    let h = app.handle();
    let dir = tempfile::tempdir().unwrap();
    let routes: Routes = Arc::default();
    let port = serve(routes.clone());
    let mut tampered = PACKAGE.to_vec();
    tampered[0] ^= 1;
    routes.lock().unwrap().extend([
        (
            "/good".into(),
            200,
            manifest(port, "0.2.0", "RouteMate_0.2.0_amd64.deb", SIGNATURE),
        ),
        (
            "/tampered".into(),
            200,
            manifest(port, "0.2.0", "evil.deb", SIGNATURE),
        ),
        // An older, validly signed package announced as a newer version.
        (
            "/relabelled".into(),
            200,
            manifest(port, "0.3.0", "RouteMate_0.2.0_amd64.deb", SIGNATURE),
        ),
        (
            "/files/RouteMate_0.2.0_amd64.deb".into(),
            200,
            PACKAGE.to_vec(),
        ),
        ("/files/evil.deb".into(), 200, tampered),
    ]);
    let saves = dir.path().join("updates");
    let at = |path: &str| {
        updating(
            format!("http://127.0.0.1:{port}{path}"),
            TEST_PUBKEY,
            &saves,
        )
    };

    // Good: downloaded, verified, and (this test binary is no packaged install) saved whole.
    let outcome = block(install(h, &at("/good"), "0.2.0")).unwrap();
    let saved = saves.join("RouteMate_0.2.0_amd64.deb");
    assert_eq!(
        outcome,
        InstallOutcome::Saved {
            version: "0.2.0".into(),
            path: saved.display().to_string()
        }
    );
    assert_eq!(std::fs::read(&saved).unwrap(), PACKAGE);

    // Tampered: refused with the reason, nothing saved.
    let err = block(install(h, &at("/tampered"), "0.2.0")).unwrap_err();
    assert_eq!(err.code(), "update_refused");
    assert!(err.to_string().contains("does not match the file"), "{err}");
    assert!(err.to_string().contains("Nothing was installed"), "{err}");
    assert!(!saves.join("evil.deb").exists());

    // Signed for 0.2.0 but announced as 0.3.0: refused too.
    let err = block(install(h, &at("/relabelled"), "0.3.0")).unwrap_err();
    assert_eq!(err.code(), "update_refused", "{err}");

    // Signed by another key (the shipped key is not the test key): refused.
    let other = Updating::new(
        Some(format!("http://127.0.0.1:{port}/good")),
        Some(configured_pubkey(h)),
        saves.clone(),
    );
    let err = block(install(h, &other, "0.2.0")).unwrap_err();
    assert!(
        err.to_string().contains("not RouteMate's update key"),
        "{err}"
    );

    // The version shown is no longer the one offered: said, nothing downloaded.
    let err = block(install(h, &at("/good"), "0.9.0")).unwrap_err();
    assert!(
        err.to_string().contains("now offers version 0.2.0"),
        "{err}"
    );
    // And the busy flag was released after every outcome.
    assert!(block(install(h, &at("/good"), "0.2.0")).is_ok());
}

#[test]
fn endpoints_are_https_or_loopback_http() {
    assert!(parse_endpoint("https://updates.routemate.app/desktop/{{target}}").is_ok());
    assert!(parse_endpoint("http://127.0.0.1:9/u").is_ok());
    assert!(parse_endpoint("http://localhost:9/u").is_ok());
    assert!(parse_endpoint("http://[::1]:9/u").is_ok());
    assert!(parse_endpoint("http://10.0.0.2/u").is_err());
    assert!(parse_endpoint("ftp://127.0.0.1/u").is_err());
}

#[test]
fn a_saved_package_keeps_a_safe_file_name() {
    let url = |s: &str| Url::parse(s).unwrap();
    assert_eq!(
        file_name(&url("https://x/files/RouteMate_0.2.0_amd64.deb"), "0.2.0"),
        "RouteMate_0.2.0_amd64.deb"
    );
    assert_eq!(
        file_name(&url("https://x/files/..%2F..%2Fetc"), "1"),
        "..2F..2Fetc"
    );
    assert_eq!(
        file_name(&url("https://x/"), "0.2.0"),
        "RouteMate_0.2.0_update"
    );
    assert_eq!(
        file_name(&url("https://x/.."), "0.2.0"),
        "RouteMate_0.2.0_update"
    );
}
