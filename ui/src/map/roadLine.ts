// Route lines along the roads: the engine's `optimization.legs[].geometry` (Google encoded
// polylines, precision 5) decoded into points, when the job was planned on a road pack.

import type { JobView } from "../api/types";

/** Decodes a Google encoded polyline (precision 5) into [lat, lng] pairs; null when malformed. */
export function decodePolyline(s: string): [number, number][] | null {
  const out: [number, number][] = [];
  let i = 0;
  let lat = 0;
  let lng = 0;
  const next = (): number | null => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (i >= s.length) return null;
      const b = s.charCodeAt(i++) - 63;
      if (b < 0 || b > 63) return null;
      result |= (b & 0x1f) << shift;
      shift += 5;
      if (b < 0x20) break;
      if (shift > 30) return null;
    }
    return result & 1 ? ~(result >> 1) : result >> 1;
  };
  while (i < s.length) {
    const dlat = next();
    const dlng = next();
    if (dlat === null || dlng === null) return null;
    lat += dlat;
    lng += dlng;
    out.push([lat / 1e5, lng / 1e5]);
  }
  return out;
}

/**
 * The route drawn along the roads: every leg's line joined in driving order, or null when the
 * job was not planned on roads (or a leg has no line), so the caller draws straight segments.
 */
export function roadRoutePoints(job: JobView): [number, number][] | null {
  const o = job.optimization;
  const legs = o.legs ?? [];
  if (o.distance_source !== "road" || legs.length === 0) return null;
  const pts: [number, number][] = [];
  for (const leg of legs) {
    if (!leg.geometry) return null;
    const line = decodePolyline(leg.geometry);
    if (!line) return null;
    pts.push(...line);
  }
  return pts;
}
