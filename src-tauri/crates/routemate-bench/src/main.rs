//! The `routemate-bench` binary: parse the command line, run one benchmark, report errors in
//! one line.

use clap::Parser;
use routemate_bench::cmd::{self, BenchCli};

fn main() {
    // reqwest is built with rustls but no crypto provider (the geocoder picks one), so even the
    // API benchmark's plain-HTTP client needs it installed.
    routemate_geocode::install_crypto_provider();
    let cli = BenchCli::parse();
    if let Err(e) = cmd::run(&cli) {
        let message = format!("{e:#}").replace('\n', " ");
        eprintln!("routemate-bench: error: {message}");
        std::process::exit(1);
    }
}
