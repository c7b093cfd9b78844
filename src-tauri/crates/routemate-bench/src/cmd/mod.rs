//! The `routemate-bench` commands, one file each; every one prints its figures on stdout.

pub mod api;
pub mod atsp;
pub mod export;
pub mod geocode;
pub mod optimize;
pub mod roads;
pub mod sheets;
pub mod solve;
pub mod sync;
pub mod vrp;
pub mod vrp_solve;
pub mod watch;
pub mod webhooks;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "routemate-bench",
    version,
    about = "RouteMate's benchmarks (build with --release)"
)]
pub struct BenchCli {
    #[command(subcommand)]
    pub command: BenchCmd,
}

#[derive(Debug, Subcommand)]
pub enum BenchCmd {
    /// Load-test the HTTP API on loopback (status, re-import, new import, token).
    Api(api::BenchApiArgs),
    /// Run the optimizer on the shared benchmark instances; print gap and wall time per instance.
    Optimize(optimize::BenchOptimizeArgs),
    /// Run the optimizer on the shared TSPLIB asymmetric instances; print the gap to each optimum.
    Atsp(atsp::BenchAtspArgs),
    /// Optimize one TSPLIB or delivery-JSON instance; print the tour as JSON.
    Solve(solve::SolveArgs),
    /// Watched folder: CSV parse time, drop-to-visible latency, crash test (D1) with kills.
    Watch(watch::BenchWatchArgs),
    /// Geocoding throughput and accuracy on the shared geodata fixtures.
    Geocode(geocode::BenchGeocodeArgs),
    /// Offline roads: import, pack size, many-to-many matrices, a 200-stop job on roads.
    Roads(roads::BenchRoadsArgs),
    /// Plan one Solomon or VRPLIB VRP instance (`routemate vrp`); print the plan as JSON.
    VrpSolve(vrp_solve::VrpSolveArgs),
    /// The multi-vehicle planner on the shared VRP set: gap to best known, optionally beside PyVRP.
    Vrp(vrp::BenchVrpArgs),
    /// Sync with a hosted server on loopback: drain, lossy drain, pull of stop statuses.
    Sync(sync::BenchSyncArgs),
    /// Workbook job files: a 10,000-row .xlsx parsed and validated, beside the same CSV.
    Sheets(sheets::BenchSheetsArgs),
    /// Webhooks: stop status changes fanned out to subscribers on loopback (latency, throughput).
    Webhooks(webhooks::BenchWebhooksArgs),
    /// Exports: a 200-stop run sheet (PDF) and the driver packs of a 40-driver plan.
    Export(export::BenchExportArgs),
}

/// Runs the parsed command.
pub fn run(cli: &BenchCli) -> anyhow::Result<()> {
    match &cli.command {
        BenchCmd::Api(args) => api::run(args),
        BenchCmd::Optimize(args) => optimize::run(args),
        BenchCmd::Atsp(args) => atsp::run(args),
        BenchCmd::Solve(args) => solve::run(args),
        BenchCmd::Watch(args) => watch::run(args),
        BenchCmd::Geocode(args) => geocode::run(args),
        BenchCmd::Sheets(args) => sheets::run(args),
        BenchCmd::Roads(args) => roads::run(args),
        BenchCmd::VrpSolve(args) => vrp_solve::run(args),
        BenchCmd::Vrp(args) => vrp::run(args),
        BenchCmd::Sync(args) => sync::run(args),
        BenchCmd::Webhooks(args) => webhooks::run(args),
        BenchCmd::Export(args) => export::run(args),
    }
}
