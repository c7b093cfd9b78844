// The application menu's actions and the keyboard shortcuts the page answers itself. The native
// menu (src-tauri/src/native/menu.rs) owns Ctrl+O, Ctrl+E, Ctrl+Z, Ctrl+Shift+Z, Ctrl+Q and
// Ctrl+1..3 and sends `menu://action`; here Ctrl+Y (redo), Ctrl+F (find in the list on screen)
// and, where no menu took them, Ctrl+Z / Ctrl+Shift+Z. Both paths run the same handlers.

import { listen } from "@tauri-apps/api/event";
import { toast } from "./notify";

export type MenuAction = "import" | "export" | "settings" | "undo" | "redo" | "jobs" | "triage" | "logs";
export type Handlers = Record<MenuAction, () => void | Promise<void>>;

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** What a key press asks of the page (null: not a shortcut of ours). */
export function shortcutFor(e: KeyLike): "undo" | "redo" | "find" | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (k === "z") return e.shiftKey ? "redo" : "undo";
  if (k === "y" && !e.shiftKey) return "redo";
  if (k === "f" && !e.shiftKey) return "find";
  return null;
}

/** Whether the focus is in a field that has its own text undo. */
export function isTextField(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement) return true;
  if (el instanceof HTMLInputElement) return !["checkbox", "radio", "button", "submit", "range"].includes(el.type);
  return (el as HTMLElement).isContentEditable === true;
}

/**
 * Drops a repeat of the same action within `ms`: a shortcut the menu handled and the page also
 * saw must not undo twice.
 */
export function debouncer(ms = 150, now: () => number = () => performance.now()): (a: string) => boolean {
  let last = { action: "", at: Number.NEGATIVE_INFINITY };
  return (action) => {
    const t = now();
    const repeat = action === last.action && t - last.at < ms;
    last = { action, at: t };
    return !repeat;
  };
}

/** Focuses the search field of the list on screen; false when the view has none. */
export function focusFind(root: ParentNode = document): boolean {
  const fields = [...root.querySelectorAll<HTMLInputElement>("main .view:not([hidden]) input[type=search]")];
  const field = fields[0];
  if (!field) return false;
  field.focus();
  field.select();
  return true;
}

/** Starts answering the menu, the shortcuts and second launches for the app's lifetime. */
export async function followShortcuts(on: Handlers): Promise<void> {
  const fresh = debouncer();
  const run = (action: MenuAction) => {
    if (!fresh(action)) return;
    // Undo/redo inside a text field undoes typing, as everywhere else.
    if ((action === "undo" || action === "redo") && isTextField(document.activeElement)) {
      document.execCommand(action);
      return;
    }
    document.body.dataset.lastMenuAction = action;
    void on[action]();
  };
  await listen<MenuAction>("menu://action", (e) => run(e.payload));
  await listen<string[]>("app://second-instance", () => {
    const n = Number(document.body.dataset.secondLaunches ?? "0") + 1;
    document.body.dataset.secondLaunches = String(n);
    toast("RouteMate is already running: here it is.", "info", 4000);
  });
  document.addEventListener("keydown", (e) => {
    const s = shortcutFor(e);
    if (!s) return;
    if (s === "find") {
      if (focusFind()) e.preventDefault();
      return;
    }
    // Text fields keep their own undo (the browser's), unless the menu took the key.
    if (isTextField(document.activeElement)) return;
    e.preventDefault();
    run(s);
  });
}
