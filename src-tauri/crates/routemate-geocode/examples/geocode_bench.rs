//! Runs the geocoding benchmark without the CLI (`cargo run --release --example geocode_bench`).

fn main() {
    let start = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = start
        .ancestors()
        .map(|a| a.join(routemate_geocode::bundled::BUNDLED_RELATIVE))
        .find(|p| p.is_file());
    match routemate_geocode::bench::run(start, bundled.as_deref(), 20) {
        Ok(r) => println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default()),
        Err(e) => {
            eprintln!("geocode bench failed: {e}");
            std::process::exit(1);
        }
    }
}
