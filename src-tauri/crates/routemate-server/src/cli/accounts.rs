//! `routemate accounts list|disable|enable`: the accounts the store holds, and shutting one out
//! (every token refused, no new token) without deleting anything.
//!
//! Like `credentials`: with a `routemate serve` running on the same sled data dir the command
//! goes through that server's admin socket (`cli::admin`); on PostgreSQL it opens the database
//! directly, and every server sees the change at its next request.

use super::{open_api, print_json, Cli};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AccountsCmd {
    /// List every account: credentials (active, revoked), jobs, webhook subscriptions, disabled.
    List,
    /// Disable an account: every token of it is refused from now on, and no new one is issued.
    Disable {
        /// The account's name.
        account: String,
        /// Why (kept with the account and shown by `list`).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Enable a disabled account again: its unexpired tokens work again.
    Enable {
        /// The account's name.
        account: String,
    },
}

pub fn run(cli: &Cli, cmd: &AccountsCmd) -> anyhow::Result<()> {
    #[cfg(unix)]
    if let Some(admin) = super::admin::connect(&super::data_dir(cli)?)? {
        return print_json(&admin.accounts(cmd)?);
    }
    let api = open_api(cli)?;
    match cmd {
        AccountsCmd::List => print_json(&api.list_accounts()?),
        AccountsCmd::Disable { account, reason } => {
            print_json(&api.disable_account(account, reason.as_deref())?)
        }
        AccountsCmd::Enable { account } => print_json(&api.enable_account(account)?),
    }
}
