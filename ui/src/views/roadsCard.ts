// Settings → Roads: the loaded road pack (region, source, size) and importing an OpenStreetMap
// extract (.osm.pbf) through the native file dialog: one action builds the road pack and the
// address gazetteer from the same file, with the import's progress.

import { listen } from "@tauri-apps/api/event";
import { commands } from "../api/client";
import type { ExtractImport, ExtractProgress, RoadImportProgress, RoadPackStatus } from "../api/types";
import { refreshStreets } from "../map/streetsLayer";
import { h } from "../dom";
import { showError, toast } from "../notify";

const STAGES: Record<string, string> = {
  ways: "Reading roads",
  nodes: "Reading road points",
  graph: "Building the network",
  component: "Keeping the connected network",
  hierarchy: "Preparing fast routing",
  write: "Saving",
  addresses: "Reading addresses for the geocoder",
  done: "Done",
};

/** One line describing the pack, for the card and tests. */
export function describePack(s: RoadPackStatus): string {
  if (!s.loaded) return "No road pack: distances are straight-line estimates.";
  const mb = (s.pack_bytes / 1e6).toFixed(1);
  const built = s.built_at ? s.built_at.slice(0, 16).replace("T", " ") : "?";
  return `${s.source_file ?? "?"}: ${s.nodes.toLocaleString()} junctions, ${s.roads.toLocaleString()} roads, ${mb} MB, built ${built} UTC.`;
}

/** The progress line for an import event. */
export function describeProgress(p: RoadImportProgress): string {
  return `${STAGES[p.stage] ?? p.stage}… ${Math.round(p.fraction * 100)} %`;
}

/** The progress line for the combined import (roads, then addresses), over the whole import. */
export function describeExtractProgress(p: ExtractProgress): string {
  const step = p.step === "roads" ? "Roads" : "Addresses";
  return `${step}: ${STAGES[p.stage] ?? p.stage}… ${Math.round(p.fraction * 100)} %`;
}

/** What an extract import built, in a line. */
export function describeExtract(x: ExtractImport): string {
  return `${describePack(x.roads)} Geocoder: ${x.addresses.toLocaleString()} addresses, ${x.street_ways.toLocaleString()} street pieces.`;
}

// One listener for the app's life: an import started anywhere (the button, or the path-based
// command a script calls) shows its progress on the card when Settings is open, and a finished
// one redraws the offline street basemap from the new pack.
let listening = false;
function listenForProgress(): void {
  if (listening) return;
  listening = true;
  void listen<ExtractProgress>("extract://progress", (ev) => {
    const el = document.getElementById("road-pack-progress");
    if (el) {
      el.textContent = ev.payload.fraction >= 1 ? "" : describeExtractProgress(ev.payload);
      (el as HTMLElement).dataset.fraction = String(ev.payload.fraction);
    }
    if (ev.payload.fraction >= 1) refreshStreets();
  });
}

export function roadsCard(status: RoadPackStatus, refresh: () => Promise<void>): HTMLElement {
  const line = h("p", { id: "road-pack-status" }, describePack(status));
  const progress = h("p", { class: "muted small", id: "road-pack-progress" }, "");
  const button = h("button", { id: "import-extract" }, "Import OpenStreetMap extract…");
  const bar = h("progress", { id: "road-pack-bar", max: "1", value: "0", hidden: true }) as HTMLProgressElement;
  listenForProgress();
  button.addEventListener("click", async () => {
    button.setAttribute("disabled", "");
    bar.hidden = false;
    const off = await listen<ExtractProgress>("extract://progress", (ev) => {
      bar.value = ev.payload.fraction;
    });
    try {
      const done = await commands.importExtract();
      if (done) {
        toast(`Extract imported. ${describeExtract(done)}`, "ok", 8000);
        await refresh();
      }
    } catch (e) {
      showError(e, "Could not import the extract: ");
    } finally {
      off();
      bar.hidden = true;
      progress.textContent = "";
      button.removeAttribute("disabled");
    }
  });
  return h(
    "div",
    { class: "card", id: "roads" },
    h("h2", {}, "Roads"),
    line,
    h(
      "p",
      { class: "muted small" },
      "One import builds the road pack (jobs inside its region are planned on real driving times along OpenStreetMap roads, and the map draws its streets when map tiles are unavailable) and the offline address gazetteer. Road data © OpenStreetMap contributors (ODbL).",
    ),
    h("div", { class: "row" }, button),
    bar,
    progress,
  );
}
