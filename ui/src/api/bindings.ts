// Generated from src-tauri/src/commands by `cargo test -p routemate-desktop bindings`.
// Do not edit: regenerate with UPDATE_BINDINGS=1 cargo test -p routemate-desktop bindings.
import { invoke } from "@tauri-apps/api/core";
import type * as T from "./types";

/** Every command the shell exposes. */
export const COMMAND_NAMES = [
  "create_credential",
  "list_credentials",
  "revoke_credential",
  "geocode_depot",
  "move_stop_to",
  "set_stop_locked",
  "move_stop_pin",
  "reoptimize_job",
  "restore_stops",
  "list_triage",
  "export_job",
  "print_run_sheet",
  "list_jobs",
  "get_job",
  "set_stop_status",
  "import_sample",
  "import_file",
  "import_dropped",
  "get_fleet",
  "set_fleet",
  "plan_sample_day",
  "latest_plan",
  "evaluate_plan",
  "assign_plan",
  "replan_day",
  "export_plan",
  "export_plan_to",
  "print_plan",
  "road_pack_status",
  "import_road_pack",
  "get_settings",
  "update_settings",
  "pick_folder",
  "road_streets",
  "preview_order",
  "import_extract",
  "import_extract_from",
  "sync_status",
  "sync_login",
  "sync_test_connection",
  "sync_retry",
  "sync_discard",
  "sync_resolve",
  "sync_badges",
  "app_info",
  "read_log",
  "check_update",
  "tile_cache_info",
  "clear_tile_cache",
  "ui_ready",
  "install_update",
  "restart_app",
  "webhooks_list",
  "webhooks_add",
  "webhooks_remove",
  "webhooks_log",
  "webhooks_retry",
  "webhooks_test",
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/** Typed wrappers: the UI never calls `invoke` with a raw string. */
export const commands = {
  /** Creates a credential; the secret in the answer is shown once and never again. */
  createCredential: (name: string): Promise<T.NewCredential> => invoke("create_credential", { name }),
  listCredentials: (): Promise<T.CredentialInfo[]> => invoke("list_credentials"),
  revokeCredential: (clientId: string): Promise<null> => invoke("revoke_credential", { clientId }),
  /** The places the depot address could be, best first (empty: it could not be placed). */
  geocodeDepot: (address: string): Promise<T.GeocodeCandidate[]> => invoke("geocode_depot", { address }),
  moveStopTo: (jobId: string, stopId: string, position: number): Promise<T.JobView> => invoke("move_stop_to", { jobId, stopId, position }),
  setStopLocked: (jobId: string, stopId: string, locked: boolean): Promise<T.JobView> => invoke("set_stop_locked", { jobId, stopId, locked }),
  moveStopPin: (jobId: string, stopId: string, lat: number, lng: number): Promise<T.JobView> => invoke("move_stop_pin", { jobId, stopId, lat, lng }),
  reoptimizeJob: (jobId: string): Promise<T.ReoptimizeOutcome> => invoke("reoptimize_job", { jobId }),
  restoreStops: (jobId: string, placements: T.StopPlacement[]): Promise<T.JobView> => invoke("restore_stops", { jobId, placements }),
  listTriage: (): Promise<T.TriageItem[]> => invoke("list_triage"),
  /** Asks where to save the job's export (native dialog) and writes it there; `None` when the user cancels. `format`: pdf, gpx, csv or xlsx. */
  exportJob: (jobId: string, format: string): Promise<string | null> => invoke("export_job", { jobId, format }),
  /** Writes the job's run sheet under the app's data folder and opens it in the system's PDF viewer, whose print dialog prints it as laid out (A4). */
  printRunSheet: (jobId: string): Promise<T.PrintedSheet> => invoke("print_run_sheet", { jobId }),
  listJobs: (args: T.JobListArgs): Promise<T.JobPage> => invoke("list_jobs", { args }),
  getJob: (jobId: string): Promise<T.JobView> => invoke("get_job", { jobId }),
  setStopStatus: (jobId: string, stopId: string, status: string, note: string | null): Promise<T.JobView> => invoke("set_stop_status", { jobId, stopId, status, note }),
  /** Imports the bundled sample job (the first-run welcome's button). */
  importSample: (): Promise<T.ImportReport> => invoke("import_sample"),
  /** Asks for a job file with the native dialog and imports it; `None` when the user cancels. */
  importFile: (): Promise<T.ImportReport | null> => invoke("import_file"),
  /** Imports a file the user dropped on the window: its bytes as base64, so the engine sees them exactly (a CSV's own encoding, a workbook) and `name` gives the format. */
  importDropped: (name: string, contentBase64: string): Promise<T.ImportReport> => invoke("import_dropped", { name, contentBase64 }),
  getFleet: (): Promise<T.Fleet> => invoke("get_fleet"),
  /** Saves the fleet; a bad field saves nothing and is named. */
  setFleet: (fleet: T.Fleet): Promise<T.Fleet> => invoke("set_fleet", { fleet }),
  /** Plans the bundled sample day across the saved fleet (the sample fleet when none is saved). */
  planSampleDay: (): Promise<T.PlanView> => invoke("plan_sample_day"),
  /** The most recently changed plan, if any. */
  latestPlan: (): Promise<T.PlanView | null> => invoke("latest_plan"),
  /** Live feasibility and totals of a candidate assignment (nothing written). */
  evaluatePlan: (planId: string, routes: T.DriverStops[]): Promise<T.PlanEvaluation> => invoke("evaluate_plan", { planId, routes }),
  /** Applies an assignment exactly; refused with the broken rule when infeasible. */
  assignPlan: (planId: string, routes: T.DriverStops[]): Promise<T.PlanView> => invoke("assign_plan", { planId, routes }),
  /** Plans the day again with these stops locked to these drivers. */
  replanDay: (planId: string, locks: T.StopLock[]): Promise<T.PlanView> => invoke("replan_day", { planId, locks }),
  /** Asks for a folder (native dialog) and writes a driver pack for every driver of the plan there; `None` when the user cancels. */
  exportPlan: (planId: string): Promise<T.PlanPacks | null> => invoke("export_plan", { planId }),
  /** Writes a driver pack for every driver of the plan into `folder` (created when missing). */
  exportPlanTo: (planId: string, folder: string): Promise<T.PlanPacks> => invoke("export_plan_to", { planId, folder }),
  /** Writes every run sheet of the plan into one PDF under the app's data folder and opens it in the system's PDF viewer for printing. */
  printPlan: (planId: string): Promise<T.PrintedSheet> => invoke("print_plan", { planId }),
  /** The road pack the engine plans on (read from its header). */
  roadPackStatus: (): Promise<T.RoadPackStatus> => invoke("road_pack_status"),
  /** Asks for an `.osm.pbf` and builds the road pack from it (the previous one keeps working if the file is refused); `None` when the user cancels. */
  importRoadPack: (): Promise<T.RoadPackStatus | null> => invoke("import_road_pack"),
  getSettings: (): Promise<T.Settings> => invoke("get_settings"),
  /** Saves the planning settings and the desktop's own; a bad field saves nothing. */
  updateSettings: (settings: T.Settings): Promise<T.Settings> => invoke("update_settings", { settings }),
  /** Asks for a folder with the native dialog (the watched folder); `None` when cancelled. */
  pickFolder: (): Promise<string | null> => invoke("pick_folder"),
  /** The road pack's streets inside `bbox` (`[south, west, north, east]`, degrees) of the classes drawn at `zoom`; `covered: false` without a pack or outside it. */
  roadStreets: (bbox: number[], zoom: number): Promise<T.StreetsView> => invoke("road_streets", { bbox, zoom }),
  /** Totals the job would have with its routed stops in `order` (external stop ids), planned as the drop would plan it (road pack or estimate); nothing is written. */
  previewOrder: (jobId: string, order: string[]): Promise<T.OrderTotals> => invoke("preview_order", { jobId, order }),
  /** Asks for an `.osm.pbf` (native dialog) and builds the road pack and the address gazetteer from it, with `extract://progress` events; `None` when the user cancels. */
  importExtract: (): Promise<T.ExtractImport | null> => invoke("import_extract"),
  /** Builds the road pack and the address gazetteer from the `.osm.pbf` at `path`, with `extract://progress` events (an `ExtractProgress`). */
  importExtractFrom: (path: string): Promise<T.ExtractImport> => invoke("import_extract_from", { path }),
  syncStatus: (): Promise<T.SyncView> => invoke("sync_status"),
  /** Saves the hosted URL and credentials (secret to the keyring, else a 0600 file) after checking them; the answer carries the login's warnings. */
  syncLogin: (url: string, clientId: string, clientSecret: string): Promise<T.SyncView> => invoke("sync_login", { url, clientId, clientSecret }),
  /** "Test connection": asks the hosted API for a token with these credentials; saves nothing. */
  syncTestConnection: (url: string, clientId: string, clientSecret: string): Promise<string> => invoke("sync_test_connection", { url, clientId, clientSecret }),
  syncRetry: (id: number): Promise<T.SyncView> => invoke("sync_retry", { id }),
  syncDiscard: (id: number): Promise<T.SyncView> => invoke("sync_discard", { id }),
  /** The dispatcher's choice for a job changed on both sides. */
  syncResolve: (jobId: string, keepMine: boolean): Promise<T.SyncView> => invoke("sync_resolve", { jobId, keepMine }),
  syncBadges: (jobIds: string[]): Promise<T.JobBadge[]> => invoke("sync_badges", { jobIds }),
  appInfo: (): Promise<T.AppInfo> => invoke("app_info"),
  /** The last `max_lines` lines of the newest log file. */
  readLog: (maxLines: number): Promise<T.LogTail> => invoke("read_log", { maxLines }),
  /** "Check for updates": up to date, a newer version, offline (the server cannot be reached), misconfigured or failed (what the server answered) — never an error dialog. */
  checkUpdate: (): Promise<T.UpdateStatus> => invoke("check_update"),
  tileCacheInfo: (): Promise<T.TileCacheInfo> => invoke("tile_cache_info"),
  clearTileCache: (): Promise<T.TileCacheInfo> => invoke("clear_tile_cache"),
  /** The UI has painted its first screen: logs and returns the time since start (cold start to first paint, the startup benchmark). */
  uiReady: (): Promise<number> => invoke("ui_ready"),
  /** Downloads `version` (progress on `updates://progress`), verifies its signature and installs it; a package that fails the signature check is refused (`update_refused`), nothing installed. */
  installUpdate: (version: string): Promise<T.InstallOutcome> => invoke("install_update", { version }),
  /** Restarts RouteMate so an installed update runs (offered after `install_update`). */
  restartApp: (): Promise<null> => invoke("restart_app"),
  webhooksList: (): Promise<T.Subscription[]> => invoke("webhooks_list"),
  /** Subscribes a URL (https, or http to this machine); the answer's secret is shown once. */
  webhooksAdd: (url: string, events: T.EventType[], description: string | null): Promise<T.CreatedSubscription> => invoke("webhooks_add", { url, events, description }),
  webhooksRemove: (id: string): Promise<boolean> => invoke("webhooks_remove", { id }),
  /** The subscription's newest attempts and parked jobs. */
  webhooksLog: (id: string): Promise<T.DeliveryLog> => invoke("webhooks_log", { id }),
  /** Sends the parked deliveries again; answers how many. */
  webhooksRetry: (id: string): Promise<number> => invoke("webhooks_retry", { id }),
  /** Sends a signed `webhook.test` event now and answers the receiver's reply. */
  webhooksTest: (id: string): Promise<T.Attempt> => invoke("webhooks_test", { id }),
};
