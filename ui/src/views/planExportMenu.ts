// The plan view's Export menu (every driver's pack into a folder chosen in the native dialog)
// and its Print button (all the plan's run sheets in one PDF, opened in the system's viewer,
// whose print dialog prints them as laid out).

import { commands } from "../api/client";
import type { PlanPacks } from "../api/types";
import { h } from "../dom";
import { busy, showError, toast } from "../notify";

/** One line saying what an export wrote, for the toast and the end-to-end test. */
export function describePacks(p: PlanPacks): string {
  const failed = p.failed.length ? `; ${p.failed.length} failed (${p.failed.map((f) => f.job_id).join(", ")})` : "";
  return `${p.packs.length} driver pack${p.packs.length === 1 ? "" : "s"} written to ${p.folder}${failed}`;
}

/** Export and Print for the plan `planId`. */
export function planExportControls(planId: string): HTMLElement[] {
  const status = h("span", { id: "plan-export-status", class: "muted small" });
  const exportButton = h(
    "button",
    {
      id: "plan-export",
      title: "Write a driver pack (run sheet, GPX, CSV, Excel) for every driver into a folder",
      onclick: async () => {
        try {
          const packs = await busy("Writing driver packs…", () => commands.exportPlan(planId));
          if (!packs) return;
          status.textContent = describePacks(packs);
          toast(describePacks(packs), packs.failed.length ? "error" : "ok");
        } catch (e) {
          showError(e, "Not exported: ");
        }
      },
    },
    "Export driver packs…",
  );
  const print = h(
    "button",
    {
      id: "plan-print",
      title: "Open every driver's run sheet in the PDF viewer to print them",
      onclick: async () => {
        try {
          const sheet = await busy("Preparing the run sheets…", () => commands.printPlan(planId));
          status.textContent = sheet.path;
          if (sheet.opened) toast("Run sheets opened: print them from the viewer", "ok");
          else toast(`Run sheets saved to ${sheet.path}. ${sheet.message ?? ""}`, "info", 8000);
        } catch (e) {
          showError(e, "No run sheets: ");
        }
      },
    },
    "Print run sheets",
  );
  return [exportButton, print, status];
}
