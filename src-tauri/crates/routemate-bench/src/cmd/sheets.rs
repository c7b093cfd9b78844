//! `routemate-bench sheets`: a workbook job file of 10,000 stops (jobs of 1,000; numbers, dates
//! and times as real cell types) written as `.xlsx`, then parsed and validated through
//! `jobfile::parse` as an import does (goal < 1 s), beside the same rows as CSV for comparison.
//! Prints one JSON object.

use clap::Args;
use routemate_engine::jobfile::{self, Format};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use serde_json::json;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct BenchSheetsArgs {
    /// Data rows (stops) in the workbook.
    #[arg(long, default_value_t = 10_000)]
    pub rows: usize,
    /// Timed parses (the figures are over these).
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
}

const HEADER: [&str; 10] = [
    "Job ID",
    "Order ID",
    "Delivery Address",
    "Customer",
    "Parcels",
    "Latitude",
    "Longitude",
    "Date",
    "Window start",
    "Window end",
];

pub fn run(args: &BenchSheetsArgs) -> anyhow::Result<()> {
    let xlsx = workbook(args.rows)?;
    let csv = csv(args.rows);
    let xlsx_ms = time(args, "bench.xlsx", Format::Xlsx, &xlsx)?;
    let csv_ms = time(args, "bench.csv", Format::Csv, csv.as_bytes())?;
    let out = json!({
        "rows": args.rows,
        "xlsx": {"bytes": xlsx.len(), "parse": xlsx_ms, "goal_ms": 1000},
        "csv": {"bytes": csv.len(), "parse": csv_ms},
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// Parses `bytes` `runs` times; the stops must all come back.
fn time(
    args: &BenchSheetsArgs,
    name: &str,
    format: Format,
    bytes: &[u8],
) -> anyhow::Result<serde_json::Value> {
    let mut ms = Vec::new();
    for _ in 0..args.runs.max(1) {
        let t = Instant::now();
        let f = jobfile::parse(name, format, bytes)
            .map_err(|e| anyhow::anyhow!("{name} invalid: {:?}", e.problems()))?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        let stops: usize = f.jobs.iter().map(|j| j.stops.len()).sum();
        anyhow::ensure!(stops == args.rows, "{name}: {stops} stops read");
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Ok(json!({"n": ms.len(), "min_ms": ms[0], "p50_ms": at(0.5), "max_ms": ms[ms.len() - 1]}))
}

/// Row `i`'s values: job, numeric order id, address, customer, parcels, lat, lng, window hour.
fn row(i: usize) -> (String, f64, String, String, f64, f64, f64, u16) {
    (
        format!("J{}", i / 1000),
        (100_000 + i) as f64,
        format!("{} Example St, Brisbane QLD 4000", i + 1),
        format!("Customer {i}"),
        (1 + i % 3) as f64,
        -27.3 - (i % 97) as f64 * 0.003,
        152.9 + (i % 89) as f64 * 0.003,
        8 + (i % 8) as u16,
    )
}

fn workbook(rows: usize) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let date_fmt = CellFormat::new().set_num_format("yyyy-mm-dd");
    let time_fmt = CellFormat::new().set_num_format("hh:mm");
    let date = ExcelDateTime::from_ymd(2026, 6, 1)?;
    let s = book.add_worksheet();
    s.set_name("Orders")?;
    for (c, h) in HEADER.iter().enumerate() {
        s.write_string(0, c as u16, *h)?;
    }
    for i in 0..rows {
        let r = i as u32 + 1;
        let (job, id, addr, label, parcels, lat, lng, hour) = row(i);
        s.write_string(r, 0, job)?;
        s.write_number(r, 1, id)?;
        s.write_string(r, 2, addr)?;
        s.write_string(r, 3, label)?;
        s.write_number(r, 4, parcels)?;
        s.write_number(r, 5, lat)?;
        s.write_number(r, 6, lng)?;
        s.write_datetime_with_format(r, 7, &date, &date_fmt)?;
        s.write_datetime_with_format(r, 8, &ExcelDateTime::from_hms(hour, 0, 0)?, &time_fmt)?;
        let end = ExcelDateTime::from_hms(hour + 2, 0, 0)?;
        s.write_datetime_with_format(r, 9, &end, &time_fmt)?;
    }
    Ok(book.save_to_buffer()?)
}

fn csv(rows: usize) -> String {
    let mut s = HEADER.join(",") + "\n";
    for i in 0..rows {
        let (job, id, addr, label, parcels, lat, lng, hour) = row(i);
        s.push_str(&format!(
            "{job},{id},\"{addr}\",{label},{parcels},{lat:.6},{lng:.6},2026-06-01,{hour:02}:00,{:02}:00\n",
            hour + 2
        ));
    }
    s
}
