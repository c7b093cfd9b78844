//! Generates `ui/src/api/generated.ts`: the TypeScript declarations of every shape the UI
//! receives or sends — the domain types (routemate-core's `ts` feature), the engine's answers and
//! events (routemate-engine's `ts` feature) and the desktop's own — with ts-rs, and fails when the
//! committed file is stale. `ui/src/api/types.ts` re-exports them.
//! Regenerate: `UPDATE_BINDINGS=1 cargo test -p routemate-desktop ts_types`.

use routemate_core::geo::LatLng;
use routemate_core::geocode::{GeocodeCandidate, GeocodeLevel};
use routemate_core::model::{
    GeocodeInfo, JobStatus, Leg, Optimization, Stop, StopStatus, TimeWindow, Warning,
};
use routemate_core::validate::FieldError;
use routemate_engine::api::edit::{ReoptimizeOutcome, StopPlacement, TriageItem};
use routemate_engine::api::roads::{RoadImportProgress, RoadPackStatus};
use routemate_engine::auth::{CredentialInfo, NewCredential};
use routemate_engine::events::EngineEvent;
use routemate_engine::import::ImportOutcome;
use routemate_engine::jobs::{JobPage, JobSummary, JobView};
use routemate_engine::settings::{DepotSetting, Settings};
use routemate_engine::watch::{ImportedJob, WatchEvent};
use std::path::PathBuf;
use ts_rs::{Config, TS};

fn decl<T: TS>(cfg: &Config) -> String {
    let docs = T::docs().unwrap_or_default();
    format!("{docs}export {}\n", T::decl(cfg))
}

fn render() -> String {
    // Counts and milliseconds are plain JSON numbers on the wire, never bigint.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        decl::<JobStatus>(&cfg),
        decl::<StopStatus>(&cfg),
        decl::<GeocodeLevel>(&cfg),
        decl::<GeocodeInfo>(&cfg),
        decl::<TimeWindow>(&cfg),
        decl::<Stop>(&cfg),
        decl::<Optimization>(&cfg),
        decl::<Leg>(&cfg),
        decl::<RoadPackStatus>(&cfg),
        decl::<RoadImportProgress>(&cfg),
        decl::<Warning>(&cfg),
        decl::<LatLng>(&cfg),
        decl::<FieldError>(&cfg),
        decl::<GeocodeCandidate>(&cfg),
        // The engine's answers and events.
        decl::<JobView>(&cfg),
        decl::<JobSummary>(&cfg),
        decl::<JobPage>(&cfg),
        decl::<ImportOutcome>(&cfg),
        decl::<ReoptimizeOutcome>(&cfg),
        decl::<StopPlacement>(&cfg),
        decl::<TriageItem>(&cfg),
        decl::<NewCredential>(&cfg),
        decl::<CredentialInfo>(&cfg),
        decl::<DepotSetting>(&cfg),
        decl::<Settings>(&cfg),
        decl::<serde_json::Value>(&cfg),
        decl::<EngineEvent>(&cfg),
        decl::<ImportedJob>(&cfg),
        decl::<WatchEvent>(&cfg),
        // Plan the day.
        decl::<routemate_core::dayplan::FleetDriver>(&cfg),
        decl::<routemate_core::dayplan::PointInput>(&cfg),
        decl::<routemate_core::dayplan::Fleet>(&cfg),
        decl::<routemate_engine::plan::record::PlanView>(&cfg),
        decl::<routemate_engine::plan::record::PlanJob>(&cfg),
        decl::<routemate_engine::plan::record::PlanUnassigned>(&cfg),
        decl::<routemate_engine::plan::record::PlanTotals>(&cfg),
        decl::<routemate_engine::plan::edit::DriverStops>(&cfg),
        decl::<routemate_engine::plan::edit::StopLock>(&cfg),
        decl::<routemate_engine::plan::edit::RouteTotals>(&cfg),
        decl::<routemate_engine::plan::edit::PlanEvaluation>(&cfg),
        // The desktop's own.
        decl::<crate::commands::UiError>(&cfg),
        decl::<crate::commands::jobs::JobListArgs>(&cfg),
        decl::<crate::importing::ImportReport>(&cfg),
        decl::<crate::importing::ImportItem>(&cfg),
        decl::<crate::state::AppPaths>(&cfg),
        decl::<crate::state::LocalApi>(&cfg),
        decl::<crate::watching::WatchStatus>(&cfg),
        decl::<crate::state::AppInfo>(&cfg),
        decl::<crate::settings::DesktopSettings>(&cfg),
        decl::<crate::logging::LogTail>(&cfg),
        decl::<crate::updating::UpdateStatus>(&cfg),
        decl::<crate::updating::UpdateProgress>(&cfg),
        decl::<crate::updating::InstallOutcome>(&cfg),
        decl::<crate::tiles::TileCacheInfo>(&cfg),
        decl::<routemate_engine::sync::SyncBadge>(&cfg),
        decl::<crate::syncing::SyncView>(&cfg),
        decl::<routemate_engine::webhooks::EventType>(&cfg),
        decl::<routemate_engine::webhooks::Subscription>(&cfg),
        decl::<routemate_engine::webhooks::CreatedSubscription>(&cfg),
        decl::<routemate_engine::webhooks::Attempt>(&cfg),
        decl::<routemate_engine::webhooks::DeliveryLog>(&cfg),
        decl::<routemate_engine::webhooks::ParkedStream>(&cfg),
        decl::<crate::syncing::ParkedItem>(&cfg),
        decl::<crate::commands::sync::JobBadge>(&cfg),
        decl::<crate::printing::PrintedSheet>(&cfg),
        decl::<crate::packs::PackEvent>(&cfg),
        decl::<crate::plan_export::PlanPacks>(&cfg),
        decl::<crate::plan_export::PackFailure>(&cfg),
        decl::<crate::extract::ExtractProgress>(&cfg),
        decl::<crate::extract::ExtractImport>(&cfg),
        decl::<routemate_engine::api::streets::StreetsView>(&cfg),
        decl::<routemate_engine::api::streets::StreetLine>(&cfg),
        decl::<routemate_engine::api::preview::OrderTotals>(&cfg),
    ];
    format!(
        "// Generated from the Rust types by `cargo test -p routemate-desktop ts_types` (ts-rs).\n\
         // Do not edit: regenerate with UPDATE_BINDINGS=1 cargo test -p routemate-desktop ts_types.\n\n{}",
        decls.join("\n")
    )
}

#[test]
fn ts_types_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/generated.ts");
    let expected = render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == expected,
        "{} is stale: run UPDATE_BINDINGS=1 cargo test -p routemate-desktop ts_types",
        path.display()
    );
}
