// The watched folder's live activity: every file the engine's watcher handled (imported, duplicate,
// failed, retrying, folder gone/back), newest first, with a notification per import or failure.

import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { WatchEvent } from "./api/types";
import { desktopNotify } from "./desktopNotify";
import { h } from "./dom";
import { toast } from "./notify";

export interface ActivityRow {
  at: string;
  kind: "ok" | "warn" | "error" | "info";
  text: string;
  notify: boolean;
}

/** One line a dispatcher reads for an event, and whether it deserves a notification. */
export function describeWatchEvent(e: WatchEvent, at: Date = new Date()): ActivityRow {
  const time = at.toTimeString().slice(0, 5);
  const row = (kind: ActivityRow["kind"], text: string, notify = false): ActivityRow => ({
    at: time,
    kind,
    text,
    notify,
  });
  switch (e.kind) {
    case "imported": {
      const ids = e.jobs.map((j) => j.external_job_id).join(", ");
      const warn = e.warnings > 0 ? `, ${e.warnings} warning${e.warnings === 1 ? "" : "s"}` : "";
      return row(
        e.warnings > 0 ? "warn" : "ok",
        `${e.file}: imported ${e.jobs.length} job${e.jobs.length === 1 ? "" : "s"} (${ids})${warn}`,
        true,
      );
    }
    case "duplicate":
      return row("info", `${e.file}: same content as ${e.duplicate_of}, not imported again`);
    case "failed": {
      const n = e.problems > 0 ? ` (${e.problems} problem${e.problems === 1 ? "" : "s"}, see ${e.report})` : "";
      return row("error", `${e.file}: failed: ${e.message}${n}`, true);
    }
    case "retrying":
      return row("warn", `${e.file}: will retry (${e.error})`);
    case "folder_missing":
      return row("error", `Watched folder is gone: ${e.folder}; watching resumes when it is back`, true);
    case "folder_restored":
      return row("ok", `Watched folder is back: ${e.folder}`);
    case "started":
      return row("info", `Watching ${e.folder} (${e.mode})`);
    case "watcher_error":
      return row("warn", `Watching hit a problem (${e.message}); the folder is scanned again`);
    case "stopped":
      return row("info", `Stopped watching ${e.folder}`);
    default:
      // A kind newer than this UI: still show that something happened.
      return row("info", String((e as { kind: unknown }).kind));
  }
}

const MAX_ROWS = 50;
const rows: ActivityRow[] = [];
let host: HTMLElement | null = null;

/** Adds a row (newest first, at most 50 kept). */
export function pushActivity(list: ActivityRow[], r: ActivityRow): ActivityRow[] {
  list.unshift(r);
  list.length = Math.min(list.length, MAX_ROWS);
  return list;
}

function render(): void {
  if (!host) return;
  host.replaceChildren(
    ...(rows.length === 0
      ? [h("li", { class: "muted small" }, "No files yet.")]
      : rows.map((r) => h("li", { class: `activity ${r.kind} small` }, `${r.at}  ${r.text}`))),
  );
}

/** The activity list element (Settings shows it under the watched folder). */
export function activityList(): HTMLElement {
  host = h("ul", { id: "watch-activity", class: "activity-list" });
  render();
  return host;
}

/** An in-app toast always; a desktop notification too when the user allowed them. */
function notify(r: ActivityRow): void {
  toast(r.text, r.kind === "error" ? "error" : r.kind === "ok" ? "ok" : "info");
  void desktopNotify(r.text);
}

/** Starts following the watcher's events for the app's lifetime. */
export async function followWatchActivity(): Promise<UnlistenFn> {
  return listen<WatchEvent>("watch://event", (ev) => {
    const r = describeWatchEvent(ev.payload);
    pushActivity(rows, r);
    render();
    if (r.notify) notify(r);
  });
}
