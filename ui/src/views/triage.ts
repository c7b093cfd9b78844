// Geocode triage: every unplaced, ambiguous or approximate stop across jobs, the geocoder's
// candidates to pick from, and the map to drop a pin. Fixes are remembered per address.

import { commands } from "../api/client";
import type { TriageItem } from "../api/types";
import { clear, h } from "../dom";
import { RouteMap } from "../map/routeMap";
import { showError, toast } from "../notify";
import L from "leaflet";

export class TriageView {
  readonly el = h("section", { class: "view triage-view" });
  private readonly list = h("div", { class: "left triage-list" });
  private readonly mapEl = h("div", { class: "map", id: "triage-map" });
  private map: RouteMap | null = null;
  private current: TriageItem | null = null;
  private marker: L.CircleMarker | null = null;

  constructor() {
    this.el.append(
      h(
        "header",
        { class: "view-head" },
        h("h1", {}, "Geocode triage"),
        h(
          "p",
          { class: "muted" },
          "Pick a candidate or click the map to place each stop; the fix is remembered for that address.",
        ),
      ),
      h("div", { class: "split" }, this.list, this.mapEl),
    );
  }

  async refresh(): Promise<void> {
    if (!this.map) this.map = new RouteMap(this.mapEl);
    this.map.invalidate();
    try {
      this.draw(await commands.listTriage());
    } catch (e) {
      showError(e, "Could not load the triage list: ");
    }
  }

  private draw(items: TriageItem[]): void {
    clear(this.list);
    if (!items.length) {
      this.list.append(h("p", { class: "empty" }, "Every stop is placed precisely. Nothing to fix."));
      return;
    }
    this.list.append(
      h(
        "ul",
        { class: "triage" },
        items.map((it) =>
          h(
            "li",
            {
              class: it === this.current ? "selected" : null,
              "data-stop": it.external_stop_id,
              onclick: () => this.pick(it, items),
            },
            h(
              "div",
              {},
              h("span", { class: `pill ${it.problem}` }, it.problem),
              " ",
              h("strong", {}, it.label ?? it.external_stop_id),
            ),
            h("div", { class: "small" }, it.address ?? "(no address)"),
            h("div", { class: "muted small" }, `${it.job_title} · ${it.external_stop_id}`),
            it === this.current && it.candidates.length
              ? h(
                  "ol",
                  { class: "candidates" },
                  it.candidates.map((c) =>
                    h(
                      "li",
                      {},
                      h(
                        "button",
                        {
                          class: "small",
                          onclick: (e: Event) => {
                            e.stopPropagation();
                            void this.fix(it, c.lat, c.lng);
                          },
                        },
                        "Use",
                      ),
                      ` ${c.matched} (${c.level}, ${Math.round(c.confidence * 100)}%)`,
                    ),
                  ),
                )
              : null,
          ),
        ),
      ),
    );
  }

  private pick(it: TriageItem, items: TriageItem[]): void {
    this.current = it;
    this.draw(items);
    const map = this.map as RouteMap;
    // Show the stop's job, so the pin goes down among its neighbours.
    void commands
      .getJob(it.job_id)
      .then((job) => {
        map.show(job, it.external_stop_id, it.lat === null);
      })
      .catch(() => {});
    this.marker?.remove();
    if (it.lat !== null && it.lng !== null) {
      this.marker = L.circleMarker([it.lat, it.lng], { radius: 10, color: "#f59e0b", weight: 3 }).addTo(map.map);
      map.focus(it.lat, it.lng, 15);
    }
    map.setPinMode((lat, lng) => void this.fix(it, lat, lng));
    toast("Click the map where this stop is, or use a candidate.", "info", 3000);
  }

  private async fix(it: TriageItem, lat: number, lng: number): Promise<void> {
    try {
      await commands.moveStopPin(it.job_id, it.external_stop_id, lat, lng);
      toast(`Placed ${it.label ?? it.external_stop_id}; remembered for this address.`, "ok");
      this.current = null;
      this.map?.setPinMode(null);
      await this.refresh();
    } catch (e) {
      showError(e, "Could not place the stop: ");
    }
  }
}
