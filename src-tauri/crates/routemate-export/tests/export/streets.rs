//! The run sheet's map over a road pack: a job inside the shared South Brisbane extract, with
//! the pack loaded, gets the pack's streets drawn under its route (checked on the pixels of
//! `pdftoppm`'s rendering, kept in `target/export-tests/`); a job outside the pack gets the
//! grid; a plan's sheets print as one PDF.

use crate::support::{have_tool, job, keep_dir};
use routemate_engine::jobs::JobView;
use routemate_engine::{Api, EngineConfig};
use routemate_export::{basemap, export, export_with, Format};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared geo fixtures, or `None` (one SKIP line) when the shared folder is missing;
/// `ROUTEMATE_REQUIRE_SHARED=1` makes that a failure.
fn shared_geo() -> Option<PathBuf> {
    let dir = std::env::var_os("ROUTEMATE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared"))
        .join("fixtures/geo");
    if dir.join("south_brisbane.osm.pbf").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("ROUTEMATE_REQUIRE_SHARED").is_none_or(|v| v != "1"),
        "shared/fixtures/geo/south_brisbane.osm.pbf not found (ROUTEMATE_SHARED)"
    );
    eprintln!("SKIP streets: shared/fixtures/geo not found (set ROUTEMATE_SHARED)");
    None
}

/// An engine whose data dir holds the South Brisbane road pack.
fn engine_with_roads(dir: &Path, geo: &Path) -> Api {
    routemate_roads::import_extract(
        &geo.join("south_brisbane.osm.pbf"),
        dir,
        "car",
        chrono::Utc::now(),
        &mut |_| {},
    )
    .expect("the extract imports");
    Api::open(EngineConfig::new(dir)).expect("opens")
}

/// `n` stops at the extract's own addresses (every 7th from `from`), depot at the first.
fn south_brisbane_job(api: &Api, geo: &Path, ext: &str, n: usize, from: usize) -> JobView {
    let mut rd = csv::Reader::from_path(geo.join("south_brisbane_addresses.csv")).unwrap();
    let rows: Vec<(f64, f64, String)> = rd
        .records()
        .map(|r| {
            let r = r.unwrap();
            let address = format!("{} {}, South Brisbane", &r[2], &r[4]);
            (r[8].parse().unwrap(), r[9].parse().unwrap(), address)
        })
        .collect();
    let stops: Vec<Value> = (0..n)
        .map(|i| {
            let (lat, lng, address) = &rows[(from + i * 7) % rows.len()];
            json!({"external_stop_id": format!("S{i}"), "address": address, "lat": lat, "lng": lng})
        })
        .collect();
    let body = json!({"external_job_id": ext, "driver_email": "d@example.com",
        "date": "2026-11-30", "depot": {"lat": rows[0].0, "lng": rows[0].1}, "stops": stops});
    api.import_value("default", &body).unwrap().job
}

/// Page 1 as a grey-level image at 72 dpi (one pixel a point): width, height, pixels.
fn page_one_grey(pdf: &Path) -> (usize, usize, Vec<u8>) {
    let out = Command::new("pdftoppm")
        .args(["-gray", "-r", "72", "-f", "1", "-l", "1"])
        .arg(pdf)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm failed on {}", pdf.display());
    // Binary PGM: "P5\n<w> <h>\n255\n" then the pixels.
    let b = out.stdout;
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while b[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !b[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&b[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, b[at + 1..].to_vec())
}

/// Pixels of the map's box (x 36–559, y 140–440 pt) that `with` draws clearly darker than
/// `without`: what the streets add (the route, stops and text are the same in both; the grid
/// only makes `without` darker).
fn darker_map_pixels(with: &Path, without: &Path) -> usize {
    let (w, _, a) = page_one_grey(with);
    let (_, _, b) = page_one_grey(without);
    let mut n = 0;
    for y in 142..438 {
        for x in 38..557 {
            if i32::from(a[y * w + x]) < i32::from(b[y * w + x]) - 20 {
                n += 1;
            }
        }
    }
    n
}

fn text_of(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_job_inside_a_road_pack_has_its_streets_on_the_run_sheet_map() {
    let Some(geo) = shared_geo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let api = engine_with_roads(dir.path(), &geo);
    let view = south_brisbane_job(&api, &geo, "SB-STREETS", 10, 3);

    let streets = basemap::streets_for(&api, &view);
    assert!(
        streets.len() > 50,
        "only {} streets around the job",
        streets.len()
    );
    assert!(
        streets.iter().any(|s| s.rank == 2),
        "no residential or tertiary street at a neighbourhood's scale"
    );
    let with = export_with(&view, Format::Pdf, &basemap::options_for(&api, &view)).unwrap();
    let without = export(&view, Format::Pdf).unwrap();
    let keep = keep_dir();
    let (with_path, without_path) = (
        keep.join("run-sheet-streets.pdf"),
        keep.join("run-sheet-no-streets.pdf"),
    );
    std::fs::write(&with_path, &with).unwrap();
    std::fs::write(&without_path, &without).unwrap();
    if !have_tool("pdftoppm", "poppler-utils") {
        return;
    }
    // For a person to look at: page 1 with the streets.
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&with_path)
        .arg(keep.join("run-sheet-streets"))
        .status()
        .unwrap();
    assert!(status.success());
    let added = darker_map_pixels(&with_path, &without_path);
    assert!(
        added > 1500,
        "the streets darken only {added} pixels of the map"
    );
    // And the route follows them: the job was planned on the pack, its legs are road lines.
    assert_eq!(view.optimization.distance_source, "road");
    assert!(text_of(&with_path).contains("Route line: roads"));
    let text = text_of(&with_path);
    assert!(
        text.contains("OpenStreetMap contributors"),
        "no attribution"
    );
    assert!(!text_of(&without_path).contains("OpenStreetMap"));
}

#[test]
fn a_job_outside_the_pack_gets_the_grid_and_no_streets() {
    let Some(geo) = shared_geo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let api = engine_with_roads(dir.path(), &geo);
    // Northern Brisbane: ~8 km north of the extract.
    let view = job(&api, "NORTH", 12, false);
    assert!(basemap::streets_for(&api, &view).is_empty());
    let pdf = export_with(&view, Format::Pdf, &basemap::options_for(&api, &view)).unwrap();
    let path = keep_dir().join("run-sheet-grid.pdf");
    std::fs::write(&path, &pdf).unwrap();
    if !have_tool("pdftotext", "poppler-utils") {
        return;
    }
    // The grid's degree labels, no street attribution.
    let text = text_of(&path);
    assert!(text.contains("153.0"), "no longitude label in:\n{text}");
    assert!(!text.contains("OpenStreetMap"));
}

#[test]
fn a_plans_run_sheets_print_as_one_pdf_in_driver_order() {
    let Some(geo) = shared_geo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let api = engine_with_roads(dir.path(), &geo);
    let jobs = vec![
        south_brisbane_job(&api, &geo, "DRIVER-A", 6, 0),
        south_brisbane_job(&api, &geo, "DRIVER-B", 6, 50),
    ];
    let pdf = basemap::run_sheets(&api, "plan", &jobs).unwrap();
    let path = keep_dir().join("run-sheets-plan.pdf");
    std::fs::write(&path, &pdf).unwrap();
    if !have_tool("pdftotext", "poppler-utils") {
        return;
    }
    let text = text_of(&path);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), 2, "one page per six-stop sheet");
    assert!(pages[0].contains("DRIVER-A") && pages[1].contains("DRIVER-B"));
    assert!(
        pages[1].contains("Page 1 of 1"),
        "each sheet numbered on its own"
    );
}
