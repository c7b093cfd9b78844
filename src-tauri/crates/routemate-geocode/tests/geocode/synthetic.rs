//! A synthetic gazetteer with thousands of distinct streets spread over a grid of suburbs, and
//! the pathological inputs the hardening tests feed it (a pasted 1,000-word note).

use routemate_geocode::gazetteer::{AddressRow, LocalityRow, WayRow};
use routemate_geocode::parse::{HouseNumber, StreetName};
use routemate_geocode::Gazetteer;

const SYLLABLES: &[&str] = &[
    "bar", "cal", "dor", "fen", "gal", "har", "kin", "lor", "mar", "nel", "oak", "pel", "quin",
    "ros", "sel", "tal", "ver", "wil", "yar", "zen", "bel", "cor", "dun", "elm", "fal", "gor",
    "hol", "ken", "lin", "mor",
];
const KINDS: &[&str] = &["Street", "Road", "Avenue", "Lane", "Court", "Crescent"];
/// Suburbs on a 10 x 10 grid, 0.05 degrees apart (about 5.5 km).
const SUBURBS: usize = 100;

/// The synthetic street base name number `i` ("Barcaldor"): three syllables, all distinct.
pub fn street_base(i: usize) -> String {
    let n = SYLLABLES.len();
    let word = format!(
        "{}{}{}",
        SYLLABLES[i % n],
        SYLLABLES[(i / n) % n],
        SYLLABLES[(i / (n * n)) % n]
    );
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The street type of street number `i` ("Road").
pub fn street_kind(i: usize) -> &'static str {
    KINDS[i % KINDS.len()]
}

pub fn suburb_name(i: usize) -> String {
    format!("Suburb {}", street_base(i * 7 + 3))
}

fn suburb_centre(i: usize) -> (f64, f64) {
    (
        -27.0 - (i / 10) as f64 * 0.05,
        152.5 + (i % 10) as f64 * 0.05,
    )
}

/// `streets` streets, each with one geometry piece and house number 1, in `SUBURBS` suburbs.
pub fn gazetteer(streets: usize) -> Gazetteer {
    let g = Gazetteer::open_in_memory().unwrap();
    let mut w = g.writer().unwrap();
    for s in 0..SUBURBS {
        let (lat, lng) = suburb_centre(s);
        w.locality(&LocalityRow {
            key: format!("syn:l{s}"),
            name: suburb_name(s).to_lowercase(),
            display: suburb_name(s),
            state: Some("qld".into()),
            postcode: Some(format!("{}", 4500 + s)),
            lat,
            lng,
            accuracy: 4,
            source: "synthetic".into(),
        })
        .unwrap();
    }
    for i in 0..streets {
        let suburb = i % SUBURBS;
        let (lat, lng) = suburb_centre(suburb);
        // Spread the streets of one suburb over a 0.02-degree square around its centre.
        let k = (i / SUBURBS) as f64;
        let lat = lat + (k % 20.0) * 0.001 - 0.01;
        let lng = lng + (k / 20.0).floor() * 0.001 - 0.01;
        let display = format!("{} {}", street_base(i), street_kind(i));
        let street = StreetName::from_text(&display).unwrap();
        w.way(&WayRow {
            key: format!("syn:w{i}"),
            street: street.clone(),
            display: display.clone(),
            coords: vec![(lat, lng), (lat + 0.0008, lng)],
            open_end: false,
        })
        .unwrap();
        w.address(&AddressRow {
            key: format!("syn:a{i}"),
            number: HouseNumber::parse("1").unwrap(),
            unit: None,
            street,
            street_display: display,
            locality: Some(suburb_name(suburb).to_lowercase()),
            postcode: Some(format!("{}", 4500 + suburb)),
            state: Some("qld".into()),
            lat,
            lng,
        })
        .unwrap();
    }
    w.finish().unwrap();
    g
}

/// Plain words of a pasted note: none is a street type, state, unit word or number.
const NOTE_WORDS: &[&str] = &[
    "please",
    "leave",
    "the",
    "parcel",
    "behind",
    "blue",
    "bin",
    "near",
    "side",
    "fence",
    "if",
    "nobody",
    "answers",
    "call",
    "mobile",
    "after",
    "five",
    "dog",
    "is",
    "friendly",
    "but",
    "loud",
    "deliveries",
    "go",
    "to",
    "back",
    "door",
    "ring",
    "twice",
    "thanks",
];

/// "15 " followed by `words` words of a delivery note (no street type anywhere).
pub fn pasted_note(words: usize) -> String {
    let mut s = String::from("15");
    for i in 0..words {
        s.push(' ');
        s.push_str(NOTE_WORDS[(i * 7 + i / 30) % NOTE_WORDS.len()]);
    }
    s
}
