//! `routemate store backup|restore|verify|list`: the store's backups by hand (automatic ones are
//! taken at start when the newest is a day old, daily while serving and before a migration).
//!
//! `backup` opens the store, so it needs the server stopped (sled allows one process); a running
//! server takes its own daily backups. `restore` and `verify` never open the live store: they work
//! on a store that no longer opens.

use super::{data_dir, print_json, Cli};
use anyhow::Context;
use clap::Subcommand;
use routemate_engine::store::backup;
use routemate_engine::{Api, EngineConfig};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum StoreCmd {
    /// Back the store up now into DATA/backups (the newest 7 are kept).
    Backup,
    /// Replace the store with a backup (default: the newest one that verifies). The replaced
    /// store is kept next to it as store.replaced-TIME. Stop RouteMate first.
    Restore {
        /// The backup file to restore.
        file: Option<PathBuf>,
    },
    /// Check backups' checksums (default: every backup in DATA/backups); exits non-zero if one
    /// is damaged.
    Verify {
        /// The backup file to check.
        file: Option<PathBuf>,
    },
    /// List the backups, newest first.
    List,
}

pub fn run(cli: &Cli, cmd: &StoreCmd) -> anyhow::Result<()> {
    let dir = data_dir(cli)?;
    match cmd {
        StoreCmd::Backup => {
            let api = Api::open(EngineConfig::new(dir))?;
            print_json(&api.store().backup("manual")?)
        }
        StoreCmd::Restore { file } => {
            let file = match file {
                Some(f) => f.clone(),
                None => {
                    backup::newest_good(&dir)
                        .with_context(|| {
                            format!("no usable backup in {}", backup::dir(&dir).display())
                        })?
                        .path
                }
            };
            let restored = backup::restore(&dir, &file)?;
            eprintln!(
                "routemate: restored {} records from {}; writes made after that backup are not in \
                 the store",
                restored.backup.records,
                file.display()
            );
            print_json(&restored)
        }
        StoreCmd::Verify { file } => {
            let files = match file {
                Some(f) => vec![f.clone()],
                None => backup::list(&dir),
            };
            let mut damaged = 0;
            let results: Vec<serde_json::Value> = files
                .iter()
                .map(|f| match backup::verify(f) {
                    Ok(info) => serde_json::json!({"ok": true, "backup": info}),
                    Err(e) => {
                        damaged += 1;
                        serde_json::json!({"ok": false, "path": f, "error": e.to_string()})
                    }
                })
                .collect();
            print_json(&results)?;
            anyhow::ensure!(
                damaged == 0,
                "{damaged} of {} backup(s) damaged",
                files.len()
            );
            Ok(())
        }
        StoreCmd::List => {
            let list: Vec<_> = backup::list(&dir)
                .into_iter()
                .map(|p| {
                    let bytes = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                    serde_json::json!({"path": p, "bytes": bytes})
                })
                .collect();
            print_json(&list)
        }
    }
}
