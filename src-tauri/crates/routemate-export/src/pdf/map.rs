//! The run sheet's route map, drawn offline as vector graphics: optional context lines (a road
//! pack's streets, an outline basemap) in light grey, the route line (road geometry when the job
//! carries it, else straight lines between stops, dashed), the depot as a black square and every
//! stop as a numbered circle; a scale bar and a north mark. Web Mercator, fitted to the box.

use super::draw::{grey, stroke, Pen};
use crate::route::{point, LatLngLine, Route};
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

/// Draws the map of `route` into `frame`.
pub(crate) fn draw(pen: &mut Pen<'_, '_>, route: &Route, background: &[LatLngLine], frame: Frame) {
    pen.rect(
        frame.x,
        frame.y,
        frame.w,
        frame.h,
        Some(grey(255)),
        Some(stroke(0, 0.8, None)),
    );
    let mut points: Vec<LatLng> = route.lines.iter().flatten().copied().collect();
    points.extend(route.depot);
    points.extend(route.routed.iter().filter_map(point));
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
    for line in background {
        let pts: Vec<(f32, f32)> = line.iter().map(|p| proj.at(*p)).collect();
        pen.polyline(&pts, stroke(190, 0.5, None));
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
