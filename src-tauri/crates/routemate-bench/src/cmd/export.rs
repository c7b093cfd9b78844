//! `routemate-bench export`: the run sheet of a 200-stop job (PDF with its map, table and QR
//! codes; goal < 1 s) and the driver packs (PDF, GPX, CSV, XLSX) of a 40-driver plan, i.e. 40
//! jobs written into a folder (goal < 10 s). The jobs are imported through the engine first (not
//! timed), so the exports see what the app shows. Prints one JSON object.

use clap::Args;
use routemate_core::model::{DepotInput, ImportRequest, StopInput, TimeWindow};
use routemate_engine::jobs::JobView;
use routemate_engine::{Api, EngineConfig};
use routemate_export::{export, pack, ExportOptions, Format};
use serde_json::json;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct BenchExportArgs {
    /// Stops of the run-sheet job.
    #[arg(long, default_value_t = 200)]
    pub stops: usize,
    /// Jobs (drivers) of the plan whose packs are written.
    #[arg(long, default_value_t = 40)]
    pub drivers: usize,
    /// Stops per driver in the plan.
    #[arg(long, default_value_t = 50)]
    pub stops_per_driver: usize,
    /// Timed runs of each measurement.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

pub fn run(args: &BenchExportArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let api = Api::open(EngineConfig::new(dir.path().join("data")))?;
    let big = import(&api, "BENCH-RUN-SHEET", args.stops, 0)?;
    let mut pdf_ms = Vec::new();
    let mut pdf_bytes = 0;
    for _ in 0..args.runs.max(1) {
        let t = Instant::now();
        let pdf = export(&big, Format::Pdf)?;
        pdf_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        pdf_bytes = pdf.len();
    }
    let plan: Vec<JobView> = (0..args.drivers)
        .map(|d| {
            import(
                &api,
                &format!("BENCH-DRIVER-{d:02}"),
                args.stops_per_driver,
                d,
            )
        })
        .collect::<anyhow::Result<_>>()?;
    let mut pack_ms = Vec::new();
    for run in 0..args.runs.max(1) {
        let out = dir.path().join(format!("packs-{run}"));
        std::fs::create_dir_all(&out)?;
        let t = Instant::now();
        let report = pack::write_packs(&out, &plan, &ExportOptions::default());
        pack_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(
            report.failed.is_empty() && report.written.len() == plan.len(),
            "packs failed: {:?}",
            report.failed
        );
    }
    let out = json!({
        "run_sheet": {"stops": args.stops, "pdf_bytes": pdf_bytes,
                      "ms": stats(pdf_ms), "goal_ms": 1000},
        "packs": {"jobs": args.drivers, "stops_per_job": args.stops_per_driver,
                  "files": plan.len() * pack::PACK_FILES.len(),
                  "ms": stats(pack_ms), "goal_ms": 10000},
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// A job of `n` stops spread over ~10 × 10 km around Brisbane (each driver's area shifted by
/// `area`), with notes, phones and time windows on some.
fn import(api: &Api, ext: &str, n: usize, area: usize) -> anyhow::Result<JobView> {
    let (lat0, lng0) = (
        -27.30 - (area % 8) as f64 * 0.05,
        152.90 + (area / 8) as f64 * 0.05,
    );
    let stops = (0..n)
        .map(|i| {
            // A deterministic scatter (golden-ratio steps), no RNG needed.
            let (u, v) = ((i as f64 * 0.618_034) % 1.0, (i as f64 * 0.754_878) % 1.0);
            StopInput {
                external_stop_id: format!("S{i:04}"),
                address: Some(format!(
                    "{} Example Street, Suburb {} QLD 4{:03}",
                    i + 1,
                    i % 37,
                    i % 999
                )),
                label: Some(format!("Customer {i}")),
                parcel_count: (i % 5 + 1) as u32,
                lat: Some(lat0 - u * 0.09),
                lng: Some(lng0 + v * 0.09),
                notes: (i % 4 == 0).then(|| "Leave with the neighbour if nobody is home".into()),
                phone: (i % 2 == 0).then(|| format!("+61 7 3{i:03} 0000")),
                service_minutes: None,
                time_window: (i % 6 == 0).then(|| TimeWindow {
                    start: "09:00".into(),
                    end: "12:00".into(),
                }),
                sequence: None,
            }
        })
        .collect();
    let req = ImportRequest {
        external_job_id: ext.into(),
        title: Some(format!("Bench {ext}")),
        driver_email: Some(format!("{}@example.com", ext.to_lowercase())),
        optimize: None,
        stops,
        depot: Some(DepotInput {
            address: None,
            lat: Some(lat0 - 0.045),
            lng: Some(lng0 + 0.045),
        }),
        return_to_depot: Some(true),
        date: Some("2026-11-30".into()),
    };
    Ok(api.import("default", req)?.job)
}

fn stats(mut ms: Vec<f64>) -> serde_json::Value {
    ms.sort_by(f64::total_cmp);
    let round = |x: f64| (x * 10.0).round() / 10.0;
    json!({"n": ms.len(), "min": round(ms[0]), "p50": round(ms[ms.len() / 2]),
           "max": round(ms[ms.len() - 1])})
}
