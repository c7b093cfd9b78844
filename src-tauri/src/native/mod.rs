//! What makes the app feel installed rather than run from a checkout: the application menu with
//! the platform's shortcuts (`menu`), the tray icon with the watched-folder and sync state
//! (`tray`), keeping the app watching when its window closes (`closing`), and one running app per
//! user (`single_instance`). Desktop notifications go through `tauri-plugin-notification`.
//!
//! Invariant: nothing here holds domain logic. A menu item or shortcut is turned into a
//! `menu://action` event for the UI, which runs the same code as its buttons.

pub mod closing;
pub mod menu;
pub mod single_instance;
pub mod tray;

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Manager, Runtime};

/// The label of the app's one window.
pub const MAIN_WINDOW: &str = "main";

/// The native shell as a plugin: builds the menu and the tray, routes their events, and keeps
/// the app running when the window closes. Only the real app installs it (the mock runtime of
/// the unit tests has no GTK for a tray).
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("routemate-native")
        .setup(|app, _| {
            let handle = app.app_handle();
            handle.set_menu(menu::build(handle)?)?;
            handle.on_menu_event(|app, event| menu::handle(app, event.id().as_ref()));
            // A desktop without a tray host still runs the app (a second launch shows it again).
            if let Err(e) = tray::start(handle) {
                tracing::warn!(error = %e, "no tray icon");
            }
            Ok(())
        })
        .on_window_ready(|window| {
            let w = window.clone();
            window.on_window_event(move |event| closing::on_window_event(&w, event));
        })
        .build()
}

/// Brings the main window back (from the tray, a second launch or a menu action).
pub fn show_main<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(w) = app.get_webview_window(MAIN_WINDOW) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}
