//! The instance parsers: TSPLIB distances, the delivery JSON checksum, and clear errors.

use routemate_bench::instance::{self, parse_delivery, parse_tour, parse_tsplib, InstanceError};

#[test]
fn tsplib_euc_2d_rounds_to_nearest_and_indexes_from_zero() {
    let text = "NAME: tiny\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\n\
                NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 1.5 0.1\nEOF\n";
    let inst = parse_tsplib(text).unwrap();
    assert_eq!(inst.name, "tiny");
    assert_eq!(inst.matrix.len(), 3);
    assert_eq!(inst.matrix.get(0, 1), 5);
    assert_eq!(inst.matrix.get(1, 0), 5);
    assert_eq!(inst.matrix.get(0, 2), 2); // 1.503 rounds to 2
}

#[test]
fn tsplib_errors_name_the_problem() {
    let bad_type = "NAME: x\nEDGE_WEIGHT_TYPE: EXPLICIT\nNODE_COORD_SECTION\n1 0 0\n";
    assert_eq!(
        parse_tsplib(bad_type).unwrap_err(),
        InstanceError::UnsupportedWeight("EXPLICIT".into())
    );
    let short = "DIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n";
    let err = parse_tsplib(short).unwrap_err();
    assert_eq!(err.code(), "tsplib_dimension");
    let garbage = "EDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 zero 0\n";
    assert!(parse_tsplib(garbage)
        .unwrap_err()
        .to_string()
        .contains("line 3"));
}

#[test]
fn tsplib_optimal_tour_of_berlin52_has_the_published_length() {
    let Some(inst) = instance::for_test("tsplib/berlin52.tsp") else {
        return;
    };
    let path = routemate_bench::shared::for_test("bench/data/tsplib/berlin52.opt.tour").unwrap();
    let tour = parse_tour(&std::fs::read_to_string(path).unwrap());
    assert_eq!(tour.len(), 52);
    let len: u64 = (0..52)
        .map(|i| inst.matrix.get(tour[i], tour[(i + 1) % 52]) as u64)
        .sum();
    assert_eq!(len, 7542);
}

#[test]
fn delivery_instances_match_their_matrix_checksum() {
    for name in ["bne-clustered-25", "bne-uniform-200"] {
        let Some(inst) = instance::for_test(&format!("delivery/{name}.json")) else {
            return;
        };
        assert_eq!(inst.name, name);
        let n_stops: usize = name.rsplit('-').next().unwrap().parse().unwrap();
        assert_eq!(inst.matrix.len(), n_stops + 1);
    }
}

#[test]
fn delivery_checksum_mismatch_is_rejected() {
    let text = r#"{"name":"t","matrix_checksum":1,"depot":{"lat":-27.5,"lon":153.0},
                  "stops":[{"lat":-27.4,"lon":153.1}]}"#;
    let err = parse_delivery(text).unwrap_err();
    assert_eq!(err.code(), "matrix_checksum");
    let missing = r#"{"name":"t","depot":{"lat":-27.5},"stops":[]}"#;
    assert_eq!(
        parse_delivery(missing).unwrap_err(),
        InstanceError::Field("depot".into())
    );
}
