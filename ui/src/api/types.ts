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
  DriverStops,
  EngineEvent,
  FieldError,
  Fleet,
  FleetDriver,
  GeocodeCandidate,
  GeocodeInfo,
  GeocodeLevel,
  ImportedJob,
  ImportItem,
  ImportOutcome,
  ImportReport,
  JobBadge,
  JobListArgs,
  JobPage,
  JobStatus,
  JobSummary,
  JobView,
  Leg,
  LatLng,
  LocalApi,
  LogTail,
  NewCredential,
  ParkedItem,
  PackEvent,
  PrintedSheet,
  Optimization,
  PlanEvaluation,
  PlanJob,
  PlanTotals,
  PlanUnassigned,
  PlanView,
  PointInput,
  ReoptimizeOutcome,
  RoadImportProgress,
  RoadPackStatus,
  RouteTotals,
  Stop,
  StopLock,
  StopPlacement,
  StopStatus,
  SyncBadge,
  SyncView,
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
