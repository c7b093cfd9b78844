//! `routemate credentials create|list|revoke`: API client credentials for an account.
//!
//! With a `routemate serve` running on the same sled data dir (which holds the store), the
//! command goes through that server's admin socket instead (`cli::admin`); on PostgreSQL every
//! process opens the database directly.

use super::{open_api, print_json, Cli};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CredentialsCmd {
    /// Create a client ID and secret; the secret is printed this once and never again.
    Create {
        /// A name to recognise the credential by (e.g. the integration using it).
        #[arg(long)]
        name: String,
    },
    /// List credentials (never secrets).
    List {
        /// List every account's credentials, not just --account's.
        #[arg(long)]
        all: bool,
    },
    /// Revoke a credential; its tokens stop working at once.
    Revoke {
        /// The client ID (rm_ci_…).
        client_id: String,
    },
}

pub fn run(cli: &Cli, cmd: &CredentialsCmd) -> anyhow::Result<()> {
    #[cfg(unix)]
    if let Some(admin) = super::admin::connect(&super::data_dir(cli)?)? {
        return print_json(&admin.credentials(&cli.account, cmd)?);
    }
    let api = open_api(cli)?;
    match cmd {
        CredentialsCmd::Create { name } => {
            let c = api.create_credential(&cli.account, name)?;
            print_json(&serde_json::json!({
                "client_id": c.client_id,
                "client_secret": c.client_secret,
                "account": c.account,
                "name": c.name,
            }))
        }
        CredentialsCmd::List { all } => {
            let list = api.list_credentials((!all).then_some(cli.account.as_str()))?;
            print_json(&list)
        }
        CredentialsCmd::Revoke { client_id } => {
            api.revoke_credential(None, client_id)?;
            print_json(&serde_json::json!({"revoked": client_id}))
        }
    }
}
