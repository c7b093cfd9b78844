//! The PDF run sheet, read as a person would: poppler's `pdftotext` must find every stop's
//! address in driving order (non-Latin scripts included), the pages are numbered, and
//! `pdftoppm` renders page 1 to `target/export-tests/` for a person to look at.

use crate::support::{address, engine, have_tool, job, keep_dir};
use routemate_export::{export, Format};
use std::process::Command;

#[test]
fn a_210_stop_run_sheet_lists_every_address_in_driving_order() {
    let (api, _dir) = engine();
    let view = job(&api, "RUN-210", 210, true);
    let pdf = export(&view, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = keep_dir();
    let path = dir.join("run-sheet-210.pdf");
    std::fs::write(&path, &pdf).unwrap();
    if !have_tool("pdftotext", "poppler-utils") {
        return;
    }
    let text = pdftotext(&path, &[]);
    let flat = fold(&text);
    // The "Stop and address" column alone (x 86–250 pt), so a wrapped address is not
    // interleaved with the cells beside it.
    let column = fold(&pdftotext(
        &path,
        &["-x", "86", "-y", "0", "-W", "164", "-H", "842"],
    ));

    let mut routed: Vec<_> = view.stops.iter().filter(|s| s.sequence.is_some()).collect();
    routed.sort_by_key(|s| s.sequence);
    assert_eq!(routed.len(), 210);
    let mut at = 0;
    for s in &routed {
        let a = s.address.as_deref().unwrap();
        let found = column[at..]
            .find(a)
            .unwrap_or_else(|| panic!("stop {:?} ({a}) not found after position {at}", s.sequence));
        at += found + a.len();
    }
    // The stop left off the route comes after all routed ones, marked as such.
    assert!(
        column[at..].contains("Somewhere Unknown Rd, Nowhere"),
        "unplaced stop missing"
    );
    assert!(flat.contains("Not on the route"));
    // Header facts and totals.
    for fact in [
        "Morning run RUN-210",
        "driver@example.com",
        "2026-11-30",
        "Parcels:",
    ] {
        assert!(flat.contains(fact), "{fact} missing");
    }
    assert!(flat.contains(&address(1)) && flat.contains("Müllerstraße"));
    // Paginated: several pages, each numbered "Page i of N", and the QR code page.
    let n = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert!(n >= 5, "{n} pages");
    for i in 1..=n {
        assert!(
            flat.contains(&format!("Page {i} of {n}")),
            "footer of page {i}"
        );
    }
    assert!(flat.contains("Part 1 of"), "navigation QR page");

    if have_tool("pdftoppm", "poppler-utils") {
        let png = dir.join("run-sheet-210-page1");
        let st = Command::new("pdftoppm")
            .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&path)
            .arg(&png)
            .status()
            .unwrap();
        assert!(st.success());
        let first = dir.join("run-sheet-210-page1.png");
        assert!(
            std::fs::metadata(&first).unwrap().len() > 10_000,
            "page 1 rendered"
        );
        eprintln!("run sheet page 1: {}", first.display());
    }
}

#[test]
fn a_short_job_fits_one_page_with_one_qr_code() {
    let (api, _dir) = engine();
    let view = job(&api, "RUN-5", 5, false);
    let pdf = export(&view, Format::Pdf).unwrap();
    let path = keep_dir().join("run-sheet-5.pdf");
    std::fs::write(&path, &pdf).unwrap();
    if !have_tool("pdftotext", "poppler-utils") {
        return;
    }
    let text = fold(&pdftotext(&path, &[]));
    assert!(text.contains("Page 1 of 1"), "{text}");
    assert!(text.contains("Scan to navigate"));
    // Notes with markup characters come through as written (wrapped in their cell).
    assert!(text.contains("Leave at the back door") && text.contains("<0> & ring twice"));
}

/// The text of the PDF at `path` (poppler), with extra `pdftotext` arguments.
fn pdftotext(path: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(args)
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// All whitespace (line breaks of wrapped cells included) folded to single spaces.
fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
