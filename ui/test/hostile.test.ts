// Labels, addresses, titles and notes come from whoever sent the job: every place the UI shows them
// must show them as text. Each view here renders hostile strings; the DOM must hold no element they
// describe (no <img onerror>, <meta http-equiv=refresh>, <form>, <script>) and the text must read
// exactly as sent.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));
// The basemap loads ~0.7 MB of outlines asynchronously; it would finish after the test's DOM is gone.
vi.mock("../src/map/basemap", () => ({ addBasemap: () => {} }));

import type L from "leaflet";
import type { JobSummary, JobView, TriageItem } from "../src/api/types";
import fixture from "./fixtures/sample-job-view.json";

const { renderStopTable } = await import("../src/stops/table");
const { RouteMap, stopTooltip } = await import("../src/map/routeMap");
const { JobsView } = await import("../src/views/jobs");
const { JobScreen } = await import("../src/views/job");
const { TriageView } = await import("../src/views/triage");
const { toast } = await import("../src/notify");
const { runImport } = await import("../src/importing");
const { describeWatchEvent } = await import("../src/watchActivity");
const { h } = await import("../src/dom");

const HOSTILE = {
  img: `<img src=x onerror="window.__pwned=1">`,
  meta: `<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
  form: `<form action="https://evil.example/"><input name=q></form>`,
  script: `<script>window.__pwned=1</script>`,
};
/** What the hostile strings would create if parsed (the app's own map tiles are <img> too). */
const TAGS = 'img[src="x"], meta, form, input[name="q"], script, iframe, object, embed, base';

function hostileJob(): JobView {
  const job: JobView = structuredClone(fixture as JobView);
  job.title = HOSTILE.meta;
  job.external_job_id = HOSTILE.form;
  job.driver_email = HOSTILE.img;
  job.stops[0].label = HOSTILE.img;
  job.stops[0].address = HOSTILE.meta;
  job.stops[0].notes = HOSTILE.script;
  job.stops[1].label = HOSTILE.form;
  job.warnings = [{ code: "GEOCODE_FAILED", external_stop_id: HOSTILE.img, message: HOSTILE.meta }];
  return job;
}

/** No element a hostile string describes was created, and nothing ran. */
function expectInert(root: ParentNode): void {
  expect(root.querySelectorAll(TAGS)).toHaveLength(0);
  expect([...root.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on")))).toEqual(
    [],
  );
  expect((window as { __pwned?: number }).__pwned).toBeUndefined();
}

// jsdom has no canvas: a 2-D context that draws nothing lets Leaflet's canvas renderer run.
HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
  const noop = () => {};
  return new Proxy({}, { get: (_t, k) => (k === "canvas" ? this : noop), set: () => true });
} as unknown as HTMLCanvasElement["getContext"];

beforeEach(() => {
  invoke.mockReset();
  document.body.replaceChildren(h("div", { id: "toasts" }), h("div", { id: "busy", hidden: true }));
});
afterEach(() => vi.useRealTimers());

describe("hostile labels render as text", () => {
  it("in the stop table", () => {
    const job = hostileJob();
    const on = { select: vi.fn(), move: vi.fn(), lock: vi.fn(), status: vi.fn(), pin: vi.fn(), preview: vi.fn() };
    const table = renderStopTable(job, null, on);
    expectInert(table);
    const labels = [...table.querySelectorAll("td.label .strong")].map((e) => e.textContent);
    expect(labels).toContain(HOSTILE.img);
    expect(labels).toContain(HOSTILE.form);
    expect(table.textContent).toContain(HOSTILE.meta);
  });

  it("in map tooltips", () => {
    const job = hostileJob();
    const tip = stopTooltip(job.stops[0]);
    expect(tip.children).toHaveLength(0);
    expect(tip.textContent).toBe(`${job.stops[0].sequence}. ${HOSTILE.img} — ${HOSTILE.meta}`);

    // Through Leaflet itself: hovering a marker opens the tooltip built from that element.
    const el = h("div", { style: "width:400px;height:300px" });
    document.body.append(el);
    const map = new RouteMap(el);
    map.show(job, null, true);
    const layer = Object.values((map.map as unknown as { _layers: Record<string, L.Layer> })._layers).find(
      (l) => (l as unknown as { options?: { label?: string } }).options?.label === String(job.stops[0].sequence),
    ) as L.CircleMarker;
    layer.fire("mouseover");
    const tooltip = el.querySelector(".leaflet-tooltip");
    expect(tooltip?.textContent).toBe(tip.textContent);
    expectInert(el);
  });

  it("in the job view's title, table and warnings", async () => {
    const job = hostileJob();
    invoke.mockImplementation(async (cmd: string) => (cmd === "get_job" ? job : null));
    const screen = new JobScreen(() => {});
    document.body.append(screen.el);
    await screen.open(job.job_id);
    expect(screen.el.querySelector("h1")?.textContent).toBe(HOSTILE.meta);
    expect(screen.el.querySelector(".warnings")?.textContent).toContain(HOSTILE.meta);
    expect(screen.el.textContent).toContain(HOSTILE.form);
    expectInert(screen.el);
  });

  it("in the jobs list", async () => {
    const summary: JobSummary = {
      job_id: "j1",
      external_job_id: HOSTILE.form,
      title: HOSTILE.meta,
      driver_email: HOSTILE.img,
      status: "assigned",
      stop_count: 1,
      status_counts: {},
      unplaced_count: 0,
      warnings_count: 0,
      total_distance_km: 1,
      total_duration_minutes: 2,
      created_at: "",
      updated_at: "",
    };
    invoke.mockResolvedValue({ jobs: [summary], next_cursor: null });
    const view = new JobsView(() => {});
    await view.refresh();
    expect(view.el.querySelector("tbody .strong")?.textContent).toBe(HOSTILE.meta);
    expect(view.el.textContent).toContain(HOSTILE.img);
    expectInert(view.el);
  });

  it("in the geocode triage list", async () => {
    const item: TriageItem = {
      job_id: "j1",
      external_job_id: "J",
      job_title: HOSTILE.script,
      external_stop_id: "S1",
      label: HOSTILE.img,
      address: HOSTILE.meta,
      problem: "ambiguous",
      level: "locality",
      lat: -27.4,
      lng: 153,
      candidates: [{ lat: -27.4, lng: 153, level: "locality", confidence: 0.5, matched: HOSTILE.form }],
    };
    invoke.mockImplementation(async (cmd: string) => (cmd === "list_triage" ? [item] : hostileJob()));
    const view = new TriageView();
    document.body.append(view.el);
    await view.refresh();
    (view.el.querySelector("li[data-stop]") as HTMLElement).click();
    // The click loads the stop's job onto the map: let that finish inside the test.
    await new Promise((r) => setTimeout(r, 0));
    expect(view.el.querySelector("strong")?.textContent).toBe(HOSTILE.img);
    expect(view.el.textContent).toContain(HOSTILE.meta);
    expect(view.el.querySelector(".candidates")?.textContent).toContain(HOSTILE.form);
    expectInert(view.el);
  });

  it("in toasts: import reports, errors and watched-folder activity", async () => {
    const job = hostileJob();
    invoke.mockResolvedValueOnce({
      source: HOSTILE.img,
      jobs: [{ index: 0, external_job_id: HOSTILE.meta, outcome: { created: true, changed: true, job }, error: null }],
    });
    await runImport(() => import("../src/api/client").then((c) => c.commands.importSample()));
    invoke.mockRejectedValueOnce({ code: "validation_failed", message: HOSTILE.form });
    await runImport(() => import("../src/api/client").then((c) => c.commands.importSample()));
    toast(describeWatchEvent({ kind: "retrying", file: HOSTILE.script, error: HOSTILE.img }).text);
    const toasts = document.getElementById("toasts") as HTMLElement;
    expect(toasts.children).toHaveLength(3);
    expect(toasts.textContent).toContain(HOSTILE.meta);
    expect(toasts.textContent).toContain(HOSTILE.form);
    expect(toasts.textContent).toContain(HOSTILE.script);
    expectInert(toasts);
  });

  it("never as inline event handler attributes from the element builder", () => {
    const el = h("button", { onclick: HOSTILE.script as unknown as EventListener, title: HOSTILE.img }, HOSTILE.meta);
    expect(el.getAttribute("onclick")).toBeNull();
    expect(el.getAttribute("title")).toBe(HOSTILE.img);
    expect(el.textContent).toBe(HOSTILE.meta);
  });
});
