// The jobs list: title, driver, status, stop counts, warnings, updated time; filter by status,
// search by text; refreshed live by engine events.

import { commands } from "../api/client";
import type { JobSummary } from "../api/types";
import { clear, fmtKm, fmtMinutes, fmtTime, h } from "../dom";
import { importFile, importSample } from "../importing";
import { showError } from "../notify";
import { fillSyncBadges } from "./sync";

export interface JobsFilter {
  status: string;
  text: string;
}

/** Jobs matching the search text (title, external id, driver), case-insensitive. */
export function filterJobs(jobs: JobSummary[], f: JobsFilter): JobSummary[] {
  const q = f.text.trim().toLowerCase();
  return jobs.filter(
    (j) =>
      (!f.status || j.status === f.status) &&
      (!q || [j.title, j.external_job_id, j.driver_email ?? ""].some((t) => t.toLowerCase().includes(q))),
  );
}

export class JobsView {
  readonly el = h("section", { class: "view jobs-view" });
  private jobs: JobSummary[] = [];
  private filter: JobsFilter = { status: "", text: "" };
  private readonly list = h("div", { class: "list" });

  constructor(private readonly open: (jobId: string) => void) {
    const search = h("input", { type: "search", placeholder: "Search title, job id or driver…", id: "job-search" });
    search.addEventListener("input", () => {
      this.filter.text = search.value;
      this.draw();
    });
    const status = h(
      "select",
      { id: "job-status-filter", "aria-label": "Status" },
      ["", "unassigned", "assigned", "in_progress", "completed", "cancelled"].map((s) =>
        h("option", { value: s }, s ? s.replace("_", " ") : "All statuses"),
      ),
    );
    status.addEventListener("change", () => {
      this.filter.status = status.value;
      this.draw();
    });
    this.el.append(
      h(
        "header",
        { class: "view-head" },
        h("h1", {}, "Jobs"),
        h("div", { class: "spacer" }),
        search,
        status,
        h(
          "button",
          {
            id: "import-file",
            onclick: async () => {
              const id = await importFile();
              if (id) this.open(id);
            },
          },
          "Import file…",
        ),
        h(
          "button",
          {
            id: "import-sample",
            class: "secondary",
            onclick: async () => {
              const id = await importSample();
              if (id) this.open(id);
            },
          },
          "Import sample job",
        ),
      ),
      this.list,
    );
  }

  async refresh(): Promise<JobSummary[]> {
    try {
      const all: JobSummary[] = [];
      let cursor: string | null = null;
      do {
        const page = await commands.listJobs({ limit: 500, cursor });
        all.push(...page.jobs);
        cursor = page.next_cursor;
      } while (cursor);
      this.jobs = all;
      this.draw();
    } catch (e) {
      showError(e, "Could not load jobs: ");
    }
    return this.jobs;
  }

  private draw(): void {
    clear(this.list);
    const shown = filterJobs(this.jobs, this.filter);
    if (!this.jobs.length) {
      this.list.append(
        h("p", { class: "empty" }, "No jobs yet. Import a job file, send one to the local API, or try the sample job."),
      );
      return;
    }
    this.list.append(
      h(
        "table",
        { class: "jobs" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Job", "Driver", "Status", "Stops", "Route", "Warnings", "Updated"].map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          shown.map((j) =>
            h(
              "tr",
              { "data-job": j.job_id, onclick: () => this.open(j.job_id) },
              h(
                "td",
                {},
                h("div", { class: "strong" }, j.title),
                h("div", { class: "muted small" }, j.external_job_id, h("span", { "data-sync-job": j.job_id })),
              ),
              h("td", {}, j.driver_email ?? h("span", { class: "muted" }, "unassigned")),
              h("td", {}, h("span", { class: `pill ${j.status}` }, j.status.replace("_", " "))),
              h(
                "td",
                { class: "num" },
                `${j.status_counts.completed ?? 0}/${j.stop_count}`,
                j.unplaced_count ? h("span", { class: "warn small" }, ` · ${j.unplaced_count} unplaced`) : null,
              ),
              h("td", { class: "num" }, `${fmtKm(j.total_distance_km)} · ${fmtMinutes(j.total_duration_minutes)}`),
              h("td", { class: "num" }, j.warnings_count ? h("span", { class: "warn" }, j.warnings_count) : "0"),
              h("td", {}, fmtTime(j.updated_at)),
            ),
          ),
        ),
      ),
    );
    if (!shown.length) this.list.append(h("p", { class: "empty" }, "No job matches the filter."));
    void fillSyncBadges(this.list);
  }
}
