// Settings → Driver packs: an optional folder where each job's pack (run sheet, GPX, CSV, Excel)
// is written after every import or change, e.g. a shared folder the drivers' tablets read; and
// the toasts saying whether each pack was written.

import { listen } from "@tauri-apps/api/event";
import { commands } from "../api/client";
import type { PackEvent, Settings } from "../api/types";
import { h } from "../dom";
import { toast } from "../notify";

/** The settings card; `save` stores a changed `ui`. */
export function packsCard(s: Settings, save: (patch: Partial<Settings>) => Promise<void>): HTMLElement {
  return h(
    "div",
    { class: "card" },
    h("h2", {}, "Driver packs"),
    h("p", {}, "Packs folder: ", h("code", { id: "packs-folder" }, s.ui.packs_folder ?? "none")),
    h(
      "p",
      { class: "muted small" },
      "After every import or change, each job's run sheet (PDF), GPX, CSV and Excel file are written into a folder of their own here, replacing the old ones in one step. Imports never wait for it; a pack that cannot be written is reported.",
    ),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          id: "choose-packs-folder",
          onclick: async () => {
            const picked = await commands.pickFolder();
            if (picked) await save({ ui: { ...s.ui, packs_folder: picked } });
          },
        },
        "Choose folder…",
      ),
      s.ui.packs_folder
        ? h(
            "button",
            { class: "ghost", onclick: () => save({ ui: { ...s.ui, packs_folder: null } }) },
            "Stop writing packs",
          )
        : null,
    ),
  );
}

/** Shows a toast for each pack written or not (call once at start). */
export async function listenForPacks(): Promise<void> {
  await listen<PackEvent>("packs://written", (e) => {
    toast(`Driver pack written: ${e.payload.folder}`, "ok", 3000);
  });
  await listen<PackEvent>("packs://failed", (e) => {
    const job = e.payload.external_job_id || e.payload.job_id;
    toast(`Driver pack for ${job} not written: ${e.payload.error ?? "unknown error"}`, "error");
  });
}
