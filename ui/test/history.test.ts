import { describe, expect, it } from "vitest";
import type { StopPlacement } from "../src/api/types";
import { EditHistory } from "../src/edits/history";

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

describe("EditHistory", () => {
  it("undoes to the state before and redoes to the state after, in order", () => {
    const h = new EditHistory();
    h.record({ label: "one", before: snap(1), after: snap(2) });
    h.record({ label: "two", before: snap(2), after: snap(3) });
    expect(h.undo()?.before).toEqual(snap(2));
    expect(h.undo()?.before).toEqual(snap(1));
    expect(h.undo()).toBeNull();
    expect(h.redo()?.after).toEqual(snap(2));
    expect(h.nextRedoLabel).toBe("two");
  });

  it("a new edit clears the redo stack", () => {
    const h = new EditHistory();
    h.record({ label: "one", before: snap(1), after: snap(2) });
    h.undo();
    h.record({ label: "other", before: snap(1), after: snap(5) });
    expect(h.canRedo).toBe(false);
  });

  it("revert puts back an undo that failed to apply", () => {
    const h = new EditHistory();
    h.record({ label: "one", before: snap(1), after: snap(2) });
    h.undo();
    h.revert("undo");
    expect(h.canUndo).toBe(true);
    expect(h.canRedo).toBe(false);
  });

  it("keeps at most `limit` edits", () => {
    const h = new EditHistory(2);
    for (let i = 0; i < 5; i++) h.record({ label: String(i), before: snap(i), after: snap(i + 1) });
    expect(h.undo()?.label).toBe("4");
    expect(h.undo()?.label).toBe("3");
    expect(h.undo()).toBeNull();
  });
});
