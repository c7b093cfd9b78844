//! QR codes drawn as vector squares (sharp at any print resolution, no image needed).

use super::draw::{grey, Pen};
use krilla::geom::{PathBuilder, Rect};
use qrcode::{Color, EcLevel, QrCode};

/// Draws a QR code of `data` with its top-left corner at (`x`, `y`), `size` pt square including
/// the 4-module quiet zone. Returns false when `data` is too long for a QR code.
pub(crate) fn draw(pen: &mut Pen<'_, '_>, data: &str, x: f32, y: f32, size: f32) -> bool {
    let Ok(code) = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M) else {
        return false;
    };
    let n = code.width();
    let module = size / (n + 8) as f32;
    let colors = code.to_colors();
    let mut pb = PathBuilder::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (col, row) = ((i % n) as f32, (i / n) as f32);
            // A hair larger than a module so neighbours join without hairline gaps.
            if let Some(r) = Rect::from_xywh(
                x + (col + 4.0) * module,
                y + (row + 4.0) * module,
                module + 0.05,
                module + 0.05,
            ) {
                pb.push_rect(r);
            }
        }
    }
    pen.rect(x, y, size, size, Some(grey(255)), None);
    if let Some(path) = pb.finish() {
        pen.s.set_stroke(None);
        pen.s.set_fill(Some(grey(0)));
        pen.s.draw_path(&path);
    }
    true
}
