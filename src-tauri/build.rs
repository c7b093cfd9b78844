//! Tauri's build step: reads tauri.conf.json, embeds the icons, and generates one `allow-…`
//! permission per app command so capabilities/default.json can list each command explicitly
//! (a command missing there is refused at runtime).

/// Every command in src/commands (tests check this list against the source and capabilities).
const COMMANDS: &[&str] = &[
    "list_jobs",
    "get_job",
    "set_stop_status",
    "import_sample",
    "import_file",
    "import_dropped",
    "move_stop_to",
    "set_stop_locked",
    "move_stop_pin",
    "reoptimize_job",
    "restore_stops",
    "list_triage",
    "get_fleet",
    "set_fleet",
    "plan_sample_day",
    "latest_plan",
    "evaluate_plan",
    "assign_plan",
    "replan_day",
    "export_job",
    "print_run_sheet",
    "create_credential",
    "list_credentials",
    "revoke_credential",
    "get_settings",
    "update_settings",
    "pick_folder",
    "geocode_depot",
    "app_info",
    "read_log",
    "check_update",
    "install_update",
    "restart_app",
    "tile_cache_info",
    "clear_tile_cache",
    "ui_ready",
    "road_pack_status",
    "import_road_pack",
    "export_plan",
    "export_plan_to",
    "print_plan",
    "road_streets",
    "preview_order",
    "import_extract",
    "import_extract_from",
    "sync_status",
    "sync_login",
    "sync_test_connection",
    "sync_retry",
    "sync_discard",
    "sync_resolve",
    "sync_badges",
    "webhooks_list",
    "webhooks_add",
    "webhooks_remove",
    "webhooks_log",
    "webhooks_retry",
    "webhooks_test",
];

fn main() {
    ensure_ui_dist();
    ensure_geodata();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}

/// `generate_context!` needs `ui/dist` to exist. On a fresh clone where only Rust is being
/// built or tested (CI's `cargo test --workspace`), put a page there that says how to build
/// the UI, instead of failing; `run-app.sh`, `tests/e2e/run.sh` and `tauri build` build the
/// real UI first.
fn ensure_ui_dist() {
    let dist = std::path::Path::new("../ui/dist");
    println!("cargo:rerun-if-changed=../ui/dist");
    if dist.join("index.html").exists() {
        return;
    }
    println!("cargo:warning=ui/dist is missing: the app will show a placeholder; run `npm --prefix ui ci && npm --prefix ui run build`");
    std::fs::create_dir_all(dist).expect("create ui/dist");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>RouteMate</title><p>The RouteMate UI was not built. Run \
         <code>npm --prefix ui ci &amp;&amp; npm --prefix ui run build</code>, then rebuild.</p>\n",
    )
    .expect("write the placeholder UI");
}

/// `bundle.resources` in tauri.conf.json ships the bundled localities that
/// `src-tauri/scripts/geodata.sh` writes, and tauri-build refuses a missing resource. On a fresh
/// clone where only Rust is built, put empty files there and say so: that app places no suburb
/// out of the box (the geocoder logs 0 localities). `package.sh` runs geodata.sh first and refuses
/// to package an empty file; geodata.sh replaces an empty one.
fn ensure_geodata() {
    let dir = std::path::Path::new("../assets/geodata");
    for name in ["au_localities.tsv", "ATTRIBUTION.txt"] {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        if path.exists() {
            continue;
        }
        println!("cargo:warning=assets/geodata/{name} is missing: the app will place no suburb out of the box; run src-tauri/scripts/geodata.sh");
        std::fs::create_dir_all(dir).expect("create assets/geodata");
        std::fs::write(&path, "").expect("write an empty assets/geodata file");
    }
}
