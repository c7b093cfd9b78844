// The job map: the bundled basemap under optional cached tiles, the route line, numbered stop
// markers and the depot, all on one canvas renderer. Also the pin-dropping mode for geocode fixes
// and a probe the end-to-end test reads (markers actually painted, not just created).

import L from "leaflet";
import "leaflet/dist/leaflet.css";
import type { JobView, Stop } from "../api/types";
import { h } from "../dom";
import { depotMarker, type NumberedMarker, stopMarker } from "./markers";
import { addBasemap } from "./basemap";
import { addStreetsLayer } from "./streetsLayer";
import { roadRoutePoints } from "./roadLine";

export interface MapProbe {
  markers: number;
  labels: string[];
  painted: number;
  routePoints: number;
  depot: boolean;
}

export class RouteMap {
  readonly map: L.Map;
  // A little hit tolerance: the dense view's dots are small to grab with a mouse.
  private readonly renderer = L.canvas({ padding: 0.3, tolerance: 3 });
  private readonly layer: L.LayerGroup;
  private markers: NumberedMarker[] = [];
  private line: L.Polyline | null = null;
  private depot: L.CircleMarker | null = null;
  private pinHandler: ((lat: number, lng: number) => void) | null = null;
  private shown: { job: JobView; selected: string | null; mode: MarkerMode } | null = null;
  onStopClick: (stopId: string) => void = () => {};
  /** A marker was dragged to a new place: the dispatcher's geocode fix. */
  onStopDrag: (stopId: string, lat: number, lng: number) => void = () => {};

  constructor(el: HTMLElement) {
    this.map = L.map(el, {
      preferCanvas: true,
      renderer: this.renderer,
      zoomControl: true,
      worldCopyJump: true,
    }).setView([-27.47, 153.02], 4);
    addBasemap(this.map);
    addStreetsLayer(this.map);
    L.tileLayer("tiles://localhost/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "Map data © OpenStreetMap contributors",
      errorTileUrl: "",
    }).addTo(this.map);
    this.layer = L.layerGroup().addTo(this.map);
    legend().addTo(this.map);
    // Big jobs draw small unnumbered dots until zoomed in far enough to read numbers.
    this.map.on("zoomend", () => {
      const s = this.shown;
      if (s && s.mode !== markerMode(s.job.stops.length, this.map.getZoom())) this.show(s.job, s.selected, false);
    });
    this.map.on("click", (e: L.LeafletMouseEvent) => {
      if (this.pinHandler) {
        const h = this.pinHandler;
        this.setPinMode(null);
        h(e.latlng.lat, e.latlng.lng);
      }
    });
  }

  /** While set, the next map click drops a pin there (the cursor shows it). */
  setPinMode(handler: ((lat: number, lng: number) => void) | null): void {
    this.pinHandler = handler;
    this.map.getContainer().classList.toggle("pin-mode", handler !== null);
  }

  /** Draws `job`'s route; `fit` zooms to it. */
  show(job: JobView, selected: string | null, fit: boolean): void {
    this.layer.clearLayers();
    const routed = job.stops
      .filter((s) => s.sequence !== null && s.lat !== null && s.lng !== null)
      .sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
    const mode = markerMode(job.stops.length, this.map.getZoom());
    this.shown = { job, selected, mode };
    const pts: L.LatLngExpression[] = [];
    if (job.depot) pts.push([job.depot.lat, job.depot.lng]);
    for (const s of routed) pts.push([s.lat as number, s.lng as number]);
    if (job.depot && job.return_to_depot && routed.length) pts.push([job.depot.lat, job.depot.lng]);
    // On a road pack the line follows the streets; otherwise straight segments between stops.
    const road = roadRoutePoints(job);
    this.line = L.polyline(road ?? pts, { renderer: this.renderer, color: "#1d4ed8", weight: 3, opacity: 0.75 }).addTo(
      this.layer,
    );
    this.markers = routed.map((s) => this.addStop(s, s.external_stop_id === selected, mode));
    this.depot = job.depot ? depotMarker([job.depot.lat, job.depot.lng]).addTo(this.layer) : null;
    // Stops placed but not routed (should not happen) still show, greyed, so nothing hides.
    if (fit && pts.length) this.map.fitBounds(L.latLngBounds(pts).pad(0.08), { animate: false });
  }

  private addStop(s: Stop, selected: boolean, mode: MarkerMode): NumberedMarker {
    const m = stopMarker(s, selected, mode !== "numbered");
    // Tooltips are made on first hover: a thousand idle tooltip objects cost memory for nothing.
    m.once("mouseover", () => {
      m.bindTooltip(stopTooltip(s)).openTooltip();
    });
    m.on("click", () => this.onStopClick(s.external_stop_id));
    if (mode !== "dots") m.on("mousedown", (e: L.LeafletMouseEvent) => this.startDrag(m, s.external_stop_id, e));
    return m.addTo(this.layer) as NumberedMarker;
  }

  /** Drags a canvas marker (canvas markers have no built-in dragging): the map stays still while
   * the marker follows the pointer; a drop more than a few pixels away reports the new place. */
  private startDrag(m: NumberedMarker, stopId: string, down: L.LeafletMouseEvent): void {
    if (this.pinHandler) return;
    const start = down.containerPoint;
    let moved = false;
    this.map.dragging.disable();
    // Document-level listeners: the pointer is over the (moving) marker, whose events do not
    // bubble to the map.
    const move = (ev: MouseEvent) => {
      const p = this.map.mouseEventToContainerPoint(ev);
      if (!moved && p.distanceTo(start) < 5) return;
      moved = true;
      m.setLatLng(this.map.containerPointToLatLng(p));
    };
    const up = (ev: MouseEvent) => {
      document.removeEventListener("mousemove", move);
      document.removeEventListener("mouseup", up);
      this.map.dragging.enable();
      if (!moved) return;
      const at = this.map.mouseEventToLatLng(ev);
      this.onStopDrag(stopId, at.lat, at.lng);
    };
    document.addEventListener("mousemove", move);
    document.addEventListener("mouseup", up);
  }

  /** Page coordinates of the marker numbered `label` (for the end-to-end test's drag). */
  markerPoint(label: string): { x: number; y: number } | null {
    const m = this.markers.find((x) => x.options.label === label);
    if (!m) return null;
    const p = this.map.latLngToContainerPoint(m.getLatLng());
    const r = this.map.getContainer().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }

  /** Centres the marker numbered `label` at `zoom` (support sessions, the end-to-end test). */
  zoomToMarker(label: string, zoom: number): boolean {
    const m = this.markers.find((x) => x.options.label === label);
    if (!m) return false;
    this.map.setView(m.getLatLng(), zoom, { animate: false });
    return true;
  }

  focus(lat: number, lng: number, zoom = 16): void {
    this.map.setView([lat, lng], Math.max(this.map.getZoom(), zoom), { animate: false });
  }

  invalidate(): void {
    this.map.invalidateSize({ animate: false });
  }

  /** What is on the canvas: each marker's centre pixel is checked for its fill colour. */
  probe(): MapProbe {
    const canvas = this.map.getContainer().querySelector<HTMLCanvasElement>(".leaflet-overlay-pane canvas");
    const ctx = canvas?.getContext("2d");
    let painted = 0;
    const labels: string[] = [];
    for (const m of this.markers) {
      labels.push(m.options.label);
      if (!canvas || !ctx) continue;
      const p = this.map.latLngToContainerPoint(m.getLatLng());
      const rect = canvas.getBoundingClientRect();
      const mapRect = this.map.getContainer().getBoundingClientRect();
      const sx = canvas.width / rect.width;
      // Sample above the centre: inside the fill, clear of the white number.
      const x = Math.round((p.x - (rect.left - mapRect.left)) * sx);
      const y = Math.round((p.y - (rect.top - mapRect.top) - m.getRadius() * 0.72) * sx);
      if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) continue;
      const [r, g, b, a] = ctx.getImageData(x, y, 1, 1).data;
      const want = hex(m.options.fillColor ?? "#000000");
      if (a > 200 && Math.abs(r - want[0]) + Math.abs(g - want[1]) + Math.abs(b - want[2]) < 60) painted++;
    }
    return {
      markers: this.markers.length,
      labels,
      painted,
      routePoints: this.line ? (this.line.getLatLngs() as L.LatLng[]).length : 0,
      depot: this.depot !== null,
    };
  }
}

/** How stops are drawn: numbered markers; small dots (a big job zoomed out) that can be dragged
 * once zoomed in to street level; or small fixed dots (zoomed out, where a drag would misplace). */
export type MarkerMode = "numbered" | "draggable-dots" | "dots";

/** Big jobs (over 400 stops) draw dots below zoom 15 (numbers would overlap). */
export const DENSE_FROM_STOPS = 400;
export const NUMBERED_FROM_ZOOM = 15;
/** From this zoom a dot is a street apart from its neighbours: dragging it is meaningful. */
export const DRAG_FROM_ZOOM = 12;

export function markerMode(stops: number, zoom: number): MarkerMode {
  if (stops <= DENSE_FROM_STOPS || zoom >= NUMBERED_FROM_ZOOM) return "numbered";
  return zoom >= DRAG_FROM_ZOOM ? "draggable-dots" : "dots";
}

/** A stop's tooltip as an element with text in it: Leaflet parses a string tooltip as HTML, and
 * labels and addresses come from whoever sent the job (`<meta http-equiv=refresh>` would navigate). */
export function stopTooltip(s: Stop): HTMLElement {
  return h(
    "span",
    { class: "stop-tooltip" },
    `${s.sequence}. ${s.label ?? s.external_stop_id}${s.address ? ` — ${s.address}` : ""}`,
  );
}

/** What the marker colours and rings mean. */
function legend(): L.Control {
  const Legend = L.Control.extend({
    onAdd: () => {
      const el = L.DomUtil.create("div", "map-legend");
      const item = (swatch: string, text: string) => {
        const row = L.DomUtil.create("div", "", el);
        L.DomUtil.create("span", `swatch ${swatch}`, row);
        row.append(text);
      };
      item("pending", "pending");
      item("completed", "completed");
      item("failed", "failed / skipped");
      item("approx", "approximate place");
      item("pinned", "pinned by you");
      item("depot", "depot");
      return el;
    },
  });
  return new Legend({ position: "bottomleft" });
}

function hex(c: string): [number, number, number] {
  const n = parseInt(c.replace("#", ""), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
