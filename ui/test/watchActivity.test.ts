import { describe, expect, it, vi } from "vitest";
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
const { describeWatchEvent, pushActivity } = await import("../src/watchActivity");

const at = new Date(2026, 10, 29, 9, 5);

describe("watched folder activity", () => {
  it("says which jobs a file imported and how many warnings, and notifies", () => {
    const r = describeWatchEvent(
      {
        kind: "imported",
        file: "wms.csv",
        warnings: 2,
        result: "imported/wms.csv.result.json",
        jobs: [
          { external_job_id: "A1", job_id: "x", created: true, changed: true, stop_count: 3, warnings: [] },
          { external_job_id: "B2", job_id: "y", created: false, changed: true, stop_count: 5, warnings: [] },
        ],
      },
      at,
    );
    expect(r).toEqual({
      at: "09:05",
      kind: "warn",
      text: "wms.csv: imported 2 jobs (A1, B2), 2 warnings",
      notify: true,
    });
  });
  it("names the report of a failed file and notifies", () => {
    const r = describeWatchEvent(
      {
        kind: "failed",
        file: "bad.csv",
        code: "invalid_rows",
        message: "3 bad cells",
        problems: 3,
        report: "failed/bad.csv.report.txt",
      },
      at,
    );
    expect(r.kind).toBe("error");
    expect(r.notify).toBe(true);
    expect(r.text).toContain("failed/bad.csv.report.txt");
  });
  it("reports duplicates quietly", () => {
    const r = describeWatchEvent({ kind: "duplicate", file: "again.csv", duplicate_of: "first.csv", result: "" }, at);
    expect(r.notify).toBe(false);
    expect(r.text).toBe("again.csv: same content as first.csv, not imported again");
  });
  it("says when the watcher hit a problem and when watching stopped", () => {
    const err = describeWatchEvent({ kind: "watcher_error", message: "inotify limit reached" }, at);
    expect(err.kind).toBe("warn");
    expect(err.text).toBe("Watching hit a problem (inotify limit reached); the folder is scanned again");
    expect(describeWatchEvent({ kind: "stopped", folder: "/drop" }, at).text).toBe("Stopped watching /drop");
  });
  it("keeps the newest 50 rows first", () => {
    const list = [] as ReturnType<typeof describeWatchEvent>[];
    for (let i = 0; i < 60; i++) pushActivity(list, { at: "", kind: "info", text: String(i), notify: false });
    expect(list.length).toBe(50);
    expect(list[0].text).toBe("59");
    expect(list[49].text).toBe("10");
  });
});
