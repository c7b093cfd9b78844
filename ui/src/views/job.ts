// The job view: the ordered stop table beside the map, live totals, and the dispatcher's edits
// (reorder, lock, pin, status, re-optimize) with undo/redo.

import { commands, toUiError } from "../api/client";
import type { JobView as Job } from "../api/types";
import { clear, fmtKm, fmtMinutes, h } from "../dom";
import { JobHistories } from "../edits/histories";
import type { EditHistory, StatusChange } from "../edits/history";
import { RouteMap } from "../map/routeMap";
import { busy, showError, toast } from "../notify";
import { exportControls } from "./exportMenu";
import { LiveTotals } from "../stops/liveTotals";
import { placementsOf } from "../stops/reorder";
import { renderStopTable, ROW_HEIGHT, rowIndex, type StopTable } from "../stops/table";

export class JobScreen {
  readonly el = h("section", { class: "view job-view" });
  job: Job | null = null;
  lastRender: { stops: number; fetchMs: number; drawMs: number; paintedMs: number } | null = null;
  private selected: string | null = null;
  /** Undo history per job, kept while the app runs (switching jobs keeps each one's edits). */
  private readonly histories = new JobHistories();
  /** The stop row that had the keyboard focus, put back after a redraw. */
  private focusedStop: string | null = null;
  private readonly head = h("header", { class: "view-head" });
  private readonly totals = h("div", { class: "totals", id: "totals" });
  /** Drag-preview totals from the engine's travel costs (the road pack when the job is on it). */
  private readonly live = new LiveTotals(async (jobId, order) => {
    const t = await commands.previewOrder(jobId, order);
    return { km: t.total_distance_km, minutes: t.total_duration_minutes };
  });
  private readonly banner = h("div", { class: "banner", hidden: true, id: "reopt-banner" });
  private readonly tableBox = h("div", { class: "table-box" });
  private readonly side = h("div", { class: "notes" });
  readonly map: RouteMap;

  constructor(private readonly back: () => void) {
    const mapEl = h("div", { class: "map", id: "map" });
    this.el.append(
      this.head,
      this.banner,
      h("div", { class: "split" }, h("div", { class: "left" }, this.tableBox, this.side), mapEl),
    );
    this.map = new RouteMap(mapEl);
    this.map.onStopClick = (id) => this.select(id, false);
    this.map.onStopDrag = (id, lat, lng) => {
      const j = this.job;
      if (j) void this.edit(`pin ${id}`, () => commands.moveStopPin(j.job_id, id, lat, lng));
    };
  }

  private get history(): EditHistory {
    return this.histories.of(this.job?.job_id ?? "");
  }

  async open(jobId: string): Promise<void> {
    if (this.job?.job_id !== jobId) {
      this.selected = null;
      this.focusedStop = null;
      this.banner.hidden = true;
    }
    try {
      const t0 = performance.now();
      const job = await commands.getJob(jobId);
      const t1 = performance.now();
      this.show(job, true);
      const t2 = performance.now();
      // Measured for the render benchmark: fetch, build, and until the frame is painted.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          this.lastRender = {
            stops: job.stops.length,
            fetchMs: t1 - t0,
            drawMs: t2 - t1,
            paintedMs: performance.now() - t0,
          };
        }),
      );
    } catch (e) {
      showError(e, "Could not open the job: ");
    }
  }

  /** Reloads after an engine event, keeping the view where it is. */
  async reload(): Promise<void> {
    if (!this.job) return;
    try {
      this.show(await commands.getJob(this.job.job_id), false);
    } catch {
      /* job gone: keep last view */
    }
  }

  private show(job: Job, fit: boolean): void {
    this.job = job;
    this.drawHead();
    this.drawTable();
    this.drawSide();
    this.map.invalidate();
    this.map.show(job, this.selected, fit);
  }

  private drawHead(): void {
    const j = this.job as Job;
    clear(this.head);
    this.head.append(
      h("button", { class: "ghost", onclick: this.back, id: "back-to-jobs" }, "← Jobs"),
      h(
        "div",
        { class: "title" },
        h("h1", {}, j.title),
        h(
          "div",
          { class: "muted small" },
          `${j.external_job_id} · ${j.driver_email ?? "no driver"} · `,
          h("span", { class: `pill ${j.status}` }, j.status.replace("_", " ")),
        ),
      ),
      h("div", { class: "spacer" }),
      this.totals,
      h(
        "button",
        {
          id: "undo",
          disabled: !this.history.canUndo,
          title: this.history.nextUndoLabel ? `Undo ${this.history.nextUndoLabel} (Ctrl+Z)` : "Nothing to undo",
          onclick: () => this.undo(),
        },
        "Undo",
      ),
      h(
        "button",
        {
          id: "redo",
          disabled: !this.history.canRedo,
          title: this.history.nextRedoLabel ? `Redo ${this.history.nextRedoLabel} (Ctrl+Shift+Z)` : "Nothing to redo",
          onclick: () => this.redo(),
        },
        "Redo",
      ),
      ...exportControls(j.job_id),
      h("button", { id: "reoptimize", class: "primary", onclick: () => this.reoptimize() }, "Re-optimize"),
    );
    this.setTotals(j.optimization.total_distance_km, j.optimization.total_duration_minutes, false);
  }

  private setTotals(km: number, minutes: number, preview: boolean): void {
    const j = this.job as Job;
    clear(this.totals);
    this.totals.classList.toggle("preview", preview);
    this.totals.dataset.km = km.toFixed(2);
    this.totals.dataset.minutes = minutes.toFixed(1);
    this.totals.append(
      h(
        "div",
        {},
        h("span", { class: "big", id: "total-km" }, fmtKm(km)),
        h("span", { class: "muted small" }, preview ? " if dropped here" : " route"),
      ),
      h(
        "div",
        {},
        h("span", { class: "big", id: "total-min" }, fmtMinutes(minutes)),
        h(
          "span",
          { class: "muted small" },
          ` · ${j.optimization.routed_stops} stops${j.optimization.estimate ? " · straight-line estimate" : ""}`,
        ),
      ),
    );
  }

  private drawTable(): void {
    const j = this.job as Job;
    const hadFocus = this.tableBox.contains(document.activeElement);
    clear(this.tableBox);
    const table: StopTable = renderStopTable(
      j,
      this.selected,
      {
        select: (id) => this.select(id, true),
        move: (id, from, to) => this.edit(`move ${id}`, () => commands.moveStopTo(j.job_id, id, to + 1), from !== to),
        lock: (id, locked) =>
          this.edit(`${locked ? "lock" : "unlock"} ${id}`, () => commands.setStopLocked(j.job_id, id, locked)),
        status: (id, status) => {
          const before = j.stops.find((x) => x.external_stop_id === id)?.status ?? "pending";
          void this.edit(`mark ${id} ${status}`, () => commands.setStopStatus(j.job_id, id, status, null), true, {
            stopId: id,
            before,
            after: status,
          });
        },
        pin: (id) => this.startPin(id),
        preview: (from, to) => {
          if (from === null || to === null || from === to) {
            this.live.cancel();
            this.setTotals(j.optimization.total_distance_km, j.optimization.total_duration_minutes, false);
          } else this.live.request(j, from, to, (t) => this.setTotals(t.km, t.minutes, true));
        },
        focus: (id) => {
          this.focusedStop = id;
        },
      },
      this.tableBox.parentElement ?? undefined,
    );
    this.tableBox.append(table);
    // A keyboard edit redraws the table: the focus stays on the stop that was edited.
    if (hadFocus && this.focusedStop) table.focusStop(this.focusedStop);
  }

  private drawSide(): void {
    const j = this.job as Job;
    clear(this.side);
    if (!j.warnings.length) return;
    this.side.append(
      h(
        "details",
        { open: j.warnings.length <= 6 },
        h("summary", {}, `${j.warnings.length} warning${j.warnings.length > 1 ? "s" : ""}`),
        h(
          "ul",
          { class: "warnings" },
          j.warnings.map((w) =>
            h(
              "li",
              {},
              h("code", {}, w.code),
              " ",
              w.external_stop_id
                ? h(
                    "a",
                    {
                      href: "#",
                      onclick: (e: Event) => {
                        e.preventDefault();
                        this.select(w.external_stop_id as string, true);
                      },
                    },
                    w.external_stop_id,
                  )
                : null,
              " ",
              w.message,
            ),
          ),
        ),
      ),
    );
  }

  private select(id: string, pan: boolean): void {
    this.selected = id;
    const j = this.job as Job;
    this.drawTable();
    this.map.show(j, id, false);
    const s = j.stops.find((x) => x.external_stop_id === id);
    if (pan && s?.lat != null && s.lng != null) this.map.focus(s.lat, s.lng, 14);
    const row = this.tableBox.querySelector(`tr[data-stop="${CSS.escape(id)}"]`);
    const box = this.tableBox.parentElement;
    if (row) row.scrollIntoView({ block: "nearest" });
    else if (box) box.scrollTop = Math.max(0, rowIndex(j, id) * ROW_HEIGHT - box.clientHeight / 2);
  }

  private startPin(id: string): void {
    const j = this.job as Job;
    toast(`Click the map where stop ${id} really is.`, "info", 3000);
    this.map.setPinMode((lat, lng) => this.edit(`pin ${id}`, () => commands.moveStopPin(j.job_id, id, lat, lng)));
  }

  /** Runs an edit, records it for undo, and shows the engine's answer. */
  private async edit(label: string, run: () => Promise<Job>, real = true, status?: StatusChange): Promise<void> {
    if (!this.job || !real) return;
    const before = placementsOf(this.job);
    const history = this.history;
    try {
      const after = await run();
      history.record({ label, before, after: placementsOf(after), status });
      if (this.job?.job_id === after.job_id) this.show(after, false);
    } catch (e) {
      showError(e, `Could not ${label}: `);
    }
  }

  async undo(): Promise<void> {
    await this.step("undo");
  }
  async redo(): Promise<void> {
    await this.step("redo");
  }

  private async step(kind: "undo" | "redo"): Promise<void> {
    if (!this.job) return;
    const history = this.history;
    const e = kind === "undo" ? history.undo() : history.redo();
    if (!e) return;
    try {
      const id = this.job.job_id;
      this.show(
        await (e.status
          ? commands.setStopStatus(id, e.status.stopId, kind === "undo" ? e.status.before : e.status.after, null)
          : commands.restoreStops(id, kind === "undo" ? e.before : e.after)),
        false,
      );
      toast(`${kind === "undo" ? "Undid" : "Redid"} ${e.label}`, "info", 2500);
    } catch (err) {
      history.revert(kind);
      showError(err, `Could not ${kind}: `);
    }
  }

  private async reoptimize(): Promise<void> {
    if (!this.job) return;
    const before = placementsOf(this.job);
    const history = this.history;
    try {
      const r = await busy("Re-optimizing…", () => commands.reoptimizeJob((this.job as Job).job_id));
      history.record({ label: "re-optimize", before, after: placementsOf(r.job) });
      this.show(r.job, false);
      const saved =
        r.saved_km > 0.005
          ? `saved ${fmtKm(r.saved_km)} and ${fmtMinutes(r.saved_minutes)}`
          : r.saved_km < -0.005
            ? `${fmtKm(-r.saved_km)} longer (locks constrain the route)`
            : "no distance change";
      this.banner.textContent = `Re-optimized: ${saved}; ${r.stops_moved.length} stop${r.stops_moved.length === 1 ? "" : "s"} moved (${fmtKm(r.before_km)} → ${fmtKm(r.after_km)}).`;
      this.banner.hidden = false;
    } catch (e) {
      showError(toUiError(e), "Re-optimize failed: ");
    }
  }
}
