import { describe, expect, it } from "vitest";
import type { JobView } from "../src/api/types";
import { haversineM, moveItem, placementsOf, previewMove, routedStops, routeTotals } from "../src/stops/reorder";
import fixture from "./fixtures/sample-job-view.json";

const job: JobView = fixture as JobView;

describe("moveItem", () => {
  it("moves an item forward and backward without touching the input", () => {
    const list = ["a", "b", "c", "d"];
    expect(moveItem(list, 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(moveItem(list, 3, 0)).toEqual(["d", "a", "b", "c"]);
    expect(moveItem(list, 1, 1)).toEqual(list);
    expect(list).toEqual(["a", "b", "c", "d"]);
  });

  it("refuses indexes outside the list", () => {
    expect(() => moveItem(["a"], 0, 1)).toThrow(RangeError);
    expect(() => moveItem(["a"], -1, 0)).toThrow(RangeError);
  });
});

describe("route totals", () => {
  it("Brisbane to Sydney is about 730 km, like the engine's haversine", () => {
    expect(haversineM({ lat: -27.4698, lng: 153.0251 }, { lat: -33.8688, lng: 151.2093 }) / 1000).toBeCloseTo(732, -1);
  });

  it("reproduces the engine's totals for the sample job's own order", () => {
    const o = job.optimization;
    const t = routeTotals(job.depot, routedStops(job), {
      roadFactor: o.road_factor,
      speedKmh: o.average_speed_kmh,
      returnToDepot: true,
    });
    expect(t.km).toBeCloseTo(o.total_distance_km, 1);
    expect(t.minutes).toBeCloseTo(o.total_duration_minutes, 0);
  });

  it("previewing a swap of the first two stops changes the distance", () => {
    const before = job.optimization.total_distance_km;
    const after = previewMove(job, 0, 1).km;
    expect(after).not.toBeCloseTo(before, 2);
    expect(previewMove(job, 2, 2).km).toBeCloseTo(before, 1);
  });

  it("an open route does not count the way back", () => {
    const stops = routedStops(job);
    const o = { roadFactor: 1, speedKmh: 60, returnToDepot: false };
    const open = routeTotals(job.depot, stops, o);
    const closed = routeTotals(job.depot, stops, { ...o, returnToDepot: true });
    expect(closed.km).toBeGreaterThan(open.km);
  });
});

describe("placements", () => {
  it("snapshot every stop with its sequence, lock and position, independent of the job", () => {
    const p = placementsOf(job);
    expect(p).toHaveLength(job.stops.length);
    const unplaced = p.filter((x) => x.sequence === null);
    expect(unplaced.map((x) => x.external_stop_id)).toEqual(["S13"]);
    p[0].geocode.source = "changed";
    expect(job.stops[0].geocode.source).not.toBe("changed");
  });
});
