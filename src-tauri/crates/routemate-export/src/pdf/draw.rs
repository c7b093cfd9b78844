//! Drawing primitives over a krilla surface, in page points with y down: black and white only
//! (the sheet is printed on office printers), so every colour is a grey level.

use super::text::Fonts;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, LineCap, LineJoin, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::TextDirection;

pub(crate) struct Pen<'s, 'a> {
    pub s: &'s mut Surface<'a>,
    pub fonts: &'s Fonts,
}

/// A grey level: 0 black, 255 white.
pub(crate) fn grey(level: u8) -> Fill {
    Fill {
        paint: luma::Color::new(level).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

pub(crate) fn stroke(level: u8, width: f32, dash: Option<Vec<f32>>) -> Stroke {
    Stroke {
        paint: luma::Color::new(level).into(),
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        dash: dash.map(|array| StrokeDash { array, offset: 0.0 }),
        ..Stroke::default()
    }
}

impl Pen<'_, '_> {
    /// Text with its baseline at `y`, in black (or `level`).
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        self.text_grey(x, y, size, bold, text, 0);
    }

    pub fn text_grey(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str, level: u8) {
        if text.is_empty() {
            return;
        }
        self.s.set_stroke(None);
        self.s.set_fill(Some(grey(level)));
        self.s.draw_text(
            Point::from_xy(x, y),
            self.fonts.font(bold),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    /// Text centred on `cx`.
    pub fn text_centred(&mut self, cx: f32, y: f32, size: f32, bold: bool, text: &str, level: u8) {
        let w = self.fonts.width(bold, size, text);
        self.text_grey(cx - w / 2.0, y, size, bold, text, level);
    }

    /// A rectangle, filled and/or outlined.
    pub fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Fill>,
        line: Option<Stroke>,
    ) {
        let Some(r) = Rect::from_xywh(x, y, w, h) else {
            return;
        };
        let mut pb = PathBuilder::new();
        pb.push_rect(r);
        if let Some(path) = pb.finish() {
            self.s.set_fill(fill);
            self.s.set_stroke(line);
            self.s.draw_path(&path);
        }
    }

    /// A polyline (nothing for fewer than two points).
    pub fn polyline(&mut self, points: &[(f32, f32)], line: Stroke) {
        if points.len() < 2 {
            return;
        }
        let mut pb = PathBuilder::new();
        pb.move_to(points[0].0, points[0].1);
        for p in &points[1..] {
            pb.line_to(p.0, p.1);
        }
        if let Some(path) = pb.finish() {
            self.s.set_fill(None);
            self.s.set_stroke(Some(line));
            self.s.draw_path(&path);
        }
    }

    /// A circle (four Bézier quarter arcs).
    pub fn circle(&mut self, cx: f32, cy: f32, r: f32, fill: Option<Fill>, line: Option<Stroke>) {
        const K: f32 = 0.552_284_8;
        let k = K * r;
        let mut pb = PathBuilder::new();
        pb.move_to(cx + r, cy);
        pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        pb.close();
        if let Some(path) = pb.finish() {
            self.s.set_fill(fill);
            self.s.set_stroke(line);
            self.s.draw_path(&path);
        }
    }
}
