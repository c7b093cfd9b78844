// The ordered stop table of the job view: rows in route order (unplaced last), with geocode
// quality, status, leg distance/ETA, lock and move controls, and drag-to-reorder.

import type { JobView, Stop } from "../api/types";
import { h } from "../dom";
import { icon } from "../icons";
import { keyIntent } from "./keyboard";

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
  const geocode =
    cls === "unplaced"
      ? "not placed"
      : pinned
        ? "pinned"
        : cls === "approx"
          ? `approximate (${s.geocode.level})`
          : s.geocode.level;
  return {
    id: s.external_stop_id,
    seq: s.sequence === null ? "—" : String(s.sequence),
    label: s.label ?? s.external_stop_id,
    address: s.address ?? (s.lat !== null ? `${s.lat?.toFixed(5)}, ${s.lng?.toFixed(5)}` : ""),
    parcels: s.parcel_count,
    geocode,
    geocodeClass: cls,
    status: s.status,
    leg:
      s.leg_distance_km === null
        ? ""
        : `${s.leg_distance_km.toFixed(2)} km · ${Math.round(s.leg_duration_minutes ?? 0)} min`,
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
  /** A row got the keyboard focus (the view puts it back there after a redraw). */
  focus?(id: string): void;
}

/** The table element, with a way to put the keyboard focus on a stop's row. */
export type StopTable = HTMLTableElement & { focusStop(id: string): boolean };

const STATUSES = ["pending", "completed", "failed", "skipped"];

/** Above this many stops only the rows in view are in the DOM (2,000 full rows cost seconds). */
export const VIRTUAL_FROM = 150;
/** Fixed row height of the virtual table (CSS `table.stops.virtual tr`). */
export const ROW_HEIGHT = 44;

/**
 * The stop table. With `viewport` (the scrolling element) and a long job, rows are rendered as
 * they scroll into view; short jobs render every row.
 */
export function renderStopTable(
  job: JobView,
  selected: string | null,
  on: TableHandlers,
  viewport?: HTMLElement,
): StopTable {
  const rows = stopRows(job);
  const routedCount = rows.filter((r) => r.routed).length;
  const drag: DragState = { from: null };
  const body = h("tbody");
  const table = h(
    "table",
    { class: "stops" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["#", "Stop", "Pcs", "Placed", "Leg · ETA", "Status", ""].map((t) => h("th", {}, t)),
      ),
    ),
    body,
  );
  const tabStop = rows.find((r) => r.id === selected)?.id ?? rows[0]?.id;
  const make = (r: StopRow) => rowElement(r, selected, routedCount, on, drag, r.id === tabStop);
  const rowOf = (id: string) =>
    [...body.querySelectorAll<HTMLTableRowElement>("tr[data-stop]")].find((tr) => tr.dataset.stop === id);
  const focusIndex = (i: number): boolean => {
    const r = rows[i];
    if (!r) return false;
    let tr = rowOf(r.id);
    if (!tr && viewport) {
      // Not rendered (virtual table): scroll it into the window, draw, then focus.
      viewport.scrollTop = Math.max(0, table.offsetTop + i * ROW_HEIGHT - viewport.clientHeight / 2);
      draw();
      tr = rowOf(r.id);
    }
    if (!tr) return false;
    for (const other of body.querySelectorAll<HTMLElement>("tr[tabindex='0']")) other.tabIndex = -1;
    tr.tabIndex = 0;
    tr.focus({ preventScroll: false });
    return true;
  };
  body.addEventListener("keydown", (e) => {
    const tr = e.target as HTMLElement;
    // Keys typed into the status menu or on a button belong to them.
    if (tr.tagName !== "TR") return;
    const i = rows.findIndex((r) => r.id === tr.dataset.stop);
    const r = rows[i];
    if (!r) return;
    const intent = keyIntent(e, i, rows.length, r.routeIndex, routedCount);
    if (!intent) return;
    e.preventDefault();
    if (intent.kind === "focus") focusIndex(intent.index);
    else if (intent.kind === "move") on.move(r.id, r.routeIndex, intent.to);
    else if (intent.kind === "lock") on.lock(r.id, !r.locked);
    else on.select(r.id);
  });
  body.addEventListener("focusin", (e) => {
    const id = (e.target as HTMLElement).closest("tr")?.dataset.stop;
    if (id) on.focus?.(id);
  });
  const stopTable = Object.assign(table, {
    focusStop: (id: string) => focusIndex(rows.findIndex((r) => r.id === id)),
  });
  let draw = () => {};
  if (!viewport || rows.length < VIRTUAL_FROM) {
    body.append(...rows.map(make));
    return stopTable;
  }
  table.classList.add("virtual");
  let shown = "";
  draw = () => {
    const top = Math.max(0, viewport.scrollTop - table.offsetTop);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - 10);
    const last = Math.min(rows.length, first + Math.ceil(viewport.clientHeight / ROW_HEIGHT) + 20);
    if (shown === `${first}:${last}`) return;
    shown = `${first}:${last}`;
    body.replaceChildren(
      h("tr", { class: "spacer", style: `height:${first * ROW_HEIGHT}px` }),
      ...rows.slice(first, last).map(make),
      h("tr", { class: "spacer", style: `height:${(rows.length - last) * ROW_HEIGHT}px` }),
    );
  };
  let queued = false;
  // One listener per table: it removes itself once a redraw has replaced this table.
  const stop = new AbortController();
  viewport.addEventListener(
    "scroll",
    () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        if (table.isConnected) draw();
        else stop.abort();
      });
    },
    { passive: true, signal: stop.signal },
  );
  draw();
  return stopTable;
}

/** Where the row of `id` sits in the table, for scrolling to it when it is not rendered. */
export function rowIndex(job: JobView, id: string): number {
  return stopRows(job).findIndex((r) => r.id === id);
}

interface DragState {
  from: number | null;
}

function rowElement(
  r: StopRow,
  selected: string | null,
  routedCount: number,
  on: TableHandlers,
  drag: DragState,
  tabStop: boolean,
): HTMLTableRowElement {
  const tr = h(
    "tr",
    {
      "data-stop": r.id,
      // One row is in the tab order; ↑/↓ move the focus among them (a roving tab stop).
      tabindex: tabStop ? 0 : -1,
      "aria-label": `Stop ${r.seq}: ${r.label}${r.locked ? ", locked" : ""}`,
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
    h(
      "td",
      { class: "actions" },
      r.routed
        ? h(
            "button",
            {
              class: `icon ${r.locked ? "on" : ""}`,
              title: r.locked ? "Unlock (re-optimize may move it)" : "Lock in place",
              "data-action": "lock",
              onclick: (e: Event) => {
                e.stopPropagation();
                on.lock(r.id, !r.locked);
              },
            },
            icon(r.locked ? "lock" : "unlock"),
          )
        : null,
      h(
        "button",
        {
          class: "icon",
          title: "Move up",
          "data-action": "up",
          disabled: r.routeIndex <= 0,
          onclick: (e: Event) => {
            e.stopPropagation();
            on.move(r.id, r.routeIndex, r.routeIndex - 1);
          },
        },
        icon("up"),
      ),
      h(
        "button",
        {
          class: "icon",
          title: "Move down",
          "data-action": "down",
          disabled: !r.routed || r.routeIndex >= routedCount - 1,
          onclick: (e: Event) => {
            e.stopPropagation();
            on.move(r.id, r.routeIndex, r.routeIndex + 1);
          },
        },
        icon("down"),
      ),
      h(
        "button",
        {
          class: "icon",
          title: "Drop a pin on the map for this stop",
          "data-action": "pin",
          onclick: (e: Event) => {
            e.stopPropagation();
            on.pin(r.id);
          },
        },
        icon("pin"),
      ),
    ),
  );
  if (r.routed) {
    tr.addEventListener("dragstart", (e) => {
      drag.from = r.routeIndex;
      e.dataTransfer?.setData("text/plain", r.id);
      tr.classList.add("dragging");
    });
    tr.addEventListener("dragend", () => {
      drag.from = null;
      tr.classList.remove("dragging");
      on.preview(null, null);
    });
    tr.addEventListener("dragover", (e) => {
      if (drag.from !== null) {
        e.preventDefault();
        on.preview(drag.from, r.routeIndex);
      }
    });
    tr.addEventListener("drop", (e) => {
      e.preventDefault();
      const from = drag.from;
      drag.from = null;
      on.preview(null, null);
      const id = e.dataTransfer?.getData("text/plain");
      if (from !== null && id && from !== r.routeIndex) on.move(id, from, r.routeIndex);
    });
  }
  return tr;
}

function statusSelect(r: StopRow, on: TableHandlers): HTMLSelectElement {
  const sel = h(
    "select",
    { class: `status ${r.status}`, "aria-label": "Stop status", onclick: (e: Event) => e.stopPropagation() },
    STATUSES.map((s) => h("option", { value: s, selected: s === r.status }, s)),
  );
  sel.addEventListener("change", () => on.status(r.id, sel.value));
  return sel;
}
