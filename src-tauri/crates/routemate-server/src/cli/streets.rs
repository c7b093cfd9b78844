//! `routemate roads streets --bbox S,W,N,E [--zoom Z]`: the road pack's streets inside a box,
//! the classes a map shows at that zoom, simplified for its scale, as a GeoJSON
//! FeatureCollection (each LineString with its `class` and `rank`) for checks and scripts.

use super::print_json;
use clap::Args;
use routemate_roads::streets::{to_geojson, BBox, StreetIndex};
use routemate_roads::RoadPack;

#[derive(Debug, Args)]
pub struct StreetsArgs {
    /// The box as south,west,north,east in degrees.
    #[arg(long, allow_hyphen_values = true, value_parser = BBox::parse)]
    pub bbox: BBox,
    /// Web map zoom (0–24): motorways and trunks from 8, primary 10, secondary 12,
    /// tertiary 13, residential 14, service roads 16.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u8).range(0..=24))]
    pub zoom: u8,
    /// At most this many roads (the biggest classes are kept).
    #[arg(long, default_value_t = routemate_engine::api::streets::MAX_STREETS)]
    pub limit: usize,
}

pub fn run(pack: &RoadPack, args: &StreetsArgs) -> anyhow::Result<()> {
    let index = StreetIndex::build(&pack.net);
    let streets = index.streets(&pack.net, args.bbox, args.zoom, args.limit);
    let mut json = to_geojson(&streets);
    json["attribution"] = routemate_engine::api::streets::ATTRIBUTION.into();
    print_json(&json)
}
