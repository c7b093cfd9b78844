//! `routemate bench …` and `routemate optimize …`: handed to the `routemate-bench` binary (crate
//! `routemate-bench`), git-style, so the product binary carries no benchmark code or data parsers
//! while the commands stay where users look for them. `routemate optimize ARGS` is
//! `routemate-bench solve ARGS`, `routemate vrp ARGS` is `routemate-bench vrp-solve ARGS`.

use anyhow::{bail, Context};
use clap::Args;
use std::ffi::OsString;
use std::path::PathBuf;

/// Everything after the subcommand, passed through unchanged.
#[derive(Debug, Args)]
pub struct PassThrough {
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<OsString>,
}

const BENCH_BIN: &str = "routemate-bench";

/// `routemate-bench` beside this executable (a build's `target/<profile>/`, an install's bin
/// dir), else on `PATH`.
fn bench_binary() -> Option<PathBuf> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(BENCH_BIN)))
        .filter(|p| p.is_file());
    beside.or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(BENCH_BIN))
                .find(|p| p.is_file())
        })
    })
}

/// Runs `routemate-bench <command> ARGS`, exiting with its status.
pub fn run(command: &str, pass: &PassThrough) -> anyhow::Result<()> {
    let Some(bin) = bench_binary() else {
        bail!(
            "`routemate {}` runs the {BENCH_BIN} binary, which is not built: run \
             `cargo build --release --bin {BENCH_BIN}` (it is placed beside `routemate`)",
            match command {
                "solve" => "optimize",
                "vrp-solve" => "vrp",
                _ => "bench",
            }
        );
    };
    let status = std::process::Command::new(&bin)
        .arg(command)
        .args(&pass.args)
        .status()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    std::process::exit(status.code().unwrap_or(1));
}
