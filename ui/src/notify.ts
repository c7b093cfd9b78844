// Toasts and the busy indicator shared by every view.

import { describeError, toUiError } from "./api/client";
import { h } from "./dom";

let busyCount = 0;

export function toast(text: string, kind: "info" | "ok" | "error" = "info", ms = 5000): void {
  const host = document.getElementById("toasts");
  if (!host) return;
  const el = h("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
  host.append(el);
  // Three at most: the newest matter; older ones would cover the map.
  while (host.children.length > 3) host.firstElementChild?.remove();
  setTimeout(() => el.remove(), kind === "error" ? ms * 2 : ms);
}

export function showError(e: unknown, prefix = ""): void {
  const err = toUiError(e);
  toast(`${prefix}${describeError(err)}`, "error");
}

/** Shows the busy bar while `work` runs (long imports, re-optimization). */
export async function busy<T>(label: string, work: () => Promise<T>): Promise<T> {
  const bar = document.getElementById("busy");
  busyCount++;
  if (bar) {
    bar.hidden = false;
    bar.textContent = label;
  }
  try {
    return await work();
  } finally {
    busyCount--;
    if (bar && busyCount === 0) bar.hidden = true;
  }
}
