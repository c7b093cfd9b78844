//! The tray icon: what the app is doing while its window is closed — the watched folder and the
//! sync state as the first two (disabled) lines of its menu, and in its tooltip where the
//! platform shows one — plus Show RouteMate and Quit. The lines are refreshed every two seconds
//! from the same state Settings shows.

use super::menu::{QUIT, SHOW};
use crate::state::Desktop;
use crate::syncing::SyncView;
use crate::watching::WatchStatus;
use std::time::Duration;
use tauri::menu::{MenuBuilder, MenuItem, MenuItemBuilder};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

/// The tray's id (there is one).
pub const ID: &str = "routemate";

/// The watched-folder line of the tray.
pub fn watch_line(status: &WatchStatus) -> String {
    match status {
        WatchStatus::Off => "Not watching a folder".into(),
        WatchStatus::Watching { folder } => format!("Watching {folder}"),
        WatchStatus::Failed { folder, message } => format!("Not watching {folder}: {message}"),
    }
}

/// The sync line of the tray (`None`: the state could not be read).
pub fn sync_line(view: Option<&SyncView>) -> String {
    let Some(v) = view else {
        return "Sync: unknown".into();
    };
    let mut line = match v.state.as_str() {
        "off" => return "Sync: off".into(),
        "online" if v.queued == 0 => "Sync: synced".to_string(),
        "connecting" => "Sync: connecting".to_string(),
        other => format!("Sync: {other}"),
    };
    if v.queued > 0 {
        line.push_str(&format!(", {} queued", v.queued));
    }
    if v.parked > 0 {
        line.push_str(&format!(", {} need a look", v.parked));
    }
    line
}

/// Creates the tray icon and starts refreshing its lines.
pub fn start<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let watch = MenuItemBuilder::with_id("tray-watch", "Not watching a folder")
        .enabled(false)
        .build(app)?;
    let sync = MenuItemBuilder::with_id("tray-sync", "Sync: off")
        .enabled(false)
        .build(app)?;
    let menu = MenuBuilder::new(app)
        .item(&watch)
        .item(&sync)
        .separator()
        .item(&MenuItemBuilder::with_id(SHOW, "Show RouteMate").build(app)?)
        .item(&MenuItemBuilder::with_id(QUIT, "Quit RouteMate").build(app)?)
        .build()?;
    let mut tray = TrayIconBuilder::with_id(ID)
        .menu(&menu)
        .tooltip("RouteMate")
        .show_menu_on_left_click(true);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    let app = app.clone();
    std::thread::Builder::new()
        .name("tray".into())
        .spawn(move || refresh_forever(app, watch, sync))?;
    Ok(())
}

fn refresh_forever<R: Runtime>(app: AppHandle<R>, watch: MenuItem<R>, sync: MenuItem<R>) {
    let mut shown = (String::new(), String::new());
    loop {
        if let Some(state) = app.try_state::<Desktop>() {
            let lines = (
                watch_line(&state.watching.status()),
                sync_line(state.syncing.view(&state.api).ok().as_ref()),
            );
            if lines != shown {
                let _ = watch.set_text(&lines.0);
                let _ = sync.set_text(&lines.1);
                if let Some(t) = app.tray_by_id(ID) {
                    let _ = t.set_tooltip(Some(format!("RouteMate\n{}\n{}", lines.0, lines.1)));
                }
                tracing::debug!(watch = %lines.0, sync = %lines.1, "tray updated");
                shown = lines;
            }
        }
        std::thread::sleep(Duration::from_secs(2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(state: &str, queued: usize, parked: usize) -> SyncView {
        SyncView {
            configured: state != "off",
            url: None,
            client_id: None,
            secret_store: None,
            state: state.into(),
            queued,
            parked,
            conflicts: 0,
            last_success: None,
            parked_items: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn the_watch_line_names_the_folder_or_the_problem() {
        assert_eq!(watch_line(&WatchStatus::Off), "Not watching a folder");
        let w = WatchStatus::Watching {
            folder: "/srv/jobs".into(),
        };
        assert_eq!(watch_line(&w), "Watching /srv/jobs");
        let f = WatchStatus::Failed {
            folder: "/srv/jobs".into(),
            message: "gone".into(),
        };
        assert_eq!(watch_line(&f), "Not watching /srv/jobs: gone");
    }

    #[test]
    fn the_sync_line_says_what_is_waiting() {
        assert_eq!(sync_line(None), "Sync: unknown");
        assert_eq!(sync_line(Some(&view("off", 3, 0))), "Sync: off");
        assert_eq!(sync_line(Some(&view("online", 0, 0))), "Sync: synced");
        assert_eq!(
            sync_line(Some(&view("offline", 2, 1))),
            "Sync: offline, 2 queued, 1 need a look"
        );
        assert_eq!(
            sync_line(Some(&view("syncing", 5, 0))),
            "Sync: syncing, 5 queued"
        );
    }
}
