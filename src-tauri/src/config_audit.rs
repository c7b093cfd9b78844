//! Audit of the shipped configuration (reliability T1): a strict CSP, the asset protocol off,
//! a capability that grants the main window our commands and nothing broad, an updater with a
//! real minisign public key and https endpoints only, and no private key anywhere in the tree.

use base64::Engine as _;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir().join(path)).unwrap()).unwrap()
}

#[test]
fn csp_is_strict() {
    let conf = json("tauri.conf.json");
    let sec = &conf["app"]["security"];
    let csp = sec["csp"]
        .as_object()
        .expect("the CSP is set, as directives");
    let directive = |k: &str| {
        csp.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("CSP lacks {k}"))
    };
    assert_eq!(directive("default-src"), "'self'");
    assert_eq!(
        directive("script-src"),
        "'self'",
        "scripts only from the bundle"
    );
    assert_eq!(directive("object-src"), "'none'");
    for (k, v) in csp {
        let v = v.as_str().unwrap();
        assert!(!v.contains("unsafe-eval"), "{k} allows eval");
        assert!(!v.contains('*'), "{k} has a wildcard");
        assert!(
            !v.contains("http://")
                || v.contains("http://ipc.localhost")
                || v.contains("http://tiles.localhost"),
            "{k} reaches a plain-http origin: {v}"
        );
    }
    // Tiles come through our own protocol, so no tile host needs to be allowed.
    assert!(directive("img-src").contains("tiles:"));
    assert_eq!(
        sec["assetProtocol"]["enable"], false,
        "the asset protocol stays off"
    );
    assert_eq!(sec["freezePrototype"], true);
    assert_eq!(
        conf["app"]["withGlobalTauri"], false,
        "no window.__TAURI__ for injected scripts"
    );
    assert!(sec.get("dangerousDisableAssetCspModification").is_none());
}

/// The only core and plugin permissions the window has, each one call: events and showing
/// notifications.
const NAMED_PLUGIN_PERMISSIONS: &[&str] = &[
    "core:event:allow-listen",
    "core:event:allow-unlisten",
    "notification:allow-is-permission-granted",
    "notification:allow-request-permission",
    "notification:allow-notify",
];

#[test]
fn capability_is_narrow() {
    let cap = json("capabilities/default.json");
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(
        cap.get("remote").is_none(),
        "no remote URL may call commands"
    );
    for p in cap["permissions"].as_array().unwrap() {
        let p = p.as_str().expect("plain permission names");
        assert!(
            p.starts_with("allow-") || NAMED_PLUGIN_PERMISSIONS.contains(&p),
            "unexpected permission {p}"
        );
        assert!(!p.ends_with(":default"), "broad default set {p}");
    }
}

#[test]
fn updater_has_a_public_key_and_https_endpoints() {
    let conf = json("tauri.conf.json");
    let up = &conf["plugins"]["updater"];
    let key = base64::engine::general_purpose::STANDARD
        .decode(up["pubkey"].as_str().expect("updater pubkey"))
        .expect("the pubkey is base64");
    let key = String::from_utf8(key).unwrap();
    assert!(
        key.starts_with("untrusted comment: minisign public key"),
        "not a minisign public key: {key}"
    );
    let endpoints = up["endpoints"].as_array().unwrap();
    assert!(!endpoints.is_empty());
    for e in endpoints {
        assert!(
            e.as_str().unwrap().starts_with("https://"),
            "updates only over https: {e}"
        );
    }
    assert_eq!(conf["bundle"]["createUpdaterArtifacts"], true);
    assert_eq!(
        up["requireSignedVersion"], true,
        "a signature must name the version the manifest announces"
    );
}

#[test]
fn no_private_key_is_shipped() {
    let root = dir().join("..");
    let mut found = Vec::new();
    for sub in [
        "src-tauri",
        "ui/src",
        "ui/test",
        "assets",
        "icons",
        "tests/e2e",
    ] {
        scan(&root.join(sub), &mut found);
    }
    assert!(found.is_empty(), "private keys in the tree: {found:?}");
}

fn scan(path: &Path, found: &mut Vec<PathBuf>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_dir() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if matches!(name, "target" | "node_modules" | "gen" | "crates") {
            return;
        }
        for e in std::fs::read_dir(path).unwrap().flatten() {
            scan(&e.path(), found);
        }
    } else if meta.len() < 2_000_000 {
        let bytes = std::fs::read(path).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        // What `tauri signer generate` writes into a private key (it is base64 of this text too).
        let markers = [
            "secret key",
            "dW50cnVzdGVkIGNvbW1lbnQ6IHJzaWduIGVuY3J5cHRlZCBzZWNyZXQga2V5",
        ];
        if markers.iter().any(|m| text.contains(m)) && !path.ends_with("config_audit.rs") {
            found.push(path.to_path_buf());
        }
    }
}
