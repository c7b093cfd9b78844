import { describe, expect, it } from "vitest";
import type { JobView } from "../src/api/types";
import { decodePolyline, roadRoutePoints } from "../src/map/roadLine";

describe("decodePolyline", () => {
  it("decodes Google's reference example", () => {
    expect(decodePolyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@")).toEqual([
      [38.5, -120.2],
      [40.7, -120.95],
      [43.252, -126.453],
    ]);
  });

  it("refuses a cut-short line", () => {
    expect(decodePolyline("_p~iF~ps|U_ulL")).toBeNull();
  });
});

describe("roadRoutePoints", () => {
  const job = (source: string, legs: { geometry?: string }[]) =>
    ({
      optimization: { distance_source: source, legs: legs.map((l) => ({ distance_km: 1, duration_minutes: 1, ...l })) },
    }) as unknown as JobView;

  it("joins the legs' lines in order on roads", () => {
    const pts = roadRoutePoints(job("road", [{ geometry: "_p~iF~ps|U" }, { geometry: "_ulLnnqC" }]));
    expect(pts).toEqual([
      [38.5, -120.2],
      [2.2, -0.75],
    ]);
  });

  it("draws straight lines for the estimate or a leg without a line", () => {
    expect(roadRoutePoints(job("straight_line_estimate", [{ geometry: "_p~iF~ps|U" }]))).toBeNull();
    expect(roadRoutePoints(job("road", [{ geometry: "_p~iF~ps|U" }, {}]))).toBeNull();
  });
});
