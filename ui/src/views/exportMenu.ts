// The job view's Export menu (run sheet PDF, GPX, CSV, Excel through the native save dialog) and
// its Print button (the run sheet opened in the system's PDF viewer, whose print dialog prints it).

import { commands } from "../api/client";
import { h } from "../dom";
import { busy, showError, toast } from "../notify";

const FORMATS: [string, string][] = [
  ["pdf", "Run sheet (PDF)"],
  ["gpx", "GPX (navigation apps)"],
  ["csv", "CSV"],
  ["xlsx", "Excel (XLSX)"],
];

/** The Export menu and the Print button for the job `jobId`. */
export function exportControls(jobId: string): HTMLElement[] {
  const menu = h(
    "select",
    { id: "export-job", title: "Export the route for the driver or another system" },
    h("option", { value: "" }, "Export…"),
    ...FORMATS.map(([value, label]) => h("option", { value }, label)),
  ) as HTMLSelectElement;
  menu.addEventListener("change", async () => {
    const format = menu.value;
    menu.value = "";
    if (!format) return;
    try {
      const path = await busy("Exporting…", () => commands.exportJob(jobId, format));
      if (path) toast(`Saved ${path}`, "ok");
    } catch (e) {
      showError(e, "Not exported: ");
    }
  });
  const print = h(
    "button",
    {
      id: "print-run-sheet",
      title: "Open the run sheet in the PDF viewer to print it",
      onclick: async () => {
        try {
          const sheet = await busy("Preparing the run sheet…", () => commands.printRunSheet(jobId));
          const status = document.getElementById("print-status");
          if (status) {
            status.textContent = sheet.path;
            status.dataset.opened = String(sheet.opened);
          }
          if (sheet.opened) toast("Run sheet opened: print it from the viewer", "ok");
          else toast(`Run sheet saved to ${sheet.path}. ${sheet.message ?? ""}`, "info", 8000);
        } catch (e) {
          showError(e, "No run sheet: ");
        }
      },
    },
    "Print run sheet",
  );
  // Where the last run sheet went (read by people hovering, and by the end-to-end test).
  const status = h("span", { id: "print-status", hidden: true });
  return [menu, print, status];
}
