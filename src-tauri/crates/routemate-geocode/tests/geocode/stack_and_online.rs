//! The full stack: cache, learned corrections, bundled localities, and the Nominatim backend
//! against a local stand-in server (answering, and down).

use super::support::start;
use routemate_core::geo::{haversine_m, LatLng};
use routemate_core::geocode::{GeocodeLevel, Geocoder};
use routemate_geocode::{fixture, GeocodeConfig, GeocodeStack, NominatimConfig};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The account every query here is made for.
const A: &str = "default";

/// The stack over the fixture gazetteer; `None` (the test skips) without the shared folder.
fn stack(
    dir: &Path,
    online: Option<NominatimConfig>,
    bundled: Option<&Path>,
) -> Option<GeocodeStack> {
    let (path, _) = fixture::build_south_brisbane(start()?, dir, false).unwrap();
    let stack = GeocodeStack::open(GeocodeConfig {
        store_dir: Some(dir.join("geocode")),
        gazetteer_path: Some(path),
        online,
        bundled_localities: bundled.map(Path::to_path_buf),
    });
    Some(stack.unwrap())
}

#[test]
fn second_lookup_comes_from_the_cache_with_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let Some(s) = stack(dir.path(), None, None) else {
        return;
    };
    let a = s.geocode(A, "197 Vulture St, South Brisbane QLD 4101");
    assert_eq!(a.source, "gazetteer");
    assert_eq!(a.level, GeocodeLevel::Address);
    let b = s.geocode(A, "197 vulture street south brisbane qld 4101");
    assert_eq!(b.source, "cache");
    assert_eq!((a.level, a.matched), (b.level, b.matched));
    assert!(haversine_m(a.point.unwrap(), b.point.unwrap()) < 0.01);
}

#[test]
fn a_dispatchers_correction_wins_until_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let Some(s) = stack(dir.path(), None, None) else {
        return;
    };
    let before = s.geocode(A, "197 Vulture St, South Brisbane QLD 4101");
    let pin = LatLng::new(-27.4830, 153.0200);
    s.remember_correction(
        A,
        "197 Vulture Street, South Brisbane, Queensland 4101",
        pin,
    )
    .unwrap();
    let after = s.geocode(A, "197 vulture st south brisbane qld 4101");
    assert_eq!(after.point, Some(pin));
    assert_eq!(after.level, GeocodeLevel::Exact);
    assert_eq!(after.source, "correction");
    assert!(s
        .forget_correction(A, "197 Vulture St, South Brisbane QLD 4101")
        .unwrap());
    let back = s.geocode(A, "197 Vulture St, South Brisbane QLD 4101");
    assert!(haversine_m(back.point.unwrap(), before.point.unwrap()) < 0.01);
    assert_eq!(back.level, GeocodeLevel::Address);
    assert!(s
        .remember_correction(A, "x", LatLng::new(123.0, 0.0))
        .is_err());
}

#[test]
fn cache_and_pins_are_kept_per_account() {
    let dir = tempfile::tempdir().unwrap();
    let Some(s) = stack(dir.path(), None, None) else {
        return;
    };
    let address = "197 Vulture St, South Brisbane QLD 4101";
    assert_eq!(s.geocode(A, address).source, "gazetteer");
    assert_eq!(s.geocode(A, address).source, "cache");
    // Another account has never asked: no cache hit that would tell it what A imported.
    assert_eq!(s.geocode("other", address).source, "gazetteer");
    let pin = LatLng::new(-27.4830, 153.0200);
    s.remember_correction(A, address, pin).unwrap();
    assert_eq!(s.geocode(A, address).point, Some(pin));
    let other = s.geocode("other", address);
    assert_ne!(
        other.source, "correction",
        "A's pin must not move other's stops"
    );
    assert_ne!(other.point, Some(pin));
}

#[test]
fn pins_survive_a_restart_and_the_online_switch() {
    let dir = tempfile::tempdir().unwrap();
    let address = "197 Vulture St, South Brisbane QLD 4101";
    let pin = LatLng::new(-27.4830, 153.0200);
    {
        let Some(s) = stack(dir.path(), None, None) else {
            return;
        };
        s.remember_correction(A, address, pin).unwrap();
        s.set_online(Some(NominatimConfig::new("http://127.0.0.1:9")))
            .unwrap();
        assert!(s.is_online());
        assert_eq!(s.geocode(A, address).point, Some(pin));
    }
    let Some(s) = stack(dir.path(), None, None) else {
        return;
    };
    assert_eq!(s.geocode(A, address).source, "correction");
}

#[test]
fn bundled_localities_place_suburbs_without_any_import() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("au_localities.tsv");
    std::fs::write(
        &tsv,
        "AU\t4066\tTOOWONG\tQueensland\tQLD\t\t\t\t\t-27.4833\t152.9833\t2\n\
         AU\t4068\tINDOOROOPILLY\tQueensland\tQLD\t\t\t\t\t-27.5\t152.97\t2\n",
    )
    .unwrap();
    let s = GeocodeStack::open(GeocodeConfig {
        bundled_localities: Some(tsv),
        ..GeocodeConfig::default()
    })
    .unwrap();
    let r = s.geocode(A, "Toowong QLD 4066");
    assert_eq!(r.level, GeocodeLevel::Locality, "{r:?}");
    let r = s.geocode(A, "Taringa QLD 4068");
    assert_eq!(r.level, GeocodeLevel::Postcode, "{r:?}");
    assert!(haversine_m(r.point.unwrap(), LatLng::new(-27.5, 152.97)) < 1.0);
}

/// A one-thread HTTP server answering every request with `body` (Nominatim's JSON format).
fn stand_in(body: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap_or(0);
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                line.clear();
            }
            assert!(request_line.starts_with("GET /search?q="), "{request_line}");
            counter.fetch_add(1, Ordering::SeqCst);
            let resp = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(resp.as_bytes());
        }
    });
    (url, hits)
}

const NOMINATIM_HOUSE: &str = r#"[{"place_id":1,"lat":"-27.4700","lon":"153.0300",
 "display_name":"5, Example Street, Brisbane City, Queensland, 4000, Australia",
 "category":"building","type":"yes","importance":0.3,
 "address":{"house_number":"5","road":"Example Street","suburb":"Brisbane City","postcode":"4000"}}]"#;

fn online_config(url: &str) -> NominatimConfig {
    let mut c = NominatimConfig::new(url);
    c.min_interval = Duration::from_millis(300);
    c.timeout = Duration::from_secs(2);
    c
}

#[test]
fn online_backend_improves_an_offline_miss_and_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hits) = stand_in(NOMINATIM_HOUSE);
    let Some(s) = stack(dir.path(), Some(online_config(&url)), None) else {
        return;
    };
    let r = s.geocode(A, "5 Example Street, Brisbane City QLD 4000");
    assert_eq!(r.source, "nominatim");
    assert_eq!(r.level, GeocodeLevel::Address);
    assert_eq!(r.point, Some(LatLng::new(-27.47, 153.03)));
    let again = s.geocode(A, "5 Example St, Brisbane City QLD 4000");
    assert_eq!(again.source, "cache");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // An address the gazetteer knows never goes online.
    let known = s.geocode(A, "197 Vulture St, South Brisbane QLD 4101");
    assert_eq!(known.source, "gazetteer");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[test]
fn online_requests_are_spaced_by_the_rate_limit() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hits) = stand_in("[]");
    let Some(s) = stack(dir.path(), Some(online_config(&url)), None) else {
        return;
    };
    let t0 = std::time::Instant::now();
    for i in 0..3 {
        s.geocode(A, &format!("{i} Nothing Street, Nowhere"));
    }
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    // Three requests need at least two full intervals between them (a lower bound, not a
    // speed assertion).
    assert!(t0.elapsed() >= Duration::from_millis(600));
}

#[test]
fn online_backend_down_falls_back_offline_without_error() {
    let dir = tempfile::tempdir().unwrap();
    // Bind then drop: nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Some(s) = stack(
        dir.path(),
        Some(online_config(&format!("http://127.0.0.1:{port}"))),
        None,
    ) else {
        return;
    };
    let r = s.geocode(A, "197 Vulture St, South Brisbane QLD 4101");
    assert_eq!(r.level, GeocodeLevel::Address);
    let r = s.geocode(A, "5 Example Street, Brisbane City QLD 4000");
    assert_eq!(r.level, GeocodeLevel::None);
    assert_eq!(r.source, "gazetteer");
    // Not cached while the server is down: a later lookup may still go online.
    assert_ne!(
        s.geocode(A, "5 Example Street, Brisbane City QLD 4000")
            .source,
        "cache"
    );
}

#[test]
fn attributions_name_the_imported_sources() {
    let dir = tempfile::tempdir().unwrap();
    let Some(s) = stack(dir.path(), None, None) else {
        return;
    };
    let a = s.attributions();
    assert!(a.iter().any(|l| l.contains("OpenStreetMap")), "{a:?}");
}

#[test]
fn suburb_only_queries_do_not_spend_online_requests() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hits) = stand_in(NOMINATIM_HOUSE);
    let Some(s) = stack(dir.path(), Some(online_config(&url)), None) else {
        return;
    };
    let r = s.geocode(A, "Somewhere QLD 4999");
    assert_eq!(r.level, GeocodeLevel::None);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}
