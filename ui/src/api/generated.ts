// Generated from the Rust types by `cargo test -p routemate-desktop ts_types` (ts-rs).
// Do not edit: regenerate with UPDATE_BINDINGS=1 cargo test -p routemate-desktop ts_types.

/**
 * Job status, derived from the driver assignment and the stop statuses.
 */
export type JobStatus = "unassigned" | "assigned" | "in_progress" | "completed" | "cancelled";

/**
 * Stop status as a driver app or the dispatcher reports it.
 */
export type StopStatus = "pending" | "completed" | "failed" | "skipped";

/**
 * How precisely an address was placed, from best to worst.
 */
export type GeocodeLevel = "exact" | "address" | "interpolated" | "street" | "locality" | "postcode" | "none";

/**
 * How a stop was placed, as shown to integrators.
 */
export type GeocodeInfo = { 
/**
 * "input", "gazetteer", "cache", "correction", "nominatim", "none".
 */
source: string, level: GeocodeLevel, confidence: number, matched?: string | null, };

/**
 * `{"start": "09:00", "end": "11:00"}`, local time of the job's day.
 */
export type TimeWindow = { start: string, end: string, };

/**
 * A stop as stored and answered: in route order, with its placement, legs and status.
 */
export type Stop = { external_stop_id: string, 
/**
 * 1-based position in the route; `None` for a stop left out (not placed).
 */
sequence: number | null, address: string | null, label: string | null, parcel_count: number, lat: number | null, lng: number | null, geocode: GeocodeInfo, status: StopStatus, status_note?: string | null, 
/**
 * Distance of the leg arriving at this stop, km (straight-line estimate × road factor).
 */
leg_distance_km: number | null, leg_duration_minutes: number | null, 
/**
 * Planned arrival, "HH:MM" from the day's start time.
 */
eta: string | null, notes?: string | null, phone?: string | null, service_minutes: number, time_window?: TimeWindow | null, 
/**
 * Locked in place by the dispatcher: re-optimization keeps its sequence.
 */
locked: boolean, };

/**
 * Route totals and how they were obtained.
 */
export type Optimization = { total_distance_km: number, total_duration_minutes: number, 
/**
 * "road": fastest paths on the imported OpenStreetMap road pack (durations minimised,
 * one-way streets respected); "straight_line_estimate": haversine × road factor at the
 * average speed (no road pack, or a stop or the depot off its network).
 */
distance_source: string, estimate: boolean, road_factor: number, average_speed_kmh: number, routed_stops: number, unplaced_stops: number, algorithm: string, elapsed_ms: number, 
/**
 * The route's legs in driving order (depot → first stop → … → last stop, → depot when
 * the route returns). Extension of the hosted API.
 */
legs?: Array<Leg>, };

/**
 * One leg of a planned route (extension of the hosted API).
 */
export type Leg = { 
/**
 * The stop the leg leaves; absent for the depot (or a free start).
 */
from_stop?: string | null, 
/**
 * The stop the leg reaches; absent for the depot.
 */
to_stop?: string | null, distance_km: number, duration_minutes: number, 
/**
 * The road line as an encoded polyline (Google's format, precision 5); absent on the
 * straight-line estimate.
 */
geometry?: string | null, };

/**
 * What road pack the engine plans on (`Settings → Roads`).
 */
export type RoadPackStatus = { loaded: boolean, 
/**
 * The extract's file name.
 */
source_file: string | null, 
/**
 * RFC 3339.
 */
built_at: string | null, 
/**
 * `[min_lat, min_lng, max_lat, max_lng]`.
 */
bounds: Array<number> | null, nodes: number, roads: number, pack_bytes: number, 
/**
 * Share of drivable junctions in the largest strongly connected component (0–1).
 */
component_share: number, };

/**
 * Where an import is: `stage` (`ways`, `nodes`, `graph`, `component`, `hierarchy`, `write`)
 * and a fraction of that stage, 0–1.
 */
export type RoadImportProgress = { stage: string, fraction: number, };

/**
 * Something the integrator should know about a result.
 */
export type Warning = { code: string, external_stop_id?: string | null, message: string, };

/**
 * A WGS84 point in decimal degrees.
 */
export type LatLng = { lat: number, lng: number, };

/**
 * One invalid field.
 */
export type FieldError = { 
/**
 * Dotted path as integrators write it: `stops[3].parcel_count`.
 */
field: string, 
/**
 * JSON Pointer (RFC 6901) to the same place: `/stops/3/parcel_count`.
 */
pointer: string, 
/**
 * Stable machine code: `required`, `invalid_type`, `invalid_value`, `duplicate`, `too_long`.
 */
code: string, detail: string, };

/**
 * One place an address might be.
 */
export type GeocodeCandidate = { lat: number, lng: number, level: GeocodeLevel, confidence: number, 
/**
 * Human-readable description of what was matched ("15 Smith Street, Bowen Hills QLD 4006").
 */
matched: string, };

/**
 * The import and status response body (the spec's shape plus a few extensions).
 */
export type JobView = { job_id: string, external_job_id: string, title: string, driver_email: string | null, status: JobStatus, stop_count: number, status_counts: { [key in string]: number }, date: string | null, depot: LatLng | null, return_to_depot: boolean, optimization: Optimization, stops: Array<Stop>, warnings: Array<Warning>, created_at: string, updated_at: string, revision: number, };

/**
 * One row of a job list.
 */
export type JobSummary = { job_id: string, external_job_id: string, title: string, driver_email: string | null, status: JobStatus, stop_count: number, status_counts: { [key in string]: number }, unplaced_count: number, warnings_count: number, total_distance_km: number, total_duration_minutes: number, created_at: string, updated_at: string, };

export type JobPage = { jobs: Array<JobSummary>, next_cursor: string | null, };

/**
 * What an import did.
 */
export type ImportOutcome = { 
/**
 * A new job was created (HTTP 201).
 */
created: boolean, 
/**
 * Something was written (new job or changed payload).
 */
changed: boolean, job: JobView, };

/**
 * What a re-optimization changed, for the dispatcher to judge.
 */
export type ReoptimizeOutcome = { job: JobView, before_km: number, after_km: number, 
/**
 * Positive when the new route is shorter.
 */
saved_km: number, before_minutes: number, after_minutes: number, saved_minutes: number, 
/**
 * Stops whose sequence changed.
 */
stops_moved: Array<string>, };

/**
 * One stop's placement as the dispatcher left it: what undo restores.
 */
export type StopPlacement = { external_stop_id: string, sequence: number | null, locked: boolean, lat: number | null, lng: number | null, geocode: GeocodeInfo, };

/**
 * A stop that needs the dispatcher's eye: unplaced, ambiguous or approximate.
 */
export type TriageItem = { job_id: string, external_job_id: string, job_title: string, external_stop_id: string, label: string | null, address: string | null, 
/**
 * "unplaced", "ambiguous" or "approximate".
 */
problem: string, level: GeocodeLevel, lat: number | null, lng: number | null, 
/**
 * Places the geocoder considers plausible, best first (empty when it knows none).
 */
candidates: Array<GeocodeCandidate>, };

/**
 * A freshly created credential: the only time the secret exists outside the caller's hands.
 */
export type NewCredential = { client_id: string, client_secret: string, account: string, name: string, };

/**
 * What listing credentials shows (no secret, no hash).
 */
export type CredentialInfo = { client_id: string, account: string, name: string, created_at: string, revoked_at: string | null, last_used_at: string | null, };

export type DepotSetting = { address: string | null, lat: number, lng: number, };

export type Settings = { 
/**
 * Where routes start unless a job names its own depot.
 */
depot: DepotSetting | null, 
/**
 * Average travel speed for durations, km/h.
 */
average_speed_kmh: number, 
/**
 * Service time per stop unless the stop says otherwise, minutes.
 */
service_minutes: number, 
/**
 * Straight-line distance × this factor estimates road distance.
 */
road_factor: number, 
/**
 * "HH:MM" the route starts, for ETAs.
 */
day_start: string, 
/**
 * Free-form settings owned by front ends (tile URL, local API port, watched folder, …).
 */
ui: JsonValue, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type EngineEvent = { "kind": "job_imported", account: string, job_id: string, external_job_id: string, revision: number, } | { "kind": "job_updated", account: string, job_id: string, external_job_id: string, revision: number, } | { "kind": "stop_status_changed", account: string, job_id: string, external_stop_id: string, revision: number, } | { "kind": "settings_changed" };

/**
 * One job a file produced.
 */
export type ImportedJob = { external_job_id: string, job_id: string, 
/**
 * A new job (false: an existing job was updated or unchanged).
 */
created: boolean, changed: boolean, stop_count: number, warnings: Array<Warning>, };

/**
 * One thing that happened in the watched folder. Serialises as `{"kind": "imported", …}`.
 */
export type WatchEvent = { "kind": "started", folder: string, mode: string, } | { "kind": "imported", file: string, jobs: Array<ImportedJob>, warnings: number, result: string, } | { "kind": "duplicate", file: string, duplicate_of: string, result: string, } | { "kind": "failed", file: string, code: string, message: string, problems: number, report: string, } | { "kind": "retrying", file: string, error: string, } | { "kind": "folder_missing", folder: string, } | { "kind": "folder_restored", folder: string, } | { "kind": "watcher_error", message: string, } | { "kind": "stopped", folder: string, };

/**
 * A driver and van: in a plan request or in the fleet saved in Settings.
 */
export type FleetDriver = { 
/**
 * The driver's e-mail: the job's `driver_email`, and the driver's key in the plan.
 */
email: string, name?: string, 
/**
 * Parcels the van carries; absent: no parcel limit.
 */
capacity?: number, capacity_kg?: number, capacity_m3?: number, 
/**
 * `HH:MM`; absent: the day start in Settings.
 */
shift_start?: string, 
/**
 * `HH:MM`; absent: end of the day (23:59).
 */
shift_end?: string, 
/**
 * Where the van starts; absent: the plan's depot.
 */
start?: PointInput, 
/**
 * Where the van ends; absent: back at its start (or the depot) unless `open_end`.
 */
end?: PointInput, 
/**
 * The route ends at its last stop.
 */
open_end: boolean, max_stops?: number, 
/**
 * The cost of using this van at all, in minutes of driving (more: used last).
 */
fixed_cost?: number, };

/**
 * A place given by coordinates.
 */
export type PointInput = { lat: number, lng: number, };

/**
 * The fleet saved in Settings: the drivers a day is planned over when a request names none.
 */
export type Fleet = { drivers: Array<FleetDriver>, };

/**
 * The plan as answered.
 */
export type PlanView = { plan_id: string, external_plan_id: string, title: string, date: string | null, depot: LatLng | null, 
/**
 * One ordinary job per driver with at least one stop, in the order of the drivers.
 */
jobs: Array<PlanJob>, 
/**
 * Every stop left out, with why.
 */
unassigned: Array<PlanUnassigned>, totals: PlanTotals, 
/**
 * "road" (the imported road pack covers every place) or "straight_line_estimate".
 */
distance_source: string, elapsed_ms: number, created_at: string, updated_at: string, 
/**
 * Incremented on every change.
 */
revision: number, };

/**
 * One driver's job in a plan, with its totals.
 */
export type PlanJob = { job_id: string, external_job_id: string, driver: string, driver_name: string | null, 
/**
 * The stops' `external_stop_id`s in route order.
 */
stops: Array<string>, stop_count: number, parcels: number, 
/**
 * The van's parcel capacity (`None`: no limit).
 */
capacity: number | null, distance_km: number, duration_minutes: number, 
/**
 * Leaves the start, `HH:MM`.
 */
start_time: string, 
/**
 * Back at the end (or done at the last stop), `HH:MM`.
 */
end_time: string, };

/**
 * A stop the plan leaves out, and why (see the README's "Plan the day" for every code).
 */
export type PlanUnassigned = { external_stop_id: string, 
/**
 * `DEMAND_EXCEEDS_CAPACITY`, `WINDOW_UNREACHABLE`, `NO_VEHICLE`, `CAPACITY_EXHAUSTED`,
 * `SHIFT_TIME_EXHAUSTED`, `MAX_STOPS_REACHED`, `LOCKED_VEHICLE_INFEASIBLE`,
 * `GEOCODE_FAILED`.
 */
code: string, message: string, 
/**
 * Where it is (absent when it could not be placed).
 */
lat: number | null, lng: number | null, };

/**
 * Totals of a plan.
 */
export type PlanTotals = { drivers: number, drivers_used: number, stops: number, planned_stops: number, unassigned_stops: number, parcels: number, distance_km: number, duration_minutes: number, };

/**
 * One driver's stops in visiting order (`external_stop_id`s).
 */
export type DriverStops = { driver: string, stops: Array<string>, };

/**
 * A stop locked to a driver for the next re-plan.
 */
export type StopLock = { external_stop_id: string, driver: string, };

/**
 * The totals of one route of a candidate assignment.
 */
export type RouteTotals = { driver: string, stop_count: number, parcels: number, capacity: number | null, distance_km: number, duration_minutes: number, start_time: string, end_time: string, };

/**
 * Whether a candidate assignment keeps every hard rule, and its totals.
 */
export type PlanEvaluation = { feasible: boolean, 
/**
 * The first broken rule, in words (`None` when feasible).
 */
problem: string | null, routes: Array<RouteTotals>, distance_km: number, duration_minutes: number, };

/**
 * An error as the UI sees it: a stable `code` to branch on and a message for people.
 */
export type UiError = { code: string, message: string, 
/**
 * Per-field problems for `validation_failed` (field path, code, detail).
 */
fields?: Array<FieldError>, };

/**
 * Filters for the jobs list (a subset of the engine's `JobQuery` the UI needs).
 */
export type JobListArgs = { status?: string | null, limit?: number | null, cursor?: string | null, };

/**
 * What importing one file did, job by job.
 */
export type ImportReport = { source: string, jobs: Array<ImportItem>, };

/**
 * One job of a file: its outcome, or why it was refused.
 */
export type ImportItem = { 
/**
 * Position in the file (0 for a single job).
 */
index: number, external_job_id: string | null, outcome: ImportOutcome | null, error: UiError | null, };

/**
 * Where the app keeps its data, logs and tile cache.
 */
export type AppPaths = { data_dir: string, log_dir: string, tile_dir: string, };

/**
 * The local API's state as Settings shows it.
 */
export type LocalApi = { "state": "starting" } | { "state": "listening", address: string, } | { "state": "off" } | { "state": "failed", address: string, message: string, };

/**
 * What Settings shows about the watched folder.
 */
export type WatchStatus = { "state": "off" } | { "state": "watching", folder: string, } | { "state": "failed", folder: string, message: string, };

/**
 * `app_info`'s answer.
 */
export type AppInfo = { version: string, paths: AppPaths, local_api: LocalApi, watch: WatchStatus, };

/**
 * Settings only the desktop app reads.
 */
export type DesktopSettings = { 
/**
 * Map tiles: an http(s) URL with `{z}`, `{x}` and `{y}` (`{s}` optional).
 */
tile_url: string, 
/**
 * Serve the RouteMate API on loopback for integrations on this computer.
 */
local_api_enabled: boolean, 
/**
 * The local API's port on 127.0.0.1 (1024–65535).
 */
local_api_port: number, 
/**
 * Job files saved here are imported; `null` when no folder is watched.
 */
watched_folder: string | null, 
/**
 * Ask an online geocoder when the offline stack cannot place an address.
 */
online_geocoder: boolean, 
/**
 * The online geocoder (Nominatim API), https only.
 */
online_geocoder_url: string, 
/**
 * Driver packs (run sheet, GPX, CSV, XLSX) are written here after every import or change
 * of a job (`packs.rs`); `null`: none. An existing folder, stored canonical.
 */
packs_folder: string | null, 
/**
 * Closing the window hides it and the app keeps watching (tray, `native::closing`).
 */
keep_watching_on_close: boolean, };

/**
 * The end of the current log file.
 */
export type LogTail = { file: string | null, lines: Array<string>, };

/**
 * "Check for updates" in words.
 */
export type UpdateStatus = { "state": "up_to_date", current: string, } | { "state": "available", current: string, version: string, notes: string | null, } | { "state": "offline", message: string, } | { "state": "misconfigured", message: string, } | { "state": "failed", message: string, };

/**
 * Where an update is while it is being fetched and installed.
 */
export type UpdateProgress = { 
/**
 * "downloading", "verifying" or "installing".
 */
phase: string, downloaded: number, total: number | null, };

/**
 * What "Download and install" did.
 */
export type InstallOutcome = { "state": "installed", version: string, } | { "state": "saved", version: string, path: string, };

export type TileCacheInfo = { dir: string, tiles: number, bytes: number, };

/**
 * The sync badge of a job, for the job list.
 */
export type SyncBadge = "local_only" | "synced" | "pending" | "parked" | "conflict";

/**
 * The sync state for the status bar and Settings → Sync.
 */
export type SyncView = { configured: boolean, url: string | null, client_id: string | null, 
/**
 * "keyring" or "file".
 */
secret_store: string | null, 
/**
 * "off" (not logged in), "connecting" (no round yet), "online", "offline", or "syncing"
 * (work queued, host answering).
 */
state: string, queued: number, parked: number, conflicts: number, last_success: string | null, parked_items: Array<ParkedItem>, 
/**
 * Warnings of the last login (e.g. the secret is in a file).
 */
warnings: Array<string>, };

/**
 * What an event tells.
 */
export type EventType = "job.imported" | "job.updated" | "job.completed" | "stop.status_changed" | "plan.created";

/**
 * A subscription as listed (never with its secret).
 */
export type Subscription = { 
/**
 * `wh_` + 32 hex digits.
 */
id: string, url: string, events: Array<EventType>, description: string | null, created_at: string, 
/**
 * The secret's last four characters, to tell secrets apart.
 */
secret_hint: string, 
/**
 * Jobs with events waiting for this subscriber (backing off or due).
 */
queued: number, 
/**
 * Jobs whose delivery failed for the whole retry period and stopped (see `parked_since`).
 */
parked: number, 
/**
 * The newest delivery attempt.
 */
last_attempt: Attempt | null, };

/**
 * The answer to creating a subscription: the only time its secret is shown.
 */
export type CreatedSubscription = { 
/**
 * `whsec_` + 43 characters: the HMAC key for the `RouteMate-Signature` header. Shown once.
 */
secret: string, 
/**
 * `wh_` + 32 hex digits.
 */
id: string, url: string, events: Array<EventType>, description: string | null, created_at: string, 
/**
 * The secret's last four characters, to tell secrets apart.
 */
secret_hint: string, 
/**
 * Jobs with events waiting for this subscriber (backing off or due).
 */
queued: number, 
/**
 * Jobs whose delivery failed for the whole retry period and stopped (see `parked_since`).
 */
parked: number, 
/**
 * The newest delivery attempt.
 */
last_attempt: Attempt | null, };

/**
 * One delivery attempt in a subscription's log.
 */
export type Attempt = { event_id: string, type: string, at: string, 
/**
 * The receiver's HTTP status (`None`: no answer — refused, timed out, reset).
 */
status: number | null, 
/**
 * From sending the request to the answer (or the failure).
 */
latency_ms: number, 
/**
 * Acknowledged (2xx).
 */
ok: boolean, 
/**
 * What went wrong, without secrets (a status line or a transport error kind).
 */
error: string | null, };

/**
 * A subscription's delivery log.
 */
export type DeliveryLog = { subscription: Subscription, 
/**
 * The newest attempts first (at most 50).
 */
attempts: Array<Attempt>, 
/**
 * Jobs whose delivery is parked: retried for the whole retry period without an
 * acknowledgement. `POST …/retry` (or the app) sends them again.
 */
parked: Array<ParkedStream>, };

/**
 * A parked job of a subscription.
 */
export type ParkedStream = { subject: string, since: string, last_error: string | null, };

/**
 * One parked outbox entry, as the parked list shows it.
 */
export type ParkedItem = { id: number, job_id: string, title: string, external_job_id: string, status: number, 
/**
 * The server's problem, as text.
 */
problem: string, 
/**
 * Changed on both sides: settled by keep mine / take hosted, not by retry.
 */
conflict: boolean, };

/**
 * A job's sync badge, for the job list.
 */
export type JobBadge = { job_id: string, badge: SyncBadge, };

/**
 * What "Print run sheet" did.
 */
export type PrintedSheet = { 
/**
 * The PDF written.
 */
path: string, 
/**
 * Whether a PDF viewer was started.
 */
opened: boolean, 
/**
 * Why it was not, when it was not.
 */
message: string | null, };

/**
 * A pack written or not, as the UI is told.
 */
export type PackEvent = { job_id: string, external_job_id: string, 
/**
 * The pack's folder (written) or the folder it was meant for (failed).
 */
folder: string, 
/**
 * Why it failed; `None` when written.
 */
error: string | null, };

/**
 * What exporting a plan's packs did.
 */
export type PlanPacks = { 
/**
 * The folder the packs were written into.
 */
folder: string, 
/**
 * One folder per driver's job, written (`<date>_<external id>`).
 */
packs: Array<string>, 
/**
 * Jobs whose pack failed, with why (the others are written regardless).
 */
failed: Array<PackFailure>, };

/**
 * One job whose pack could not be written.
 */
export type PackFailure = { job_id: string, message: string, };

/**
 * Where the combined import is: `step` (`roads`, `addresses`), the step's own stage, and the
 * fraction of the whole import, 0–1.
 */
export type ExtractProgress = { step: string, stage: string, fraction: number, };

/**
 * What the import built.
 */
export type ExtractImport = { roads: RoadPackStatus, 
/**
 * Address points, named street pieces and localities stored in the gazetteer.
 */
addresses: number, street_ways: number, localities: number, };

/**
 * The streets of a box at a zoom level. `covered` is false when no road pack is loaded or
 * the box lies outside it (the caller draws its fallback).
 */
export type StreetsView = { covered: boolean, 
/**
 * Minor classes first: draw in order and the big roads lie on top.
 */
streets: Array<StreetLine>, 
/**
 * The box held more than [`MAX_STREETS`] roads; the most minor were left out.
 */
truncated: boolean, 
/**
 * The attribution to show with them.
 */
attribution: string, };

/**
 * One road to draw: its OSM class, its rank (0 = motorway/trunk, 1 = primary/secondary,
 * 2 = tertiary/residential, 3 = service) and its points as `[lat, lng]`.
 */
export type StreetLine = { class: string, rank: number, points: Array<[number, number]>, };

/**
 * The totals of a proposed order.
 */
export type OrderTotals = { total_distance_km: number, 
/**
 * Driving plus service time.
 */
total_duration_minutes: number, 
/**
 * `road` or `straight_line_estimate`, as `optimization.distance_source`.
 */
distance_source: string, estimate: boolean, };
