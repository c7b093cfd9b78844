import { beforeEach, describe, expect, it, vi } from "vitest";

const plugin = {
  isPermissionGranted: vi.fn<() => Promise<boolean>>(),
  requestPermission: vi.fn<() => Promise<string>>(),
  sendNotification: vi.fn(),
};
vi.mock("@tauri-apps/plugin-notification", () => plugin);

describe("desktopNotify (tauri-plugin-notification's permission flow)", () => {
  beforeEach(() => {
    vi.resetModules();
    for (const f of Object.values(plugin)) f.mockReset();
  });

  it("asks once; a refusal means no notification, and is not asked again", async () => {
    plugin.isPermissionGranted.mockResolvedValue(false);
    plugin.requestPermission.mockResolvedValue("denied");
    const { desktopNotify } = await import("../src/desktopNotify");
    expect(await desktopNotify("one")).toBe(false);
    expect(await desktopNotify("two")).toBe(false);
    expect(plugin.requestPermission).toHaveBeenCalledTimes(1);
    expect(plugin.sendNotification).not.toHaveBeenCalled();
  });

  it("shows the notification once granted", async () => {
    plugin.isPermissionGranted.mockResolvedValue(false);
    plugin.requestPermission.mockResolvedValue("granted");
    const { desktopNotify } = await import("../src/desktopNotify");
    expect(await desktopNotify("jobs.csv: imported 1 job")).toBe(true);
    expect(plugin.sendNotification).toHaveBeenCalledWith({ title: "RouteMate", body: "jobs.csv: imported 1 job" });
  });

  it("outside the app (no plugin answering) falls back to toasts only", async () => {
    plugin.isPermissionGranted.mockRejectedValue(new Error("no IPC"));
    const { desktopNotify } = await import("../src/desktopNotify");
    expect(await desktopNotify("x")).toBe(false);
  });
});
