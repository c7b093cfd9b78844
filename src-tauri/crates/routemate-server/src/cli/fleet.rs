//! `routemate fleet set FILE.json | list`: the fleet saved in Settings, which a day is planned
//! over when a plan request or a day's job file names no drivers.

use super::{open_api, print_json, Cli};
use anyhow::{bail, Context};
use clap::Subcommand;
use routemate_core::dayplan::validate::parse_fleet;
use routemate_engine::EngineError;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum FleetCmd {
    /// Save the fleet from a JSON file `{"drivers": [{"email", "name", "capacity", "shift_start",
    /// "shift_end", "start", "end", "open_end", "max_stops", "fixed_cost"}, …]}` (replaces it).
    Set {
        /// The fleet file.
        file: PathBuf,
    },
    /// Print the saved fleet.
    List,
}

pub fn run(cli: &Cli, cmd: &FleetCmd) -> anyhow::Result<()> {
    match cmd {
        FleetCmd::Set { file } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            let fleet = match parse_fleet(&value) {
                Ok(f) => f,
                Err(errs) => bail!(
                    "{}: nothing saved: {}",
                    file.display(),
                    EngineError::Invalid(errs)
                ),
            };
            let api = open_api(cli)?;
            print_json(&api.set_fleet(&fleet)?)
        }
        FleetCmd::List => print_json(&open_api(cli)?.fleet()?),
    }
}
