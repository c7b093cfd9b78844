//! The field checks every validator shares (the import's in [`super`], the day plan's and the
//! fleet's in [`crate::dayplan::validate`]): the error list with its paths and pointers, ids,
//! texts, numbers, whole numbers, booleans, coordinates, emails, dates, `HH:MM` times and time
//! windows, and a body's `stops` array. Each check names the field, a stable code and why, and
//! the codes and messages are the API's: change them only with the README and the tests.

use super::{FieldError, MAX_ID_LEN, MAX_LISTED_ERRORS, MAX_STOPS, MAX_TEXT_LEN};
use crate::model::TimeWindow;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::ops::RangeInclusive;

/// What a bad `HH:MM` time is told.
const HHMM_DETAIL: &str = "must be a time HH:MM (00:00-23:59)";

/// The problems found so far: the first [`MAX_LISTED_ERRORS`] in full, the rest counted.
pub(crate) struct Errors(pub(crate) Vec<FieldError>, pub(crate) usize);

impl Errors {
    pub(crate) fn new() -> Errors {
        Errors(Vec::new(), 0)
    }

    /// The answer to a body that is not a JSON object: one `invalid_type` with `detail`.
    pub(crate) fn not_an_object(detail: &str) -> Vec<FieldError> {
        let mut errs = Errors::new();
        errs.push(&[], "invalid_type", detail);
        errs.finish()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems have been found (listed or not).
    pub(crate) fn count(&self) -> usize {
        self.0.len() + self.1
    }

    /// The list to return: listed problems, then how many more there were.
    pub(crate) fn finish(mut self) -> Vec<FieldError> {
        if self.1 > 0 {
            self.0.push(FieldError {
                field: String::new(),
                pointer: String::new(),
                code: "too_many_errors".into(),
                detail: format!(
                    "and {} more problem(s) not listed; fix the ones above and send again",
                    self.1
                ),
            });
        }
        self.0
    }

    pub(crate) fn push(&mut self, path: &[Seg], code: &str, detail: impl Into<String>) {
        if self.0.len() >= MAX_LISTED_ERRORS {
            self.1 += 1;
            return;
        }
        let mut field = String::new();
        let mut pointer = String::new();
        for seg in path {
            match seg {
                Seg::Key(k) => {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(k);
                    pointer.push('/');
                    pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                }
                Seg::Index(i) => {
                    field.push_str(&format!("[{i}]"));
                    pointer.push_str(&format!("/{i}"));
                }
            }
        }
        let detail = detail.into();
        self.0.push(FieldError {
            field,
            pointer,
            code: code.into(),
            detail,
        });
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

pub(crate) fn present(obj: &Map<String, Value>, key: &str) -> bool {
    !matches!(obj.get(key), None | Some(Value::Null))
}

/// `base` with `key` appended: the path of a field of the object at `base`.
pub(crate) fn at<'a>(base: &[Seg<'a>], key: &'a str) -> Vec<Seg<'a>> {
    let mut path = base.to_vec();
    path.push(Seg::Key(key));
    path
}

/// The body's `stops`: reported and empty when missing, not an array, empty or over
/// [`MAX_STOPS`] (then its stops are not looked at: the body is refused whatever they hold).
pub(crate) fn stop_items<'v>(obj: &'v Map<String, Value>, errs: &mut Errors) -> &'v [Value] {
    let path = [Seg::Key("stops")];
    let items = match obj.get("stops") {
        None | Some(Value::Null) => {
            errs.push(&path, "required", "is required (an array of stops)");
            return &[];
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            errs.push(&path, "invalid_type", "must be an array of stops");
            return &[];
        }
    };
    if items.is_empty() {
        errs.push(&path, "invalid_value", "must contain at least one stop");
    }
    if items.len() > MAX_STOPS {
        let detail = format!(
            "must contain at most {MAX_STOPS} stops (got {})",
            items.len()
        );
        errs.push(&path, "too_long", detail);
        return &[];
    }
    items
}

/// The `external_stop_id`s seen so far in a `stops` array, to report a repeated one.
#[derive(Default)]
pub(crate) struct StopIds(HashSet<String>);

impl StopIds {
    /// Reports `stops[i].external_stop_id` when an earlier stop used it.
    pub(crate) fn check(&mut self, item: &Value, i: usize, errs: &mut Errors) {
        let id = item
            .get("external_stop_id")
            .and_then(Value::as_str)
            .map(str::trim);
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            if !self.0.insert(id.to_string()) {
                errs.push(
                    &[
                        Seg::Key("stops"),
                        Seg::Index(i),
                        Seg::Key("external_stop_id"),
                    ],
                    "duplicate",
                    format!("'{id}' is used by an earlier stop"),
                );
            }
        }
    }
}

/// An optional `true`/`false`.
pub(crate) fn opt_bool(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
) -> Option<bool> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            errs.push(&at(base, key), "invalid_type", "must be true or false");
            None
        }
    }
}

/// An optional whole number within `range`; `detail` says what is expected when it is not one.
pub(crate) fn opt_whole(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
    range: RangeInclusive<u64>,
    detail: impl FnOnce() -> String,
) -> Option<u64> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().filter(|n| range.contains(n)) {
            Some(n) => Some(n),
            None => {
                errs.push(&at(base, key), "invalid_value", detail());
                None
            }
        },
    }
}

/// Optional `lat` (-90 to 90) and `lng` (-180 to 180) of the object at `base`.
pub(crate) fn opt_lat_lng(
    obj: &Map<String, Value>,
    base: &[Seg],
    errs: &mut Errors,
) -> (Option<f64>, Option<f64>) {
    let lat = opt_number(obj, "lat", base, errs, -90.0, 90.0);
    let lng = opt_number(obj, "lng", base, errs, -180.0, 180.0);
    (lat, lng)
}

/// An optional email address (text as [`opt_text`] keeps it).
pub(crate) fn opt_email(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
) -> Option<String> {
    opt_text(obj, key, base, errs).filter(|e| {
        let ok = looks_like_email(e);
        if !ok {
            bad_email(&at(base, key), errs);
        }
        ok
    })
}

/// Reports the field at `path` as not an email address.
pub(crate) fn bad_email(path: &[Seg], errs: &mut Errors) {
    errs.push(path, "invalid_value", "must be an email address");
}

/// An optional `HH:MM` time.
pub(crate) fn opt_hhmm(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
) -> Option<String> {
    opt_text(obj, key, base, errs).filter(|s| {
        let ok = parse_hhmm(s).is_some();
        if !ok {
            errs.push(&at(base, key), "invalid_value", HHMM_DETAIL);
        }
        ok
    })
}

/// The `time_window` of the object at `base`.
pub(crate) fn parse_window(v: &Value, base: &[Seg], errs: &mut Errors) -> Option<TimeWindow> {
    parse_window_at(v, &at(base, "time_window"), errs)
}

/// A window `{"start": "HH:MM", "end": "HH:MM"}` at `path` itself (`time_window`, or an
/// element of a plan stop's `time_windows`).
pub(crate) fn parse_window_at(v: &Value, path: &[Seg], errs: &mut Errors) -> Option<TimeWindow> {
    let Some(obj) = v.as_object() else {
        errs.push(
            path,
            "invalid_type",
            "must be an object {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}",
        );
        return None;
    };
    let mut parts = [None, None];
    for (k, key) in ["start", "end"].into_iter().enumerate() {
        match obj.get(key).and_then(Value::as_str) {
            Some(s) if parse_hhmm(s).is_some() => parts[k] = Some(s.to_string()),
            _ => errs.push(&at(path, key), "invalid_value", HHMM_DETAIL),
        }
    }
    let [Some(start), Some(end)] = parts else {
        return None;
    };
    if parse_hhmm(&start) > parse_hhmm(&end) {
        errs.push(
            &at(path, "end"),
            "invalid_value",
            "must not be before start",
        );
        return None;
    }
    Some(TimeWindow { start, end })
}

pub(crate) fn req_id(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
) -> Option<String> {
    let path = at(base, key);
    match obj.get(key) {
        None | Some(Value::Null) => errs.push(&path, "required", "is required"),
        Some(Value::String(s)) if s.trim().is_empty() => {
            errs.push(&path, "required", "must not be empty")
        }
        Some(Value::String(s)) if s.chars().count() > MAX_ID_LEN => errs.push(
            &path,
            "too_long",
            format!("must be at most {MAX_ID_LEN} characters"),
        ),
        Some(Value::String(s)) if has_forbidden_char("id", s) => errs.push(
            &path,
            "invalid_value",
            "must not contain control characters or bidirectional-formatting characters",
        ),
        Some(Value::String(s)) => return Some(s.trim().to_string()),
        // Integrators often send numeric ids; accept them as their decimal text.
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => return Some(n.to_string()),
        Some(_) => errs.push(&path, "invalid_type", "must be a string"),
    }
    None
}

pub(crate) fn opt_text(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
) -> Option<String> {
    let path = at(base, key);
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() > MAX_TEXT_LEN => {
            errs.push(
                &path,
                "too_long",
                format!("must be at most {MAX_TEXT_LEN} characters"),
            );
            None
        }
        Some(Value::String(s)) if has_forbidden_char(key, s) => {
            let detail = if is_single_line(key) {
                "must not contain control characters or bidirectional-formatting characters"
            } else {
                "must not contain control characters (tab and line breaks are allowed)"
            };
            errs.push(&path, "invalid_value", detail);
            None
        }
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(Value::Number(n)) if key == "phone" => Some(n.to_string()),
        Some(_) => {
            errs.push(&path, "invalid_type", "must be a string");
            None
        }
    }
}

pub(crate) fn opt_number(
    obj: &Map<String, Value>,
    key: &str,
    base: &[Seg],
    errs: &mut Errors,
    min: f64,
    max: f64,
) -> Option<f64> {
    let path = at(base, key);
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_f64().filter(|x| (min..=max).contains(x)) {
            Some(x) => Some(x),
            None => {
                errs.push(
                    &path,
                    "invalid_value",
                    format!("must be between {min} and {max}"),
                );
                None
            }
        },
        Some(_) => {
            errs.push(&path, "invalid_type", "must be a number");
            None
        }
    }
}

/// Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069), and
/// the marks LRM/RLM/ALM: they can make displayed text read differently from what is stored.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Fields that name a thing (ids, title, email, date): no bidirectional controls either, so what
/// is shown reads as what is stored.
fn is_single_line(key: &str) -> bool {
    matches!(key, "id" | "title" | "driver_email" | "date")
}

/// True when text `s` of field `key` holds a character that field must not carry: a control
/// character other than tab and line breaks (NUL, escape, …), or in a name a bidi control.
fn has_forbidden_char(key: &str, s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || (is_single_line(key) && is_bidi_control(c))
    })
}

/// `HH:MM` → minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    // Digits only: `str::parse` would also take a sign ("+9:00").
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// The optional top-level `date` (`YYYY-MM-DD`) of an import or a plan body.
pub(crate) fn opt_date(obj: &Map<String, Value>, errs: &mut Errors) -> Option<String> {
    opt_text(obj, "date", &[], errs).filter(|d| {
        let ok = is_date(d);
        if !ok {
            errs.push(
                &[Seg::Key("date")],
                "invalid_value",
                "must be a date YYYY-MM-DD",
            );
        }
        ok
    })
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    s[0..4].parse::<u32>().is_ok() && (1..=12).contains(&month) && (1..=31).contains(&day)
}

pub(crate) fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}
