import { beforeEach, describe, expect, it, vi } from "vitest";
import type { JobEvent } from "../src/api/client";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const { changesShownJob, commands, describeError, toUiError } = await import("../src/api/client");
const { COMMAND_NAMES } = await import("../src/api/bindings");
import capabilities from "../../src-tauri/capabilities/default.json";

describe("typed commands", () => {
  beforeEach(() => invoke.mockReset());

  it("pass camelCase arguments under the Rust command name", async () => {
    invoke.mockResolvedValue({ job_id: "j" });
    await commands.moveStopTo("j1", "S03", 2);
    expect(invoke).toHaveBeenCalledWith("move_stop_to", { jobId: "j1", stopId: "S03", position: 2 });
    await commands.listJobs({ limit: 5 });
    expect(invoke).toHaveBeenLastCalledWith("list_jobs", { args: { limit: 5 } });
    await commands.listCredentials();
    expect(invoke).toHaveBeenLastCalledWith("list_credentials");
  });

  it("every generated command is allowed by the window's capability", () => {
    const allowed = new Set(
      capabilities.permissions.filter((p) => p.startsWith("allow-")).map((p) => p.slice(6).replace(/-/g, "_")),
    );
    expect([...COMMAND_NAMES].sort()).toEqual([...allowed].sort());
  });
});

describe("errors", () => {
  it("keep the shell's code and message, and list field problems", () => {
    const e = toUiError({
      code: "validation_failed",
      message: "the request is invalid",
      fields: [{ field: "stops[0].lat", pointer: "/stops/0/lat", code: "invalid_value", detail: "must be within ±90" }],
    });
    expect(e.code).toBe("validation_failed");
    expect(describeError(e)).toBe("the request is invalid\nstops[0].lat: must be within ±90");
  });

  it("turn strings and exceptions into internal errors", () => {
    expect(toUiError("boom")).toEqual({ code: "internal", message: "boom" });
    expect(toUiError(new Error("bad"))).toEqual({ code: "internal", message: "bad" });
    expect(toUiError(undefined).code).toBe("internal");
  });

  it("reach callers as rejected promises with the same shape", async () => {
    invoke.mockRejectedValue({ code: "not_found", message: "job x not found" });
    await expect(commands.getJob("x")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("job events", () => {
  const shown = { job_id: "j1", revision: 4 };
  const updated = (job_id: string, revision: number): JobEvent => ({
    kind: "job_updated",
    account: "default",
    job_id,
    external_job_id: `ext-${job_id}`,
    revision,
  });

  it("do not reload a job at the revision already on screen", () => {
    expect(changesShownJob(updated("j1", 4), shown)).toBe(false);
    expect(changesShownJob(updated("j1", 3), shown)).toBe(false);
    expect(changesShownJob(updated("j1", 5), shown)).toBe(true);
  });

  it("reload on a resync or an event naming no job, never for another job", () => {
    expect(changesShownJob({ kind: "resync" }, shown)).toBe(true);
    expect(changesShownJob({ kind: "settings_changed" }, shown)).toBe(true);
    expect(changesShownJob(updated("j2", 9), shown)).toBe(false);
    expect(
      changesShownJob(
        { kind: "stop_status_changed", account: "default", job_id: "j1", external_stop_id: "S1", revision: 5 },
        shown,
      ),
    ).toBe(true);
    expect(changesShownJob({ kind: "resync" }, null)).toBe(true);
    expect(changesShownJob(updated("j1", 1), null)).toBe(false);
  });
});
