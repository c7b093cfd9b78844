// Plan the day: the day's stops split across the fleet, one colour per driver on the map and in
// the lists; per-driver totals and load bars; move a stop to another driver (live feasibility and
// totals from the engine's checker before anything is applied); lock stops to a driver and plan
// again around the locks; the stops left out with their reasons; undo/redo of applied moves.

import L from "leaflet";
import { commands } from "../api/client";
import type { DriverStops, PlanEvaluation, PlanView as Plan, Stop } from "../api/types";
import { clear, fmtKm, fmtMinutes, h } from "../dom";
import { addBasemap } from "../map/basemap";
import { addStreetsLayer } from "../map/streetsLayer";
import { planExportControls } from "./planExportMenu";
import { busy, showError, toast } from "../notify";

/** One colour per driver, in the plan's driver order. */
export const DRIVER_COLOURS = [
  "#2563eb",
  "#dc2626",
  "#16a34a",
  "#9333ea",
  "#ea580c",
  "#0891b2",
  "#ca8a04",
  "#db2777",
  "#4b5563",
  "#65a30d",
];

/** Undo/redo of applied assignments: each entry is the assignment before and after. */
class AssignmentHistory {
  private done: { before: DriverStops[]; after: DriverStops[] }[] = [];
  private undone: { before: DriverStops[]; after: DriverStops[] }[] = [];
  record(before: DriverStops[], after: DriverStops[]): void {
    this.done.push({ before, after });
    this.undone = [];
  }
  undo() {
    const e = this.done.pop();
    if (e) this.undone.push(e);
    return e ?? null;
  }
  redo() {
    const e = this.undone.pop();
    if (e) this.done.push(e);
    return e ?? null;
  }
  clear(): void {
    this.done = [];
    this.undone = [];
  }
  get canUndo() {
    return this.done.length > 0;
  }
  get canRedo() {
    return this.undone.length > 0;
  }
}

export class PlanScreen {
  readonly el = h("section", { class: "view plan-view", id: "plan-view" });
  plan: Plan | null = null;
  private stops = new Map<string, Stop>();
  /** Where each driver's route starts (the job's depot). */
  private starts = new Map<string, [number, number]>();
  /** Drivers whose route ends back at its start. */
  private returns = new Set<string>();
  private locks = new Map<string, string>();
  private readonly history = new AssignmentHistory();
  private readonly head = h("header", { class: "view-head" });
  private readonly banner = h("div", { class: "banner", hidden: true, id: "plan-banner" });
  private readonly lists = h("div", { class: "plan-lists" });
  private readonly map: L.Map;
  private readonly layer: L.LayerGroup;
  private readonly renderer = L.canvas({ padding: 0.3 });

  constructor() {
    const mapEl = h("div", { class: "map", id: "plan-map" });
    this.el.append(
      this.head,
      this.banner,
      h("div", { class: "split" }, h("div", { class: "left" }, this.lists), mapEl),
    );
    this.map = L.map(mapEl, { preferCanvas: true, renderer: this.renderer }).setView([-27.47, 153.02], 11);
    addBasemap(this.map);
    addStreetsLayer(this.map);
    L.tileLayer("tiles://localhost/{z}/{x}/{y}.png", { maxZoom: 19, errorTileUrl: "" }).addTo(this.map);
    this.layer = L.layerGroup().addTo(this.map);
  }

  async refresh(): Promise<void> {
    try {
      const latest = await commands.latestPlan();
      await this.show(latest, true);
    } catch (e) {
      showError(e, "Could not load the plan: ");
    }
  }

  private routes(): DriverStops[] {
    return (this.plan?.jobs ?? []).map((j) => ({ driver: j.driver, stops: [...j.stops] }));
  }

  private colour(driver: string): string {
    const i = (this.plan?.jobs ?? []).findIndex((j) => j.driver === driver);
    return DRIVER_COLOURS[Math.max(i, 0) % DRIVER_COLOURS.length];
  }

  private async show(plan: Plan | null, fit: boolean): Promise<void> {
    this.plan = plan;
    this.stops.clear();
    this.starts.clear();
    this.returns.clear();
    if (plan) {
      const jobs = await Promise.all(plan.jobs.map((j) => commands.getJob(j.job_id)));
      for (const j of jobs) {
        for (const s of j.stops) this.stops.set(s.external_stop_id, s);
        if (j.depot && j.driver_email) this.starts.set(j.driver_email, [j.depot.lat, j.depot.lng]);
        if (j.return_to_depot && j.driver_email) this.returns.add(j.driver_email);
      }
    }
    this.renderHead();
    this.renderLists();
    this.renderMap(fit);
  }

  private renderHead(): void {
    clear(this.head);
    const p = this.plan;
    this.head.append(
      h("h1", {}, p ? `Plan the day — ${p.title}` : "Plan the day"),
      p
        ? h(
            "div",
            { class: "totals", id: "plan-totals" },
            h("span", { class: "big" }, `${p.totals.planned_stops}/${p.totals.stops} stops`),
            h(
              "span",
              {},
              `${p.totals.drivers_used}/${p.totals.drivers} drivers · ${fmtKm(p.totals.distance_km)} · ${fmtMinutes(p.totals.duration_minutes)}`,
            ),
          )
        : "",
      h(
        "div",
        { class: "row" },
        h("button", { class: "primary", id: "plan-sample", onclick: () => this.planSample() }, "Plan the sample day"),
        h(
          "button",
          { id: "plan-replan", disabled: !p, onclick: () => this.replan() },
          `Re-plan around locks (${this.locks.size})`,
        ),
        h("button", { id: "plan-undo", disabled: !this.history.canUndo, onclick: () => this.undo() }, "Undo"),
        h("button", { id: "plan-redo", disabled: !this.history.canRedo, onclick: () => this.redo() }, "Redo"),
        ...(p ? planExportControls(p.plan_id) : []),
      ),
    );
  }

  private renderLists(): void {
    clear(this.lists);
    const p = this.plan;
    if (!p) {
      this.lists.append(
        h(
          "p",
          { class: "empty" },
          "No plan yet. Save the drivers in Settings → Fleet, then plan the sample day, drop a day's file without drivers, or send one to the plan API.",
        ),
      );
      return;
    }
    for (const j of p.jobs) {
      const colour = this.colour(j.driver);
      const load = j.capacity ? Math.min(1, j.parcels / j.capacity) : 0;
      const rows = j.stops.map((id, k) => this.stopRow(id, k + 1, j.driver, colour));
      this.lists.append(
        h(
          "div",
          { class: "driver-card", "data-driver": j.driver, style: `border-left: 6px solid ${colour}` },
          h(
            "div",
            { class: "driver-head" },
            h("span", { class: "swatch", style: `background:${colour}` }),
            h("strong", {}, j.driver_name ?? j.driver),
            h(
              "span",
              { class: "muted" },
              ` ${j.stop_count} stops · ${fmtKm(j.distance_km)} · ${fmtMinutes(j.duration_minutes)} · ${j.start_time}–${j.end_time}`,
            ),
          ),
          h(
            "div",
            { class: "load", title: `${j.parcels} of ${j.capacity ?? "∞"} parcels` },
            h("div", { class: "load-bar", style: `width:${Math.round(load * 100)}%; background:${colour}` }),
            h("span", { class: "load-text" }, `${j.parcels}${j.capacity ? ` / ${j.capacity}` : ""} parcels`),
          ),
          h("table", { class: "plan-stops" }, h("tbody", {}, ...rows)),
        ),
      );
    }
    const un = p.unassigned;
    this.lists.append(
      h(
        "div",
        { class: "driver-card unassigned", id: "plan-unassigned" },
        h("div", { class: "driver-head" }, h("strong", {}, `Left out (${un.length})`)),
        un.length === 0
          ? h("p", { class: "muted" }, "Every stop is planned.")
          : h(
              "ul",
              { class: "reasons" },
              ...un.map((u) =>
                h("li", {}, h("strong", {}, u.external_stop_id), " ", h("code", {}, u.code), " ", u.message),
              ),
            ),
      ),
    );
  }

  private stopRow(id: string, seq: number, driver: string, colour: string): HTMLElement {
    const s = this.stops.get(id);
    const move = h(
      "select",
      { class: "move-to", "data-stop": id, title: "Move to another driver" },
      ...(this.plan?.jobs ?? []).map((j) =>
        h("option", { value: j.driver, selected: j.driver === driver }, j.driver_name ?? j.driver),
      ),
    ) as HTMLSelectElement;
    move.addEventListener("change", () => void this.preview(id, driver, move.value));
    const lock = h("input", {
      type: "checkbox",
      class: "lock",
      title: "Lock to this driver for the next re-plan",
      checked: this.locks.get(id) === driver,
    }) as HTMLInputElement;
    lock.addEventListener("change", () => {
      if (lock.checked) this.locks.set(id, driver);
      else this.locks.delete(id);
      this.renderHead();
    });
    return h(
      "tr",
      { "data-stop": id },
      h(
        "td",
        {},
        h("span", { class: "badge-seq", style: `background:${colour}; box-shadow: 0 0 0 1px ${colour}` }, seq),
      ),
      h("td", { class: "label" }, h("div", {}, s?.label ?? id), h("div", { class: "muted" }, s?.address ?? "")),
      h("td", { class: "num" }, s?.eta ?? ""),
      h("td", {}, s?.time_window ? `${s.time_window.start}–${s.time_window.end}` : ""),
      h("td", {}, move),
      h("td", {}, h("label", { class: "check" }, lock, "lock")),
    );
  }

  private renderMap(fit: boolean): void {
    this.layer.clearLayers();
    const p = this.plan;
    if (!p) return;
    const all: L.LatLngExpression[] = [];
    const depot = p.depot ? ([p.depot.lat, p.depot.lng] as L.LatLngExpression) : null;
    for (const j of p.jobs) {
      const colour = this.colour(j.driver);
      const start = this.starts.get(j.driver) ?? depot;
      const pts: L.LatLngExpression[] = start ? [start] : [];
      j.stops.forEach((id, k) => {
        const s = this.stops.get(id);
        if (!s || s.lat === null || s.lng === null) return;
        const at: L.LatLngExpression = [s.lat, s.lng];
        pts.push(at);
        L.circleMarker(at, {
          renderer: this.renderer,
          radius: 7,
          color: "#fff",
          weight: 2,
          fillColor: colour,
          fillOpacity: 1,
        })
          .bindTooltip(h("span", {}, `${j.driver_name ?? j.driver} #${k + 1}: ${s.label ?? id}`))
          .addTo(this.layer);
      });
      if (start && this.returns.has(j.driver)) pts.push(start);
      all.push(...pts);
      L.polyline(pts, { renderer: this.renderer, color: colour, weight: 3, opacity: 0.8 }).addTo(this.layer);
    }
    for (const u of p.unassigned) {
      if (u.lat === null || u.lng === null) continue;
      L.circleMarker([u.lat, u.lng], {
        renderer: this.renderer,
        radius: 6,
        color: "#111827",
        weight: 2,
        fillColor: "#fff",
        fillOpacity: 1,
      })
        .bindTooltip(h("span", {}, `Left out ${u.external_stop_id}: ${u.message}`))
        .addTo(this.layer);
    }
    // The depot and the drivers' own starts, each once.
    const starts = new Map<string, L.LatLngExpression>();
    for (const at of [...this.starts.values(), ...(depot ? [depot] : [])]) starts.set(String(at), at);
    for (const at of starts.values())
      L.circleMarker(at, {
        renderer: this.renderer,
        radius: 9,
        color: "#111827",
        fillColor: "#facc15",
        fillOpacity: 1,
      }).addTo(this.layer);
    // The view may have been hidden while the map was built: measure it before fitting.
    this.map.invalidateSize();
    if (fit && all.length) this.map.fitBounds(L.latLngBounds(all), { padding: [24, 24] });
  }

  /** The assignment with `id` moved from `from` to `to`, after the target stop nearest to it. */
  private moved(id: string, from: string, to: string): DriverStops[] {
    const routes = this.routes();
    const src = routes.find((r) => r.driver === from);
    const dst = routes.find((r) => r.driver === to);
    if (!src || !dst) return routes;
    src.stops = src.stops.filter((s) => s !== id);
    const me = this.stops.get(id);
    let at = dst.stops.length;
    if (me?.lat != null && me.lng != null) {
      let best = Number.POSITIVE_INFINITY;
      dst.stops.forEach((o, k) => {
        const s = this.stops.get(o);
        if (s?.lat == null || s.lng == null || me.lat == null || me.lng == null) return;
        const d = (s.lat - me.lat) ** 2 + (s.lng - me.lng) ** 2;
        if (d < best) {
          best = d;
          at = k + 1;
        }
      });
    }
    dst.stops.splice(at, 0, id);
    return routes;
  }

  /** Live feasibility and totals of a move; applied only when the dispatcher confirms. */
  private async preview(id: string, from: string, to: string): Promise<void> {
    const p = this.plan;
    if (!p || from === to) return;
    const candidate = this.moved(id, from, to);
    let ev: PlanEvaluation;
    try {
      ev = await commands.evaluatePlan(p.plan_id, candidate);
    } catch (e) {
      showError(e, "Could not check the move: ");
      return;
    }
    clear(this.banner);
    this.banner.hidden = false;
    this.banner.classList.toggle("bad", !ev.feasible);
    const delta = ev.distance_km - p.totals.distance_km;
    this.banner.append(
      h(
        "span",
        { id: "plan-preview" },
        ev.feasible
          ? `Move ${id} to ${to}: feasible, ${fmtKm(ev.distance_km)} (${delta >= 0 ? "+" : ""}${delta.toFixed(1)} km), ${fmtMinutes(ev.duration_minutes)}. `
          : `Move ${id} to ${to} is not possible: ${ev.problem}. `,
      ),
      ev.feasible
        ? h(
            "button",
            { class: "primary", id: "plan-apply", onclick: () => this.apply(candidate, `move ${id}`) },
            "Apply",
          )
        : "",
      h(
        "button",
        {
          class: "ghost",
          onclick: () => {
            this.banner.hidden = true;
            this.renderLists();
          },
        },
        "Cancel",
      ),
    );
  }

  private async apply(routes: DriverStops[], label: string, record = true): Promise<boolean> {
    const p = this.plan;
    if (!p) return false;
    const before = this.routes();
    try {
      const after = await commands.assignPlan(p.plan_id, routes);
      if (record) this.history.record(before, routes);
      this.banner.hidden = true;
      await this.show(after, false);
      toast(`${label}: applied`, "ok");
      return true;
    } catch (e) {
      showError(e, `${label}: `);
      return false;
    }
  }

  private async undo(): Promise<void> {
    const e = this.history.undo();
    if (e && !(await this.apply(e.before, "undo", false))) this.history.redo();
  }

  private async redo(): Promise<void> {
    const e = this.history.redo();
    if (e && !(await this.apply(e.after, "redo", false))) this.history.undo();
  }

  private async planSample(): Promise<void> {
    try {
      const plan = await busy("Planning the sample day…", () => commands.planSampleDay());
      this.history.clear();
      this.locks.clear();
      await this.show(plan, true);
    } catch (e) {
      showError(e, "Could not plan the day: ");
    }
  }

  private async replan(): Promise<void> {
    const p = this.plan;
    if (!p) return;
    const locks = [...this.locks].map(([external_stop_id, driver]) => ({ external_stop_id, driver }));
    try {
      const plan = await busy("Planning again around the locks…", () => commands.replanDay(p.plan_id, locks));
      this.history.clear();
      await this.show(plan, false);
    } catch (e) {
      showError(e, "Could not re-plan: ");
    }
  }
}
