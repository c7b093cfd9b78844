// The app shell: sidebar navigation between Jobs, a job, Geocode triage, Settings and Logs; the
// first-run welcome; live refresh on engine events; file drops anywhere import.

import "./style.css";
import { changesShownJob, commands, onJobsChanged } from "./api/client";
import { h } from "./dom";
import { enableDrop, importFile, importSample } from "./importing";
import { followShortcuts } from "./shortcuts";
import { toast } from "./notify";
import { JobScreen } from "./views/job";
import { JobsView } from "./views/jobs";
import { LogsView } from "./views/logs";
import { PlanScreen } from "./views/plan";
import { listenForPacks } from "./views/packsCard";
import { SettingsView } from "./views/settings";
import { followSync, syncIndicator } from "./views/sync";
import { TriageView } from "./views/triage";
import { followWatchActivity } from "./watchActivity";

type Route = "jobs" | "job" | "plan" | "triage" | "settings" | "logs";

const jobs = new JobsView((id) => go("job", id));
const job = new JobScreen(() => go("jobs"));
const plan = new PlanScreen();
const triage = new TriageView();
const settings = new SettingsView();
const logs = new LogsView();
const views: Record<Route, HTMLElement> = {
  jobs: jobs.el,
  job: job.el,
  plan: plan.el,
  triage: triage.el,
  settings: settings.el,
  logs: logs.el,
};

const nav = h(
  "nav",
  { class: "sidebar" },
  h("div", { class: "brand" }, h("span", { class: "logo" }, "◉"), " RouteMate"),
  ...(["jobs", "plan", "triage", "settings", "logs"] as Route[]).map((r) =>
    h(
      "a",
      { href: `#/${r}`, "data-route": r, id: `nav-${r}` },
      { jobs: "Jobs", plan: "Plan the day", triage: "Geocode triage", settings: "Settings", logs: "Logs" }[
        r as Exclude<Route, "job">
      ],
    ),
  ),
);
nav.append(syncIndicator());
const main = h("main", {}, ...Object.values(views));
document.getElementById("app")?.append(nav, main);

let route: Route = "jobs";

async function go(r: Route, jobId?: string): Promise<void> {
  route = r;
  const hash = r === "job" ? `#/job/${jobId}` : `#/${r}`;
  if (location.hash !== hash) history.replaceState(null, "", hash);
  for (const [name, el] of Object.entries(views)) el.hidden = name !== r;
  for (const a of nav.querySelectorAll("a"))
    a.classList.toggle("active", a.dataset.route === (r === "job" ? "jobs" : r));
  if (r === "jobs") await jobs.refresh();
  if (r === "job" && jobId) await job.open(jobId);
  if (r === "plan") await plan.refresh();
  if (r === "triage") await triage.refresh();
  if (r === "settings") await settings.refresh();
  if (r === "logs") await logs.refresh();
}

window.addEventListener("hashchange", () => {
  const [, r, id] = location.hash.split("/");
  if (r && r in views) void go(r as Route, id);
});

function welcome(): HTMLElement {
  const el = h(
    "div",
    { class: "welcome", id: "welcome" },
    h(
      "div",
      { class: "welcome-card" },
      h("h1", {}, "Welcome to RouteMate"),
      h(
        "p",
        {},
        "Plan delivery routes on this computer, even offline. Import a job, check the route on the map, fix what looks wrong and send it on.",
      ),
      h(
        "ol",
        {},
        h("li", {}, "Import a job file, or let your system send jobs to the local API (Settings → API access)."),
        h("li", {}, "RouteMate places the stops and optimizes the order."),
        h("li", {}, "Drag rows to reorder, lock stops, drop pins, re-optimize."),
      ),
      h(
        "div",
        { class: "row" },
        h(
          "button",
          {
            class: "primary",
            id: "welcome-sample",
            onclick: async () => {
              el.remove();
              const id = await importSample();
              if (id) await go("job", id);
            },
          },
          "Import sample job",
        ),
        h("button", { class: "ghost", onclick: () => el.remove() }, "Skip"),
      ),
    ),
  );
  return el;
}

/** File → Export…: the open job's export menu, or a word on where to find it. */
function exportShown(): void {
  const menu = route === "job" ? document.getElementById("export-job") : null;
  if (menu) menu.focus();
  else toast("Open a job to export it.", "info", 3000);
}

async function start(): Promise<void> {
  const [r, id] = location.hash.split("/").slice(1);
  await go((r && r in views ? r : "jobs") as Route, id);
  const list = await commands.listJobs({ limit: 1 }).catch(() => null);
  if (list && list.jobs.length === 0) document.body.append(welcome());
  enableDrop(document.body, (jobId) => {
    if (jobId) void go("job", jobId);
  });
  await onJobsChanged((e) => {
    // A job arrived (API, file, sample): the first-run welcome has done its work.
    document.getElementById("welcome")?.remove();
    if (route === "jobs") void jobs.refresh();
    if (route === "job" && changesShownJob(e, job.job)) void job.reload();
    if (route === "triage") void triage.refresh();
  });
  await followShortcuts({
    import: async () => {
      const id = await importFile();
      if (id) await go("job", id);
    },
    export: () => exportShown(),
    settings: () => go("settings"),
    undo: () => (route === "job" ? job.undo() : undefined),
    redo: () => (route === "job" ? job.redo() : undefined),
    jobs: () => go("jobs"),
    triage: () => go("triage"),
    logs: () => go("logs"),
  });
  await followWatchActivity();
  await followSync().catch(() => undefined);
  await listenForPacks();
  document.body.dataset.ready = "true";
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      void commands.uiReady().then((ms) => {
        document.body.dataset.startupMs = String(ms);
      });
    }),
  );
}

// For the end-to-end test and support sessions: what the map has painted.
Object.assign(window, {
  __routemate: {
    probe: () => job.map.probe(),
    markerPoint: (l: string) => job.map.markerPoint(l),
    route: () => route,
    job: () => job.job,
    zoom: () => job.map.map.getZoom(),
    zoomTo: (label: string, zoom: number) => job.map.zoomToMarker(label, zoom),
    lastRender: () => job.lastRender,
  },
});

void start();
