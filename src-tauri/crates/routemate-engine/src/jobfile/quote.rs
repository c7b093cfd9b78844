//! Quoting text from a job file in a report: a hostile or broken file must not flood a report
//! (one 10,000-character header cell) or smuggle control characters (escape sequences, line
//! breaks) into a log line, a text report or the UI.

/// The most characters of one quoted piece of the file that a report shows.
pub const MAX_QUOTED_CHARS: usize = 60;

/// `text` as a report quotes it: control characters escaped (`\n`, `\u{1b}`), at most
/// [`MAX_QUOTED_CHARS`] characters shown (escapes included), and `…` when it was cut.
pub fn quote(text: &str) -> String {
    let mut out = String::new();
    let mut shown = 0;
    for c in text.chars() {
        let piece: String = if c.is_control() {
            c.escape_default().collect()
        } else {
            c.to_string()
        };
        let len = piece.chars().count();
        if shown + len > MAX_QUOTED_CHARS {
            out.push('…');
            break;
        }
        out.push_str(&piece);
        shown += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_are_short_and_printable() {
        assert_eq!(quote("Parcels"), "Parcels");
        assert_eq!(quote("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        let long = "x".repeat(10_000);
        assert_eq!(quote(&long), format!("{}…", "x".repeat(60)));
        assert_eq!(
            quote(&"é".repeat(60)),
            "é".repeat(60),
            "60 characters, not bytes"
        );
    }
}
