// Live totals while a row is dragged: the engine plans the proposed order exactly as the drop
// will (`preview_order`: the road pack's driving times when the job is on roads, else the
// straight-line estimate), so the figure shown while dragging is the one the drop produces.
// Answers are remembered per (job revision, move); a late answer for a move the pointer has
// already left is dropped.

import type { JobView } from "../api/types";
import { moveItem, previewMove, routedStops } from "./reorder";

export interface Totals {
  km: number;
  minutes: number;
}

/** Asks the engine for the totals of `order` (external stop ids) on job `jobId`. */
export type OrderTotalsFetch = (jobId: string, order: string[]) => Promise<Totals>;

export class LiveTotals {
  private readonly known = new Map<string, Totals>();
  private wanted: string | null = null;

  constructor(private readonly fetch: OrderTotalsFetch) {}

  /** Totals of moving route index `from` to `to` in `job`, to `show` (once or twice: the local
   * estimate at once for a straight-line job, then the engine's answer). */
  request(job: JobView, from: number, to: number, show: (t: Totals) => void): void {
    const key = `${job.job_id}@${job.revision}:${from}>${to}`;
    this.wanted = key;
    const hit = this.known.get(key);
    if (hit) {
      show(hit);
      return;
    }
    // On the estimate the local sum is the engine's own formula: show it without waiting.
    if (job.optimization.distance_source !== "road") show(previewMove(job, from, to));
    const order = moveItem(routedStops(job), from, to).map((s) => s.external_stop_id);
    this.fetch(job.job_id, order).then(
      (t) => {
        this.known.set(key, t);
        if (this.known.size > 500) this.known.clear();
        if (this.wanted === key) show(t);
      },
      () => {
        // No answer (a stale job): the drop itself will tell.
      },
    );
  }

  /** The drag ended: answers still on their way are not shown. */
  cancel(): void {
    this.wanted = null;
  }
}
