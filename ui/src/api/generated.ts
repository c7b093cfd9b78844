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
 * "straight_line_estimate": haversine × road factor, not a road network.
 */
distance_source: string, estimate: boolean, road_factor: number, average_speed_kmh: number, routed_stops: number, unplaced_stops: number, algorithm: string, elapsed_ms: number, };

/**
 * Something the integrator should know about a result.
 */
export type Warning = { code: string, external_stop_id?: string | null, message: string, };

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
online_geocoder_url: string, };

/**
 * The end of the current log file.
 */
export type LogTail = { file: string | null, lines: Array<string>, };

export type UpdateStatus = { "state": "up_to_date", current: string, } | { "state": "available", current: string, version: string, notes: string | null, } | { "state": "offline", message: string, };

export type TileCacheInfo = { dir: string, tiles: number, bytes: number, };
