//! The car profile: which OSM ways a car may drive, in which direction, and how fast.
//!
//! A way is drivable when its `highway` class is in [`SPEED_TABLE`] and neither `motor_vehicle`
//! (or `motorcar`) nor, when those are absent, `access` says `no` or `private`. `oneway=yes/true/1`
//! drives along the way, `oneway=-1` against it, and `junction=roundabout`/`circular` (and
//! motorways) are one-way unless `oneway=no`. The speed is `maxspeed` where it is a number
//! (`50`, `60 mph`), else the class's speed from the table below.

/// km/h per drivable `highway` class, used when a way has no numeric `maxspeed`. Urban
/// Australian defaults, deliberately below the signed limits of the big roads (traffic,
/// intersections).
pub const SPEED_TABLE: &[(&str, f64)] = &[
    ("motorway", 100.0),
    ("motorway_link", 60.0),
    ("trunk", 80.0),
    ("trunk_link", 50.0),
    ("primary", 60.0),
    ("primary_link", 40.0),
    ("secondary", 50.0),
    ("secondary_link", 40.0),
    ("tertiary", 40.0),
    ("tertiary_link", 30.0),
    ("unclassified", 30.0),
    ("residential", 30.0),
    ("living_street", 10.0),
    ("service", 15.0),
];

/// The profile names `routemate roads import --profile` accepts.
pub const PROFILES: &[&str] = &["car"];

/// Road class, ordered from the biggest roads down (the basemap draws by class and zoom).
pub type RoadClass = u8;

/// What the profile makes of one way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayRule {
    pub class: RoadClass,
    pub speed_kmh: f64,
    pub forward: bool,
    pub backward: bool,
}

/// The rule for a way with these tags, or `None` when a car may not drive it.
pub fn car_rule<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<WayRule> {
    let (mut highway, mut access, mut motor, mut oneway, mut junction, mut maxspeed, mut area) =
        (None, None, None, None, None, None, None);
    for (k, v) in tags {
        match k {
            "highway" => highway = Some(v),
            "access" => access = Some(v),
            "motor_vehicle" | "motorcar" if motor.is_none() || k == "motorcar" => motor = Some(v),
            "oneway" => oneway = Some(v),
            "junction" => junction = Some(v),
            "maxspeed" => maxspeed = Some(v),
            "area" => area = Some(v),
            _ => {}
        }
    }
    let class = SPEED_TABLE.iter().position(|(c, _)| Some(*c) == highway)?;
    if area == Some("yes") {
        return None;
    }
    // The most specific tag decides: motorcar/motor_vehicle over access.
    if matches!(motor.or(access), Some("no" | "private")) {
        return None;
    }
    let speed_kmh = maxspeed
        .and_then(parse_maxspeed)
        .unwrap_or(SPEED_TABLE[class].1);
    let implied_oneway =
        matches!(junction, Some("roundabout" | "circular")) || highway == Some("motorway");
    let (forward, backward) = match oneway {
        Some("yes" | "true" | "1") => (true, false),
        Some("-1" | "reverse") => (false, true),
        Some("no" | "false" | "0") => (true, true),
        _ if implied_oneway => (true, false),
        _ => (true, true),
    };
    Some(WayRule {
        class: class as RoadClass,
        speed_kmh,
        forward,
        backward,
    })
}

/// A numeric `maxspeed` in km/h (`50`, `50 km/h`, `30 mph`); `None`, `walk`, `AU:urban` and
/// other words fall back to the class speed.
pub fn parse_maxspeed(v: &str) -> Option<f64> {
    let v = v.trim();
    let digits: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let n: f64 = digits.parse().ok()?;
    let rest = v[digits.len()..].trim();
    let kmh = if rest.eq_ignore_ascii_case("mph") {
        n * 1.609_344
    } else if rest.is_empty() || rest.eq_ignore_ascii_case("km/h") || rest == "kmh" {
        n
    } else {
        return None;
    };
    (5.0..=150.0).contains(&kmh).then_some(kmh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(tags: &[(&str, &str)], expected: Option<(f64, bool, bool)>) {
        let got = car_rule(tags.iter().copied()).map(|r| (r.speed_kmh, r.forward, r.backward));
        assert_eq!(got, expected, "{tags:?}");
    }

    #[test]
    fn classes_access_and_direction() {
        check(&[("highway", "residential")], Some((30.0, true, true)));
        check(&[("highway", "footway")], None);
        check(&[("highway", "primary_link")], Some((40.0, true, true)));
        check(&[("highway", "service"), ("access", "private")], None);
        check(&[("highway", "service"), ("motor_vehicle", "no")], None);
        check(
            &[
                ("highway", "service"),
                ("access", "no"),
                ("motor_vehicle", "yes"),
            ],
            Some((15.0, true, true)),
        );
        check(
            &[("highway", "primary"), ("oneway", "yes")],
            Some((60.0, true, false)),
        );
        check(
            &[("highway", "primary"), ("oneway", "1")],
            Some((60.0, true, false)),
        );
        check(
            &[("highway", "primary"), ("oneway", "-1")],
            Some((60.0, false, true)),
        );
        check(
            &[("highway", "tertiary"), ("junction", "roundabout")],
            Some((40.0, true, false)),
        );
        check(
            &[("highway", "residential"), ("maxspeed", "50")],
            Some((50.0, true, true)),
        );
        check(
            &[("highway", "residential"), ("maxspeed", "AU:urban")],
            Some((30.0, true, true)),
        );
        check(&[("highway", "residential"), ("area", "yes")], None);
    }

    #[test]
    fn maxspeed_units() {
        assert_eq!(parse_maxspeed("30 mph").map(|v| v.round()), Some(48.0));
        assert_eq!(parse_maxspeed("60 km/h"), Some(60.0));
        assert_eq!(parse_maxspeed("none"), None);
        assert_eq!(parse_maxspeed("0"), None);
    }
}
