import { describe, expect, it, vi } from "vitest";

// The install flow drives the real commands and the progress event (mocked IPC).
const invoke = vi.fn();
let progress: ((ev: { payload: unknown }) => void) | null = null;
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (_name: string, cb: (ev: { payload: unknown }) => void) => {
    progress = cb;
    return () => {
      progress = null;
    };
  }),
}));

const { describeProgress, describeStatus, updateControls } = await import("../src/views/updates");

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("update check and install", () => {
  it("says offline only for an unreachable server, and names a misconfiguration", () => {
    expect(describeStatus({ state: "offline", message: "the update server (x) could not be reached" })).toMatch(
      /^Offline: /,
    );
    expect(describeStatus({ state: "misconfigured", message: "ROUTEMATE_UPDATE_PUBKEY: not base64" })).toBe(
      "Updates are misconfigured: ROUTEMATE_UPDATE_PUBKEY: not base64",
    );
    expect(describeStatus({ state: "failed", message: "HTTP 500" })).toMatch(/^The update check failed/);
  });

  it("shows download progress in MB and percent", () => {
    expect(describeProgress({ phase: "downloading", downloaded: 1_048_576, total: 4_194_304 })).toBe(
      "Downloading… 1.0 of 4.0 MB (25%)",
    );
    expect(describeProgress({ phase: "verifying", downloaded: 0, total: null })).toBe("Checking the signature…");
  });

  it("installs with progress, then offers a restart; a refusal is shown as an error", async () => {
    const el = updateControls();
    document.body.append(el);
    const result = el.querySelector("#update-result") as HTMLElement;
    invoke.mockResolvedValueOnce({ state: "available", current: "0.1.0", version: "0.2.0", notes: null });
    (el.querySelector("#check-update") as HTMLButtonElement).click();
    await flush();
    expect(result.textContent).toBe("Version 0.2.0 is available (you have 0.1.0)");

    let finish: (v: unknown) => void = () => {};
    invoke.mockReturnValueOnce(new Promise((r) => (finish = r)));
    (el.querySelector("#install-update") as HTMLButtonElement).click();
    await flush();
    expect(invoke).toHaveBeenLastCalledWith("install_update", { version: "0.2.0" });
    progress?.({ payload: { phase: "downloading", downloaded: 524_288, total: 1_048_576 } });
    expect(result.textContent).toBe("Downloading… 0.5 of 1.0 MB (50%)");
    expect((el.querySelector("#update-progress") as HTMLProgressElement).value).toBe(50);
    finish({ state: "installed", version: "0.2.0" });
    await flush();
    expect(result.textContent).toMatch(/Version 0.2.0 is installed/);
    expect(el.querySelector("#restart-update")).not.toBeNull();

    // Again, refused this time: the reason, as an error; no restart offered.
    invoke.mockResolvedValueOnce({ state: "available", current: "0.1.0", version: "0.2.0", notes: null });
    (el.querySelector("#check-update") as HTMLButtonElement).click();
    await flush();
    invoke.mockRejectedValueOnce({ code: "update_refused", message: "The downloaded update was refused: …" });
    (el.querySelector("#install-update") as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(result.textContent).toBe("The downloaded update was refused: …");
    expect(result.className).toBe("error");
    expect(el.querySelector("#restart-update")).toBeNull();
  });
});
