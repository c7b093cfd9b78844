//! RouteMate Desktop: the thin Tauri 2 shell over the engine. `run()` wires the plugins (the
//! navigation guard, the updater), the managed state (engine, paths, tile cache), the commands,
//! engine events → UI events, the `tiles://` protocol and the local API on loopback.
//!
//! Invariants: the shell holds no domain logic (commands are one-liners into `Api`); the engine
//! is given its data dir (`ROUTEMATE_DATA` or the app data dir) and never looks it up itself.

pub mod commands;
pub mod depot;
pub mod events;
pub mod extract;
pub mod geocoding;
pub mod importing;
pub mod logging;
pub mod loopback;
pub mod native;
pub mod navigation;
pub mod packs;
pub mod plan_export;
pub mod printing;
pub mod resources;
pub mod settings;
pub mod state;
pub mod syncing;
pub mod tiles;
pub mod updating;
pub mod watching;

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod config_audit;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod smoke_tests;
#[cfg(test)]
mod ts_types;

use routemate_engine::{Api, EngineConfig};
use state::{AppPaths, Desktop, LocalApi};
use std::sync::Mutex;
use tauri::{Manager, Runtime};

/// Every command the UI may call (also listed in build.rs and capabilities/default.json).
#[macro_export]
macro_rules! command_handler {
    () => {
        tauri::generate_handler![
            $crate::commands::jobs::list_jobs,
            $crate::commands::jobs::get_job,
            $crate::commands::jobs::set_stop_status,
            $crate::commands::jobs::import_sample,
            $crate::commands::jobs::import_file,
            $crate::commands::jobs::import_dropped,
            $crate::commands::edit::move_stop_to,
            $crate::commands::edit::set_stop_locked,
            $crate::commands::edit::move_stop_pin,
            $crate::commands::edit::reoptimize_job,
            $crate::commands::edit::restore_stops,
            $crate::commands::edit::list_triage,
            $crate::commands::plan::get_fleet,
            $crate::commands::plan::set_fleet,
            $crate::commands::plan::plan_sample_day,
            $crate::commands::plan::latest_plan,
            $crate::commands::plan::evaluate_plan,
            $crate::commands::plan::assign_plan,
            $crate::commands::plan::replan_day,
            $crate::commands::export::export_job,
            $crate::commands::export::print_run_sheet,
            $crate::commands::credentials::create_credential,
            $crate::commands::credentials::list_credentials,
            $crate::commands::credentials::revoke_credential,
            $crate::commands::settings::get_settings,
            $crate::commands::settings::update_settings,
            $crate::commands::settings::pick_folder,
            $crate::commands::depot::geocode_depot,
            $crate::commands::system::app_info,
            $crate::commands::system::read_log,
            $crate::commands::system::check_update,
            $crate::commands::updates::install_update,
            $crate::commands::updates::restart_app,
            $crate::commands::system::tile_cache_info,
            $crate::commands::system::clear_tile_cache,
            $crate::commands::system::ui_ready,
            $crate::commands::roads::road_pack_status,
            $crate::commands::roads::import_road_pack,
            $crate::commands::plan_export::export_plan,
            $crate::commands::plan_export::export_plan_to,
            $crate::commands::plan_export::print_plan,
            $crate::commands::streets::road_streets,
            $crate::commands::streets::preview_order,
            $crate::commands::streets::import_extract,
            $crate::commands::streets::import_extract_from,
            $crate::commands::sync::sync_status,
            $crate::commands::sync::sync_login,
            $crate::commands::sync::sync_test_connection,
            $crate::commands::sync::sync_retry,
            $crate::commands::sync::sync_discard,
            $crate::commands::sync::sync_resolve,
            $crate::commands::sync::sync_badges,
            $crate::commands::webhooks::webhooks_list,
            $crate::commands::webhooks::webhooks_add,
            $crate::commands::webhooks::webhooks_remove,
            $crate::commands::webhooks::webhooks_log,
            $crate::commands::webhooks::webhooks_retry,
            $crate::commands::webhooks::webhooks_test,
        ]
    };
}

/// Starts the desktop app (the binary's only call).
pub fn run() {
    let _ = state::STARTED.set(std::time::Instant::now());
    // WebKitGTK's accelerated compositing falls back to software GL on machines without a GPU
    // (depot PCs, VMs, Xvfb); measured with a 1,000-stop job open, it doubled the web process's
    // memory (389 MB vs 217 MB) and slowed the 2,000-stop render (255 ms vs 132 ms). The app
    // draws 2-D only (canvas map, tables), so it is off unless the user decides otherwise.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    // One TLS stack (ring) for the updater and tile fetches, installed before any client exists.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Single instance first, so a second launch hands over before opening anything.
    let builder = tauri::Builder::default().plugin(native::single_instance::plugin());
    let result = build(builder)
        .plugin(native::plugin())
        .invoke_handler(command_handler!())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        // The reason was logged and shown in a dialog; leave with a failure status, no panic.
        eprintln!("RouteMate could not start: {e}");
        std::process::exit(1);
    }
}

/// Everything but the command list and the context, generic over the runtime so tests can use
/// `tauri::test::mock_builder()`.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(navigation::guard())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_notification::init())
        .register_asynchronous_uri_scheme_protocol("tiles", |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            let path = request.uri().path().to_string();
            tauri::async_runtime::spawn(async move {
                responder.respond(tile_response(&app, &path).await);
            });
        })
        .setup(|app| {
            let handle = app.handle();
            let paths = AppPaths::resolve(
                std::env::var_os("ROUTEMATE_DATA")
                    .filter(|v| !v.is_empty())
                    .map(Into::into),
                handle.path().app_data_dir()?,
                handle.path().app_log_dir()?,
                handle.path().app_cache_dir()?,
            );
            if let Some(guard) = logging::init(&paths.log_dir) {
                // Lives as long as the process: flushing logs at exit.
                std::mem::forget(guard);
            }
            tracing::info!(data = %paths.data_dir.display(), "RouteMate Desktop starting");
            let api = Api::open(EngineConfig::new(paths.data_dir.clone())).inspect_err(|e| {
                tracing::error!(code = e.code(), error = %e, "engine did not open");
                startup_error(&e.to_string());
            })?;
            let geocoding =
                std::sync::Arc::new(geocoding::Geocoding::new(resources::localities(handle)));
            // Opening the gazetteer and the bundled localities takes a moment: not on the
            // way to the first paint.
            let (g, a, dir) = (geocoding.clone(), api.clone(), paths.data_dir.clone());
            std::thread::spawn(move || g.attach(&a, &dir));
            app.manage(updating::Updating::from_env(
                paths.tile_dir.with_file_name("updates"),
            ));
            app.manage(Desktop {
                api: api.clone(),
                tiles: tiles::TileCache::new(paths.tile_dir.clone()),
                paths,
                local_api: Mutex::new(LocalApi::Starting),
                geocoding,
                watching: std::sync::Arc::new(watching::Watching::default()),
                syncing: std::sync::Arc::new(syncing::Syncing::default()),
            });
            app.state::<Desktop>().watching.apply(handle, &api);
            events::forward(handle.clone(), &api);
            let syncing = app.state::<Desktop>().syncing.clone();
            syncing::start(handle.clone(), api.clone(), syncing);
            // Webhook subscribers get their events from the local engine too.
            routemate_sync::webhooks::background::start(
                api.clone(),
                routemate_sync::webhooks::Options::from_env(),
            )?;
            packs::start(handle.clone(), &api);
            loopback::start(handle, api);
            Ok(())
        })
}

/// Says why the app cannot start in a window, not only in a log nobody sees (e.g. the store is
/// locked by a running `routemate serve`): the engine's message names the way out.
fn startup_error(message: &str) {
    #[cfg(target_os = "linux")]
    {
        use gtk::prelude::{DialogExt, GtkWindowExt};
        let dialog = gtk::MessageDialog::new(
            None::<&gtk::Window>,
            gtk::DialogFlags::MODAL,
            gtk::MessageType::Error,
            gtk::ButtonsType::Close,
            message,
        );
        dialog.set_title("RouteMate cannot start");
        dialog.run();
        dialog.close();
    }
    #[cfg(not(target_os = "linux"))]
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("RouteMate cannot start")
        .set_description(message)
        .show();
}

async fn tile_response<R: Runtime>(
    app: &tauri::AppHandle<R>,
    path: &str,
) -> tauri::http::Response<Vec<u8>> {
    let state = app.state::<Desktop>();
    let template = settings::DesktopSettings::current(&state.api).tile_url;
    let found = match tiles::TileKey::parse(path) {
        Some(k) => state.tiles.get(k, Some(&template)).await,
        None => None,
    };
    let builder = tauri::http::Response::builder();
    match found {
        Some(bytes) => builder
            .status(200)
            .header("Content-Type", "image/png")
            .body(bytes),
        None => builder.status(404).body(Vec::new()),
    }
    .unwrap_or_default()
}
