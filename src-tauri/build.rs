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
    "import_text",
    "move_stop_to",
    "set_stop_locked",
    "move_stop_pin",
    "reoptimize_job",
    "restore_stops",
    "list_triage",
    "create_credential",
    "list_credentials",
    "revoke_credential",
    "get_settings",
    "update_settings",
    "pick_folder",
    "app_info",
    "read_log",
    "check_update",
    "tile_cache_info",
    "clear_tile_cache",
    "ui_ready",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
