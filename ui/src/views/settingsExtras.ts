// Small Settings pieces: finding the depot address (the geocoder's candidates to choose from),
// the port the local API really uses when ROUTEMATE_LISTEN overrides the setting, and the
// "keep watching when the window closes" switch.

import { commands } from "../api/client";
import type { GeocodeCandidate, LocalApi, Settings } from "../api/types";
import { h } from "../dom";
import { showError } from "../notify";

/** The port of a `host:port` or `[v6]:port` address, or null. */
export function portOf(address: string): number | null {
  const m = /:(\d+)$/.exec(address);
  return m ? Number(m[1]) : null;
}

/** The line saying which port is really in use, when it is not the one in Settings (null). */
export function portInUseNote(api: LocalApi, settingPort: number): string | null {
  if (api.state !== "listening") return null;
  const port = portOf(api.address);
  if (port === null || port === settingPort) return null;
  return `In use: port ${port} (set by ROUTEMATE_LISTEN=${api.address} when RouteMate started; the port below applies when it is not set).`;
}

export function portInUse(api: LocalApi, settingPort: number): HTMLElement | null {
  const note = portInUseNote(api, settingPort);
  return note ? h("p", { class: "warn small", id: "local-api-port-in-use" }, note) : null;
}

/** One line per candidate: what was matched, how precisely, where. */
export function describeCandidate(c: GeocodeCandidate): string {
  return `${c.matched} (${c.level}, ${c.lat.toFixed(5)}, ${c.lng.toFixed(5)})`;
}

/**
 * "Find" beside the depot address: asks the geocoder and lists the places it could be; choosing
 * one fills the latitude and longitude (saved with the other planning settings).
 */
export function depotFinder(
  address: HTMLInputElement,
  lat: HTMLInputElement,
  lng: HTMLInputElement,
  placed: (lat: number, lng: number) => void = () => {},
): HTMLElement {
  const list = h("ul", { class: "candidates", id: "depot-candidates" });
  const find = async () => {
    list.replaceChildren(h("li", { class: "muted small" }, "Looking up…"));
    try {
      const found = await commands.geocodeDepot(address.value);
      list.replaceChildren(
        ...(found.length === 0
          ? [h("li", { class: "warn small" }, "No place found: check the spelling, or pick the depot on the map.")]
          : [
              h("li", { class: "muted small" }, found.length > 1 ? "Choose where the depot is:" : "Found:"),
              ...found.map((c, i) =>
                h(
                  "li",
                  {},
                  h(
                    "button",
                    {
                      class: "small",
                      "data-candidate": i,
                      onclick: () => {
                        lat.value = c.lat.toFixed(6);
                        lng.value = c.lng.toFixed(6);
                        address.value = c.matched;
                        placed(c.lat, c.lng);
                        list.replaceChildren(
                          h("li", { class: "ok small" }, `Chosen: ${describeCandidate(c)}. Save to keep it.`),
                        );
                      },
                    },
                    describeCandidate(c),
                  ),
                ),
              ),
            ]),
      );
    } catch (e) {
      list.replaceChildren();
      showError(e, "Could not look up the depot: ");
    }
  };
  return h(
    "div",
    { class: "depot-finder" },
    h("button", { class: "small", id: "find-depot", onclick: find }, "Find this address"),
    list,
  );
}

/** The keep-watching switch (Settings → Job files). */
export function keepWatchingRow(s: Settings, save: (patch: Partial<Settings>) => Promise<void>): HTMLElement {
  const box = h("input", { type: "checkbox", id: "keep-watching", checked: s.ui.keep_watching_on_close });
  box.addEventListener("change", () => void save({ ui: { ...s.ui, keep_watching_on_close: box.checked } }));
  return h(
    "label",
    { class: "check" },
    box,
    " Keep watching when the window is closed (RouteMate stays in the tray; quit from there or File → Quit)",
  );
}
