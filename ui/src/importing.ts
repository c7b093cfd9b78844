// Import actions shared by the welcome screen, the jobs list and drag-and-drop: run the import,
// then say what happened per job (created, updated, unchanged, warnings, errors).

import { commands } from "./api/client";
import type { ImportReport } from "./api/types";
import { busy, showError, toast } from "./notify";

export function summarize(report: ImportReport): { ok: number; failed: number; text: string } {
  const parts: string[] = [];
  let ok = 0;
  let failed = 0;
  for (const item of report.jobs) {
    const name = item.external_job_id ?? `job ${item.index + 1}`;
    if (item.outcome) {
      ok++;
      const o = item.outcome;
      const what = o.created ? "imported" : o.changed ? "updated" : "unchanged";
      const w = o.job.warnings.length;
      parts.push(
        `${name}: ${what}, ${o.job.optimization.routed_stops} stops routed${w ? `, ${w} warning${w > 1 ? "s" : ""}` : ""}`,
      );
    } else if (item.error) {
      failed++;
      const fields = (item.error.fields ?? []).slice(0, 5).map((f) => `  ${f.field}: ${f.detail}`);
      parts.push([`${name}: ${item.error.message}`, ...fields].join("\n"));
    }
  }
  return { ok, failed, text: `${report.source}\n${parts.join("\n")}` };
}

/** Runs an import command and reports; returns the first imported job id. */
export async function runImport(work: () => Promise<ImportReport | null>): Promise<string | null> {
  try {
    const report = await busy("Importing…", work);
    if (!report) return null;
    const s = summarize(report);
    toast(s.text, s.failed ? "error" : "ok", 7000);
    return report.jobs.find((j) => j.outcome)?.outcome?.job.job_id ?? null;
  } catch (e) {
    showError(e, "Import failed: ");
    return null;
  }
}

export const importSample = () => runImport(() => commands.importSample());
export const importFile = () => runImport(() => commands.importFile());

/** Files dropped on the window are read here and imported as text. */
export function enableDrop(target: HTMLElement, done: (jobId: string | null) => void): void {
  target.addEventListener("dragover", (e) => {
    if (e.dataTransfer?.types.includes("Files")) {
      e.preventDefault();
      target.classList.add("drop-target");
    }
  });
  target.addEventListener("dragleave", () => target.classList.remove("drop-target"));
  target.addEventListener("drop", async (e) => {
    const files = [...(e.dataTransfer?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    target.classList.remove("drop-target");
    // The bytes, not `f.text()`: the engine reads the file's own encoding and workbooks.
    for (const f of files)
      done(
        await runImport(async () => commands.importDropped(f.name, toBase64(new Uint8Array(await f.arrayBuffer())))),
      );
  });
}

/** Bytes as base64, converted in chunks (a large file would overflow the argument list). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
