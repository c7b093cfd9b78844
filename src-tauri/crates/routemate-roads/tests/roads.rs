//! The road pack against a plain Dijkstra on every shared OSM extract, one-way streets,
//! unreachable and off-network points, and refused files that leave the old pack working.

use rand::{rngs::StdRng, Rng, SeedableRng};
use routemate_roads::ch::Hierarchy;
use routemate_roads::graph::{Road, RoadNetwork};
use routemate_roads::{
    import_extract, pack_path, read_meta, Coord, Metric, RoadPack, RoadsError, Solver,
};
use std::path::{Path, PathBuf};

fn extracts() -> Vec<PathBuf> {
    let Some(dir) = routemate_bench::shared::for_test("fixtures/geo") else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixtures/geo lists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".osm.pbf"))
        .collect();
    v.sort();
    assert!(v.len() >= 3, "the shared extracts are there: {v:?}");
    v
}

fn import(pbf: &Path, data: &Path) -> Result<routemate_roads::ImportSummary, RoadsError> {
    import_extract(pbf, data, "car", chrono::Utc::now(), &mut |_| {})
}

/// `count` random points inside the pack's bounds, snapped to their nearest road.
fn random_snaps(
    pack: &RoadPack,
    count: usize,
    seed: u64,
) -> Vec<Option<routemate_roads::snap::Snap>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let [la0, ln0, la1, ln1] = pack.meta.bounds;
    (0..count)
        .map(|_| {
            let c = Coord::from_deg(rng.gen_range(la0..=la1), rng.gen_range(ln0..=ln1));
            pack.nearest(c)
        })
        .collect()
}

#[test]
fn hierarchy_matrices_equal_plain_dijkstra_on_every_extract() {
    for pbf in extracts() {
        let data = tempfile::tempdir().expect("tempdir");
        let summary = import(&pbf, data.path()).expect("the extract imports");
        assert!(summary.meta.nodes > 10, "{pbf:?}: {summary:?}");
        assert!(summary.meta.component_share > 0.3 && summary.meta.component_share <= 1.0);
        let pack = RoadPack::load(&pack_path(data.path())).expect("the pack loads");
        let snaps = random_snaps(&pack, 200, 7);
        for metric in [Metric::Time, Metric::Distance] {
            let ch = pack.matrix_of_snaps(snaps.clone(), metric, Solver::Hierarchy);
            let dj = pack.matrix_of_snaps(snaps.clone(), metric, Solver::Dijkstra);
            let (a, b) = match metric {
                Metric::Time => (&ch.durations_ms, &dj.durations_ms),
                Metric::Distance => (&ch.distances_cm, &dj.distances_cm),
            };
            let differing = a.iter().zip(b).filter(|(x, y)| x != y).count();
            assert_eq!(
                differing,
                0,
                "{pbf:?} {metric:?}: {differing} of {} pairs differ",
                a.len()
            );
            // Inside the strongly connected component every pair is reachable, both values set.
            assert!(
                a.iter().all(|c| c.is_some()),
                "{pbf:?}: unreachable pair inside the component"
            );
            assert!(ch
                .durations_ms
                .iter()
                .zip(&ch.distances_cm)
                .all(|(d, m)| d.is_some() == m.is_some()));
        }
    }
}

#[test]
fn routes_unpack_to_the_matrix_values_and_start_where_snapped() {
    let Some(pbf) = extracts()
        .into_iter()
        .find(|p| p.ends_with("south_brisbane.osm.pbf"))
    else {
        return;
    };
    let data = tempfile::tempdir().expect("tempdir");
    import(&pbf, data.path()).expect("imports");
    let pack = RoadPack::load(&pack_path(data.path())).expect("loads");
    let snaps: Vec<_> = random_snaps(&pack, 12, 3);
    let m = pack.matrix_of_snaps(snaps.clone(), Metric::Time, Solver::Hierarchy);
    for i in 0..snaps.len() {
        for j in 0..snaps.len() {
            let (a, b) = (snaps[i].unwrap(), snaps[j].unwrap());
            let r = pack.route_between(&a, &b, Metric::Time).expect("a route");
            assert_eq!(
                Some((r.duration_s * 1000.0).round() as u64),
                m.durations_ms[i * 12 + j]
            );
            assert_eq!(
                Some((r.distance_m * 100.0).round() as u64),
                m.distances_cm[i * 12 + j]
            );
            // The line runs from the snapped start to the snapped end, about as long as the route.
            let (first, last) = (r.points[0], *r.points.last().unwrap());
            assert!(routemate_roads::geometry::haversine_m(first, a.point) < 0.5);
            assert!(routemate_roads::geometry::haversine_m(last, b.point) < 0.5);
            let along: f64 = r
                .points
                .windows(2)
                .map(|w| routemate_roads::geometry::haversine_m(w[0], w[1]))
                .sum();
            assert!(
                (along - r.distance_m).abs() <= 1.0 + r.distance_m * 0.001,
                "{along} vs {}",
                r.distance_m
            );
            let decoded = polyline::decode_polyline(&r.geometry, 5).expect("a valid polyline");
            assert!(decoded.0.len() >= 2 || i == j);
        }
    }
    // A real city has one-way streets: some pairs differ by direction.
    let asym = (0..12)
        .flat_map(|i| (0..12).map(move |j| (i, j)))
        .filter(|&(i, j)| m.durations_ms[i * 12 + j] != m.durations_ms[j * 12 + i])
        .count();
    assert!(
        asym > 0,
        "South Brisbane's one-way streets make some pairs asymmetric"
    );
}

/// A square A-B-C-D of 100 m sides where A→B is one-way: B to A must go round the block.
fn one_way_square() -> RoadNetwork {
    let pts = [
        Coord::from_deg(-27.0, 153.0),
        Coord::from_deg(-27.0, 153.001_01),
        Coord::from_deg(-27.0009, 153.001_01),
        Coord::from_deg(-27.0009, 153.0),
    ];
    let mut net = RoadNetwork {
        nodes: pts.to_vec(),
        ..Default::default()
    };
    for (a, b) in [(0u32, 1u32), (1, 2), (2, 3), (3, 0)] {
        let m = routemate_roads::geometry::haversine_m(pts[a as usize], pts[b as usize]);
        let road = Road {
            from: a,
            to: b,
            forward: true,
            backward: a != 0,
            class: 11,
            speed_kmh: 36.0,
            time_ms: (m * 100.0).round() as u32,
            dist_cm: (m * 100.0).round() as u32,
        };
        net.add_road(road, &[pts[a as usize], pts[b as usize]]);
    }
    net
}

#[test]
fn one_way_streets_give_asymmetric_matrices_and_off_network_points_are_reported() {
    let net = one_way_square();
    let time = Hierarchy::build(&net, Metric::Time).expect("contracts");
    let distance = Hierarchy::build(&net, Metric::Distance).expect("contracts");
    let meta = routemate_roads::PackMeta {
        profile: "car".into(),
        source_file: "square".into(),
        source_bytes: 0,
        built_at: chrono::Utc::now(),
        bounds: [-27.001, 153.0, -27.0, 153.002],
        nodes: 4,
        roads: 4,
        arcs: 7,
        component_share: 1.0,
        merged_nodes: 0,
        hierarchy_edges_time: 0,
        hierarchy_edges_distance: 0,
        import_seconds: 0.0,
    };
    let pack = RoadPack::new(meta, net, time, distance);
    // Points just off the one-way road A→B, a quarter and three quarters along, then far away.
    let p = Coord::from_deg(-27.000_01, 153.000_25);
    let q = Coord::from_deg(-27.000_01, 153.000_75);
    let far = Coord::from_deg(-26.0, 150.0);
    let m = pack.matrix(&[p, q, far], Metric::Distance, 100.0);
    let pq = m.distance_m(0, 1).expect("p to q along the one-way");
    let qp = m.distance_m(1, 0).expect("q to p round the block");
    assert!((pq - 50.0).abs() < 1.0, "{pq}");
    assert!((qp - 350.0).abs() < 3.0, "{qp}");
    assert!(m.snaps[2].is_none(), "the far point is off the network");
    assert_eq!(m.distance_m(0, 2), None);
    assert_eq!(m.duration_s(2, 0), None);
    assert!(pack.route(p, far, Metric::Time, 100.0).is_none());
    let r = pack
        .route(q, p, Metric::Distance, 100.0)
        .expect("round the block");
    assert!((r.distance_m - qp).abs() < 0.01);
}

#[test]
fn bad_files_are_refused_and_the_previous_pack_keeps_working() {
    let Some(good) = extracts()
        .into_iter()
        .find(|p| p.ends_with("south_brisbane.osm.pbf"))
    else {
        return;
    };
    let data = tempfile::tempdir().expect("tempdir");
    let first = import(&good, data.path()).expect("imports");
    let before = read_meta(&pack_path(data.path()))
        .expect("reads")
        .expect("a pack");
    assert_eq!(before.nodes, first.meta.nodes);

    let bytes = std::fs::read(&good).expect("reads");
    let cut = data.path().join("cut.osm.pbf");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("writes");
    let err = import(&cut, data.path()).expect_err("a truncated file is refused");
    assert_eq!(err.code(), "pbf_damaged", "{err}");

    let text = data.path().join("notes.osm.pbf");
    std::fs::write(&text, "lat,lng\n-27.47,153.02\n".repeat(50)).expect("writes");
    let err = import(&text, data.path()).expect_err("a text file is refused");
    assert_eq!(err.code(), "not_pbf", "{err}");
    assert!(
        err.to_string().contains("not an OpenStreetMap PBF file"),
        "{err}"
    );

    let after = read_meta(&pack_path(data.path()))
        .expect("reads")
        .expect("still a pack");
    assert_eq!(after, before);
    let pack = RoadPack::load(&pack_path(data.path())).expect("the old pack still loads");
    let m = pack.matrix(
        &[
            Coord::from_deg(-27.4785, 153.0150),
            Coord::from_deg(-27.4760, 153.0200),
        ],
        Metric::Time,
        500.0,
    );
    assert!(m.duration_s(0, 1).is_some_and(|s| s > 0.0));
    // No temporary files are left behind.
    let left: Vec<_> = std::fs::read_dir(data.path().join("roads"))
        .unwrap()
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

/// A synthetic city (irregular blocks, one-ways, motorway ramps, ways split mid-street, shape
/// nodes), written as OSM XML and converted by `osmium` (apt: osmium-tool), imports with its
/// two-road chains merged, and its matrices still equal plain Dijkstra.
#[test]
fn a_synthetic_city_imports_with_merged_chains_and_matrices_equal_dijkstra() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pbf = dir.path().join("city.osm.pbf");
    let synth = routemate_bench::synth_osm::Synth::city(5, 8);
    synth
        .write_pbf(&pbf)
        .expect("osmium converts the city (apt-get install osmium-tool)");
    let data = dir.path().join("data");
    let summary = import(&pbf, &data).expect("the city imports");
    assert!(summary.meta.merged_nodes > 0, "{summary:?}");
    assert!(summary.meta.nodes > 3_000, "{summary:?}");
    assert!(summary.meta.component_share > 0.8, "{summary:?}");
    let pack = RoadPack::load(&pack_path(&data)).expect("loads");
    let snaps = random_snaps(&pack, 150, 21);
    for metric in [Metric::Time, Metric::Distance] {
        let ch = pack.matrix_of_snaps(snaps.clone(), metric, Solver::Hierarchy);
        let dj = pack.matrix_of_snaps(snaps.clone(), metric, Solver::Dijkstra);
        // The metric's own values are exact (the other one may differ between equally fast
        // paths).
        let (a, b) = match metric {
            Metric::Time => (&ch.durations_ms, &dj.durations_ms),
            Metric::Distance => (&ch.distances_cm, &dj.distances_cm),
        };
        let differing = a.iter().zip(b).filter(|(x, y)| x != y).count();
        assert_eq!(
            differing,
            0,
            "{metric:?}: {differing} of {} differ",
            a.len()
        );
        assert!(a.iter().all(|c| c.is_some()));
    }
    // One-way streets and motorway carriageways: driving back differs.
    let m = pack.matrix_of_snaps(snaps, Metric::Time, Solver::Hierarchy);
    let asym = (0..150)
        .flat_map(|i| (0..150).map(move |j| (i, j)))
        .filter(|&(i, j)| m.durations_ms[i * 150 + j] != m.durations_ms[j * 150 + i])
        .count();
    assert!(asym > 150, "{asym} asymmetric pairs");
}
