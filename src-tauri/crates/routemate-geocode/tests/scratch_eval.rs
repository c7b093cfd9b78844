use routemate_core::geo::{haversine_m, LatLng};
use routemate_geocode::chain::OfflineGeocoder;
use routemate_geocode::fixture;
use routemate_geocode::Gazetteer;
use std::path::Path;

#[test]
fn scratch() {
    let start = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let (path, sums) =
        fixture::build_south_brisbane(start, dir.path(), std::env::var("GN").is_ok()).unwrap();
    eprintln!("{sums:?}");
    let g = OfflineGeocoder::new(Some(Gazetteer::open(&path).unwrap()), None);
    let csv = fixture::geo_fixture(start, "south_brisbane_addresses.csv").unwrap();
    let mut rdr = csv::Reader::from_path(csv).unwrap();
    let (mut n, mut ok) = (0, 0);
    for r in rdr.records() {
        let r = r.unwrap();
        let q = format!("{} {}, South Brisbane QLD 4101", &r[2], &r[4]);
        let truth = LatLng::new(r[8].parse().unwrap(), r[9].parse().unwrap());
        let res = g.geocode(&q);
        n += 1;
        let d = res.point.map(|p| haversine_m(p, truth)).unwrap_or(f64::MAX);
        if res.level == routemate_core::geocode::GeocodeLevel::Address && d <= 30.0 {
            ok += 1
        } else {
            eprintln!(
                "MISS {q} -> {:?} {:?} {:.0} amb={} {:?}",
                res.level,
                res.matched,
                d,
                res.ambiguous,
                res.candidates.len()
            );
        }
    }
    eprintln!("{ok}/{n}");
}
