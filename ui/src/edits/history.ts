// Undo/redo of dispatcher edits: each entry keeps the stop placements before and after, so undo
// and redo are both a `restore_stops` call with a snapshot (no inverse operations to get wrong).
// A status change keeps the stop's status before and after instead.

import type { StopPlacement } from "../api/types";

export interface StatusChange {
  stopId: string;
  before: string;
  after: string;
}
export interface Edit {
  label: string;
  before: StopPlacement[];
  after: StopPlacement[];
  status?: StatusChange;
}

export class EditHistory {
  private done: Edit[] = [];
  private undone: Edit[] = [];
  constructor(private readonly limit = 100) {}

  record(edit: Edit): void {
    this.done.push(edit);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  /** The edit to undo (its `before` is what to restore), or null. */
  undo(): Edit | null {
    const e = this.done.pop() ?? null;
    if (e) this.undone.push(e);
    return e;
  }

  /** The edit to redo (its `after` is what to restore), or null. */
  redo(): Edit | null {
    const e = this.undone.pop() ?? null;
    if (e) this.done.push(e);
    return e;
  }

  /** Puts an undo/redo back when restoring failed, so nothing is lost from the stacks. */
  revert(kind: "undo" | "redo"): void {
    if (kind === "undo") {
      const e = this.undone.pop();
      if (e) this.done.push(e);
    } else {
      const e = this.done.pop();
      if (e) this.undone.push(e);
    }
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }
  get nextUndoLabel(): string | null {
    return this.done.at(-1)?.label ?? null;
  }
  get nextRedoLabel(): string | null {
    return this.undone.at(-1)?.label ?? null;
  }
  clear(): void {
    this.done = [];
    this.undone = [];
  }
}
