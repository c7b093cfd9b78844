//! The offline fallback chain: address point → interpolated → street → locality → postcode →
//! none. Every answer carries its level and confidence; several plausible, distinct answers are
//! returned as ambiguous with their candidates instead of silently taking the first.

pub mod area;
pub mod budget;
mod street;

use crate::gazetteer::{Gazetteer, Place};
use crate::parse::{self, ParsedAddress};
use area::Area;
use budget::{Budget, Work, FLAG_WORK_LIMIT, MAX_READINGS};
use routemate_core::geo::{haversine_m, LatLng};
use routemate_core::geocode::{GeocodeCandidate, GeocodeLevel, Geocoded};
use std::sync::RwLock;

/// Two answers closer than this are the same place, not an ambiguity.
const SAME_PLACE_M: f64 = 150.0;
/// Localities of one name closer than this are one place ("Brisbane" / "Brisbane City").
const SAME_LOCALITY_M: f64 = 5_000.0;

/// One placement found by a step of the chain.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub level: GeocodeLevel,
    pub point: LatLng,
    pub confidence: f64,
    pub matched: String,
}

/// The offline geocoder over the user's gazetteer and, optionally, the bundled localities.
pub struct OfflineGeocoder {
    main: Option<Gazetteer>,
    bundled: Option<Gazetteer>,
    names: RwLock<(u64, Vec<String>)>,
}

impl OfflineGeocoder {
    pub fn new(main: Option<Gazetteer>, bundled: Option<Gazetteer>) -> Self {
        OfflineGeocoder {
            main,
            bundled,
            names: RwLock::new((u64::MAX, Vec::new())),
        }
    }

    pub fn main(&self) -> Option<&Gazetteer> {
        self.main.as_ref()
    }

    pub fn bundled(&self) -> Option<&Gazetteer> {
        self.bundled.as_ref()
    }

    /// Changes whenever the user's gazetteer changes (cache entries carry it).
    pub fn generation(&self) -> u64 {
        self.main.as_ref().map(|g| g.generation()).unwrap_or(0)
    }

    fn gazetteers(&self) -> Vec<&Gazetteer> {
        self.main.iter().chain(self.bundled.iter()).collect()
    }

    /// Locality names within one typo of `name` (loaded once per gazetteer generation).
    fn similar_names(&self, name: &str) -> Vec<String> {
        let generation = self.generation();
        let stale = self.names.read().map(|n| n.0 != generation).unwrap_or(true);
        if stale {
            let mut all: Vec<String> = self
                .gazetteers()
                .iter()
                .flat_map(|g| g.locality_names().unwrap_or_default())
                .collect();
            all.sort();
            all.dedup();
            if let Ok(mut w) = self.names.write() {
                *w = (generation, all);
            }
        }
        let allowed = match name.len() {
            0..=4 => return Vec::new(),
            5..=9 => 1,
            _ => 2,
        };
        let Ok(names) = self.names.read() else {
            return Vec::new();
        };
        let mut found: Vec<(usize, String)> = names
            .1
            .iter()
            .filter(|n| n.len().abs_diff(name.len()) <= allowed)
            .map(|n| (strsim::damerau_levenshtein(n, name), n))
            .filter(|(d, _)| *d <= allowed)
            .map(|(d, n)| (d, n.clone()))
            .collect();
        found.sort();
        let best = found.first().map(|f| f.0);
        found
            .into_iter()
            .filter(|f| Some(f.0) == best)
            .map(|f| f.1)
            .collect()
    }

    /// Runs the chain for one address.
    pub fn geocode(&self, address: &str) -> Geocoded {
        self.geocode_with_work(address).0
    }

    /// Runs the chain for one address and says what it examined (readings tried, street rows
    /// scored), which stays within the limits of [`budget`] whatever the input.
    pub fn geocode_with_work(&self, address: &str) -> (Geocoded, Work) {
        let parsed = parse::parse(address);
        let budget = Budget::default();
        let mut out = self.run(&parsed, &budget);
        for f in &parsed.flags {
            if !out.flags.contains(f) {
                out.flags.push(f.clone());
            }
        }
        let work = budget.work();
        if work.limit_reached {
            flag(&mut out.flags, FLAG_WORK_LIMIT);
        }
        (out, work)
    }

    fn run(&self, p: &ParsedAddress, budget: &Budget) -> Geocoded {
        if p.is_postal_only() {
            // A PO box has no door to drive to; placing it at the post office would be a guess.
            return Geocoded::none("gazetteer");
        }
        let gazetteers = self.gazetteers();
        if gazetteers.is_empty() {
            return Geocoded::none("none");
        }
        let names = |n: &str| self.similar_names(n);
        let mut flags = Vec::new();
        // Street matching, for each reading of the text; the best reading wins.
        let mut found: Vec<Found> = Vec::new();
        if let Some(main) = &self.main {
            for split in p.splits.iter().take(MAX_READINGS) {
                budget.reading();
                let area = Area::resolve(
                    &gazetteers,
                    split.locality.as_deref(),
                    p.postcode.as_deref(),
                    p.state,
                    &names,
                );
                let mut here = street::find(main, &gazetteers, p, split, &area, budget);
                if !here.is_empty() {
                    if area.postcode_contradicts_locality() {
                        flag(&mut flags, "postcode_contradicts_locality");
                    }
                    // Readings are tried in turn ("… Street South, Brisbane" then "… Street,
                    // South Brisbane") until one finds the address outright; the best-scoring
                    // answer wins below.
                    found.append(&mut here);
                    if found
                        .iter()
                        .any(|f| f.level == GeocodeLevel::Address && f.confidence >= 0.9)
                    {
                        break;
                    }
                }
            }
        }
        if found.is_empty() {
            found = self.area_fallback(p, &gazetteers, &names, &mut flags);
        }
        let mut out = choose(found);
        out.flags = flags;
        out
    }

    /// Locality, then postcode centroid.
    fn area_fallback(
        &self,
        p: &ParsedAddress,
        gazetteers: &[&Gazetteer],
        names: &dyn Fn(&str) -> Vec<String>,
        flags: &mut Vec<String>,
    ) -> Vec<Found> {
        let mut localities: Vec<&str> = p
            .splits
            .iter()
            .filter_map(|s| s.locality.as_deref())
            .collect();
        if let Some(l) = &p.locality_only {
            localities.push(l);
        }
        if localities.is_empty() {
            localities.push("");
        }
        for l in localities {
            let locality = (!l.is_empty()).then_some(l);
            let area = Area::resolve(gazetteers, locality, p.postcode.as_deref(), p.state, names);
            if area.locality_places.is_empty() {
                continue;
            }
            if area.postcode_contradicts_locality() {
                // Both are real but disagree: offer both, decide neither.
                flag(flags, "postcode_contradicts_locality");
                let mut found = places_found(&area.locality_places, GeocodeLevel::Locality, 0.3);
                found.extend(places_found(
                    &area.postcode_places,
                    GeocodeLevel::Postcode,
                    0.25,
                ));
                return found;
            }
            let places: Vec<Place> = area.locality_in_postcode().into_iter().cloned().collect();
            return places_found(&places, GeocodeLevel::Locality, 0.4);
        }
        let area = Area::resolve(gazetteers, None, p.postcode.as_deref(), p.state, names);
        if !area.postcode_places.is_empty() {
            let all = [mean_place(&area.postcode_places)];
            return places_found(&all, GeocodeLevel::Postcode, 0.3);
        }
        Vec::new()
    }
}

fn flag(flags: &mut Vec<String>, f: &str) {
    if !flags.iter().any(|x| x == f) {
        flags.push(f.to_string());
    }
}

/// Groups places of the same name that lie together, and describes each group as one answer.
fn places_found(places: &[Place], level: GeocodeLevel, confidence: f64) -> Vec<Found> {
    let mut groups: Vec<Vec<&Place>> = Vec::new();
    for p in places {
        let here = LatLng::new(p.lat, p.lng);
        match groups.iter_mut().find(|g| {
            haversine_m(LatLng::new(g[0].lat, g[0].lng), here) < SAME_LOCALITY_M
                && (level == GeocodeLevel::Postcode || g[0].name == p.name)
        }) {
            Some(g) => g.push(p),
            None => groups.push(vec![p]),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            // Prefer GeoNames' "locality centroid" rows (accuracy 4) over estimated ones.
            let best = g.iter().map(|p| p.accuracy).max().unwrap_or(0);
            let chosen: Vec<Place> = g
                .iter()
                .filter(|p| p.accuracy == best)
                .map(|p| (*p).clone())
                .collect();
            let m = mean_place(&chosen);
            let state = m
                .state
                .as_deref()
                .map(str::to_uppercase)
                .unwrap_or_default();
            let pc = m.postcode.clone().unwrap_or_default();
            let matched = match level {
                GeocodeLevel::Postcode => format!("postcode {pc} ({} {state})", m.display),
                _ => format!("{} {state} {pc}", m.display),
            };
            Found {
                level,
                point: LatLng::new(m.lat, m.lng),
                confidence,
                matched: matched.split_whitespace().collect::<Vec<_>>().join(" "),
            }
        })
        .collect()
}

fn mean_place(places: &[Place]) -> Place {
    let n = places.len().max(1) as f64;
    let mut m = places.first().cloned().unwrap_or(Place {
        name: String::new(),
        display: String::new(),
        state: None,
        postcode: None,
        lat: 0.0,
        lng: 0.0,
        accuracy: 0,
    });
    m.lat = places.iter().map(|p| p.lat).sum::<f64>() / n;
    m.lng = places.iter().map(|p| p.lng).sum::<f64>() / n;
    m
}

/// Picks the answer: the most precise level, then the highest confidence; distinct places that
/// score almost as well make it ambiguous.
fn choose(mut found: Vec<Found>) -> Geocoded {
    if found.is_empty() {
        return Geocoded::none("gazetteer");
    }
    found.sort_by(|a, b| {
        a.level
            .cmp(&b.level)
            .then(b.confidence.total_cmp(&a.confidence))
    });
    let best = found[0].clone();
    let mut distinct: Vec<&Found> = vec![&found[0]];
    for f in &found[1..] {
        let close_in_score = f.level == best.level && f.confidence >= best.confidence - 0.1
            || f.level != best.level && best.level >= GeocodeLevel::Locality;
        if close_in_score
            && distinct
                .iter()
                .all(|d| haversine_m(d.point, f.point) > SAME_PLACE_M)
        {
            distinct.push(f);
        }
    }
    let ambiguous = distinct.len() > 1;
    let mut confidence = best.confidence;
    if ambiguous {
        confidence *= 0.5;
    }
    Geocoded {
        point: Some(round7(best.point)),
        level: best.level,
        confidence: (confidence * 100.0).round() / 100.0,
        matched: Some(best.matched.clone()),
        source: "gazetteer".into(),
        ambiguous,
        candidates: if ambiguous {
            distinct
                .iter()
                .map(|f| GeocodeCandidate {
                    lat: round7(f.point).lat,
                    lng: round7(f.point).lng,
                    level: f.level,
                    confidence: (f.confidence * 100.0).round() / 100.0,
                    matched: f.matched.clone(),
                })
                .collect()
        } else {
            Vec::new()
        },
        flags: Vec::new(),
    }
}

/// Seven decimals (about 1 cm): more would be noise from averaging, not precision.
fn round7(p: LatLng) -> LatLng {
    let r = |v: f64| (v * 1e7).round() / 1e7;
    LatLng::new(r(p.lat), r(p.lng))
}
