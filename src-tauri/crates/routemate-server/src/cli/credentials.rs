//! `routemate credentials create|list|revoke`: API client credentials for an account.
//!
//! With a `routemate serve` running on the same sled data dir (which holds the store), the
//! command goes through that server's admin socket instead (`cli::admin`); on PostgreSQL every
//! process opens the database directly.

use super::{data_dir, open_api, print_json, Cli};
use axum::http::Method;
use clap::Subcommand;
use serde_json::json;

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
    if let Some(admin) = super::admin::connect(&data_dir(cli)?)? {
        return print_json(&match cmd {
            CredentialsCmd::Create { name } => admin.call(
                Method::POST,
                "/admin/credentials",
                Some(json!({"account": cli.account, "name": name})),
            )?,
            CredentialsCmd::List { all } => {
                let query = if *all {
                    String::new()
                } else {
                    let account: String =
                        form_urlencoded::byte_serialize(cli.account.as_bytes()).collect();
                    format!("?account={account}")
                };
                admin.call(Method::GET, &format!("/admin/credentials{query}"), None)?
            }
            CredentialsCmd::Revoke { client_id } => {
                let id: String = form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
                admin.call(
                    Method::POST,
                    &format!("/admin/credentials/{id}/revoke"),
                    None,
                )?
            }
        });
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
