//! Australian address parser: splits free text into unit, house number, street, locality, state
//! and postcode, tolerating abbreviations, lowercase, stray commas and missing parts.
//!
//! Without commas the street/locality boundary is uncertain ("15 Main St Kangaroo Point"), so the
//! parser returns every plausible split and lets the matcher keep the one the gazetteer confirms.

use crate::vocab;

/// Characters of an address that are read in full: a real address is under ~150, so anything
/// past this is a pasted document, and reading all of it would only cost time.
pub const MAX_ADDRESS_CHARS: usize = 10_000;
/// Of a longer text, this many characters at its end are read too: state and postcode are there.
const TAIL_CHARS: usize = 200;
/// Tokens (commas included) kept after the state and postcode are taken off the end. The longest
/// real addresses ("Unit 12, Level 3, Building B, …, 123-125 Little Stanley Street East, …") have
/// about 30.
pub const MAX_TOKENS: usize = 40;
/// Words a street name may have when no type word marks its end (one prefix split per length).
pub const MAX_STREET_WORDS: usize = 6;
/// Readings returned at most; the chain tries the first few of them in order.
pub const MAX_SPLITS: usize = 8;
/// Flag set when an address was longer than the limits above and only its start was read.
pub const FLAG_TOO_LONG: &str = "address_too_long";

pub use crate::normalise::normalise;
pub use crate::tokenize::tokenize;

/// A house number: "15", "15a", or a range "12-14".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseNumber {
    /// Canonical text ("12-14", "37a").
    pub text: String,
    pub first: u32,
    pub last: u32,
}

impl HouseNumber {
    /// Parses "15", "15a", "12-14", "163-165"; `None` for anything else.
    pub fn parse(token: &str) -> Option<HouseNumber> {
        let t = token.trim().to_lowercase();
        let (a, b) = match t.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (t.as_str(), None),
        };
        let first = leading_number(a)?;
        if !is_number_token(a) {
            // Odd data spellings ("1.1&1.2", "30b-a") are kept verbatim so they still match
            // themselves exactly; they take no part in interpolation.
            return (t.len() <= 16).then(|| HouseNumber {
                text: t.clone(),
                first,
                last: first,
            });
        }
        let last = match b {
            Some(b) if is_number_token(b) => leading_number(b)?,
            Some(_) => {
                return (t.len() <= 16).then(|| HouseNumber {
                    text: t.clone(),
                    first,
                    last: first,
                })
            }
            None => first,
        };
        if last < first {
            return None;
        }
        Some(HouseNumber {
            text: t.clone(),
            first,
            last,
        })
    }

    /// The letter suffix of a single number ("37a" → 'a').
    pub fn letter(&self) -> Option<char> {
        if self.first != self.last {
            return None;
        }
        self.text.chars().last().filter(|c| c.is_ascii_alphabetic())
    }
}

fn leading_number(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

pub(crate) fn starts_with_digit(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// "15", "15a" (one trailing letter) — a single house-number token.
pub(crate) fn is_number_token(s: &str) -> bool {
    let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && digits <= 6 && s.len() - digits <= 1
}

/// A street name split into base, canonical type and suffix ("stanley", "street", "east").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreetName {
    pub base: String,
    pub kind: Option<&'static str>,
    pub suffix: Option<&'static str>,
}

impl StreetName {
    /// The canonical key ("stanley street east"), used to index and compare streets.
    pub fn key(&self) -> String {
        let mut s = self.base.clone();
        for part in [self.kind, self.suffix].into_iter().flatten() {
            s.push(' ');
            s.push_str(part);
        }
        s
    }

    /// Canonicalises a street name as written in data ("Tribune St", "Stanley Street East").
    pub fn from_text(text: &str) -> Option<StreetName> {
        let tokens = tokenize(text);
        let words: Vec<String> = tokens.into_iter().filter(|t| t != ",").collect();
        street_from_tokens(&words, false)
    }
}

/// One way of reading the text after the house number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreetSplit {
    pub street: StreetName,
    /// Lowercase locality words ("south brisbane"), when any remain.
    pub locality: Option<String>,
}

/// Everything the parser found in an address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedAddress {
    pub unit: Option<String>,
    pub level: Option<String>,
    pub number: Option<HouseNumber>,
    /// Street/locality readings, most likely first; empty when no street was found.
    pub splits: Vec<StreetSplit>,
    /// Locality when there is no street at all ("South Brisbane QLD 4101").
    pub locality_only: Option<String>,
    pub state: Option<&'static str>,
    pub postcode: Option<String>,
    /// Problems with the address itself: "po_box", "locked_bag", "postcode_state_mismatch" …
    pub flags: Vec<String>,
}

impl ParsedAddress {
    /// The locality the address names, from its most likely reading.
    pub fn locality(&self) -> Option<&str> {
        self.splits
            .first()
            .and_then(|s| s.locality.as_deref())
            .or(self.locality_only.as_deref())
    }

    /// True when the address is postal-only (PO box, locked bag …) and must not be placed.
    pub fn is_postal_only(&self) -> bool {
        self.flags.iter().any(|f| {
            matches!(
                f.as_str(),
                "po_box" | "locked_bag" | "poste_restante" | "roadside_mail_box"
            )
        })
    }
}

/// Reads a street name out of words: the last street-type word splits base from type, and one
/// direction word may follow it. `None` when no words are left for the base.
fn street_from_tokens(words: &[String], allow_fuzzy_type: bool) -> Option<StreetName> {
    if words.is_empty() {
        return None;
    }
    let mut end = words.len();
    let mut suffix = None;
    if end >= 3 {
        if let (Some(sfx), Some(_)) = (street_suffix_at(words, end - 1), type_at(words, end - 2)) {
            suffix = Some(sfx);
            end -= 1;
        }
    }
    let mut kind = None;
    if end >= 2 {
        kind = if allow_fuzzy_type {
            vocab::street_type_fuzzy(&words[end - 1])
        } else {
            vocab::street_type(&words[end - 1])
        };
        if kind.is_some() {
            end -= 1;
        }
    }
    let base = canonical_base(&words[..end]);
    if base.is_empty() {
        return None;
    }
    Some(StreetName { base, kind, suffix })
}

fn type_at(words: &[String], i: usize) -> Option<&'static str> {
    vocab::street_type(&words[i])
}

fn street_suffix_at(words: &[String], i: usize) -> Option<&'static str> {
    vocab::street_suffix(&words[i])
}

/// Base-name words with "St"/"Mt" at the start read as Saint/Mount ("St Pauls Tce").
fn canonical_base(words: &[String]) -> String {
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let w = match (i, w.as_str()) {
            (0, "st") if words.len() > 1 => "saint",
            (0, "mt") if words.len() > 1 => "mount",
            // A type word inside a name ("Little Stanley St Plaza") is spelt out too.
            (1.., other) => vocab::street_type(other).unwrap_or(other),
            (_, other) => other,
        };
        out.push(w);
    }
    out.join(" ")
}

/// Parses an Australian address. Never fails: what could not be read is simply absent.
pub fn parse(address: &str) -> ParsedAddress {
    let mut parsed = ParsedAddress::default();
    // Work is bounded before anything else: a pasted paragraph must cost what an address costs.
    let (address, mut too_long) = bounded_text(address);
    let address: &str = &address;
    if let Some(kind) = vocab::postal_only_kind(address) {
        parsed.flags.push(kind.to_string());
    }
    let mut tokens = tokenize(address);
    take_region(&mut tokens, &mut parsed);
    if tokens.len() > MAX_TOKENS {
        too_long = true;
        tokens.truncate(MAX_TOKENS);
        while tokens.last().is_some_and(|t| t == ",") {
            tokens.pop();
        }
    }
    if too_long {
        parsed.flags.push(FLAG_TOO_LONG.to_string());
    }
    let start = take_unit_and_number(&tokens, &mut parsed);
    let rest: &[String] = &tokens[start.min(tokens.len())..];
    let rest: Vec<String> = rest.iter().skip_while(|t| *t == ",").cloned().collect();
    if parsed.number.is_some() {
        parsed.splits = street_splits(&rest);
    } else {
        // No number: either "Smith Street, Suburb" or just "Suburb".
        let segments: Vec<&[String]> = rest.split(|t| t == ",").collect();
        let has_type = rest.iter().any(|t| vocab::street_type(t).is_some());
        if segments.len() >= 2 || has_type {
            parsed.splits = street_splits(&rest);
        }
        let words: Vec<String> = rest.into_iter().filter(|t| t != ",").collect();
        if !words.is_empty() {
            parsed.locality_only = Some(words.join(" "));
        }
    }
    if let (Some(pc), Some(state)) = (&parsed.postcode, parsed.state) {
        if vocab::state_of_postcode(pc).is_some_and(|s| s != state) {
            parsed.flags.push("postcode_state_mismatch".to_string());
        }
    }
    parsed
}

/// The part of the text that is read: all of it when short; else its start and its last
/// [`TAIL_CHARS`] (where state and postcode are), as two comma segments. True when cut.
fn bounded_text(address: &str) -> (std::borrow::Cow<'_, str>, bool) {
    let Some((head_end, _)) = address.char_indices().nth(MAX_ADDRESS_CHARS) else {
        return (std::borrow::Cow::Borrowed(address), false);
    };
    let head_end = address[..head_end]
        .char_indices()
        .nth(MAX_ADDRESS_CHARS - TAIL_CHARS)
        .map_or(head_end, |(i, _)| i);
    let tail_start = address
        .char_indices()
        .rev()
        .nth(TAIL_CHARS - 1)
        .map_or(0, |(i, _)| i)
        .max(head_end);
    let text = format!("{} , {}", &address[..head_end], &address[tail_start..]);
    (std::borrow::Cow::Owned(text), true)
}

/// Removes country, state and postcode from the end (in either order).
fn take_region(tokens: &mut Vec<String>, parsed: &mut ParsedAddress) {
    loop {
        while tokens.last().map(|t| t == ",").unwrap_or(false) {
            tokens.pop();
        }
        let Some(last) = tokens.last() else { return };
        let before = tokens.len().checked_sub(2).map(|i| tokens[i].as_str());
        if last == "australia" && before.is_some_and(|b| b != "western" && b != "south") {
            tokens.pop();
            continue;
        }
        if parsed.postcode.is_none()
            && last.len() == 4
            && last.chars().all(|c| c.is_ascii_digit())
            && tokens.len() > 1
        {
            parsed.postcode = tokens.pop();
            continue;
        }
        if parsed.state.is_none() && tokens.len() > 1 {
            if let Some((code, used)) = vocab::state_at_end(tokens) {
                // "Street" in "15 Smith St" is never a state; a lone "wa"/"sa" right after a
                // house number would be, which is fine.
                tokens.truncate(tokens.len() - used);
                parsed.state = Some(code);
                continue;
            }
        }
        return;
    }
}

/// Reads unit/level prefixes and the house number; returns the index after the number (or the
/// index where the street starts when there is no number).
fn take_unit_and_number(tokens: &[String], parsed: &mut ParsedAddress) -> usize {
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        if t == "," {
            i += 1;
            continue;
        }
        if let Some((unit, number)) = t.split_once('/') {
            if let Some(n) = HouseNumber::parse(number) {
                if !unit.is_empty() {
                    parsed.unit = Some(unit.to_string());
                }
                parsed.number = Some(n);
                return i + 1;
            }
        }
        if t == "ground" && tokens.get(i + 1).map(|n| n == "floor").unwrap_or(false) {
            parsed.level = Some("g".into());
            i += 2;
            continue;
        }
        if t == "gf" {
            parsed.level = Some("g".into());
            i += 1;
            continue;
        }
        if (vocab::is_unit_word(t) || vocab::is_level_word(t)) && i + 1 < tokens.len() {
            let value = tokens[i + 1].as_str();
            let is_value = value.chars().any(|c| c.is_ascii_digit()) || value.len() == 1;
            if is_value {
                if let Some((u, n)) = value.split_once('/') {
                    if let Some(num) = HouseNumber::parse(n) {
                        set_sub(parsed, t, u);
                        parsed.number = Some(num);
                        return i + 2;
                    }
                }
                set_sub(parsed, t, value);
                i += 2;
                continue;
            }
        }
        if let Some(value) = glued_prefix(t) {
            set_sub(parsed, value.0, value.1);
            i += 1;
            continue;
        }
        if let Some(n) = HouseNumber::parse(t) {
            parsed.number = Some(n);
            return i + 1;
        }
        // A word before any number: a building name ("Suncorp Place, 300 Queen St") when a number
        // follows later in the text; otherwise the street starts here.
        let number_later = tokens[i..].iter().any(|t| HouseNumber::parse(t).is_some());
        if number_later && tokens[i..].iter().position(|t| t == ",").is_some() {
            let comma = tokens[i..].iter().position(|t| t == ",").unwrap_or(0);
            let next_num = tokens[i..]
                .iter()
                .position(|t| HouseNumber::parse(t).is_some());
            if next_num.is_some_and(|n| n > comma) {
                i += comma + 1;
                continue;
            }
        }
        return i;
    }
    i
}

/// "u2", "l3", "lvl3", "apt4b" → (word, value).
fn glued_prefix(t: &str) -> Option<(&str, &str)> {
    let split = t.find(|c: char| c.is_ascii_digit())?;
    if split == 0 {
        return None;
    }
    let (word, value) = t.split_at(split);
    if (vocab::is_unit_word(word) || vocab::is_level_word(word)) && is_number_token(value) {
        Some((word, value))
    } else {
        None
    }
}

fn set_sub(parsed: &mut ParsedAddress, word: &str, value: &str) {
    if vocab::is_level_word(word) {
        parsed.level = Some(value.to_string());
    } else {
        parsed.unit = Some(value.to_string());
    }
}

/// Every plausible street/locality reading of the words after the house number.
fn street_splits(rest: &[String]) -> Vec<StreetSplit> {
    let mut splits: Vec<StreetSplit> = Vec::new();
    let push = |splits: &mut Vec<StreetSplit>, street: Option<StreetName>, locality: &[String]| {
        let Some(street) = street else { return };
        let words: Vec<&str> = locality
            .iter()
            .filter(|t| *t != ",")
            .map(|s| s.as_str())
            .collect();
        let locality = (!words.is_empty()).then(|| words.join(" "));
        let split = StreetSplit { street, locality };
        if !splits.contains(&split) {
            splits.push(split);
        }
    };
    if let Some(comma) = rest.iter().position(|t| t == ",") {
        // The first comma segment is the street, whatever words it has.
        push(
            &mut splits,
            street_from_tokens(&rest[..comma], true),
            &rest[comma + 1..],
        );
        let first = &rest[..comma];
        if first.len() >= 3 {
            // "15 Smith St West End, QLD" style: a locality inside the first segment.
            for split in type_splits(first) {
                push(&mut splits, Some(split.0), &rest[split.1..]);
            }
        }
        splits.truncate(MAX_SPLITS);
        return splits;
    }
    let words: Vec<String> = rest.to_vec();
    let mut typed = type_splits(&words);
    // Exact types first; the last type word first (street names rarely contain type words).
    typed.reverse();
    for (street, next) in typed {
        push(&mut splits, Some(street), &words[next..]);
    }
    if splits.is_empty() {
        // No type word: the street is a prefix; prefer the longer street. A misspelt type is
        // tried only here, because an exact one was not found. No street name runs to more than
        // a few words, so longer prefixes are not readings worth a lookup.
        for end in (1..=words.len().min(MAX_STREET_WORDS)).rev() {
            push(
                &mut splits,
                street_from_tokens(&words[..end], true),
                &words[end..],
            );
        }
    }
    splits.truncate(MAX_SPLITS);
    splits
}

/// Splits at each street-type word (not the first word): (street, index where locality starts).
/// A direction word right after the type gives a second reading that keeps it in the street.
fn type_splits(words: &[String]) -> Vec<(StreetName, usize)> {
    let mut out = Vec::new();
    for i in 1..words.len() {
        if vocab::street_type(&words[i]).is_none() {
            continue;
        }
        if let Some(street) = street_from_tokens(&words[..=i], false) {
            out.push((street, i + 1));
        }
        if i + 1 < words.len() && vocab::street_suffix(&words[i + 1]).is_some() {
            if let Some(street) = street_from_tokens(&words[..=i + 1], false) {
                out.push((street, i + 2));
            }
        }
    }
    out
}
