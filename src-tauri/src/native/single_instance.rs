//! One RouteMate per user: a second launch (a desktop icon clicked twice, a file manager's
//! "open with") hands over to the running app, which shows and focuses its window, tells the UI
//! (`app://second-instance`), and the second process exits. On Linux this is a D-Bus name on the
//! session bus; without a session bus the app starts normally.

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Emitter, Runtime};

/// The UI event of a second launch (payload: its arguments, program name excluded).
pub const EVENT: &str = "app://second-instance";

/// Must be the first plugin registered, so a second launch exits before opening anything.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_single_instance::init(|app: &AppHandle<R>, argv: Vec<String>, _cwd| {
        tracing::info!(args = argv.len(), "second launch: showing this window");
        super::show_main(app);
        let args: Vec<String> = argv.into_iter().skip(1).collect();
        let _ = app.emit(EVENT, args);
    })
}
