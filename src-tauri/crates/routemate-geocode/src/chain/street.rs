//! Street and house-number steps of the chain: candidate streets by name (exact, then FTS5
//! trigrams with a strsim check), filtered by suburb/postcode, then the exact number, an
//! interpolation between bracketing numbers, or the street itself when it is short.

use super::area::{acceptance, Area};
use super::budget::{Budget, MAX_FUZZY_CHARS};
use super::Found;
use crate::gazetteer::{AddressPoint, Gazetteer, StreetRow};
use crate::parse::{HouseNumber, ParsedAddress, StreetName, StreetSplit};
use routemate_core::geo::{haversine_m, LatLng};
use routemate_core::geocode::GeocodeLevel;

/// Name similarity below this is a different street.
const MIN_NAME_SCORE: f64 = 0.75;
/// Interpolate only between numbers this close in value and in space.
const MAX_INTERP_GAP: u32 = 60;
const MAX_INTERP_M: f64 = 500.0;
/// A street is answered as "somewhere on it" only if it is this short (its whole length is then
/// within ~this/2 of the answer); longer streets fall back to the suburb.
const SHORT_STREET_M: f64 = 300.0;
/// Without a house number, any street of up to this length is placed at its middle.
const NUMBERLESS_STREET_M: f64 = 3_000.0;
/// A known number this close (same side) stands in for a missing one at street level.
const NEAR_NUMBER: u32 = 10;

/// Every placement on a street matching this reading of the address.
pub(crate) fn find(
    main: &Gazetteer,
    gazetteers: &[&Gazetteer],
    p: &ParsedAddress,
    split: &StreetSplit,
    area: &Area,
    budget: &Budget,
) -> Vec<Found> {
    let mut out = Vec::new();
    for (street, name_score) in candidates(main, &split.street, area, budget) {
        let bbox = (
            street.min_lat,
            street.max_lat,
            street.min_lng,
            street.max_lng,
        );
        let (l, pc) = area.judge(
            gazetteers,
            bbox,
            street.locality.as_deref(),
            street.postcode.as_deref(),
            true,
        );
        let street_factor = acceptance(l, pc);
        let Some(number) = &p.number else {
            if let Some(f) = street_factor {
                if !street.open_end && diagonal_m(&street) <= NUMBERLESS_STREET_M {
                    let c = 0.5
                        * name_score
                        * f
                        * if diagonal_m(&street) <= SHORT_STREET_M {
                            1.0
                        } else {
                            0.6
                        };
                    out.push(street_found(&street, c, None, area));
                }
            }
            continue;
        };
        let points = main.addresses_on(street.id).unwrap_or_default();
        let mut exact = Vec::new();
        for a in &points {
            let Some(number_score) = number_match(number, a) else {
                continue;
            };
            let (l, pc) = area.judge(
                gazetteers,
                (a.lat, a.lat, a.lng, a.lng),
                a.locality.as_deref(),
                a.postcode.as_deref(),
                false,
            );
            if let Some(f) = acceptance(l, pc) {
                exact.push((a, 0.95 * name_score * number_score * f));
            }
        }
        if !exact.is_empty() {
            out.extend(
                merge_duplicates(exact)
                    .into_iter()
                    .map(|(a, point, c)| Found {
                        level: GeocodeLevel::Address,
                        point,
                        confidence: c,
                        matched: describe(
                            Some(p),
                            Some(&a.number),
                            &street,
                            a.locality.as_deref(),
                            a.postcode.as_deref(),
                            area,
                        ),
                    }),
            );
            continue;
        }
        let Some(f) = street_factor else { continue };
        if let Some(point) = interpolate(number, &points) {
            out.push(Found {
                level: GeocodeLevel::Interpolated,
                point,
                confidence: 0.7 * name_score * f,
                matched: describe(Some(p), Some(&number.text), &street, None, None, area),
            });
        } else if let Some(near) = nearest_number(number, &points) {
            out.push(Found {
                level: GeocodeLevel::Street,
                point: LatLng::new(near.lat, near.lng),
                confidence: 0.45 * name_score * f,
                matched: describe(Some(p), None, &street, None, None, area),
            });
        } else if !street.open_end && diagonal_m(&street) <= SHORT_STREET_M {
            out.push(street_found(&street, 0.45 * name_score * f, Some(p), area));
        }
    }
    out
}

fn street_found(
    street: &StreetRow,
    confidence: f64,
    p: Option<&ParsedAddress>,
    area: &Area,
) -> Found {
    Found {
        level: GeocodeLevel::Street,
        point: LatLng::new(street.lat, street.lng),
        confidence,
        matched: describe(p, None, street, None, None, area),
    }
}

fn diagonal_m(s: &StreetRow) -> f64 {
    haversine_m(
        LatLng::new(s.min_lat, s.min_lng),
        LatLng::new(s.max_lat, s.max_lng),
    )
}

/// "2/15 Smith Street, South Brisbane QLD 4101" from what matched.
fn describe(
    p: Option<&ParsedAddress>,
    number: Option<&str>,
    street: &StreetRow,
    locality: Option<&str>,
    postcode: Option<&str>,
    area: &Area,
) -> String {
    let mut s = String::new();
    if let (Some(p), Some(_)) = (p, number) {
        if let Some(u) = &p.unit {
            s.push_str(&format!("{}/", u.to_uppercase()));
        }
    }
    if let Some(n) = number {
        s.push_str(&n.to_uppercase());
        s.push(' ');
    }
    s.push_str(&title(&street.key));
    let locality = locality
        .or(street.locality.as_deref())
        .map(str::to_string)
        .or_else(|| area.locality_places.first().map(|p| p.name.clone()));
    let postcode = postcode
        .or(street.postcode.as_deref())
        .or(area.postcode.as_deref());
    if let Some(l) = locality {
        s.push_str(", ");
        s.push_str(&title(&l));
    }
    if let Some(st) = &area.state {
        s.push(' ');
        s.push_str(&st.to_uppercase());
    }
    if let Some(pc) = postcode {
        s.push(' ');
        s.push_str(pc);
    }
    s
}

fn title(s: &str) -> String {
    crate::import::title_case(s)
}

/// Trigram candidates fetched per typo search.
const TRIGRAM_POOL: usize = 400;
/// Streets around the named suburb fetched when trigrams find nothing.
const NEARBY_POOL: usize = 3_000;
/// Same-initial, similar-length streets fetched when no suburb is known either.
const INITIAL_POOL: usize = 1_500;

/// Streets that could be the one named, with a name score in 0..=1. Every fetch is bounded by
/// the address's [`Budget`]; no path reads the whole gazetteer.
fn candidates(
    main: &Gazetteer,
    name: &StreetName,
    area: &Area,
    budget: &Budget,
) -> Vec<(StreetRow, f64)> {
    let exact = main.streets_named(&name.base).unwrap_or_default();
    budget.exact(exact.len());
    let mut out: Vec<(StreetRow, f64)> = exact
        .into_iter()
        .filter_map(|s| name_score(name, &s).map(|sc| (s, sc)))
        .collect();
    if !out.is_empty() || name.base.chars().count() > MAX_FUZZY_CHARS {
        // The name exists as written (a typo reading would only add look-alike streets), or
        // it is too long to be a misspelt street name.
        return out;
    }
    // Typos: FTS5 trigram candidates, then (when trigrams share nothing, as in "smoth") the
    // streets around the named suburb, or else the streets sharing the first letter and about
    // the length (an edit distance of at most two allows no more).
    let fetch = |wanted: usize, query: &dyn Fn(usize) -> Vec<StreetRow>| {
        let limit = budget.allowance(wanted);
        if limit == 0 {
            return Vec::new();
        }
        let rows = query(limit);
        budget.fuzzy(rows.len());
        rows
    };
    let mut pool = fetch(TRIGRAM_POOL, &|n| {
        main.streets_like(&name.base, n).unwrap_or_default()
    });
    if !pool.iter().any(|s| name_score(name, s).is_some()) {
        pool = match area
            .locality_places
            .first()
            .or(area.postcode_places.first())
        {
            Some(p) => {
                let d = 0.05;
                let bbox = (p.lat - d, p.lat + d, p.lng - d, p.lng + d);
                fetch(NEARBY_POOL, &|n| {
                    main.streets_in_box(bbox, n).unwrap_or_default()
                })
            }
            None => fetch(INITIAL_POOL, &|n| {
                main.streets_with_initial(&name.base, 2, n)
                    .unwrap_or_default()
            }),
        };
    }
    for s in pool {
        if out.iter().any(|(o, _)| o.id == s.id) {
            continue;
        }
        if let Some(sc) = name_score(name, &s) {
            out.push((s, sc));
        }
    }
    out
}

/// How well a street matches the name asked for; `None` when it is another street.
fn name_score(q: &StreetName, s: &StreetRow) -> Option<f64> {
    // A different type is a different street ("Boundary Road" is not "Boundary Street").
    let kind_ok = match (q.kind, s.kind.as_deref()) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    if !kind_ok {
        return None;
    }
    let kind_factor = if q.kind.is_none() && s.kind.is_some() {
        0.95
    } else {
        1.0
    };
    let suffix_factor = match (q.suffix, s.key.rsplit(' ').next()) {
        (Some(sfx), Some(last)) if sfx == last => 1.0,
        (Some(_), _) => 0.8,
        (None, Some(last)) if crate::vocab::street_suffix(last).is_some() && s.kind.is_some() => {
            0.9
        }
        _ => 1.0,
    };
    let base_score = if q.base == s.base {
        1.0
    } else {
        let (ql, sl) = (q.base.chars().count(), s.base.chars().count());
        if ql.abs_diff(sl) > 2 {
            // No edit distance below 3 is possible: skip the quadratic comparison.
            return None;
        }
        let d = strsim::damerau_levenshtein(&q.base, &s.base);
        let len = ql.min(sl);
        match (d, len) {
            (1, 4..) => 0.85,
            (2, 10..) => 0.78,
            _ => return None,
        }
    };
    let score = base_score * kind_factor * suffix_factor;
    (score >= MIN_NAME_SCORE).then_some(score)
}

/// Points of one address this close together are one place (a shop node inside its building,
/// two halves of a duplex): answered by their middle.
const DUPLICATE_M: f64 = 60.0;

/// Collapses several points carrying the same number: close ones into their mean; far apart
/// ones keep only buildings when there are any (an address node is often a business inside).
fn merge_duplicates(mut exact: Vec<(&AddressPoint, f64)>) -> Vec<(&AddressPoint, LatLng, f64)> {
    exact.sort_by(|a, b| b.1.total_cmp(&a.1));
    let best = exact[0].1;
    let number = exact[0].0.number.clone();
    exact.retain(|e| e.1 >= best - 0.2 && e.0.number == number);
    let pt = |a: &AddressPoint| LatLng::new(a.lat, a.lng);
    let spread = exact
        .iter()
        .flat_map(|a| exact.iter().map(move |b| haversine_m(pt(a.0), pt(b.0))))
        .fold(0.0, f64::max);
    if spread <= DUPLICATE_M {
        let n = exact.len() as f64;
        let lat = exact.iter().map(|e| e.0.lat).sum::<f64>() / n;
        let lng = exact.iter().map(|e| e.0.lng).sum::<f64>() / n;
        return vec![(exact[0].0, LatLng::new(lat, lng), best)];
    }
    if exact.iter().any(|e| !e.0.key.starts_with("osm:n")) {
        exact.retain(|e| !e.0.key.starts_with("osm:n"));
    }
    exact.into_iter().map(|(a, _)| (a, pt(a), best)).collect()
}

/// How well a known address point matches the number asked for.
fn number_match(q: &HouseNumber, a: &AddressPoint) -> Option<f64> {
    if q.text == a.number {
        return Some(1.0);
    }
    let q_plain = q.text.chars().all(|c| c.is_ascii_digit() || c == '-');
    let a_plain = a.number.chars().all(|c| c.is_ascii_digit() || c == '-');
    if q.first != q.last && (a.first == q.first || a.first == q.last) && a_plain {
        return Some(0.95); // "12-14" asked, "12" known
    }
    if a.first != a.last && a.first <= q.first && q.first <= a.last && q_plain {
        return Some(0.95); // "163" asked, "163-165" known
    }
    if q.letter().is_some() && a_plain && a.first == q.first && a.last == a.first {
        return Some(0.9); // "37a" asked, only "37" known: same lot
    }
    if q_plain && q.first == q.last && a.first == q.first && a.last == a.first && !a_plain {
        return Some(0.9); // "120" asked, "120a" known
    }
    None
}

/// Linear interpolation between the nearest known numbers either side, on the same side of the
/// street (same parity), never beyond the known range.
fn interpolate(q: &HouseNumber, points: &[AddressPoint]) -> Option<LatLng> {
    let n = q.first;
    let same_side = |a: &&AddressPoint| a.first % 2 == n % 2 && a.first == a.last;
    let below = points
        .iter()
        .filter(same_side)
        .filter(|a| a.first < n)
        .max_by_key(|a| a.first)?;
    let above = points
        .iter()
        .filter(same_side)
        .filter(|a| a.first > n)
        .min_by_key(|a| a.first)?;
    let (pa, pb) = (
        LatLng::new(below.lat, below.lng),
        LatLng::new(above.lat, above.lng),
    );
    if above.first - below.first > MAX_INTERP_GAP || haversine_m(pa, pb) > MAX_INTERP_M {
        return None;
    }
    let t = (n - below.first) as f64 / (above.first - below.first) as f64;
    Some(LatLng::new(
        pa.lat + t * (pb.lat - pa.lat),
        pa.lng + t * (pb.lng - pa.lng),
    ))
}

/// The closest known number on the same side, if it is within [`NEAR_NUMBER`].
fn nearest_number<'a>(q: &HouseNumber, points: &'a [AddressPoint]) -> Option<&'a AddressPoint> {
    points
        .iter()
        .filter(|a| a.first % 2 == q.first % 2)
        .min_by_key(|a| a.first.abs_diff(q.first))
        .filter(|a| a.first.abs_diff(q.first) <= NEAR_NUMBER)
}
