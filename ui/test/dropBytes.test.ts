import { describe, expect, it } from "vitest";
import { toBase64 } from "../src/importing";

describe("a dropped file", () => {
  it("crosses to the engine as the exact bytes, binary and large alike", () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7919) % 256);
    const b64 = toBase64(bytes);
    const back = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    expect(back).toEqual(bytes);
  });
});
