//! Smoke test of the shell on Tauri's mock runtime, with the real config and capabilities:
//! the app starts on a temp data dir, commands answer through IPC (ACL included), errors arrive
//! as `{code, message}`, and the local API comes up on loopback.

use crate::state::{Desktop, LocalApi};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

fn call(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        w,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn shell_starts_and_answers_commands_on_the_mock_runtime() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("ROUTEMATE_DATA", dir.path());
    std::env::set_var("ROUTEMATE_LISTEN", "127.0.0.1:0");
    let mut app = crate::build(mock_builder())
        .invoke_handler(crate::command_handler!())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime");
    // One event-loop turn runs the setup hook (paths, engine, local API) as a real start does.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    // The config's "main" window, created at setup.
    let w = app
        .get_webview_window("main")
        .expect("the main window exists");
    assert_eq!(app.state::<Desktop>().paths.data_dir, dir.path());

    // First run: no jobs; the sample imports with its 12 placed stops and 1 unplaced.
    let page = call(&w, "list_jobs", json!({"args": {}})).unwrap();
    assert_eq!(page["jobs"].as_array().unwrap().len(), 0);
    let report = call(&w, "import_sample", json!({})).unwrap();
    let job = &report["jobs"][0]["outcome"]["job"];
    assert_eq!(job["optimization"]["routed_stops"], 12);
    assert_eq!(job["optimization"]["unplaced_stops"], 1);
    let job_id = job["job_id"].as_str().unwrap().to_string();

    // A reorder changes the order and the totals, through the ACL-checked IPC path.
    let first = job["stops"][0]["external_stop_id"]
        .as_str()
        .unwrap()
        .to_string();
    let moved = call(
        &w,
        "move_stop_to",
        json!({"jobId": job_id, "stopId": first, "position": 2}),
    )
    .unwrap();
    assert_eq!(moved["stops"][1]["external_stop_id"], first.as_str());
    assert_ne!(
        moved["optimization"]["total_distance_km"],
        job["optimization"]["total_distance_km"]
    );

    // Errors reach the UI as {code, message}.
    let err = call(&w, "get_job", json!({"jobId": "nope"})).unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert!(err["message"].as_str().unwrap().contains("nope"));
    let err = call(
        &w,
        "move_stop_to",
        json!({"jobId": job_id, "stopId": first, "position": 99}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "validation_failed");
    assert_eq!(err["fields"][0]["field"], "position");

    // The capability allows our commands only: a plugin command it does not list is refused.
    assert!(call(&w, "plugin:updater|check", json!({})).is_err());

    // Credentials: the secret is returned once; the list never shows it.
    let cred = call(&w, "create_credential", json!({"name": "smoke"})).unwrap();
    assert!(cred["client_secret"]
        .as_str()
        .unwrap()
        .starts_with("rm_cs_"));
    let list = call(&w, "list_credentials", json!({})).unwrap();
    assert_eq!(list[0]["client_id"], cred["client_id"]);
    assert!(list[0].get("client_secret").is_none());

    // The local API comes up on loopback.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let info = call(&w, "app_info", json!({})).unwrap();
        if info["local_api"]["state"] == "listening" {
            assert!(info["local_api"]["address"]
                .as_str()
                .unwrap()
                .starts_with("127.0.0.1:"));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "local API did not start: {info}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(matches!(
        *app.state::<Desktop>().local_api.lock().unwrap(),
        LocalApi::Listening { .. }
    ));

    // The desktop settings come typed with their defaults; a system folder is refused by name.
    let mut settings = call(&w, "get_settings", json!({})).unwrap();
    assert_eq!(settings["ui"]["local_api_port"], 8787);
    assert_eq!(settings["ui"]["watched_folder"], Value::Null);
    settings["ui"]["watched_folder"] = json!("/etc");
    let err = call(&w, "update_settings", json!({"settings": settings})).unwrap_err();
    assert_eq!(err["code"], "validation_failed");
    assert_eq!(err["fields"][0]["field"], "ui.watched_folder");

    // Settings names a watched folder: a job file saved there is imported without a click.
    let folder = tempfile::tempdir().unwrap();
    settings["ui"]["watched_folder"] = json!(folder.path());
    call(&w, "update_settings", json!({"settings": settings})).unwrap();
    let info = call(&w, "app_info", json!({})).unwrap();
    assert_eq!(info["watch"]["state"], "watching", "{info}");
    let job = json!({"external_job_id": "DROPPED",
                     "stops": [{"external_stop_id": "1", "lat": -27.4, "lng": 153.0}]});
    std::fs::write(folder.path().join("dropped.json"), job.to_string()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let page = call(&w, "list_jobs", json!({"args": {}})).unwrap();
        let jobs = page["jobs"].as_array().unwrap().clone();
        if jobs.iter().any(|j| j["external_job_id"] == "DROPPED") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the dropped file was not imported"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
