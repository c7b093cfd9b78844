// Keyboard use of the stop table: ↑/↓ (Home/End, PageUp/PageDown) move the focus between rows,
// Alt+↑/Alt+↓ move the focused stop one place in the route, L or Space locks/unlocks it, Enter
// shows it on the map. Pure: the table turns the intent into focus moves and edits.

export type KeyIntent =
  | { kind: "focus"; index: number }
  | { kind: "move"; to: number }
  | { kind: "lock" }
  | { kind: "select" }
  | null;

export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** Rows a PageUp/PageDown moves over. */
export const PAGE = 10;

/**
 * What a key press on row `index` (of `count` rows) means. `routeIndex` is the row's place in
 * the route (-1: not routed, cannot move or lock), `routedCount` how many stops are routed.
 */
export function keyIntent(
  e: KeyLike,
  index: number,
  count: number,
  routeIndex: number,
  routedCount: number,
): KeyIntent {
  if (e.ctrlKey || e.metaKey) return null;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  if (e.altKey) {
    if (routeIndex < 0) return null;
    if (e.key === "ArrowUp" && routeIndex > 0) return { kind: "move", to: routeIndex - 1 };
    if (e.key === "ArrowDown" && routeIndex < routedCount - 1) return { kind: "move", to: routeIndex + 1 };
    return null;
  }
  if (e.shiftKey) return null;
  switch (e.key) {
    case "ArrowDown":
      return { kind: "focus", index: clamp(index + 1) };
    case "ArrowUp":
      return { kind: "focus", index: clamp(index - 1) };
    case "Home":
      return { kind: "focus", index: 0 };
    case "End":
      return { kind: "focus", index: count - 1 };
    case "PageDown":
      return { kind: "focus", index: clamp(index + PAGE) };
    case "PageUp":
      return { kind: "focus", index: clamp(index - PAGE) };
    case "l":
    case "L":
    case " ":
      return routeIndex >= 0 ? { kind: "lock" } : null;
    case "Enter":
      return { kind: "select" };
    default:
      return null;
  }
}
