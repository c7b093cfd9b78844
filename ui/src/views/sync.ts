// Sync with the hosted API: the status-bar indicator (online / offline / syncing, queued,
// parked, last success), Settings → Sync (hosted URL, client ID, secret, Test connection), the
// parked list (retry / discard, or keep mine / take hosted for a conflict) and the per-job badge
// in the job list. The shell sends a fresh view on `sync://status` after every round.

import { listen } from "@tauri-apps/api/event";
import { commands } from "../api/client";
import type { SyncView } from "../api/types";
import { clear, fmtTime, h } from "../dom";
import { showError, toast } from "../notify";

const EVENT = "sync://status";
const listeners: ((v: SyncView) => void)[] = [];
let latest: SyncView | null = null;

function publish(v: SyncView): void {
  latest = v;
  for (const l of listeners) l(v);
  // A round may have changed any job's badge.
  void fillSyncBadges(document.body);
}

/** Follows the shell's sync view (and asks for it once now). */
export async function followSync(): Promise<void> {
  await listen<SyncView>(EVENT, (ev) => publish(ev.payload));
  publish(await commands.syncStatus());
}

function onSync(cb: (v: SyncView) => void): void {
  listeners.push(cb);
  if (latest) cb(latest);
}

/** The elements that are there (conditional ones may be null). */
function present(...els: (HTMLElement | null)[]): HTMLElement[] {
  return els.filter((e): e is HTMLElement => e !== null);
}

const STATE_TEXT: Record<string, string> = {
  off: "Sync off",
  connecting: "Connecting",
  online: "Synced",
  offline: "Offline",
  syncing: "Syncing",
};

/** The status-bar indicator at the foot of the sidebar. */
export function syncIndicator(): HTMLElement {
  const el = h("div", { class: "sync-indicator", id: "sync-indicator", "data-state": "off" });
  onSync((v) => {
    clear(el);
    el.dataset.state = v.state;
    el.dataset.queued = String(v.queued);
    el.dataset.parked = String(v.parked);
    el.append(
      ...present(
        h("span", { class: "dot" }),
        h("span", { class: "label" }, STATE_TEXT[v.state] ?? v.state),
        v.configured ? h("span", { class: "small" }, ` · ${v.queued} queued`) : null,
        v.parked ? h("span", { class: "small warn" }, ` · ${v.parked} need attention`) : null,
        v.configured ? h("div", { class: "small muted" }, `Last sync ${fmtTime(v.last_success)}`) : null,
      ),
    );
    el.title = v.url ? `Hosted API: ${v.url}` : "Not logged in to a hosted API (Settings → Sync)";
  });
  return el;
}

/** Fills every `[data-sync-job]` badge under `root` (the job list calls this after drawing). */
export async function fillSyncBadges(root: HTMLElement): Promise<void> {
  const spans = [...root.querySelectorAll<HTMLElement>("[data-sync-job]")];
  if (!spans.length) return;
  try {
    const badges = await commands.syncBadges(spans.map((s) => s.dataset.syncJob ?? ""));
    const by = new Map(badges.map((b) => [b.job_id, b.badge]));
    for (const s of spans) {
      const b = by.get(s.dataset.syncJob ?? "") ?? "local_only";
      s.className = `sync-badge ${b}`;
      s.dataset.badge = b;
      s.textContent = b.replace("_", " ");
    }
  } catch {
    // Badges are decoration: the list stands without them.
  }
}

/** Settings → Sync: the login form, the state and the parked list. */
export class SyncCard {
  readonly el = h("div", { class: "card wide", id: "sync-settings" });

  constructor() {
    onSync((v) => this.draw(v));
  }

  private draw(v: SyncView): void {
    clear(this.el);
    const url = h("input", { id: "sync-url", placeholder: "https://api.routemate.app", value: v.url ?? "" });
    const id = h("input", { id: "sync-client-id", placeholder: "rm_ci_…", value: v.client_id ?? "" });
    const secret = h("input", { id: "sync-secret", type: "password", placeholder: "rm_cs_… (kept in the OS keyring)" });
    const result = h("div", { class: "small", id: "sync-result" });
    const test = async () => {
      try {
        result.textContent = await commands.syncTestConnection(url.value, id.value, secret.value);
        result.className = "small ok";
      } catch (e) {
        result.className = "small warn";
        result.textContent = (e as { message?: string }).message ?? String(e);
      }
    };
    const save = async () => {
      try {
        const saved = await commands.syncLogin(url.value, id.value, secret.value);
        publish(saved);
        toast("Sync login saved", "ok");
        for (const w of saved.warnings) toast(w, "info", 10000);
      } catch (e) {
        showError(e, "Could not log in: ");
      }
    };
    this.el.append(
      ...present(
        h("h2", {}, "Sync with the hosted API"),
        h(
          "p",
          { class: "muted small" },
          "Jobs planned here are sent to the hosted RouteMate API when the network is there; stop progress and jobs created there come back.",
        ),
        h("label", {}, "Hosted URL", url),
        h("label", {}, "Client ID", id),
        h("label", {}, "Client secret", secret),
        h(
          "div",
          { class: "row" },
          h("button", { id: "sync-test", onclick: test }, "Test connection"),
          h("button", { class: "primary", id: "sync-save", onclick: save }, "Save and sync"),
        ),
        result,
        v.configured
          ? h(
              "p",
              { class: "small", id: "sync-state", "data-state": v.state },
              `${STATE_TEXT[v.state] ?? v.state}: ${v.queued} queued, ${v.parked} parked, last sync ${fmtTime(v.last_success)}. Secret kept in the ${v.secret_store === "keyring" ? "OS keyring" : "data folder (no OS keyring found; readable by this user only)"}.`,
            )
          : null,
        this.parked(v),
      ),
    );
  }

  private parked(v: SyncView): HTMLElement | null {
    if (!v.parked_items.length) return null;
    const act = (f: () => Promise<SyncView>) => async () => {
      try {
        publish(await f());
      } catch (e) {
        showError(e);
      }
    };
    return h(
      "div",
      { class: "parked-list", id: "sync-parked" },
      h("h3", {}, "Needs your attention"),
      v.parked_items.map((p) =>
        h(
          "div",
          { class: "parked", "data-entry": p.id },
          h(
            "div",
            { class: "strong" },
            p.title || p.external_job_id,
            " ",
            h("span", { class: "muted small" }, p.external_job_id),
          ),
          h(
            "div",
            { class: "small warn" },
            p.conflict ? "Changed here and on the hosted side." : `Refused (HTTP ${p.status}): ${p.problem}`,
          ),
          p.conflict
            ? h(
                "div",
                { class: "row" },
                h("button", { onclick: act(() => commands.syncResolve(p.job_id, true)) }, "Keep mine"),
                h("button", { onclick: act(() => commands.syncResolve(p.job_id, false)) }, "Take hosted"),
              )
            : h(
                "div",
                { class: "row" },
                h("button", { onclick: act(() => commands.syncRetry(p.id)) }, "Retry"),
                h("button", { class: "ghost", onclick: act(() => commands.syncDiscard(p.id)) }, "Discard"),
              ),
        ),
      ),
    );
  }
}
