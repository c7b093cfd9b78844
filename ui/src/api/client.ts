// The UI's access to the shell: the generated typed commands, errors normalized to
// `{code, message}`, and the namespaced engine events.

import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { commands } from "./bindings";
import type { EngineEvent, UiError } from "./types";

export { commands };

/** Event names the shell emits (see src-tauri/src/events.rs). */
export const EVENTS = {
  imported: "jobs://imported",
  updated: "jobs://updated",
  stopStatus: "jobs://stop-status",
  resync: "jobs://resync",
  settings: "settings://changed",
} as const;

/** What a job listener receives: the engine's event, or `resync` when the shell's event queue
 * fell behind (its payload is only the number of missed events) and everything must reload. */
export type JobEvent = EngineEvent | { kind: "resync" };

/** Whether `e` may change `shown` (the job on screen): not when it names another job, nor when
 * it carries a revision the screen already has (this window made the change and rendered it). */
export function changesShownJob(e: JobEvent, shown: { job_id: string; revision: number } | null): boolean {
  if (!("job_id" in e)) return true;
  if (!shown || e.job_id !== shown.job_id) return false;
  return e.revision > shown.revision;
}

/** Whatever a command rejected with, as a `UiError`. */
export function toUiError(e: unknown): UiError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as UiError;
    return { code: String(o.code), message: String(o.message), fields: o.fields };
  }
  if (typeof e === "string") return { code: "internal", message: e };
  if (e instanceof Error) return { code: "internal", message: e.message };
  return { code: "internal", message: "unknown error" };
}

/** Human text for an error, listing field problems when there are some. */
export function describeError(e: UiError): string {
  const fields = (e.fields ?? []).slice(0, 8).map((f) => `${f.field}: ${f.detail}`);
  return fields.length ? `${e.message}\n${fields.join("\n")}` : e.message;
}

/** Calls any job-changing listener on import, update, status change or resync. */
export async function onJobsChanged(cb: (e: JobEvent) => void): Promise<UnlistenFn> {
  const offs = await Promise.all(
    [EVENTS.imported, EVENTS.updated, EVENTS.stopStatus, EVENTS.resync].map((name) =>
      listen<JobEvent>(name, (ev) => cb(typeof ev.payload === "object" ? ev.payload : { kind: "resync" })),
    ),
  );
  return () => {
    for (const off of offs) off();
  };
}
