//! GPX 1.1 (<https://www.topografix.com/GPX/1/1/>): the depot and every routed stop as
//! waypoints in driving order, the route (`rte`) through them, and the road geometry as a track
//! (`trk`, one segment per leg) when the job carries it. Stops left off the route have no
//! coordinates and are not in the file.
//!
//! A small writer rather than a library: the document is three flat lists, and writing the
//! elements in the schema's order by hand keeps the output valid against the XSD (the test
//! validates it with `xmllint --schema`).

use crate::route::{point, Route};
use routemate_core::geo::LatLng;
use routemate_core::model::Stop;
use std::fmt::Write as _;

/// The GPX document of `route`.
pub fn write(route: &Route) -> String {
    let mut x = String::with_capacity(512 + route.routed.len() * 400);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(
        "<gpx version=\"1.1\" creator=\"RouteMate\" xmlns=\"http://www.topografix.com/GPX/1/1\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1 \
         http://www.topografix.com/GPX/1/1/gpx.xsd\">\n",
    );
    // metadata: name, desc (the schema's order).
    x.push_str("  <metadata>\n");
    element(&mut x, 4, "name", &route.title);
    let mut desc = format!(
        "Job {} ({}), {}",
        route.external_job_id, route.job_id, route.date
    );
    if let Some(d) = &route.driver {
        let _ = write!(desc, ", driver {d}");
    }
    element(&mut x, 4, "desc", &desc);
    x.push_str("  </metadata>\n");

    if let Some(d) = route.depot {
        open_point(&mut x, 2, "wpt", d);
        element(&mut x, 4, "name", "Depot");
        element(&mut x, 4, "type", "depot");
        x.push_str("  </wpt>\n");
    }
    for s in &route.routed {
        let Some(p) = point(s) else { continue };
        open_point(&mut x, 2, "wpt", p);
        stop_fields(&mut x, 4, s);
        element(&mut x, 4, "type", "stop");
        x.push_str("  </wpt>\n");
    }

    x.push_str("  <rte>\n");
    element(&mut x, 4, "name", &route.title);
    if let Some(d) = route.depot {
        open_point(&mut x, 4, "rtept", d);
        element(&mut x, 6, "name", "Depot");
        x.push_str("    </rtept>\n");
    }
    for s in &route.routed {
        let Some(p) = point(s) else { continue };
        open_point(&mut x, 4, "rtept", p);
        stop_fields(&mut x, 6, s);
        x.push_str("    </rtept>\n");
    }
    if route.return_to_depot {
        if let Some(d) = route.depot {
            open_point(&mut x, 4, "rtept", d);
            element(&mut x, 6, "name", "Depot");
            x.push_str("    </rtept>\n");
        }
    }
    x.push_str("  </rte>\n");

    if route.road_geometry {
        x.push_str("  <trk>\n");
        element(&mut x, 4, "name", &format!("{} (roads)", route.title));
        for leg in &route.lines {
            x.push_str("    <trkseg>\n");
            for p in leg {
                open_point(&mut x, 6, "trkpt", *p);
                x.truncate(x.len() - 2); // turn `>\n` into an empty element
                x.push_str("/>\n");
            }
            x.push_str("    </trkseg>\n");
        }
        x.push_str("  </trk>\n");
    }
    x.push_str("</gpx>\n");
    x
}

/// name, cmt, desc of a stop, in the schema's order.
fn stop_fields(x: &mut String, indent: usize, s: &Stop) {
    let seq = s.sequence.unwrap_or(0);
    let label = s.label.as_deref().unwrap_or(&s.external_stop_id);
    element(x, indent, "name", &format!("{seq}. {label}"));
    if let Some(a) = &s.address {
        element(x, indent, "cmt", a);
    }
    let mut desc = format!("Stop {} · {} parcel(s)", s.external_stop_id, s.parcel_count);
    if let Some(eta) = &s.eta {
        let _ = write!(desc, " · ETA {eta}");
    }
    if let Some(w) = &s.time_window {
        let _ = write!(desc, " · window {}–{}", w.start, w.end);
    }
    if let Some(p) = &s.phone {
        let _ = write!(desc, " · phone {p}");
    }
    if let Some(n) = &s.notes {
        let _ = write!(desc, " · {n}");
    }
    element(x, indent, "desc", &desc);
}

fn open_point(x: &mut String, indent: usize, tag: &str, p: LatLng) {
    // The schema's longitude is [-180, 180): 180 itself is written as -180, the same meridian.
    let lng = if p.lng >= 180.0 { p.lng - 360.0 } else { p.lng };
    let _ = writeln!(
        x,
        "{:indent$}<{tag} lat=\"{:.7}\" lon=\"{:.7}\">",
        "", p.lat, lng
    );
}

fn element(x: &mut String, indent: usize, tag: &str, text: &str) {
    let _ = writeln!(x, "{:indent$}<{tag}>{}</{tag}>", "", escape(text));
}

/// XML text: markup characters escaped, and characters XML 1.0 forbids (other control
/// characters, U+FFFE/U+FFFF) dropped.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\u{FFFF}ü"),
            "a&lt;b&gt;&amp;&quot;c&apos;ü"
        );
    }
}
