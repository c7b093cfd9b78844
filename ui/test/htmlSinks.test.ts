// The UI puts text in the page, never strings of HTML: no source file may use an HTML sink, and
// Leaflet's tooltip/popup content (parsed as HTML when it is a string) must be an element.
/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";

/** Every UI source file's text, by path. */
const SOURCES = import.meta.glob<string>("../src/**/*.ts", { query: "?raw", import: "default", eager: true });
const SINKS = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser)\b/;
// A string, template or concatenation handed to Leaflet as content.
const LEAFLET_STRING = /\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\(\s*[`"'(]/;

describe("HTML sinks", () => {
  const files = Object.entries(SOURCES);

  it("finds the UI sources", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("are not used anywhere in the UI", () => {
    const found = files.flatMap(([f, text]) =>
      text
        .split("\n")
        .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
        .filter(({ line }) => SINKS.test(line) || LEAFLET_STRING.test(line)),
    );
    expect(found).toEqual([]);
  });

  it("are recognised by the check", () => {
    expect(SINKS.test("el.innerHTML = label")).toBe(true);
    expect(LEAFLET_STRING.test("m.bindTooltip(`<b>` + s.label)")).toBe(true);
    expect(LEAFLET_STRING.test('m.bindPopup("<b>x</b>")')).toBe(true);
    expect(LEAFLET_STRING.test("m.bindTooltip(stopTooltip(s))")).toBe(false);
  });
});
