// The bundled low-zoom basemap: country outlines from the `world-atlas` npm package, drawn on the
// canvas under the tiles, so a map with no network and no cached tiles is still a map.

import L from "leaflet";
import type { GeometryCollection, Topology } from "topojson-specification";

export function addBasemap(map: L.Map): void {
  map.createPane("basemap").style.zIndex = "150";
  // Its own canvas in its own pane, below the tiles and far below the route.
  const renderer = L.canvas({ pane: "basemap" });
  // Loaded after first paint: the outlines are ~0.7 MB of TopoJSON.
  void Promise.all([import("world-atlas/countries-50m.json"), import("topojson-client")]).then(([atlas, topo]) => {
    const data = ((atlas as { default?: unknown }).default ?? atlas) as Topology<{ countries: GeometryCollection }>;
    const geo = topo.feature(data, data.objects.countries);
    L.geoJSON(geo, {
      pane: "basemap",
      renderer,
      interactive: false,
      style: { color: "#94a3b8", weight: 1, fillColor: "#eef2e6", fillOpacity: 1 },
    } as L.GeoJSONOptions).addTo(map);
    map.getContainer().dataset.basemap = "ready";
  });
}
