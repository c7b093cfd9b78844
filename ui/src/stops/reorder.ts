// Reorder maths: moving a stop within the route, the local preview of route totals while a row
// is dragged (the engine's answer replaces it), and the snapshot undo restores.

import type { JobView, LatLng, Stop, StopPlacement } from "../api/types";

/** A copy of `list` with the item at `from` moved to index `to`. Out-of-range indexes throw. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (
    !Number.isInteger(from) ||
    !Number.isInteger(to) ||
    from < 0 ||
    to < 0 ||
    from >= list.length ||
    to >= list.length
  ) {
    throw new RangeError(`cannot move ${from} → ${to} in a list of ${list.length}`);
  }
  const out = list.slice();
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item);
  return out;
}

/** Placed stops in route order (sequence ascending). */
export function routedStops(job: JobView): Stop[] {
  return job.stops
    .filter((s) => s.sequence !== null && s.lat !== null && s.lng !== null)
    .sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
}

const EARTH_RADIUS_M = 6_371_000;

/** Great-circle distance in metres, the same formula the engine uses. */
export function haversineM(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dphi = (b.lat - a.lat) * rad;
  const dl = (b.lng - a.lng) * rad;
  const x = Math.sin(dphi / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dl / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(x)));
}

export interface TotalsOptions {
  roadFactor: number;
  speedKmh: number;
  returnToDepot: boolean;
}

/** Estimated km and minutes (travel + service) of visiting `stops` in order from `depot`. */
export function routeTotals(depot: LatLng | null, stops: Stop[], o: TotalsOptions): { km: number; minutes: number } {
  let m = 0;
  let prev: LatLng | null = depot;
  for (const s of stops) {
    const p = { lat: s.lat as number, lng: s.lng as number };
    if (prev) m += Math.floor(haversineM(prev, p) * o.roadFactor + 0.5);
    prev = p;
  }
  if (depot && prev && o.returnToDepot && stops.length > 0)
    m += Math.floor(haversineM(prev, depot) * o.roadFactor + 0.5);
  const travel = m / ((o.speedKmh * 1000) / 60);
  const service = stops.reduce((t, s) => t + s.service_minutes, 0);
  return { km: m / 1000, minutes: travel + service };
}

/** Totals if the stop at route index `from` moved to `to`, for the drag preview. */
export function previewMove(job: JobView, from: number, to: number): { km: number; minutes: number } {
  const o = job.optimization;
  return routeTotals(job.depot, moveItem(routedStops(job), from, to), {
    roadFactor: o.road_factor,
    speedKmh: o.average_speed_kmh,
    returnToDepot: job.return_to_depot,
  });
}

/** What undo needs to put every stop back. */
export function placementsOf(job: JobView): StopPlacement[] {
  return job.stops.map((s) => ({
    external_stop_id: s.external_stop_id,
    sequence: s.sequence,
    locked: s.locked,
    lat: s.lat,
    lng: s.lng,
    geocode: { ...s.geocode },
  }));
}
