import { describe, expect, it, vi } from "vitest";
import type { JobView, StopPlacement } from "../src/api/types";
import { renderStopTable, type TableHandlers } from "../src/stops/table";
import fixture from "./fixtures/sample-job-view.json";
import { JobHistories } from "../src/edits/histories";
import { keyIntent, type KeyLike } from "../src/stops/keyboard";
import { markerMode } from "../src/map/routeMap";
import { debouncer, isTextField, shortcutFor } from "../src/shortcuts";
import { portInUseNote, portOf } from "../src/views/settingsExtras";

const snap = (seq: number): StopPlacement[] => [
  {
    external_stop_id: "A",
    sequence: seq,
    locked: false,
    lat: 1,
    lng: 2,
    geocode: { source: "input", level: "exact", confidence: 1 },
  },
];

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe("JobHistories", () => {
  it("keeps each job's edits while another job is open", () => {
    const hs = new JobHistories();
    hs.of("A").record({ label: "move A1", before: snap(1), after: snap(2) });
    hs.of("B").record({ label: "move B1", before: snap(3), after: snap(4) });
    expect(hs.of("B").undo()?.label).toBe("move B1");
    expect(hs.of("B").canUndo).toBe(false);
    const a = hs.of("A");
    expect(a.canUndo).toBe(true);
    expect(a.undo()?.before).toEqual(snap(1));
  });

  it("forgets the least recently opened job beyond its limit, not the one in use", () => {
    const hs = new JobHistories(100, 2);
    hs.of("A").record({ label: "a", before: snap(1), after: snap(2) });
    hs.of("B").record({ label: "b", before: snap(1), after: snap(2) });
    hs.of("A");
    hs.of("C");
    expect(hs.jobs).toEqual(["A", "C"]);
    expect(hs.of("A").canUndo).toBe(true);
  });
});

describe("keyIntent (keyboard use of the stop table)", () => {
  it("moves the focus with the arrows, Home/End and pages, within the table", () => {
    expect(keyIntent(key("ArrowDown"), 0, 5, 0, 4)).toEqual({ kind: "focus", index: 1 });
    expect(keyIntent(key("ArrowDown"), 4, 5, -1, 4)).toEqual({ kind: "focus", index: 4 });
    expect(keyIntent(key("ArrowUp"), 0, 5, 0, 4)).toEqual({ kind: "focus", index: 0 });
    expect(keyIntent(key("End"), 1, 5, 1, 4)).toEqual({ kind: "focus", index: 4 });
    expect(keyIntent(key("Home"), 3, 5, 3, 4)).toEqual({ kind: "focus", index: 0 });
    expect(keyIntent(key("PageDown"), 0, 30, 0, 30)).toEqual({ kind: "focus", index: 10 });
  });

  it("reorders with Alt+arrows only inside the route", () => {
    expect(keyIntent(key("ArrowDown", { altKey: true }), 1, 5, 1, 4)).toEqual({ kind: "move", to: 2 });
    expect(keyIntent(key("ArrowUp", { altKey: true }), 1, 5, 1, 4)).toEqual({ kind: "move", to: 0 });
    expect(keyIntent(key("ArrowUp", { altKey: true }), 0, 5, 0, 4)).toBeNull();
    expect(keyIntent(key("ArrowDown", { altKey: true }), 3, 5, 3, 4)).toBeNull();
    // The unplaced stop (not routed) cannot move or lock.
    expect(keyIntent(key("ArrowUp", { altKey: true }), 4, 5, -1, 4)).toBeNull();
    expect(keyIntent(key("l"), 4, 5, -1, 4)).toBeNull();
  });

  it("locks with L or Space and selects with Enter; leaves Ctrl shortcuts to the app", () => {
    expect(keyIntent(key("l"), 1, 5, 1, 4)).toEqual({ kind: "lock" });
    expect(keyIntent(key(" "), 1, 5, 1, 4)).toEqual({ kind: "lock" });
    expect(keyIntent(key("Enter"), 1, 5, 1, 4)).toEqual({ kind: "select" });
    expect(keyIntent(key("z", { ctrlKey: true }), 1, 5, 1, 4)).toBeNull();
    expect(keyIntent(key("x"), 1, 5, 1, 4)).toBeNull();
  });
});

describe("shortcuts", () => {
  it("maps the platform's undo, redo and find keys", () => {
    expect(shortcutFor(key("z", { ctrlKey: true }))).toBe("undo");
    expect(shortcutFor(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(shortcutFor(key("y", { ctrlKey: true }))).toBe("redo");
    expect(shortcutFor(key("z", { metaKey: true }))).toBe("undo");
    expect(shortcutFor(key("f", { ctrlKey: true }))).toBe("find");
    expect(shortcutFor(key("z"))).toBeNull();
    expect(shortcutFor(key("z", { ctrlKey: true, altKey: true }))).toBeNull();
  });

  it("runs an action once when the menu and the page both see the key", () => {
    let t = 0;
    const fresh = debouncer(150, () => t);
    expect(fresh("undo")).toBe(true);
    t = 20;
    expect(fresh("undo")).toBe(false);
    t = 400;
    expect(fresh("undo")).toBe(true);
    expect(fresh("redo")).toBe(true);
  });

  it("leaves undo in text fields to the field", () => {
    expect(isTextField(document.createElement("textarea"))).toBe(true);
    const text = document.createElement("input");
    expect(isTextField(text)).toBe(true);
    const box = document.createElement("input");
    box.type = "checkbox";
    expect(isTextField(box)).toBe(false);
    expect(isTextField(document.createElement("tr"))).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});

describe("the local API's port in use", () => {
  it("is said only when ROUTEMATE_LISTEN put another port in use", () => {
    expect(portOf("127.0.0.1:41234")).toBe(41234);
    expect(portOf("[::1]:9000")).toBe(9000);
    expect(portInUseNote({ state: "listening", address: "127.0.0.1:41234" }, 8787)).toContain("port 41234");
    expect(portInUseNote({ state: "listening", address: "127.0.0.1:8787" }, 8787)).toBeNull();
    expect(portInUseNote({ state: "off" }, 8787)).toBeNull();
  });
});

describe("markerMode (dense view of big jobs)", () => {
  it("draws numbers for small jobs, fixed dots zoomed out, draggable dots once zoomed in", () => {
    expect(markerMode(50, 5)).toBe("numbered");
    expect(markerMode(1000, 9)).toBe("dots");
    expect(markerMode(1000, 12)).toBe("draggable-dots");
    expect(markerMode(1000, 14)).toBe("draggable-dots");
    expect(markerMode(1000, 15)).toBe("numbered");
  });
});

describe("the stop table from the keyboard", () => {
  const job = fixture as JobView;
  const setup = () => {
    const on: TableHandlers = {
      select: vi.fn(),
      move: vi.fn(),
      lock: vi.fn(),
      status: vi.fn(),
      pin: vi.fn(),
      preview: vi.fn(),
      focus: vi.fn(),
    };
    const table = renderStopTable(job, null, on);
    document.body.replaceChildren(table);
    const rows = [...table.querySelectorAll<HTMLTableRowElement>("tbody tr[data-stop]")];
    const press = (tr: HTMLElement, key: string, mods: Partial<KeyboardEventInit> = {}) =>
      tr.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...mods }));
    return { on, table, rows, press };
  };

  it("has one row in the tab order and moves the focus with the arrows", () => {
    const { on, rows, press } = setup();
    expect(rows.filter((r) => r.tabIndex === 0)).toEqual([rows[0]]);
    rows[0].focus();
    press(rows[0], "ArrowDown");
    expect(document.activeElement).toBe(rows[1]);
    expect(rows[1].tabIndex).toBe(0);
    expect(rows[0].tabIndex).toBe(-1);
    expect(on.focus).toHaveBeenLastCalledWith(rows[1].dataset.stop);
  });

  it("reorders with Alt+arrows, locks with L, selects with Enter", () => {
    const { on, rows, press } = setup();
    const id = rows[1].dataset.stop;
    press(rows[1], "ArrowDown", { altKey: true });
    expect(on.move).toHaveBeenCalledWith(id, 1, 2);
    press(rows[1], "l");
    expect(on.lock).toHaveBeenCalledWith(id, true);
    press(rows[1], "Enter");
    expect(on.select).toHaveBeenCalledWith(id);
  });

  it("puts the focus back on a stop after a redraw", () => {
    const { table, rows } = setup();
    const id = rows[3].dataset.stop as string;
    expect(table.focusStop(id)).toBe(true);
    expect((document.activeElement as HTMLElement).dataset.stop).toBe(id);
  });
});
