// The Settings view shows the desktop settings as the shell types them, and a refused watched
// folder says which field and why (the shell validates; see src-tauri/src/settings.rs).
import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import type { AppInfo, Settings } from "../src/api/types";

const { SettingsView } = await import("../src/views/settings");
const { h } = await import("../src/dom");

const settings: Settings = {
  depot: null,
  average_speed_kmh: 30,
  service_minutes: 3,
  road_factor: 1.3,
  day_start: "08:00",
  ui: {
    tile_url: "https://tiles.example/{z}/{x}/{y}.png",
    local_api_enabled: true,
    local_api_port: 9123,
    watched_folder: null,
    online_geocoder: false,
    online_geocoder_url: "https://nominatim.openstreetmap.org",
    packs_folder: null,
    keep_watching_on_close: true,
  },
};
const info: AppInfo = {
  version: "0.1.0",
  paths: { data_dir: "/d", log_dir: "/d/logs", tile_dir: "/d/tiles" },
  local_api: { state: "off" },
  watch: { state: "off" },
};

beforeEach(() => {
  invoke.mockReset();
  document.body.replaceChildren(h("div", { id: "toasts" }));
});

describe("Settings view", () => {
  it("shows a refused watched folder with the field and the reason, and saves nothing", async () => {
    const refusal = {
      code: "validation_failed",
      message: "the request is invalid",
      fields: [
        {
          field: "ui.watched_folder",
          pointer: "/ui/watched_folder",
          code: "invalid_value",
          detail: "'/etc' is a system folder; choose a folder for job files",
        },
      ],
    };
    invoke.mockImplementation(async (cmd: string, args?: { settings?: Settings }) => {
      if (cmd === "get_settings") return settings;
      if (cmd === "app_info") return info;
      if (cmd === "list_credentials") return [];
      if (cmd === "tile_cache_info") return { dir: "/d/tiles", tiles: 0, bytes: 0 };
      if (cmd === "road_pack_status")
        return {
          loaded: false,
          source_file: null,
          built_at: null,
          bounds: null,
          nodes: 0,
          roads: 0,
          pack_bytes: 0,
          component_share: 0,
        };
      if (cmd === "pick_folder") return "/etc";
      if (cmd === "update_settings") {
        expect(args?.settings?.ui.watched_folder).toBe("/etc");
        throw refusal;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    const view = new SettingsView();
    await view.refresh();
    expect((view.el.querySelector("#local-api-port") as HTMLInputElement).value).toBe("9123");
    expect((view.el.querySelector("#tile-url") as HTMLInputElement).value).toBe(settings.ui.tile_url);
    expect(view.el.querySelector("#watched-folder")?.textContent).toBe("none");
    expect(view.el.querySelector("#road-pack-status")?.textContent).toContain("No road pack");

    const choose = [...view.el.querySelectorAll("button")].find((b) => b.textContent === "Choose folder…");
    choose?.click();
    await vi.waitFor(() => expect(document.querySelector(".toast.error")).not.toBeNull());
    expect(document.querySelector(".toast.error")?.textContent).toBe(
      "Not saved: the request is invalid\nui.watched_folder: '/etc' is a system folder; choose a folder for job files",
    );
    expect(view.el.querySelector("#watched-folder")?.textContent).toBe("none");
  });
});
