import { describe, expect, it, vi } from "vitest";
import type { JobView } from "../src/api/types";
import { LiveTotals, type Totals } from "../src/stops/liveTotals";
import { previewMove } from "../src/stops/reorder";
import fixture from "./fixtures/sample-job-view.json";

const estimate: JobView = fixture as JobView;
const onRoads: JobView = {
  ...estimate,
  optimization: { ...estimate.optimization, distance_source: "road", estimate: false },
};

function deferred() {
  let resolve: (t: Totals) => void = () => {};
  const promise = new Promise<Totals>((r) => (resolve = r));
  return { promise, resolve };
}

describe("live totals while dragging", () => {
  it("on roads, shows the engine's answer for the proposed order, never the straight line", async () => {
    const answer = deferred();
    const fetch = vi.fn(() => answer.promise);
    const live = new LiveTotals(fetch);
    const shown: Totals[] = [];
    live.request(onRoads, 0, 2, (t) => shown.push(t));
    expect(shown).toEqual([]); // no straight-line guess on a road job
    const routed = onRoads.stops
      .filter((s) => s.sequence !== null)
      .sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0))
      .map((s) => s.external_stop_id);
    const moved = [routed[1], routed[2], routed[0], ...routed.slice(3)];
    expect(fetch).toHaveBeenCalledWith(onRoads.job_id, moved);
    answer.resolve({ km: 12.5, minutes: 40 });
    await answer.promise;
    await Promise.resolve();
    expect(shown).toEqual([{ km: 12.5, minutes: 40 }]);
    // Asked again for the same move: remembered, no second call.
    live.request(onRoads, 0, 2, (t) => shown.push(t));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(shown.at(-1)).toEqual({ km: 12.5, minutes: 40 });
  });

  it("drops an answer for a move the pointer has left", async () => {
    const first = deferred();
    const fetch = vi
      .fn()
      .mockReturnValueOnce(first.promise)
      .mockReturnValueOnce(new Promise(() => {}));
    const live = new LiveTotals(fetch);
    const shown: Totals[] = [];
    live.request(onRoads, 0, 2, (t) => shown.push(t));
    live.request(onRoads, 0, 3, (t) => shown.push(t));
    first.resolve({ km: 1, minutes: 1 });
    await first.promise;
    await Promise.resolve();
    expect(shown).toEqual([]);
    live.cancel();
  });

  it("on the estimate, shows the local sum at once (the engine's own formula)", () => {
    const live = new LiveTotals(() => new Promise(() => {}));
    const shown: Totals[] = [];
    live.request(estimate, 0, 2, (t) => shown.push(t));
    expect(shown).toEqual([previewMove(estimate, 0, 2)]);
  });
});
