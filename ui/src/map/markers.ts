// Numbered stop markers drawn on Leaflet's canvas renderer (2,000 DOM markers would crawl), and
// the depot marker. The colour says the stop's status; the ring says how well it was placed.

import L from "leaflet";
import type { Stop } from "../api/types";

export const STATUS_FILL: Record<string, string> = {
  pending: "#2563eb",
  completed: "#16a34a",
  failed: "#dc2626",
  skipped: "#6b7280",
};
export const RING_APPROXIMATE = "#f59e0b";
export const RING_PINNED = "#10b981";
export const RING_SELECTED = "#facc15";

export interface NumberedOptions extends L.CircleMarkerOptions {
  label: string;
}

/** The Leaflet internals a canvas path is drawn with (not in Leaflet's types). */
interface CanvasPathInternals {
  _renderer: { _updateCircle(layer: L.CircleMarker): void; _ctx?: CanvasRenderingContext2D };
  _point?: L.Point;
  _empty?(): boolean;
}

/** A circle marker with its route number drawn inside. */
export class NumberedMarker extends L.CircleMarker {
  declare options: NumberedOptions;

  constructor(at: L.LatLngExpression, options: NumberedOptions) {
    super(at, options);
  }

  // Leaflet's canvas renderer calls this to draw the marker; draw the label right after.
  _updatePath(): void {
    const self = this as unknown as CanvasPathInternals;
    const r = self._renderer;
    r._updateCircle(this);
    const ctx = r._ctx;
    const p = self._point;
    if (!ctx || !p || self._empty?.()) return;
    const radius = this.getRadius();
    if (radius < 7) return;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.font = `600 ${Math.round(radius * (this.options.label.length > 2 ? 0.85 : 1.05))}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(this.options.label, p.x, p.y + 0.5);
    ctx.restore();
  }
}

export function stopMarker(stop: Stop, selected: boolean, dense: boolean): NumberedMarker {
  const label = String(stop.sequence ?? "?");
  const pinned = stop.geocode.source === "pin";
  const approximate = ["interpolated", "street", "locality", "postcode"].includes(stop.geocode.level);
  const ring = selected ? RING_SELECTED : pinned ? RING_PINNED : approximate ? RING_APPROXIMATE : "#ffffff";
  const radius = dense ? 4 : label.length > 2 ? 13 : 11;
  return new NumberedMarker([stop.lat as number, stop.lng as number], {
    label,
    radius: selected ? radius + 3 : radius,
    fillColor: STATUS_FILL[stop.status] ?? STATUS_FILL.pending,
    fillOpacity: 1,
    color: ring,
    weight: dense && !selected ? 1 : selected || approximate || pinned ? 3 : 2,
    dashArray: stop.locked ? "3 2" : undefined,
    bubblingMouseEvents: false,
  });
}

export function depotMarker(at: L.LatLngExpression): L.CircleMarker {
  return new NumberedMarker(at, {
    label: "D",
    radius: 12,
    fillColor: "#111827",
    fillOpacity: 1,
    color: "#f97316",
    weight: 3,
  });
}
