//! The run sheet's route map, drawn offline as vector graphics: the road pack's streets in thin
//! greys by class when a pack covers the job (else the caller's context lines, else a light
//! lat/lng grid), the route line (road geometry when the job carries it, else straight lines
//! between stops, dashed), the depot as a black square and every stop as a numbered circle; a
//! scale bar and a north mark. Web Mercator, fitted to the box.

use super::draw::{grey, stroke, Pen};
use crate::route::{point, Route};
use crate::ExportOptions;
use krilla::geom::{PathBuilder, Rect};
use krilla::paint::FillRule;
use routemate_core::geo::LatLng;

/// Where the map goes on the page (points, y down).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// Lat/lng → page points for one frame.
struct Projection {
    frame: Frame,
    /// Mercator x/y of the box's west/north edge, and points per Mercator unit.
    west: f64,
    north: f64,
    scale: f64,
    off_x: f64,
    off_y: f64,
}

fn mercator(p: LatLng) -> (f64, f64) {
    let lat = p.lat.clamp(-85.0, 85.0).to_radians();
    (
        p.lng.to_radians(),
        (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    )
}

impl Projection {
    fn fit(frame: Frame, points: &[LatLng]) -> Option<Projection> {
        let mut it = points.iter().map(|p| mercator(*p));
        let first = it.next()?;
        let (mut x0, mut y0, mut x1, mut y1) = (first.0, first.1, first.0, first.1);
        for (x, y) in it {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        // At least ~500 m across, so one stop (or stops on one spot) is not a division by zero.
        let min_span = 0.0001;
        let pad = 16.0;
        let (w, h) = (
            f64::from(frame.w) - 2.0 * pad,
            f64::from(frame.h) - 2.0 * pad,
        );
        let span_x = (x1 - x0).max(min_span);
        let span_y = (y1 - y0).max(min_span);
        let scale = (w / span_x).min(h / span_y);
        Some(Projection {
            frame,
            west: x0,
            north: y1,
            scale,
            // Centre the route in the box.
            off_x: pad + (w - (x1 - x0) * scale) / 2.0,
            off_y: pad + (h - (y1 - y0) * scale) / 2.0,
        })
    }

    /// The lat/lng under a page point (the inverse of [`Projection::at`]).
    fn lat_lng(&self, x: f32, y: f32) -> LatLng {
        let mx = f64::from(x - self.frame.x) - self.off_x;
        let my = f64::from(y - self.frame.y) - self.off_y;
        let (mx, my) = (mx / self.scale + self.west, self.north - my / self.scale);
        LatLng {
            lat: (2.0 * my.exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees(),
            lng: mx.to_degrees(),
        }
    }

    fn at(&self, p: LatLng) -> (f32, f32) {
        let (x, y) = mercator(p);
        (
            self.frame.x + ((x - self.west) * self.scale + self.off_x) as f32,
            self.frame.y + ((self.north - y) * self.scale + self.off_y) as f32,
        )
    }

    /// Metres per page point at `lat` (Mercator's scale grows with 1/cos(lat)).
    fn metres_per_point(&self, lat: f64) -> f64 {
        6_371_000.0 * lat.to_radians().cos() / self.scale
    }
}

/// Every point the map is fitted to: route lines, depot, stops.
fn route_points(route: &Route) -> Vec<LatLng> {
    let mut points: Vec<LatLng> = route.lines.iter().flatten().copied().collect();
    points.extend(route.depot);
    points.extend(route.routed.iter().filter_map(point));
    points
}

/// What the map of `route` in `frame` shows: `[south, west, north, east]` in degrees, `None`
/// when no stop is placed.
pub(crate) fn visible_bbox(route: &Route, frame: Frame) -> Option<[f64; 4]> {
    let proj = Projection::fit(frame, &route_points(route))?;
    let nw = proj.lat_lng(frame.x, frame.y);
    let se = proj.lat_lng(frame.x + frame.w, frame.y + frame.h);
    Some([se.lat, nw.lng, nw.lat, se.lng])
}

/// Streets by rank (0 = motorways … 3 = service roads): width in points and grey level.
/// Light enough that the route line (1.2 pt, near black) stays the darkest thing on the map.
const STREET_PENS: [(f32, u8); 4] = [(1.5, 150), (1.0, 165), (0.55, 180), (0.35, 200)];

/// Draws the map of `route` into `frame`.
pub(crate) fn draw(pen: &mut Pen<'_, '_>, route: &Route, options: &ExportOptions, frame: Frame) {
    pen.rect(
        frame.x,
        frame.y,
        frame.w,
        frame.h,
        Some(grey(255)),
        Some(stroke(0, 0.8, None)),
    );
    let points = route_points(route);
    let Some(proj) = Projection::fit(frame, &points) else {
        pen.text_centred(
            frame.x + frame.w / 2.0,
            frame.y + frame.h / 2.0,
            10.0,
            false,
            "No stop could be placed on the map",
            80,
        );
        return;
    };
    // Everything inside the frame stays inside it.
    let clip = Rect::from_xywh(frame.x, frame.y, frame.w, frame.h).and_then(|r| {
        let mut pb = PathBuilder::new();
        pb.push_rect(r);
        pb.finish()
    });
    if let Some(clip) = &clip {
        pen.s.push_clip_path(clip, &FillRule::NonZero);
    }
    for street in &options.streets {
        let (width, level) = STREET_PENS[usize::from(street.rank.min(3))];
        let pts: Vec<(f32, f32)> = street.points.iter().map(|p| proj.at(*p)).collect();
        pen.polyline(&pts, stroke(level, width, None));
    }
    for line in &options.background {
        let pts: Vec<(f32, f32)> = line.iter().map(|p| proj.at(*p)).collect();
        pen.polyline(&pts, stroke(190, 0.5, None));
    }
    if options.streets.is_empty() && options.background.is_empty() {
        grid(pen, &proj, frame);
    }
    // Straight lines are an estimate of the way, so they are dashed; roads are solid.
    let dash = (!route.road_geometry).then(|| vec![3.0, 2.0]);
    for line in &route.lines {
        let pts: Vec<(f32, f32)> = line.iter().map(|p| proj.at(*p)).collect();
        pen.polyline(&pts, stroke(40, 1.2, dash.clone()));
    }
    if let Some(d) = route.depot {
        let (x, y) = proj.at(d);
        pen.rect(
            x - 5.0,
            y - 5.0,
            10.0,
            10.0,
            Some(grey(0)),
            Some(stroke(255, 1.0, None)),
        );
    }
    // Numbered stops; the first ones on top (drawn last).
    let many = route.routed.len() > 60;
    let r = if many { 4.0 } else { 6.0 };
    for s in route.routed.iter().rev() {
        let (Some(p), Some(seq)) = (point(s), s.sequence) else {
            continue;
        };
        let (x, y) = proj.at(p);
        pen.circle(x, y, r, Some(grey(255)), Some(stroke(0, 0.8, None)));
        let label = seq.to_string();
        let size = match (many, label.len()) {
            (false, 1) => 7.0,
            (false, 2) => 6.0,
            (false, _) => 4.6,
            (true, 1 | 2) => 4.8,
            (true, _) => 3.6,
        };
        pen.text_centred(x, y + size * 0.36, size, true, &label, 0);
    }
    if clip.is_some() {
        pen.s.pop();
    }
    scale_bar(pen, &proj, &points, frame);
    // North mark, top right.
    let (nx, ny) = (frame.x + frame.w - 14.0, frame.y + 10.0);
    pen.polyline(&[(nx, ny + 14.0), (nx, ny)], stroke(0, 0.8, None));
    pen.polyline(
        &[(nx - 3.0, ny + 4.0), (nx, ny), (nx + 3.0, ny + 4.0)],
        stroke(0, 0.8, None),
    );
    pen.text_centred(nx, ny + 22.0, 7.0, true, "N", 0);
    let note = if route.road_geometry {
        "Route line: roads"
    } else {
        "Route line: straight between stops (not the roads)"
    };
    pen.text_grey(frame.x + 6.0, frame.y + 10.0, 6.5, false, note, 60);
    if !options.streets.is_empty() {
        let credit = "Streets © OpenStreetMap contributors (ODbL)";
        let w = pen.fonts.width(false, 6.0, credit);
        let (x, y) = (frame.x + frame.w - w - 6.0, frame.y + frame.h - 5.0);
        pen.rect(x - 2.0, y - 7.0, w + 4.0, 9.0, Some(grey(255)), None);
        pen.text_grey(x, y, 6.0, false, credit, 80);
    }
}

/// With no streets and no outline: light lines of latitude and longitude at a round step
/// (4–10 across the frame), labelled in degrees, so distances and directions still read.
fn grid(pen: &mut Pen<'_, '_>, proj: &Projection, frame: Frame) {
    let nw = proj.lat_lng(frame.x, frame.y);
    let se = proj.lat_lng(frame.x + frame.w, frame.y + frame.h);
    let span = (se.lng - nw.lng).max(1e-6);
    let step = [
        1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0,
    ]
    .into_iter()
    .find(|s| span / s <= 10.0)
    .unwrap_or(10.0);
    let decimals = (-step.log10()).ceil().max(0.0) as usize;
    let line = stroke(215, 0.4, None);
    let mut lng = (nw.lng / step).ceil() * step;
    while lng < se.lng {
        let (x, _) = proj.at(LatLng { lat: nw.lat, lng });
        pen.polyline(&[(x, frame.y), (x, frame.y + frame.h)], line.clone());
        pen.text_grey(
            x + 2.0,
            frame.y + frame.h - 16.0,
            5.5,
            false,
            &format!("{lng:.decimals$}°"),
            150,
        );
        lng += step;
    }
    let mut lat = (se.lat / step).ceil() * step;
    while lat < nw.lat {
        let (_, y) = proj.at(LatLng { lat, lng: nw.lng });
        pen.polyline(&[(frame.x, y), (frame.x + frame.w, y)], line.clone());
        // Not under the north mark (top right).
        if y > frame.y + 40.0 {
            pen.text_grey(
                frame.x + frame.w - 40.0,
                y - 2.0,
                5.5,
                false,
                &format!("{lat:.decimals$}°"),
                150,
            );
        }
        lat += step;
    }
}

/// A bar of a round length (1, 2 or 5 × 10ⁿ m) near 70 pt long, bottom left.
fn scale_bar(pen: &mut Pen<'_, '_>, proj: &Projection, points: &[LatLng], frame: Frame) {
    let lat = points.iter().map(|p| p.lat).sum::<f64>() / points.len() as f64;
    let mpp = proj.metres_per_point(lat);
    if !(mpp.is_finite() && mpp > 0.0) {
        return;
    }
    let target = mpp * 70.0;
    let pow = 10f64.powf(target.log10().floor());
    let metres = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * pow)
        .filter(|m| *m <= target)
        .fold(pow, f64::max);
    let len = (metres / mpp) as f32;
    let (x, y) = (frame.x + 8.0, frame.y + frame.h - 10.0);
    pen.rect(x - 3.0, y - 12.0, len + 40.0, 15.0, Some(grey(255)), None);
    pen.polyline(
        &[(x, y - 3.0), (x, y), (x + len, y), (x + len, y - 3.0)],
        stroke(0, 0.8, None),
    );
    let label = if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    };
    pen.text(x + len + 4.0, y, 6.5, false, &label);
}
