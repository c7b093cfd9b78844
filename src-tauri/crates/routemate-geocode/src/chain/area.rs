//! Where the address says it is: resolves the suburb and postcode to known centroids and judges
//! whether a candidate street or address point is consistent with them. This is what stops a
//! "Boundary Street, Spring Hill" from landing on Boundary Street, West End.

use crate::gazetteer::{Gazetteer, Place};
use routemate_core::geo::{haversine_m, LatLng};

/// A candidate within this distance of the named suburb's centroid may be in it…
const LOCALITY_MAX_M: f64 = 3_000.0;
/// …and only if no other suburb's centroid is this much closer.
const LOCALITY_MARGIN_M: f64 = 1_000.0;
const POSTCODE_MAX_M: f64 = 5_000.0;
const POSTCODE_MARGIN_M: f64 = 1_500.0;
/// A suburb known without a postcode belongs to a postcode whose centroid is this close.
const UNCODED_NEAR_POSTCODE_M: f64 = 40_000.0;
/// Box (degrees) searched for competing centroids.
const NEIGHBOUR_DEG: f64 = 0.06;

/// How well a candidate agrees with one part of the address (suburb or postcode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Agreement {
    /// The candidate's own data names the same suburb / postcode.
    Confirmed,
    /// Close to that suburb's / postcode's centroid, closer than to others.
    Near,
    /// Nothing to compare with.
    Unknown,
    /// Contradicts the address.
    Far,
}

/// The suburb/postcode/state an address names, resolved against the gazetteers.
#[derive(Debug, Clone, Default)]
pub struct Area {
    pub locality: Option<String>,
    pub locality_places: Vec<Place>,
    pub postcode: Option<String>,
    pub postcode_places: Vec<Place>,
    pub state: Option<String>,
}

impl Area {
    /// Resolves names against every gazetteer (user file first, bundled data after).
    pub fn resolve(
        gazetteers: &[&Gazetteer],
        locality: Option<&str>,
        postcode: Option<&str>,
        state: Option<&str>,
        names: &dyn Fn(&str) -> Vec<String>,
    ) -> Area {
        let mut area = Area {
            locality: locality.map(str::to_string),
            postcode: postcode.map(str::to_string),
            state: state.map(str::to_string),
            ..Area::default()
        };
        if let Some(l) = locality {
            // The exact name first; a one-letter typo only when the exact name is unknown.
            let mut spellings = vec![l.to_string()];
            if gazetteers
                .iter()
                .all(|g| g.places_named(l).map(|p| p.is_empty()).unwrap_or(true))
            {
                spellings = names(l);
            }
            for name in &spellings {
                for g in gazetteers {
                    area.locality_places
                        .extend(g.places_named(name).unwrap_or_default());
                }
            }
            if let Some(s) = state {
                area.locality_places
                    .retain(|p| p.state.as_deref().is_none_or(|ps| ps == s));
            }
            if let (Some(name), false) = (spellings.first(), area.locality_places.is_empty()) {
                area.locality = Some(name.clone());
            }
        }
        if let Some(pc) = postcode {
            for g in gazetteers {
                let found = g.places_in_postcode(pc).unwrap_or_default();
                // The user's own data wins; bundled centroids only fill gaps.
                if !found.is_empty() {
                    area.postcode_places.extend(found);
                    break;
                }
            }
        }
        area
    }

    /// Suburb places compatible with the address's postcode: carrying it, or carrying none and
    /// lying near that postcode's centroid. All of them when the postcode is absent or unknown.
    pub fn locality_in_postcode(&self) -> Vec<&Place> {
        let all = self.locality_places.iter();
        match &self.postcode {
            Some(pc) if !self.postcode_places.is_empty() => all
                .filter(|p| match &p.postcode {
                    Some(own) => own == pc,
                    None => self.postcode_places.iter().any(|q| {
                        haversine_m(LatLng::new(p.lat, p.lng), LatLng::new(q.lat, q.lng))
                            <= UNCODED_NEAR_POSTCODE_M
                    }),
                })
                .collect(),
            _ => all.collect(),
        }
    }

    /// True when the suburb is known, the postcode is known, and no place has both.
    pub fn postcode_contradicts_locality(&self) -> bool {
        !self.locality_places.is_empty()
            && !self.postcode_places.is_empty()
            && self.locality_in_postcode().is_empty()
    }

    /// Judges a candidate occupying `bbox` (a point is a zero-size box) whose own data says
    /// `own_locality` / `own_postcode`. Returns the suburb and postcode agreements. With
    /// `strict`, a different own postcode contradicts outright (streets, whose postcode is the
    /// commonest of their addresses); single address points get the distance test instead,
    /// because their tags are sometimes a neighbouring postcode.
    pub fn judge(
        &self,
        gazetteers: &[&Gazetteer],
        bbox: (f64, f64, f64, f64),
        own_locality: Option<&str>,
        own_postcode: Option<&str>,
        strict: bool,
    ) -> (Agreement, Agreement) {
        let locality = match &self.locality {
            None => Agreement::Unknown,
            Some(l) if own_locality == Some(l.as_str()) => Agreement::Confirmed,
            Some(l) => self.by_distance(
                gazetteers,
                bbox,
                &self.locality_places,
                |p| p.name == *l,
                LOCALITY_MAX_M,
                LOCALITY_MARGIN_M,
            ),
        };
        let postcode = match &self.postcode {
            None => Agreement::Unknown,
            Some(pc) if own_postcode == Some(pc.as_str()) => Agreement::Confirmed,
            Some(_) if strict && own_postcode.is_some() => Agreement::Far,
            Some(pc) => self.by_distance(
                gazetteers,
                bbox,
                &self.postcode_places,
                |p| p.postcode.as_deref() == Some(pc),
                POSTCODE_MAX_M,
                // Own data naming another postcode: only the nearest centroid overrules it.
                if own_postcode.is_some() {
                    0.0
                } else {
                    POSTCODE_MARGIN_M
                },
            ),
        };
        (locality, postcode)
    }

    fn by_distance(
        &self,
        gazetteers: &[&Gazetteer],
        bbox: (f64, f64, f64, f64),
        anchors: &[Place],
        same: impl Fn(&Place) -> bool,
        max_m: f64,
        margin_m: f64,
    ) -> Agreement {
        let Some((d, near)) = anchors
            .iter()
            .map(|p| {
                let c = clamp(bbox, p.lat, p.lng);
                (haversine_m(LatLng::new(p.lat, p.lng), c), c)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
        else {
            return Agreement::Unknown;
        };
        if d > max_m {
            return Agreement::Far;
        }
        let window = (
            near.lat - NEIGHBOUR_DEG,
            near.lat + NEIGHBOUR_DEG,
            near.lng - NEIGHBOUR_DEG,
            near.lng + NEIGHBOUR_DEG,
        );
        let other = gazetteers
            .iter()
            .flat_map(|g| g.places_in_box(window).unwrap_or_default())
            .filter(|p| !same(p))
            .map(|p| haversine_m(LatLng::new(p.lat, p.lng), near))
            .fold(f64::MAX, f64::min);
        if d <= other + margin_m {
            Agreement::Near
        } else {
            Agreement::Far
        }
    }
}

/// The point of the box nearest to (lat, lng).
fn clamp((min_lat, max_lat, min_lng, max_lng): (f64, f64, f64, f64), lat: f64, lng: f64) -> LatLng {
    LatLng::new(lat.clamp(min_lat, max_lat), lng.clamp(min_lng, max_lng))
}

/// Combines the two agreements: `None` to reject, else a confidence factor.
pub fn acceptance(locality: Agreement, postcode: Agreement) -> Option<f64> {
    use Agreement::*;
    let confirmed = locality == Confirmed || postcode == Confirmed;
    if (locality == Far || postcode == Far) && !confirmed {
        return None;
    }
    Some(match (locality, postcode) {
        (Far, _) | (_, Far) => 0.7,
        (Confirmed, _) | (_, Confirmed) => 1.0,
        (Near, _) | (_, Near) => 0.95,
        (Unknown, Unknown) => 0.85,
    })
}
