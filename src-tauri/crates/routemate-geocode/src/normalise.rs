//! The normalised address key shared by the geocode cache and learned corrections.

use crate::parse::{parse, tokenize};

/// The canonical key of an address, used for the cache and for learned corrections: the same
/// address written differently ("2/15 Smith St" / "Unit 2, 15 Smith Street") gets the same key.
pub fn normalise(address: &str) -> String {
    let p = parse(address);
    let mut parts: Vec<String> = Vec::new();
    if let Some(level) = &p.level {
        parts.push(format!("level {level}"));
    }
    match (&p.unit, &p.number) {
        (Some(u), Some(n)) => parts.push(format!("{u}/{}", n.text)),
        (None, Some(n)) => parts.push(n.text.clone()),
        (Some(u), None) => parts.push(format!("unit {u}")),
        (None, None) => {}
    }
    if let Some(split) = p.splits.first() {
        parts.push(split.street.key());
        if let Some(l) = &split.locality {
            parts.push(l.clone());
        }
    } else if let Some(l) = &p.locality_only {
        parts.push(l.clone());
    }
    if let Some(s) = p.state {
        parts.push(s.to_string());
    }
    if let Some(pc) = &p.postcode {
        parts.push(pc.clone());
    }
    if parts.is_empty() {
        return tokenize(address).join(" ");
    }
    parts.join(" ")
}
