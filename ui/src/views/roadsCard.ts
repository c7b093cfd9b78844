// Settings → Roads: the loaded road pack (region, source, size) and importing an OpenStreetMap
// extract (.osm.pbf) through the native file dialog, with the import's progress.

import { listen } from "@tauri-apps/api/event";
import { commands } from "../api/client";
import type { RoadImportProgress, RoadPackStatus } from "../api/types";
import { h } from "../dom";
import { showError, toast } from "../notify";

const STAGES: Record<string, string> = {
  ways: "Reading roads",
  nodes: "Reading road points",
  graph: "Building the network",
  component: "Keeping the connected network",
  hierarchy: "Preparing fast routing",
  write: "Saving",
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

export function roadsCard(status: RoadPackStatus, refresh: () => Promise<void>): HTMLElement {
  const line = h("p", { id: "road-pack-status" }, describePack(status));
  const progress = h("p", { class: "muted small", id: "road-pack-progress" }, "");
  const button = h("button", {}, "Import OpenStreetMap extract…");
  button.addEventListener("click", async () => {
    button.setAttribute("disabled", "");
    const off = await listen<RoadImportProgress>("roads://progress", (ev) => {
      progress.textContent = describeProgress(ev.payload);
    });
    try {
      const done = await commands.importRoadPack();
      if (done) {
        toast(`Road pack imported: ${describePack(done)}`);
        await refresh();
      }
    } catch (e) {
      showError(e, "Could not import the extract: ");
    } finally {
      off();
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
      "Jobs inside the pack's region are planned on real driving times along OpenStreetMap roads. Road data © OpenStreetMap contributors (ODbL).",
    ),
    h("div", { class: "row" }, button),
    progress,
  );
}
