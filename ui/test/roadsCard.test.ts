import { describe, expect, it } from "vitest";
import { describePack, describeProgress } from "../src/views/roadsCard";

describe("roads card text", () => {
  it("says when there is no pack", () => {
    expect(
      describePack({
        loaded: false,
        source_file: null,
        built_at: null,
        bounds: null,
        nodes: 0,
        roads: 0,
        pack_bytes: 0,
        component_share: 0,
      }),
    ).toContain("straight-line estimates");
  });

  it("names the source, size and build time of a pack", () => {
    const t = describePack({
      loaded: true,
      source_file: "south_brisbane.osm.pbf",
      built_at: "2026-11-30T12:05:11.8+00:00",
      bounds: [-27.49, 152.99, -27.46, 153.03],
      nodes: 1234,
      roads: 1500,
      pack_bytes: 2_500_000,
      component_share: 0.98,
    });
    expect(t).toContain("south_brisbane.osm.pbf");
    expect(t).toContain("2.5 MB");
    expect(t).toContain("2026-11-30 12:05");
  });

  it("turns progress events into a line", () => {
    expect(describeProgress({ stage: "hierarchy", fraction: 0.5 })).toBe("Preparing fast routing… 50 %");
  });
});
