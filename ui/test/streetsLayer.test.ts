import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const { penFor, tileBBox, TileCache } = await import("../src/map/streetsLayer");

describe("tile boxes", () => {
  it("the world tile spans the web map's latitudes", () => {
    const [s, w, n, e] = tileBBox(0, 0, 0);
    expect([w, e]).toEqual([-180, 180]);
    expect(n).toBeCloseTo(85.0511, 3);
    expect(s).toBeCloseTo(-85.0511, 3);
  });

  it("a zoom-15 tile over South Brisbane is about a kilometre across, south below north", () => {
    // The tile holding -27.48, 153.02 at zoom 15.
    const z = 15;
    const x = Math.floor(((153.02 + 180) / 360) * 2 ** z);
    const rad = (-27.48 * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * 2 ** z);
    const [s, w, n, e] = tileBBox(z, x, y);
    expect(s).toBeLessThan(-27.48);
    expect(n).toBeGreaterThan(-27.48);
    expect(w).toBeLessThan(153.02);
    expect(e).toBeGreaterThan(153.02);
    expect(e - w).toBeCloseTo(360 / 2 ** 15, 9);
  });
});

describe("street pens", () => {
  it("big roads are wider than streets, and everything widens when zoomed in", () => {
    expect(penFor(0, 14).width).toBeGreaterThan(penFor(2, 14).width);
    expect(penFor(2, 17).width).toBeGreaterThan(penFor(2, 13).width);
    expect(penFor(3, 16).width).toBeLessThan(penFor(2, 16).width);
  });
});

describe("the tile cache", () => {
  it("loads each key once and forgets the least recently used past its limit", () => {
    const cache = new TileCache<number>(2);
    const load = vi.fn(() => 7);
    expect(cache.get("a", load)).toBe(7);
    expect(cache.get("a", load)).toBe(7);
    expect(load).toHaveBeenCalledTimes(1);
    cache.get("b", () => 1);
    cache.get("a", load); // a is now the most recent
    cache.get("c", () => 2); // evicts b
    expect(cache.size).toBe(2);
    const again = vi.fn(() => 9);
    expect(cache.get("b", again)).toBe(9);
    expect(again).toHaveBeenCalledTimes(1);
    expect(cache.get("a", load)).toBe(7);
  });
});
