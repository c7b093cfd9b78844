//! The PDF run sheet: A4 portrait, black and white. Page 1 has the header (title, driver, date,
//! vehicle, totals), the first navigation QR code and the route map; then the stop table in
//! driving order (sequence, ETA, label and address, parcels, time window, phone, notes, a tick
//! box and room to sign), paginated with its header row repeated; the stops left off the route
//! last; and, when the route needs several navigation links, a page of all their QR codes.

mod draw;
mod map;
mod qr;
mod text;

use crate::navlink::{self, NavLink};
use crate::route::Route;
use crate::{ExportError, ExportOptions};
use draw::{grey, stroke, Pen};
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::geom::Rect;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;
use routemate_core::model::Stop;
use text::Fonts;

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 36.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Table text size and line height.
const SIZE: f32 = 7.5;
const LINE: f32 = 9.2;
const PAD: f32 = 3.0;
const HEADER_ROW: f32 = 14.0;
/// Lowest point a table row may reach (room for the footer).
const BOTTOM: f32 = PAGE_H - 34.0;
/// Page 1: the QR code's side and the map's box.
const QR_SIZE: f32 = 92.0;
const MAP_TOP: f32 = MARGIN + 104.0;
const MAP_H: f32 = 300.0;
const MAP_FRAME: map::Frame = map::Frame {
    x: MARGIN,
    y: MAP_TOP,
    w: CONTENT_W,
    h: MAP_H,
};
/// The navigation page: a grid of codes.
const GRID_QR: f32 = 112.0;
const GRID_COLS: usize = 4;
const GRID_ROWS: usize = 5;

/// The stop table's columns: title and width (pt); the widths add up to the content width.
const COLUMNS: [(&str, f32); 8] = [
    ("#", 20.0),
    ("ETA", 30.0),
    ("Stop and address", 164.0),
    ("Parcels", 34.0),
    ("Window", 52.0),
    ("Phone", 74.0),
    ("Notes", 89.0),
    ("✓ Signed", CONTENT_W - 463.0),
];

/// One stop's row, laid out.
struct Row {
    seq: String,
    eta: String,
    /// (text, bold) lines of the stop column: the label, then the address.
    stop: Vec<(String, bool)>,
    parcels: String,
    window: String,
    phone: Vec<String>,
    notes: Vec<String>,
    height: f32,
}

/// Renders the run sheet of `route`.
pub fn run_sheet(route: &Route, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    let fonts = Fonts::load()?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("Run sheet: {}", route.title))
            .creator("RouteMate".into()),
    );
    write_sheet(&mut doc, &fonts, route, options)?;
    doc.finish().map_err(|e| ExportError::Pdf(format!("{e:?}")))
}

/// Renders the run sheets of several routes (a plan's drivers) one after another in one PDF,
/// each numbered on its own ("Page i of N" per driver), for printing in one go.
pub fn run_sheets(title: &str, sheets: &[(Route, ExportOptions)]) -> Result<Vec<u8>, ExportError> {
    let fonts = Fonts::load()?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("Run sheets: {title}"))
            .creator("RouteMate".into()),
    );
    for (route, options) in sheets {
        write_sheet(&mut doc, &fonts, route, options)?;
    }
    doc.finish().map_err(|e| ExportError::Pdf(format!("{e:?}")))
}

/// Adds the pages of `route`'s run sheet to `doc`.
fn write_sheet(
    doc: &mut Document,
    fonts: &Fonts,
    route: &Route,
    options: &ExportOptions,
) -> Result<(), ExportError> {
    let rows: Vec<Row> = route
        .routed
        .iter()
        .map(|s| layout_row(fonts, s, false))
        .chain(route.unplaced.iter().map(|s| layout_row(fonts, s, true)))
        .collect();
    let table_pages = paginate(&rows);
    let links = navlink::links(route);
    let grid_per_page = GRID_COLS * GRID_ROWS;
    let link_pages = if links.len() > 1 {
        links.len().div_ceil(grid_per_page)
    } else {
        0
    };
    let total = table_pages.len() + link_pages;

    for (i, page_rows) in table_pages.iter().enumerate() {
        let mut page = doc.start_page_with(page_settings()?);
        let mut annotations = Vec::new();
        {
            let mut surface = page.surface();
            let mut pen = Pen {
                s: &mut surface,
                fonts,
            };
            let mut y = if i == 0 {
                header(&mut pen, route, &links, table_pages.len() + 1);
                if let Some(first) = links.first() {
                    let (x, qy) = (PAGE_W - MARGIN - QR_SIZE, MARGIN - 6.0);
                    if qr::draw(&mut pen, &first.url, x, qy, QR_SIZE) {
                        annotations
                            .push((Rect::from_xywh(x, qy, QR_SIZE, QR_SIZE), first.url.clone()));
                    }
                }
                map::draw(&mut pen, route, options, MAP_FRAME);
                MAP_TOP + MAP_H + 12.0
            } else {
                let running = format!(
                    "{} · {} · {}",
                    route.title,
                    route.driver.as_deref().unwrap_or("no driver"),
                    route.date
                );
                let running = fonts.fit(false, 7.5, &running, CONTENT_W);
                pen.text_grey(MARGIN, MARGIN, 7.5, false, &running, 60);
                MARGIN + 8.0
            };
            y = table_header(&mut pen, y);
            for (n, r) in page_rows.iter().map(|&k| &rows[k]).enumerate() {
                draw_row(&mut pen, r, y, n % 2 == 1);
                y += r.height;
            }
            footer(&mut pen, i + 1, total);
            surface.finish();
        }
        add_links(&mut page, annotations);
        page.finish();
    }
    if links.len() > 1 {
        for (p, chunk) in links.chunks(grid_per_page).enumerate() {
            let mut page = doc.start_page_with(page_settings()?);
            let annotations = {
                let mut surface = page.surface();
                let mut pen = Pen {
                    s: &mut surface,
                    fonts,
                };
                let a = link_grid(&mut pen, route, chunk, links.len());
                footer(&mut pen, table_pages.len() + p + 1, total);
                surface.finish();
                a
            };
            add_links(&mut page, annotations);
            page.finish();
        }
    }
    Ok(())
}

/// What page 1's map of `route` shows, `[south, west, north, east]` in degrees, and the web
/// map zoom whose road classes and simplification suit it on paper (a point is counted as two
/// pixels: print is finer than a screen). `None` when no stop is placed.
pub fn map_view(route: &Route) -> Option<([f64; 4], u8)> {
    let bbox = map::visible_bbox(route, MAP_FRAME)?;
    let zoom =
        routemate_roads::streets::zoom_for_span(bbox[3] - bbox[1], 2.0 * f64::from(MAP_FRAME.w));
    Some((bbox, zoom))
}

fn page_settings() -> Result<PageSettings, ExportError> {
    PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ExportError::Pdf("bad page size".into()))
}

/// Makes each QR code clickable too (a PDF opened on the phone itself).
fn add_links(page: &mut krilla::page::Page<'_>, links: Vec<(Option<Rect>, String)>) {
    for (rect, url) in links {
        if let Some(rect) = rect {
            let target = Target::Action(LinkAction::new(url).into());
            page.add_annotation(Annotation::new_link(
                LinkAnnotation::new(rect, target),
                None,
            ));
        }
    }
}

/// Title, driver, date, vehicle, totals, job ids; the QR caption under the code.
fn header(pen: &mut Pen<'_, '_>, route: &Route, links: &[NavLink], links_page: usize) {
    let fonts = pen.fonts;
    let w = CONTENT_W - QR_SIZE - 10.0;
    let title = fonts.fit(true, 15.0, &route.title, w);
    pen.text(MARGIN, MARGIN + 10.0, 15.0, true, &title);
    let mut y = MARGIN + 30.0;
    let facts: [(&str, String); 3] = [
        (
            "Driver",
            route
                .driver
                .clone()
                .unwrap_or_else(|| "not assigned".into()),
        ),
        ("Date", route.date.clone()),
        (
            "Vehicle",
            route.vehicle.clone().unwrap_or_else(|| "—".into()),
        ),
    ];
    for (label, value) in facts {
        pen.text(MARGIN, y, 9.0, true, &format!("{label}:"));
        let value = fonts.fit(false, 9.0, &value, w - 50.0);
        pen.text(MARGIN + 50.0, y, 9.0, false, &value);
        y += 13.0;
    }
    let mut stops = format!("Stops: {} on the route", route.routed.len());
    if !route.unplaced.is_empty() {
        stops.push_str(&format!(", {} not placed", route.unplaced.len()));
    }
    stops.push_str(&format!(" · Parcels: {}", route.parcels()));
    let way = format!(
        "Distance: {:.1} km{} · Time: {} (driving and service)",
        route.total_distance_km,
        if route.estimate { " (estimate)" } else { "" },
        hours(route.total_duration_minutes)
    );
    for line in [stops, way] {
        pen.text(MARGIN, y, 9.0, true, &fonts.fit(true, 9.0, &line, w));
        y += 13.0;
    }
    y -= 2.0;
    let ids = format!("Job {} · {}", route.external_job_id, route.job_id);
    pen.text_grey(MARGIN, y, 7.0, false, &fonts.fit(false, 7.0, &ids, w), 70);
    // Caption under the QR code.
    let cx = PAGE_W - MARGIN - QR_SIZE / 2.0;
    let cy = MARGIN - 6.0 + QR_SIZE + 8.0;
    match links {
        [] => {}
        [only] => {
            pen.text_centred(cx, cy, 6.5, true, "Scan to navigate", 0);
            pen.text_centred(cx, cy + 8.0, 6.0, false, &stops_range(only), 40);
        }
        [first, ..] => {
            pen.text_centred(
                cx,
                cy,
                6.5,
                true,
                &format!("Scan: part 1 of {}", links.len()),
                0,
            );
            pen.text_centred(cx, cy + 8.0, 6.0, false, &stops_range(first), 40);
            pen.text_centred(
                cx,
                cy + 15.0,
                6.0,
                false,
                &format!("all parts: page {links_page}"),
                40,
            );
        }
    }
}

fn stops_range(l: &NavLink) -> String {
    match (l.first_stop, l.last_stop) {
        (0, _) => "back to the depot".into(),
        (a, b) if a == b => format!("stop {a}"),
        (a, b) => format!("stops {a}–{b}"),
    }
}

fn hours(minutes: f64) -> String {
    let m = minutes.max(0.0).round() as u64;
    format!("{} h {:02} min", m / 60, m % 60)
}

fn layout_row(fonts: &Fonts, s: &Stop, unplaced: bool) -> Row {
    let col = |i: usize| COLUMNS[i].1 - 2.0 * PAD;
    let mut stop = Vec::new();
    let label = s.label.as_deref().unwrap_or(&s.external_stop_id);
    stop.extend(
        fonts
            .wrap(true, SIZE, label, col(2), 1)
            .into_iter()
            .map(|l| (l, true)),
    );
    if let Some(a) = &s.address {
        stop.extend(
            fonts
                .wrap(false, SIZE, a, col(2), 3)
                .into_iter()
                .map(|l| (l, false)),
        );
    }
    let mut notes = String::new();
    if unplaced {
        notes.push_str("Not on the route: could not be placed. ");
    }
    if let Some(n) = &s.notes {
        notes.push_str(n);
    }
    let notes = fonts.wrap(false, SIZE, &notes, col(6), 5);
    let phone = s
        .phone
        .as_deref()
        .map(|p| fonts.wrap(false, SIZE, p, col(5), 2))
        .unwrap_or_default();
    let lines = stop.len().max(notes.len()).max(phone.len()).max(2);
    Row {
        seq: s.sequence.map_or("–".into(), |n| n.to_string()),
        eta: s.eta.clone().unwrap_or_default(),
        stop,
        parcels: s.parcel_count.to_string(),
        window: s
            .time_window
            .as_ref()
            .map(|w| format!("{}–{}", w.start, w.end))
            .unwrap_or_default(),
        phone,
        notes,
        height: lines as f32 * LINE + 2.0 * PAD,
    }
}

/// Row indices per page: page 1's table starts under the map, the others at the top.
fn paginate(rows: &[Row]) -> Vec<Vec<usize>> {
    let mut pages = vec![Vec::new()];
    let mut y = MAP_TOP + MAP_H + 12.0 + HEADER_ROW;
    for (i, r) in rows.iter().enumerate() {
        if y + r.height > BOTTOM && !pages.last().is_some_and(Vec::is_empty) {
            pages.push(Vec::new());
            y = MARGIN + 8.0 + HEADER_ROW;
        }
        pages.last_mut().expect("one page at least").push(i);
        y += r.height;
    }
    pages
}

fn table_header(pen: &mut Pen<'_, '_>, y: f32) -> f32 {
    pen.rect(MARGIN, y, CONTENT_W, HEADER_ROW, Some(grey(0)), None);
    let mut x = MARGIN;
    for (title, w) in COLUMNS {
        pen.text_grey(x + PAD, y + 9.8, SIZE, true, title, 255);
        x += w;
    }
    y + HEADER_ROW
}

fn draw_row(pen: &mut Pen<'_, '_>, r: &Row, y: f32, shaded: bool) {
    if shaded {
        pen.rect(MARGIN, y, CONTENT_W, r.height, Some(grey(238)), None);
    }
    pen.polyline(
        &[(MARGIN, y + r.height), (MARGIN + CONTENT_W, y + r.height)],
        stroke(120, 0.4, None),
    );
    let base = y + PAD + SIZE;
    let x: Vec<f32> = COLUMNS
        .iter()
        .scan(MARGIN, |x, (_, w)| {
            let at = *x;
            *x += w;
            Some(at + PAD)
        })
        .collect();
    pen.text(x[0], base, SIZE + 1.5, true, &r.seq);
    pen.text(x[1], base, SIZE, false, &r.eta);
    for (i, (line, bold)) in r.stop.iter().enumerate() {
        pen.text(x[2], base + i as f32 * LINE, SIZE, *bold, line);
    }
    pen.text(x[3], base, SIZE, false, &r.parcels);
    pen.text(x[4], base, SIZE, false, &r.window);
    for (i, line) in r.phone.iter().enumerate() {
        pen.text(x[5], base + i as f32 * LINE, SIZE, false, line);
    }
    for (i, line) in r.notes.iter().enumerate() {
        pen.text(x[6], base + i as f32 * LINE, SIZE, false, line);
    }
    // The tick box; the rest of the cell is room to sign.
    pen.rect(
        x[7],
        y + PAD,
        9.0,
        9.0,
        Some(grey(255)),
        Some(stroke(0, 0.7, None)),
    );
}

fn footer(pen: &mut Pen<'_, '_>, page: usize, total: usize) {
    let text = format!("Page {page} of {total}");
    let w = pen.fonts.width(false, 7.0, &text);
    pen.text_grey(PAGE_W - MARGIN - w, PAGE_H - 20.0, 7.0, false, &text, 60);
    pen.text_grey(MARGIN, PAGE_H - 20.0, 7.0, false, "RouteMate run sheet", 60);
}

/// A page of navigation QR codes, in driving order; returns their link areas.
fn link_grid(
    pen: &mut Pen<'_, '_>,
    route: &Route,
    links: &[NavLink],
    of: usize,
) -> Vec<(Option<Rect>, String)> {
    let title = pen.fonts.fit(
        true,
        13.0,
        &format!("Navigation: {}", route.title),
        CONTENT_W,
    );
    pen.text(MARGIN, MARGIN + 8.0, 13.0, true, &title);
    pen.text_grey(
        MARGIN,
        MARGIN + 22.0,
        8.0,
        false,
        "Scan each part in turn; each opens Google Maps with up to 9 stops on the way.",
        40,
    );
    let gap = (CONTENT_W - GRID_COLS as f32 * GRID_QR) / (GRID_COLS as f32 - 1.0);
    let mut out = Vec::new();
    for (i, l) in links.iter().enumerate() {
        let (col, row) = (i % GRID_COLS, i / GRID_COLS);
        let x = MARGIN + col as f32 * (GRID_QR + gap);
        let y = MARGIN + 34.0 + row as f32 * (GRID_QR + 26.0);
        if qr::draw(pen, &l.url, x, y, GRID_QR) {
            out.push((Rect::from_xywh(x, y, GRID_QR, GRID_QR), l.url.clone()));
        }
        let cx = x + GRID_QR / 2.0;
        pen.text_centred(
            cx,
            y + GRID_QR + 8.0,
            7.5,
            true,
            &format!("Part {} of {of}", l.part),
            0,
        );
        pen.text_centred(cx, y + GRID_QR + 17.0, 7.0, false, &stops_range(l), 40);
    }
    out
}
