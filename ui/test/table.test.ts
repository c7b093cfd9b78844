import { describe, expect, it, vi } from "vitest";
import type { JobView } from "../src/api/types";
import { renderStopTable, stopRows, type TableHandlers } from "../src/stops/table";
import fixture from "./fixtures/sample-job-view.json";

const job: JobView = fixture as JobView;

function handlers(): TableHandlers {
  return { select: vi.fn(), move: vi.fn(), lock: vi.fn(), status: vi.fn(), pin: vi.fn(), preview: vi.fn() };
}

describe("stopRows", () => {
  it("lists routed stops by sequence, then the unplaced stop last", () => {
    const rows = stopRows(job);
    expect(rows).toHaveLength(13);
    expect(rows.slice(0, 12).map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    const last = rows[12];
    expect(last).toMatchObject({
      id: "S13",
      seq: "—",
      geocode: "not placed",
      geocodeClass: "unplaced",
      routed: false,
      routeIndex: -1,
    });
  });

  it("shows leg distance, ETA and parcels of each stop", () => {
    const first = stopRows(job)[0];
    const stop = job.stops.find((s) => s.sequence === 1)!;
    expect(first.leg).toBe(`${stop.leg_distance_km!.toFixed(2)} km · ${Math.round(stop.leg_duration_minutes!)} min`);
    expect(first.eta).toBe(stop.eta);
    expect(first.parcels).toBe(stop.parcel_count);
  });

  it("marks approximate and pinned placements", () => {
    const edited: JobView = structuredClone(job);
    edited.stops[0].geocode = { source: "gazetteer", level: "street", confidence: 0.6 };
    edited.stops[1].geocode = { source: "pin", level: "exact", confidence: 1 };
    const byId = new Map(stopRows(edited).map((r) => [r.id, r]));
    expect(byId.get(edited.stops[0].external_stop_id)).toMatchObject({
      geocodeClass: "approx",
      geocode: "approximate (street)",
    });
    expect(byId.get(edited.stops[1].external_stop_id)).toMatchObject({ geocodeClass: "pinned", geocode: "pinned" });
  });
});

describe("renderStopTable", () => {
  it("moves a stop down with its button and cannot move the last routed stop further", () => {
    const on = handlers();
    const table = renderStopTable(job, null, on);
    const rows = table.querySelectorAll("tbody tr");
    (rows[0].querySelector("button[data-action=down]") as HTMLButtonElement).click();
    expect(on.move).toHaveBeenCalledWith(rows[0].getAttribute("data-stop"), 0, 1);
    expect((rows[11].querySelector("button[data-action=down]") as HTMLButtonElement).disabled).toBe(true);
    expect((rows[0].querySelector("button[data-action=up]") as HTMLButtonElement).disabled).toBe(true);
    expect(rows[12].querySelector("button[data-action=lock]")).toBeNull();
  });

  it("toggles a lock and changes a status through the handlers", () => {
    const on = handlers();
    const table = renderStopTable(job, null, on);
    const row = table.querySelector("tbody tr") as HTMLTableRowElement;
    (row.querySelector("button[data-action=lock]") as HTMLButtonElement).click();
    expect(on.lock).toHaveBeenCalledWith(row.dataset.stop, true);
    const sel = row.querySelector("select") as HTMLSelectElement;
    sel.value = "completed";
    sel.dispatchEvent(new Event("change"));
    expect(on.status).toHaveBeenCalledWith(row.dataset.stop, "completed");
    expect(on.select).not.toHaveBeenCalled();
  });

  it("highlights the selected stop", () => {
    const table = renderStopTable(job, "S13", handlers());
    expect(table.querySelector("tr.selected")?.getAttribute("data-stop")).toBe("S13");
  });
});

describe("long jobs", () => {
  it("render only the rows in view, with spacers standing in for the rest", () => {
    const big: JobView = structuredClone(job);
    const template = big.stops[0];
    big.stops = Array.from({ length: 2000 }, (_, i) => ({ ...template, external_stop_id: `B${i}`, sequence: i + 1 }));
    const viewport = document.createElement("div");
    Object.defineProperty(viewport, "clientHeight", { value: 440 });
    const table = renderStopTable(big, null, handlers(), viewport);
    viewport.append(table);
    const rendered = table.querySelectorAll("tbody tr[data-stop]");
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(60);
    const spacers = table.querySelectorAll<HTMLTableRowElement>("tbody tr.spacer");
    expect(parseInt(spacers[1].style.height, 10)).toBe((2000 - rendered.length) * 44);
    // Rendered rows keep their real route positions: the first stop cannot move up.
    expect((rendered[0].querySelector("button[data-action=up]") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("drag to reorder", () => {
  function dragEvent(type: string, store: Map<string, string>): Event {
    const e = new Event(type, { bubbles: true, cancelable: true });
    Object.defineProperty(e, "dataTransfer", {
      value: { setData: (k: string, v: string) => store.set(k, v), getData: (k: string) => store.get(k) ?? "" },
    });
    return e;
  }

  it("dropping row 1 on row 3 moves that stop to route index 2, with a totals preview on the way", () => {
    const on = handlers();
    const rows = renderStopTable(job, null, on).querySelectorAll("tbody tr");
    const data = new Map<string, string>();
    rows[0].dispatchEvent(dragEvent("dragstart", data));
    const over = dragEvent("dragover", data);
    rows[2].dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    expect(on.preview).toHaveBeenLastCalledWith(0, 2);
    rows[2].dispatchEvent(dragEvent("drop", data));
    expect(on.move).toHaveBeenCalledWith(rows[0].getAttribute("data-stop"), 0, 2);
    expect(on.preview).toHaveBeenLastCalledWith(null, null);
  });

  it("the unplaced stop cannot be dragged into the route", () => {
    const rows = renderStopTable(job, null, handlers()).querySelectorAll("tbody tr");
    expect(rows[12].getAttribute("draggable")).toBeNull();
  });
});
