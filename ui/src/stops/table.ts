// The ordered stop table of the job view: rows in route order (unplaced last), with geocode
// quality, status, leg distance/ETA, lock and move controls, and drag-to-reorder.

import type { JobView, Stop } from "../api/types";
import { h } from "../dom";
import { icon } from "../icons";

export interface StopRow {
  id: string;
  seq: string;
  label: string;
  address: string;
  parcels: number;
  /** "exact", "pinned", "approximate (street)", "not placed", … */
  geocode: string;
  geocodeClass: "ok" | "approx" | "pinned" | "unplaced";
  status: string;
  leg: string;
  eta: string;
  locked: boolean;
  routed: boolean;
  /** 0-based index among routed stops, or -1. */
  routeIndex: number;
}

const APPROX = new Set(["interpolated", "street", "locality", "postcode"]);

/** The table's rows: routed stops by sequence, then the unplaced ones. */
export function stopRows(job: JobView): StopRow[] {
  const routed = job.stops.filter((s) => s.sequence !== null).sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
  const unplaced = job.stops.filter((s) => s.sequence === null);
  return [...routed, ...unplaced].map((s, i) => row(s, s.sequence !== null ? i : -1));
}

function row(s: Stop, routeIndex: number): StopRow {
  const pinned = s.geocode.source === "pin";
  const cls = s.sequence === null ? "unplaced" : pinned ? "pinned" : APPROX.has(s.geocode.level) ? "approx" : "ok";
  const geocode = cls === "unplaced" ? "not placed" : pinned ? "pinned" : cls === "approx" ? `approximate (${s.geocode.level})` : s.geocode.level;
  return {
    id: s.external_stop_id,
    seq: s.sequence === null ? "—" : String(s.sequence),
    label: s.label ?? s.external_stop_id,
    address: s.address ?? (s.lat !== null ? `${s.lat?.toFixed(5)}, ${s.lng?.toFixed(5)}` : ""),
    parcels: s.parcel_count,
    geocode,
    geocodeClass: cls,
    status: s.status,
    leg: s.leg_distance_km === null ? "" : `${s.leg_distance_km.toFixed(2)} km · ${Math.round(s.leg_duration_minutes ?? 0)} min`,
    eta: s.eta ?? "",
    locked: s.locked,
    routed: s.sequence !== null,
    routeIndex,
  };
}

export interface TableHandlers {
  select(id: string): void;
  move(id: string, fromIndex: number, toIndex: number): void;
  lock(id: string, locked: boolean): void;
  status(id: string, status: string): void;
  pin(id: string): void;
  /** While dragging over a row: preview totals for the move (null when the drag ends). */
  preview(fromIndex: number | null, toIndex: number | null): void;
}

const STATUSES = ["pending", "completed", "failed", "skipped"];

export function renderStopTable(job: JobView, selected: string | null, on: TableHandlers): HTMLTableElement {
  const rows = stopRows(job);
  const routedCount = rows.filter((r) => r.routed).length;
  let dragFrom: number | null = null;
  const body = h("tbody", {}, rows.map((r) => {
    const tr = h("tr", {
      "data-stop": r.id,
      class: [r.id === selected ? "selected" : "", r.routed ? "" : "unplaced"].join(" ").trim() || null,
      draggable: r.routed ? "true" : null,
      onclick: () => on.select(r.id),
    },
      h("td", { class: "seq" }, h("span", { class: `badge-seq ${r.geocodeClass}` }, r.seq)),
      h("td", { class: "label" }, h("div", { class: "strong" }, r.label), h("div", { class: "muted small" }, r.address)),
      h("td", { class: "num" }, r.parcels),
      h("td", {}, h("span", { class: `geo ${r.geocodeClass}` }, r.geocode)),
      h("td", { class: "small leg" }, h("div", {}, r.leg), h("div", { class: "muted" }, r.eta ? `ETA ${r.eta}` : "")),
      h("td", {}, statusSelect(r, on)),
      h("td", { class: "actions" },
        r.routed ? h("button", {
          class: `icon ${r.locked ? "on" : ""}`, title: r.locked ? "Unlock (re-optimize may move it)" : "Lock in place",
          "data-action": "lock", onclick: (e: Event) => { e.stopPropagation(); on.lock(r.id, !r.locked); },
        }, icon(r.locked ? "lock" : "unlock")) : null,
        h("button", { class: "icon", title: "Move up", "data-action": "up", disabled: r.routeIndex <= 0,
          onclick: (e: Event) => { e.stopPropagation(); on.move(r.id, r.routeIndex, r.routeIndex - 1); } }, icon("up")),
        h("button", { class: "icon", title: "Move down", "data-action": "down", disabled: !r.routed || r.routeIndex >= routedCount - 1,
          onclick: (e: Event) => { e.stopPropagation(); on.move(r.id, r.routeIndex, r.routeIndex + 1); } }, icon("down")),
        h("button", { class: "icon", title: "Drop a pin on the map for this stop", "data-action": "pin",
          onclick: (e: Event) => { e.stopPropagation(); on.pin(r.id); } }, icon("pin")),
      ),
    );
    if (r.routed) {
      tr.addEventListener("dragstart", (e) => { dragFrom = r.routeIndex; e.dataTransfer?.setData("text/plain", r.id); tr.classList.add("dragging"); });
      tr.addEventListener("dragend", () => { dragFrom = null; tr.classList.remove("dragging"); on.preview(null, null); });
      tr.addEventListener("dragover", (e) => { if (dragFrom !== null) { e.preventDefault(); on.preview(dragFrom, r.routeIndex); } });
      tr.addEventListener("drop", (e) => {
        e.preventDefault();
        const from = dragFrom;
        dragFrom = null;
        on.preview(null, null);
        const id = e.dataTransfer?.getData("text/plain");
        if (from !== null && id && from !== r.routeIndex) on.move(id, from, r.routeIndex);
      });
    }
    return tr;
  }));
  return h("table", { class: "stops" },
    h("thead", {}, h("tr", {}, ["#", "Stop", "Pcs", "Placed", "Leg · ETA", "Status", ""].map((t) => h("th", {}, t)))),
    body);
}

function statusSelect(r: StopRow, on: TableHandlers): HTMLSelectElement {
  const sel = h("select", { class: `status ${r.status}`, "aria-label": "Stop status", onclick: (e: Event) => e.stopPropagation() },
    STATUSES.map((s) => h("option", { value: s, selected: s === r.status }, s)));
  sel.addEventListener("change", () => on.status(r.id, sel.value));
  return sel;
}
