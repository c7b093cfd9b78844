//! The application menu: File (Import…, Export…, Settings, Quit), Edit (Undo, Redo) and View
//! (Jobs, Triage, Logs), with the platform's shortcuts (`CmdOrCtrl` is Ctrl on Linux and
//! Windows, ⌘ on macOS). Every item but Quit becomes a `menu://action` event carrying the
//! action's name; the UI (`ui/src/shortcuts.ts`) runs the same code as its buttons.

use serde::Serialize;
use tauri::menu::{Menu, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Runtime};

/// The UI event a menu item or tray action sends.
pub const EVENT: &str = "menu://action";

/// What a menu item asks for; its id is the snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MenuAction {
    Import,
    Export,
    Settings,
    Undo,
    Redo,
    Jobs,
    Triage,
    Logs,
}

impl MenuAction {
    pub const ALL: [MenuAction; 8] = [
        MenuAction::Import,
        MenuAction::Export,
        MenuAction::Settings,
        MenuAction::Undo,
        MenuAction::Redo,
        MenuAction::Jobs,
        MenuAction::Triage,
        MenuAction::Logs,
    ];

    /// The menu item id (also the event's payload).
    pub fn id(self) -> &'static str {
        match self {
            MenuAction::Import => "import",
            MenuAction::Export => "export",
            MenuAction::Settings => "settings",
            MenuAction::Undo => "undo",
            MenuAction::Redo => "redo",
            MenuAction::Jobs => "jobs",
            MenuAction::Triage => "triage",
            MenuAction::Logs => "logs",
        }
    }

    pub fn from_id(id: &str) -> Option<MenuAction> {
        MenuAction::ALL.into_iter().find(|a| a.id() == id)
    }

    /// The item's text (`&` marks the mnemonic) and its shortcut.
    pub fn item(self) -> (&'static str, Option<&'static str>) {
        match self {
            MenuAction::Import => ("&Import…", Some("CmdOrCtrl+O")),
            MenuAction::Export => ("&Export…", Some("CmdOrCtrl+E")),
            MenuAction::Settings => ("&Settings", Some("CmdOrCtrl+Comma")),
            MenuAction::Undo => ("&Undo", Some("CmdOrCtrl+Z")),
            // Ctrl+Y is the other common redo: the UI answers it (one accelerator per item).
            MenuAction::Redo => ("&Redo", Some("CmdOrCtrl+Shift+Z")),
            MenuAction::Jobs => ("&Jobs", Some("CmdOrCtrl+1")),
            MenuAction::Triage => ("Geocode &triage", Some("CmdOrCtrl+2")),
            MenuAction::Logs => ("&Logs", Some("CmdOrCtrl+3")),
        }
    }
}

/// Ids of the items that are not [`MenuAction`]s.
pub const QUIT: &str = "quit";
pub const SHOW: &str = "show";

/// The menu bar.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let item = |a: MenuAction| {
        let (text, accel) = a.item();
        let b = MenuItemBuilder::with_id(a.id(), text);
        match accel {
            Some(k) => b.accelerator(k),
            None => b,
        }
        .build(app)
    };
    let quit = MenuItemBuilder::with_id(QUIT, "&Quit")
        .accelerator("CmdOrCtrl+Q")
        .build(app)?;
    let file = SubmenuBuilder::new(app, "&File")
        .item(&item(MenuAction::Import)?)
        .item(&item(MenuAction::Export)?)
        .separator()
        .item(&item(MenuAction::Settings)?)
        .separator()
        .item(&quit)
        .build()?;
    let edit = SubmenuBuilder::new(app, "&Edit")
        .item(&item(MenuAction::Undo)?)
        .item(&item(MenuAction::Redo)?)
        .build()?;
    let view = SubmenuBuilder::new(app, "&View")
        .item(&item(MenuAction::Jobs)?)
        .item(&item(MenuAction::Triage)?)
        .item(&item(MenuAction::Logs)?)
        .build()?;
    Menu::with_items(app, &[&file, &edit, &view])
}

/// Every menu event, from the menu bar and the tray alike.
pub fn handle<R: Runtime>(app: &AppHandle<R>, id: &str) {
    if id == QUIT {
        tracing::info!("quit from the menu");
        app.exit(0);
        return;
    }
    if id == SHOW {
        super::show_main(app);
        return;
    }
    let Some(action) = MenuAction::from_id(id) else {
        return;
    };
    tracing::debug!(action = action.id(), "menu action");
    super::show_main(app);
    if let Err(e) = app.emit(EVENT, action) {
        tracing::warn!(error = %e, "menu action not delivered to the UI");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_its_id_and_event_payload() {
        for a in MenuAction::ALL {
            assert_eq!(MenuAction::from_id(a.id()), Some(a));
            // The UI matches on the event payload: it must be the id.
            assert_eq!(serde_json::to_value(a).unwrap(), a.id());
        }
        assert_eq!(MenuAction::from_id(QUIT), None);
        assert_eq!(MenuAction::from_id("bogus"), None);
    }

    #[test]
    fn shortcuts_are_the_platform_ones_and_unique() {
        let keys: Vec<&str> = MenuAction::ALL.iter().filter_map(|a| a.item().1).collect();
        assert_eq!(MenuAction::Import.item().1, Some("CmdOrCtrl+O"));
        assert_eq!(MenuAction::Undo.item().1, Some("CmdOrCtrl+Z"));
        assert_eq!(MenuAction::Redo.item().1, Some("CmdOrCtrl+Shift+Z"));
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            keys.len(),
            "two items share a shortcut: {keys:?}"
        );
        // Ctrl+F (find in lists) and Ctrl+Y (redo) belong to the page, not to an item.
        assert!(!keys.iter().any(|k| k.ends_with("+F") || k.ends_with("+Y")));
    }
}
