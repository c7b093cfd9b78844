// The offline street basemap: the imported road pack drawn by the app itself on canvas tiles, so
// a depot with no network (and no cached map tiles) still sees streets under the route. It sits
// between the bundled country outlines and the map tiles: a tile that loads covers it, a tile
// that is unavailable leaves it showing. Road classes come in by zoom (the engine filters them:
// big roads from zoom 8, residential streets from 14, service roads from 16), and each
// tile-sized box is asked for once (cached, a bounded number of tiles).

import L from "leaflet";
import { commands } from "../api/client";
import type { StreetsView } from "../api/types";

export const STREETS_ATTRIBUTION = "Offline streets: road pack © OpenStreetMap contributors (ODbL)";

/** Lowest zoom the engine returns any road for. */
const MIN_ZOOM = 8;
/** Tiles remembered (each a few kB to a few hundred kB of points). */
const CACHE_TILES = 400;

/** The `[south, west, north, east]` box of web-map tile `x, y` at zoom `z`. */
export function tileBBox(z: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** z;
  const lng = (i: number) => (i / n) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return [lat(y + 1), lng(x), lat(y), lng(x + 1)];
}

export interface StreetPen {
  /** Outline drawn first (wider), then the fill. */
  casing: string;
  fill: string;
  width: number;
}

/** How a road of `rank` (0 motorway/trunk, 1 primary/secondary, 2 tertiary/residential,
 * 3 service) is drawn at `zoom`: wider as the map zooms in. */
export function penFor(rank: number, zoom: number): StreetPen {
  const grow = Math.max(0, Math.min(zoom - 12, 6));
  switch (rank) {
    case 0:
      return { casing: "#b7791f", fill: "#f6c16b", width: 2.5 + grow * 0.9 };
    case 1:
      return { casing: "#b8a25a", fill: "#fbe7a1", width: 2 + grow * 0.8 };
    case 2:
      return { casing: "#b4b4b4", fill: "#ffffff", width: 1.2 + grow * 0.7 };
    default:
      return { casing: "#c9c9c9", fill: "#f7f7f7", width: 0.8 + grow * 0.4 };
  }
}

/** Remembers answers per tile key (latest used kept), so panning back costs nothing. */
export class TileCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly limit: number) {}
  get(key: string, load: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = load();
    this.entries.set(key, value);
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }
  clear(): void {
    this.entries.clear();
  }
  get size(): number {
    return this.entries.size;
  }
}

const cache = new TileCache<Promise<StreetsView>>(CACHE_TILES);
const layers = new Set<L.GridLayer>();

/** Forgets every cached tile and redraws (after a new road pack is imported). */
export function refreshStreets(): void {
  cache.clear();
  for (const l of layers) l.redraw();
}

function streetsOf(z: number, x: number, y: number): Promise<StreetsView> {
  return cache.get(`${z}/${x}/${y}`, () =>
    commands.roadStreets(tileBBox(z, x, y), z).catch(() => {
      // A failed answer is not remembered: the next view asks again.
      cache.clear();
      return { covered: false, streets: [], truncated: false, attribution: "" } as StreetsView;
    }),
  );
}

/** Draws `view`'s streets onto a tile canvas whose top-left is `origin` in zoom-`z` pixels. */
export function drawStreets(
  ctx: CanvasRenderingContext2D,
  view: StreetsView,
  z: number,
  origin: L.Point,
  scale: number,
): number {
  const crs = L.CRS.EPSG3857;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  const paths = view.streets.map((s) => {
    const pts = s.points.map((p) => crs.latLngToPoint(L.latLng(p[0], p[1]), z).subtract(origin).multiplyBy(scale));
    return { rank: s.rank, pts };
  });
  // Casings under every fill, minor roads first (the engine's order), so junctions join cleanly.
  for (const pass of ["casing", "fill"] as const) {
    for (const p of paths) {
      const pen = penFor(p.rank, z);
      ctx.strokeStyle = pass === "casing" ? pen.casing : pen.fill;
      ctx.lineWidth = (pass === "casing" ? pen.width + 1.5 : pen.width) * scale;
      ctx.beginPath();
      p.pts.forEach((q, i) => {
        if (i) ctx.lineTo(q.x, q.y);
        else ctx.moveTo(q.x, q.y);
      });
      ctx.stroke();
    }
  }
  return paths.length;
}

/** Adds the street basemap to `map` (its own pane, under the tiles, over the outlines). */
export function addStreetsLayer(map: L.Map): L.GridLayer {
  map.createPane("streets").style.zIndex = "180";
  const container = map.getContainer();
  let drawn = 0;
  const Streets = L.GridLayer.extend({
    createTile(coords: L.Coords, done: L.DoneCallback): HTMLElement {
      const tile = L.DomUtil.create("canvas", "street-tile") as HTMLCanvasElement;
      const size = (this as L.GridLayer).getTileSize();
      const scale = window.devicePixelRatio || 1;
      tile.width = size.x * scale;
      tile.height = size.y * scale;
      if (coords.z < MIN_ZOOM) {
        setTimeout(() => done(undefined, tile), 0);
        return tile;
      }
      void streetsOf(coords.z, coords.x, coords.y).then((view) => {
        const ctx = tile.getContext("2d");
        if (ctx && view.covered && view.streets.length) {
          const origin = L.point(coords.x * size.x, coords.y * size.y);
          drawn += drawStreets(ctx, view, coords.z, origin, scale);
          container.dataset.streetTiles = String(Number(container.dataset.streetTiles ?? "0") + 1);
          container.dataset.streetsDrawn = String(drawn);
        }
        done(undefined, tile);
      });
      return tile;
    },
  }) as unknown as new (
    options: L.GridLayerOptions,
  ) => L.GridLayer;
  const layer = new Streets({ pane: "streets", attribution: STREETS_ATTRIBUTION, maxZoom: 19 });
  layers.add(layer);
  layer.on("remove", () => layers.delete(layer));
  return layer.addTo(map);
}
