// The wire shapes the commands and events carry (serde field names), all generated from the Rust
// types into `./generated` (`cargo test -p routemate-desktop ts_types` checks it is current):
// routemate-core's domain types, routemate-engine's answers and events, and the desktop's own.

import type { DesktopSettings, Settings as EngineSettings } from "./generated";

export type {
  AppInfo,
  AppPaths,
  CredentialInfo,
  DepotSetting,
  DesktopSettings,
  EngineEvent,
  FieldError,
  GeocodeCandidate,
  GeocodeInfo,
  GeocodeLevel,
  ImportedJob,
  ImportItem,
  ImportOutcome,
  ImportReport,
  JobListArgs,
  JobPage,
  JobStatus,
  JobSummary,
  JobView,
  LatLng,
  LocalApi,
  LogTail,
  NewCredential,
  PackEvent,
  PrintedSheet,
  Optimization,
  ReoptimizeOutcome,
  Stop,
  StopPlacement,
  StopStatus,
  TileCacheInfo,
  TimeWindow,
  TriageItem,
  /** Every failed command rejects with this. */
  UiError,
  UpdateStatus,
  Warning,
  WatchEvent,
  WatchStatus,
} from "./generated";

/** The settings commands' answer and argument: the engine's `Settings`, whose free-form `ui`
 * object the desktop always fills with every `DesktopSettings` field (commands/settings.rs). */
export type Settings = Omit<EngineSettings, "ui"> & { ui: DesktopSettings };
