// The wire shapes the commands answer with (serde field names). The domain types (routemate-core's
// model) and the desktop's own answers are generated from the Rust types into `./generated`
// (`cargo test -p routemate-desktop ts_types` checks it is current); the engine's shapes are here.

import type { DesktopSettings, GeocodeInfo, GeocodeLevel, JobStatus, Optimization, Stop, Warning } from "./generated";

export type {
  DesktopSettings,
  GeocodeInfo,
  GeocodeLevel,
  JobStatus,
  LogTail,
  Optimization,
  Stop,
  StopStatus,
  TileCacheInfo,
  TimeWindow,
  UpdateStatus,
  Warning,
} from "./generated";

export interface LatLng {
  lat: number;
  lng: number;
}

export interface JobView {
  job_id: string;
  external_job_id: string;
  title: string;
  driver_email: string | null;
  status: JobStatus;
  stop_count: number;
  status_counts: Record<string, number>;
  date: string | null;
  depot: LatLng | null;
  return_to_depot: boolean;
  optimization: Optimization;
  stops: Stop[];
  warnings: Warning[];
  created_at: string;
  updated_at: string;
  revision: number;
}

export interface JobSummary {
  job_id: string;
  external_job_id: string;
  title: string;
  driver_email: string | null;
  status: JobStatus;
  stop_count: number;
  status_counts: Record<string, number>;
  unplaced_count: number;
  warnings_count: number;
  total_distance_km: number;
  total_duration_minutes: number;
  created_at: string;
  updated_at: string;
}

export interface JobPage {
  jobs: JobSummary[];
  next_cursor: string | null;
}
export interface JobListArgs {
  status?: string | null;
  limit?: number | null;
  cursor?: string | null;
}

export interface FieldError {
  field: string;
  pointer: string;
  code: string;
  detail: string;
}
/** Every failed command rejects with this. */
export interface UiError {
  code: string;
  message: string;
  fields?: FieldError[];
}

export interface ImportOutcome {
  created: boolean;
  changed: boolean;
  job: JobView;
}
export interface ImportItem {
  index: number;
  external_job_id: string | null;
  outcome: ImportOutcome | null;
  error: UiError | null;
}
export interface ImportReport {
  source: string;
  jobs: ImportItem[];
}

export interface ReoptimizeOutcome {
  job: JobView;
  before_km: number;
  after_km: number;
  saved_km: number;
  before_minutes: number;
  after_minutes: number;
  saved_minutes: number;
  stops_moved: string[];
}

export interface StopPlacement {
  external_stop_id: string;
  sequence: number | null;
  locked: boolean;
  lat: number | null;
  lng: number | null;
  geocode: GeocodeInfo;
}

export interface GeocodeCandidate {
  lat: number;
  lng: number;
  level: GeocodeLevel;
  confidence: number;
  matched: string;
}

export interface TriageItem {
  job_id: string;
  external_job_id: string;
  job_title: string;
  external_stop_id: string;
  label: string | null;
  address: string | null;
  problem: "unplaced" | "ambiguous" | "approximate";
  level: GeocodeLevel;
  lat: number | null;
  lng: number | null;
  candidates: GeocodeCandidate[];
}

export interface NewCredential {
  client_id: string;
  client_secret: string;
  account: string;
  name: string;
}
export interface CredentialInfo {
  client_id: string;
  account: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface DepotSetting {
  address?: string | null;
  lat: number;
  lng: number;
}
export interface Settings {
  depot: DepotSetting | null;
  average_speed_kmh: number;
  service_minutes: number;
  road_factor: number;
  day_start: string;
  /** The desktop's own settings (see src-tauri/src/settings.rs). */
  ui: DesktopSettings;
}

export type LocalApi =
  | { state: "starting" }
  | { state: "listening"; address: string }
  | { state: "off" }
  | { state: "failed"; address: string; message: string };

export type WatchStatus =
  | { state: "off" }
  | { state: "watching"; folder: string }
  | { state: "failed"; folder: string; message: string };

export interface AppInfo {
  version: string;
  paths: { data_dir: string; log_dir: string; tile_dir: string };
  local_api: LocalApi;
  watch: WatchStatus;
}
