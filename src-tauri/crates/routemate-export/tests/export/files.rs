//! GPX, CSV and XLSX: valid for the tools that read them, and equal to the job when read back.

use crate::support::{engine, have_tool, job, keep_dir};
use calamine::{Data, Reader, Xlsx};
use routemate_core::model::Stop;
use routemate_engine::jobs::JobView;
use routemate_export::route::Route;
use routemate_export::table::COLUMNS;
use routemate_export::{export, gpx as gpx_out, Format};
use std::io::Cursor;
use std::process::Command;

fn in_order(view: &JobView) -> Vec<&Stop> {
    let mut routed: Vec<&Stop> = view.stops.iter().filter(|s| s.sequence.is_some()).collect();
    routed.sort_by_key(|s| s.sequence);
    routed.extend(view.stops.iter().filter(|s| s.sequence.is_none()));
    routed
}

fn xmllint_valid(path: &std::path::Path) {
    let xsd = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gpx-1.1.xsd");
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema", xsd])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmllint refused {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn gpx_validates_against_the_schema_and_reads_back_in_order() {
    let (api, _dir) = engine();
    let view = job(&api, "GPX-1", 25, true);
    let bytes = export(&view, Format::Gpx).unwrap();
    let path = keep_dir().join("route-25.gpx");
    std::fs::write(&path, &bytes).unwrap();
    if have_tool("xmllint", "libxml2-utils") {
        xmllint_valid(&path);
    }
    let doc = gpx::read(Cursor::new(&bytes)).unwrap();
    assert_eq!(doc.version, gpx::GpxVersion::Gpx11);
    let stops = in_order(&view);
    // Depot, then the 25 routed stops in sequence; the unplaced one has no point.
    assert_eq!(doc.waypoints.len(), 26);
    assert_eq!(doc.waypoints[0].name.as_deref(), Some("Depot"));
    for (w, s) in doc.waypoints[1..].iter().zip(&stops) {
        assert_eq!(w.comment.as_deref(), s.address.as_deref());
        assert_eq!(
            w.name.as_deref(),
            Some(format!("{}. {}", s.sequence.unwrap(), s.label.as_deref().unwrap()).as_str())
        );
        let p = w.point();
        assert!((p.y() - s.lat.unwrap()).abs() < 1e-6 && (p.x() - s.lng.unwrap()).abs() < 1e-6);
    }
    // The route: depot, stops, depot again (return_to_depot); no road geometry, so no track.
    assert_eq!(doc.routes.len(), 1);
    assert_eq!(doc.routes[0].points.len(), 27);
    assert!(doc.tracks.is_empty());
    // Notes with markup survive the XML.
    let desc = doc
        .waypoints
        .iter()
        .filter_map(|w| w.description.clone())
        .collect::<String>();
    assert!(desc.contains("Leave at the back door <0> & ring twice"));
}

#[test]
fn road_geometry_becomes_a_valid_track() {
    let (api, _dir) = engine();
    let view = job(&api, "GPX-ROADS", 3, false);
    let mut route = Route::from_job(&view);
    // Road geometry as the roads feature will carry it: one encoded polyline per leg.
    let legs = ["_p~iF~ps|U_ulLnnqC", "_ulLnnqC_mqNvxq`@"];
    route.lines = legs
        .iter()
        .map(|l| routemate_export::route::decode_polyline(l).unwrap())
        .collect();
    route.road_geometry = true;
    let text = gpx_out::write(&route);
    let path = keep_dir().join("route-roads.gpx");
    std::fs::write(&path, &text).unwrap();
    if have_tool("xmllint", "libxml2-utils") {
        xmllint_valid(&path);
    }
    let doc = gpx::read(Cursor::new(text.as_bytes())).unwrap();
    assert_eq!(doc.tracks.len(), 1);
    let segs = &doc.tracks[0].segments;
    assert_eq!(segs.len(), 2);
    let first = segs[0].points[0].point();
    assert!((first.y() - 38.5).abs() < 1e-6 && (first.x() + 120.2).abs() < 1e-6);
    assert_eq!(segs[1].points.len(), 2);
}

/// The row a stop should have, as strings (numbers as written in CSV).
fn expected(view: &JobView, s: &Stop) -> Vec<(usize, String)> {
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
    let mut v = vec![
        (col("external_job_id"), view.external_job_id.clone()),
        (col("external_stop_id"), s.external_stop_id.clone()),
        (col("address"), s.address.clone().unwrap_or_default()),
        (col("label"), s.label.clone().unwrap_or_default()),
        (col("parcel_count"), s.parcel_count.to_string()),
        (col("phone"), s.phone.clone().unwrap_or_default()),
        (col("notes"), s.notes.clone().unwrap_or_default()),
        (col("eta"), s.eta.clone().unwrap_or_default()),
        (
            col("sequence"),
            s.sequence.map(|n| n.to_string()).unwrap_or_default(),
        ),
    ];
    if let Some(w) = &s.time_window {
        v.push((col("time_window_start"), w.start.clone()));
        v.push((col("time_window_end"), w.end.clone()));
    }
    v
}

#[test]
fn xlsx_read_back_equals_the_job() {
    let (api, _dir) = engine();
    let view = job(&api, "XLSX-1", 40, true);
    let bytes = export(&view, Format::Xlsx).unwrap();
    std::fs::write(keep_dir().join("stops-40.xlsx"), &bytes).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), vec!["Route".to_string()]);
    let range = book.worksheet_range("Route").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, COLUMNS);
    let stops = in_order(&view);
    assert_eq!(rows.len() - 1, stops.len());
    for (row, s) in rows[1..].iter().zip(&stops) {
        for (c, want) in expected(&view, s) {
            assert_eq!(
                row[c].to_string(),
                want,
                "column {} of {}",
                COLUMNS[c],
                s.external_stop_id
            );
        }
        // Coordinates and counts are numbers, not text.
        let lat = COLUMNS.iter().position(|c| *c == "lat").unwrap();
        match (&row[lat], s.lat) {
            (Data::Float(v), Some(want)) => assert!((v - want).abs() < 1e-12),
            (Data::Empty, None) => {}
            (other, want) => panic!("lat {other:?} for {want:?}"),
        }
    }
}

#[test]
fn csv_read_back_equals_the_job() {
    let (api, _dir) = engine();
    let view = job(&api, "CSV-1", 30, false);
    let bytes = export(&view, Format::Csv).unwrap();
    std::fs::write(keep_dir().join("stops-30.csv"), &bytes).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let stops = in_order(&view);
    assert_eq!(rows.len(), stops.len());
    for (row, s) in rows.iter().zip(&stops) {
        for (c, want) in expected(&view, s) {
            assert_eq!(&row[c], want, "column {}", COLUMNS[c]);
        }
    }
}
