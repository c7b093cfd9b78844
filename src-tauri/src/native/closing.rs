//! Closing the window with "keep watching" on (Settings, default on) hides it instead of quitting:
//! the watched folder, the local API and sync go on, the tray shows their state, and Quit (menu,
//! tray, Ctrl+Q) really ends the app. The first time it happens the dispatcher is told so, once,
//! in a desktop notification (a marker file in the data folder remembers it was said).

use crate::settings::DesktopSettings;
use crate::state::Desktop;
use std::path::Path;
use tauri::{Manager, Runtime, Window, WindowEvent};
use tauri_plugin_notification::NotificationExt;

/// The marker file, in the data folder, saying the dispatcher was told.
pub const TOLD_MARKER: &str = "told-keep-watching";

/// What closing the window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnClose {
    /// Let it close; with the last window gone the app exits.
    Quit,
    /// Hide the window and keep running; `tell` the first time.
    KeepRunning { tell: bool },
}

/// Decides from the setting and whether the dispatcher was told before.
pub fn decide(keep_watching: bool, told_before: bool) -> OnClose {
    if keep_watching {
        OnClose::KeepRunning { tell: !told_before }
    } else {
        OnClose::Quit
    }
}

/// The once-only message.
pub fn message(watch: &crate::watching::WatchStatus) -> String {
    let what = match watch {
        crate::watching::WatchStatus::Watching { folder } => {
            format!("RouteMate is still watching {folder} and serving the local API.")
        }
        _ => "RouteMate is still running: the local API and sync go on.".to_string(),
    };
    format!(
        "{what} Open it from the tray icon or by starting RouteMate again; quit from the tray or \
         File → Quit. Settings → Job files turns this off."
    )
}

/// Plugin window-event hook.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle();
    let Some(state) = app.try_state::<Desktop>() else {
        return;
    };
    let keep = DesktopSettings::current(&state.api).keep_watching_on_close;
    let marker = state.paths.data_dir.join(TOLD_MARKER);
    match decide(keep, marker.exists()) {
        OnClose::Quit => tracing::info!("window closed: quitting"),
        OnClose::KeepRunning { tell } => {
            api.prevent_close();
            let _ = window.hide();
            tracing::info!(
                told = tell,
                "window closed: RouteMate keeps running in the tray"
            );
            if tell {
                tell_once(app, &marker, &message(&state.watching.status()));
            }
        }
    }
}

fn tell_once<R: Runtime>(app: &tauri::AppHandle<R>, marker: &Path, body: &str) {
    let shown = app
        .notification()
        .builder()
        .title("RouteMate keeps watching")
        .body(body)
        .show();
    if let Err(e) = &shown {
        // No notification service (a bare X session): the log still says it.
        tracing::warn!(error = %e, "keep-watching notice not shown");
    }
    if let Err(e) = std::fs::write(marker, b"told\n") {
        tracing::warn!(error = %e, "could not remember that the keep-watching notice was shown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watching::WatchStatus;

    #[test]
    fn closing_keeps_running_when_the_setting_is_on_and_tells_only_the_first_time() {
        assert_eq!(decide(true, false), OnClose::KeepRunning { tell: true });
        assert_eq!(decide(true, true), OnClose::KeepRunning { tell: false });
        assert_eq!(decide(false, false), OnClose::Quit);
        assert_eq!(decide(false, true), OnClose::Quit);
    }

    #[test]
    fn the_notice_names_the_watched_folder_and_the_way_back() {
        let m = message(&WatchStatus::Watching {
            folder: "/srv/jobs".into(),
        });
        assert!(m.contains("/srv/jobs"), "{m}");
        assert!(m.contains("tray") && m.contains("Quit"), "{m}");
        assert!(message(&WatchStatus::Off).contains("local API"));
    }
}
