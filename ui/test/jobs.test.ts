import { describe, expect, it, vi } from "vitest";
vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
const { filterJobs } = await import("../src/views/jobs");
const { summarize } = await import("../src/importing");
import type { JobSummary, ImportReport, JobView } from "../src/api/types";
import fixture from "./fixtures/sample-job-view.json";

const summary = (title: string, status: JobSummary["status"], driver: string | null): JobSummary => ({
  job_id: title,
  external_job_id: `EXT-${title}`,
  title,
  driver_email: driver,
  status,
  stop_count: 3,
  status_counts: {},
  unplaced_count: 0,
  warnings_count: 0,
  total_distance_km: 1,
  total_duration_minutes: 2,
  created_at: "",
  updated_at: "",
});

describe("jobs filter", () => {
  const jobs = [summary("Morning North", "assigned", "ann@x.com"), summary("Evening South", "completed", null)];
  it("searches title, external id and driver, case-insensitively", () => {
    expect(filterJobs(jobs, { status: "", text: "north" }).map((j) => j.title)).toEqual(["Morning North"]);
    expect(filterJobs(jobs, { status: "", text: "ANN@" }).map((j) => j.title)).toEqual(["Morning North"]);
    expect(filterJobs(jobs, { status: "", text: "ext-evening" }).map((j) => j.title)).toEqual(["Evening South"]);
  });
  it("filters by status", () => {
    expect(filterJobs(jobs, { status: "completed", text: "" }).map((j) => j.title)).toEqual(["Evening South"]);
  });
});

describe("import summary", () => {
  it("reports each job: created with warnings, and a refused one with its field errors", () => {
    const job = fixture as JobView;
    const report: ImportReport = {
      source: "day.json",
      jobs: [
        { index: 0, external_job_id: "SAMPLE-BNE-001", outcome: { created: true, changed: true, job }, error: null },
        {
          index: 1,
          external_job_id: "BAD",
          outcome: null,
          error: {
            code: "validation_failed",
            message: "the request is invalid",
            fields: [{ field: "stops", pointer: "/stops", code: "required", detail: "is required" }],
          },
        },
      ],
    };
    const s = summarize(report);
    expect(s.ok).toBe(1);
    expect(s.failed).toBe(1);
    expect(s.text).toContain("SAMPLE-BNE-001: imported, 12 stops routed, 2 warnings");
    expect(s.text).toContain("BAD: the request is invalid\n  stops: is required");
  });
});
