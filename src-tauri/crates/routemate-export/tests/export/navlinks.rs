//! The QR codes' navigation links: every routed stop appears once, in driving order, at most 9
//! waypoints a link, each part starting where the previous one ended.

use crate::support::{engine, job};
use routemate_export::navlink::{links, MAX_WAYPOINTS};
use routemate_export::route::Route;

fn param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split(['?', '&'])
        .find_map(|p| p.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
}

#[test]
fn a_long_route_is_cut_into_chained_links() {
    let (api, _dir) = engine();
    let view = job(&api, "NAV-25", 25, false);
    let route = Route::from_job(&view);
    let parts = links(&route);
    // Depot + 25 stops + depot = 27 points; 10 legs a link → 3 links.
    assert_eq!(parts.len(), 3);
    let mut visited = Vec::new();
    let mut previous_end: Option<String> = None;
    for (i, l) in parts.iter().enumerate() {
        assert!(l.url.starts_with("https://www.google.com/maps/dir/?api=1&"));
        assert_eq!(param(&l.url, "travelmode"), Some("driving"));
        let origin = param(&l.url, "origin").unwrap().to_string();
        if let Some(end) = &previous_end {
            assert_eq!(&origin, end, "part {} starts where part {} ended", i + 1, i);
        }
        let waypoints: Vec<&str> = param(&l.url, "waypoints")
            .map(|w| w.split("%7C").collect())
            .unwrap_or_default();
        assert!(waypoints.len() <= MAX_WAYPOINTS);
        visited.extend(waypoints.iter().map(|w| w.to_string()));
        let dest = param(&l.url, "destination").unwrap().to_string();
        visited.push(dest.clone());
        previous_end = Some(dest);
    }
    let depot = format!(
        "{:.6},{:.6}",
        route.depot.unwrap().lat,
        route.depot.unwrap().lng
    );
    assert_eq!(param(&parts[0].url, "origin"), Some(depot.as_str()));
    assert_eq!(
        visited.last(),
        Some(&depot),
        "the last part returns to the depot"
    );
    let expected: Vec<String> = route
        .routed
        .iter()
        .map(|s| format!("{:.6},{:.6}", s.lat.unwrap(), s.lng.unwrap()))
        .collect();
    assert_eq!(&visited[..visited.len() - 1], expected.as_slice());
    assert_eq!((parts[0].first_stop, parts[0].last_stop), (1, 10));
}

#[test]
fn one_stop_without_a_depot_navigates_from_here() {
    let (api, _dir) = engine();
    let mut req = crate::support::request("NAV-1", 1);
    req.depot = None;
    req.return_to_depot = Some(false);
    let view = api.import("default", req).unwrap().job;
    let parts = links(&Route::from_job(&view));
    assert_eq!(parts.len(), 1);
    assert!(param(&parts[0].url, "origin").is_none());
    assert!(param(&parts[0].url, "destination").is_some());
}
