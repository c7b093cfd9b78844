//! The run sheet's font (DejaVu Sans, bundled under `assets/fonts` with its licence, so any Latin,
//! Greek or Cyrillic address renders without a system font) and text measuring for wrapping.

use crate::ExportError;
use krilla::text::Font;
use ttf_parser::Face;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The two weights, for drawing (krilla, which subsets them into the PDF) and measuring.
pub(crate) struct Fonts {
    pub regular: Font,
    pub bold: Font,
    regular_face: Face<'static>,
    bold_face: Face<'static>,
}

impl Fonts {
    pub fn load() -> Result<Fonts, ExportError> {
        let bad = || ExportError::Pdf("the bundled font could not be read".into());
        Ok(Fonts {
            regular: Font::new(REGULAR.into(), 0).ok_or_else(bad)?,
            bold: Font::new(BOLD.into(), 0).ok_or_else(bad)?,
            regular_face: Face::parse(REGULAR, 0).map_err(|_| bad())?,
            bold_face: Face::parse(BOLD, 0).map_err(|_| bad())?,
        })
    }

    pub fn font(&self, bold: bool) -> Font {
        if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        }
    }

    /// The advance width of `text` at `size` pt (kerning ignored: a little slack is kept).
    pub fn width(&self, bold: bool, size: f32, text: &str) -> f32 {
        let face = if bold {
            &self.bold_face
        } else {
            &self.regular_face
        };
        let units: u32 = text
            .chars()
            .map(|c| {
                let g = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                u32::from(face.glyph_hor_advance(g).unwrap_or(0))
            })
            .sum();
        units as f32 * size / f32::from(face.units_per_em())
    }

    /// `text` broken into lines of at most `width` pt: at spaces, or inside a word longer than a
    /// line; line breaks in the text are kept. Past `max_lines` the last line ends in `…`.
    pub fn wrap(
        &self,
        bold: bool,
        size: f32,
        text: &str,
        width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for para in text.lines() {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(bold, size, &candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: break it where it overflows.
                for c in word.chars() {
                    line.push(c);
                    if self.width(bold, size, &line) > width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            if !line.is_empty() {
                lines.push(line);
            }
            if lines.len() > max_lines {
                break;
            }
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            let last = lines.last_mut().expect("max_lines > 0");
            while !last.is_empty() && self.width(bold, size, &format!("{last}…")) > width {
                last.pop();
            }
            last.push('…');
        }
        lines
    }

    /// `text` on one line, cut with `…` to fit `width`.
    pub fn fit(&self, bold: bool, size: f32, text: &str, width: f32) -> String {
        self.wrap(bold, size, &text.replace('\n', " "), width, 1)
            .pop()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_within_the_width_and_marks_what_is_cut() {
        let f = Fonts::load().unwrap();
        let lines = f.wrap(
            false,
            8.0,
            "12 Queen Street, Brisbane City QLD 4000",
            60.0,
            5,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| f.width(false, 8.0, l) <= 60.0));
        assert_eq!(lines.join(" "), "12 Queen Street, Brisbane City QLD 4000");
        let cut = f.wrap(false, 8.0, &"word ".repeat(50), 60.0, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'));
        let long = f.wrap(false, 8.0, &"x".repeat(100), 40.0, 10);
        assert!(long.len() > 1 && long.iter().all(|l| f.width(false, 8.0, l) <= 40.0));
        assert!(f.width(false, 10.0, "Straße") > 0.0);
    }
}
