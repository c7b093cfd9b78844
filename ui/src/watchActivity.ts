// The watched folder's live activity: every file the engine's watcher handled (imported, duplicate,
// failed, retrying, folder gone/back), newest first, with a notification per import or failure.

import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { h } from "./dom";
import { toast } from "./notify";

/** What the shell forwards as `watch://event` (routemate_engine::watch::WatchEvent). */
export type WatchEvent =
  | { kind: "started"; folder: string; mode: string }
  | {
      kind: "imported";
      file: string;
      jobs: { external_job_id: string; job_id: string }[];
      warnings: number;
      result: string;
    }
  | { kind: "duplicate"; file: string; duplicate_of: string; result: string }
  | { kind: "failed"; file: string; code: string; message: string; problems: number; report: string }
  | { kind: "retrying"; file: string; error: string }
  | { kind: "folder_missing"; folder: string }
  | { kind: "folder_restored"; folder: string }
  | { kind: string; [key: string]: unknown };

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
      const ev = e as Extract<WatchEvent, { kind: "imported" }>;
      const ids = ev.jobs.map((j) => j.external_job_id).join(", ");
      const warn = ev.warnings > 0 ? `, ${ev.warnings} warning${ev.warnings === 1 ? "" : "s"}` : "";
      return row(
        ev.warnings > 0 ? "warn" : "ok",
        `${ev.file}: imported ${ev.jobs.length} job${ev.jobs.length === 1 ? "" : "s"} (${ids})${warn}`,
        true,
      );
    }
    case "duplicate": {
      const ev = e as Extract<WatchEvent, { kind: "duplicate" }>;
      return row("info", `${ev.file}: same content as ${ev.duplicate_of}, not imported again`);
    }
    case "failed": {
      const ev = e as Extract<WatchEvent, { kind: "failed" }>;
      const n = ev.problems > 0 ? ` (${ev.problems} problem${ev.problems === 1 ? "" : "s"}, see ${ev.report})` : "";
      return row("error", `${ev.file}: failed: ${ev.message}${n}`, true);
    }
    case "retrying": {
      const ev = e as Extract<WatchEvent, { kind: "retrying" }>;
      return row("warn", `${ev.file}: will retry (${ev.error})`);
    }
    case "folder_missing":
      return row(
        "error",
        `Watched folder is gone: ${(e as { folder: string }).folder}; watching resumes when it is back`,
        true,
      );
    case "folder_restored":
      return row("ok", `Watched folder is back: ${(e as { folder: string }).folder}`);
    case "started":
      return row("info", `Watching ${(e as { folder: string }).folder} (${(e as { mode: string }).mode})`);
    default:
      return row("info", `${e.kind}`);
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

/** A desktop notification when the platform allows it; an in-app toast always. */
function notify(r: ActivityRow): void {
  toast(r.text, r.kind === "error" ? "error" : r.kind === "ok" ? "ok" : "info");
  const N = (globalThis as { Notification?: typeof Notification }).Notification;
  if (!N) return;
  try {
    if (N.permission === "granted") new N("RouteMate", { body: r.text });
    else if (N.permission === "default") void N.requestPermission();
  } catch {
    // Notifications are a nicety; the toast and the list already told the dispatcher.
  }
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
