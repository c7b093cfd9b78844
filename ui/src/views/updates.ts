// Settings → About and updates: "Check for updates", then "Download and install" with a progress
// bar (the shell's `updates://progress` events), the signature check's verdict, and "Restart now"
// once the package manager installed the new version (src-tauri/src/updating.rs).

import { listen } from "@tauri-apps/api/event";
import { commands, describeError, toUiError } from "../api/client";
import type { InstallOutcome, UpdateProgress, UpdateStatus } from "../api/types";
import { h } from "../dom";

/** The shell's progress event (src-tauri/src/updating.rs, PROGRESS_EVENT). */
export const PROGRESS_EVENT = "updates://progress";

/** What a check found, in the dispatcher's words. */
export function describeStatus(u: UpdateStatus): string {
  switch (u.state) {
    case "up_to_date":
      return `Up to date (${u.current})`;
    case "available":
      return `Version ${u.version} is available (you have ${u.current})${u.notes ? `: ${u.notes}` : ""}`;
    case "offline":
      return `Offline: ${u.message}`;
    case "misconfigured":
      return `Updates are misconfigured: ${u.message}`;
    case "failed":
      return `The update check failed: ${u.message}`;
  }
}

/** The progress line: "Downloading… 1.2 of 4.7 MB (25%)", "Checking the signature…". */
export function describeProgress(p: UpdateProgress): string {
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  switch (p.phase) {
    case "downloading":
      return p.total
        ? `Downloading… ${mb(p.downloaded)} of ${mb(p.total)} MB (${Math.floor((100 * p.downloaded) / p.total)}%)`
        : `Downloading… ${mb(p.downloaded)} MB`;
    case "verifying":
      return "Checking the signature…";
    case "installing":
      return "Installing (your system may ask for an administrator's password)…";
    default:
      return p.phase;
  }
}

/** What the install did. */
export function describeOutcome(o: InstallOutcome): string {
  return o.state === "installed"
    ? `Version ${o.version} is installed. Restart RouteMate to use it.`
    : `Version ${o.version} was downloaded and its signature verified. This copy of RouteMate was not installed from a package, so nothing was replaced: install ${o.path} with your package manager.`;
}

/** The check button, the result line, and the install/restart controls. */
export function updateControls(): HTMLElement {
  const result = h("p", { id: "update-result", class: "muted" });
  const bar = h("progress", { id: "update-progress", max: 100, hidden: true });
  const actions = h("div", { class: "row" });
  const check = h(
    "button",
    {
      id: "check-update",
      onclick: async () => {
        actions.replaceChildren();
        result.className = "muted";
        result.textContent = "Checking…";
        const u = await commands.checkUpdate();
        result.textContent = describeStatus(u);
        if (u.state === "available") actions.append(installButton(u.version, result, bar, actions, check));
      },
    },
    "Check for updates",
  );
  return h("div", { id: "updates" }, check, result, bar, actions);
}

function installButton(
  version: string,
  result: HTMLElement,
  bar: HTMLProgressElement,
  actions: HTMLElement,
  check: HTMLButtonElement,
): HTMLButtonElement {
  const button = h(
    "button",
    {
      id: "install-update",
      class: "primary",
      onclick: async () => {
        button.disabled = true;
        check.disabled = true;
        bar.hidden = false;
        bar.removeAttribute("value");
        const off = await listen<UpdateProgress>(PROGRESS_EVENT, (ev) => {
          const p = ev.payload;
          result.textContent = describeProgress(p);
          if (p.phase === "downloading" && p.total) bar.value = (100 * p.downloaded) / p.total;
          else if (p.phase !== "downloading") bar.removeAttribute("value");
        });
        try {
          const outcome = await commands.installUpdate(version);
          bar.value = 100;
          result.className = "ok";
          result.textContent = describeOutcome(outcome);
          actions.replaceChildren();
          if (outcome.state === "installed") {
            actions.append(
              h(
                "button",
                { id: "restart-update", class: "primary", onclick: () => commands.restartApp() },
                "Restart now",
              ),
            );
          }
        } catch (e) {
          bar.hidden = true;
          result.className = "error";
          result.textContent = describeError(toUiError(e));
          button.disabled = false;
        } finally {
          off();
          check.disabled = false;
        }
      },
    },
    `Download and install ${version}`,
  );
  return button;
}
