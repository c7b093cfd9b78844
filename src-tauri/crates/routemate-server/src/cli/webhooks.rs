//! `routemate webhooks add|list|remove|test|log|retry`: the account's webhook subscriptions
//! (README "Webhooks"). Like `credentials`, these open the store, so run them while no server
//! holds it (or use the HTTP API). `add` prints the secret once.

use super::{open_api, print_json, Cli};
use anyhow::Context;
use clap::{Args, Subcommand};
use routemate_engine::webhooks::{EventType, NewSubscription};

#[derive(Debug, Subcommand)]
pub enum WebhooksCmd {
    /// Subscribe a URL; prints the subscription with its secret (shown only now).
    Add(AddArgs),
    /// The subscriptions with their queue and last attempt (no secrets).
    List,
    /// Delete a subscription with its queue and log.
    Remove { id: String },
    /// Send a signed `webhook.test` event now and print the receiver's answer.
    Test { id: String },
    /// A subscription's delivery log (newest attempts first) and parked jobs.
    Log { id: String },
    /// Send a subscription's parked deliveries again.
    Retry { id: String },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// `https://…` (plain `http://` only to this machine).
    #[arg(long)]
    pub url: String,
    /// Comma-separated event types (default: all): job.imported, job.updated, job.completed,
    /// stop.status_changed, plan.created.
    #[arg(long, value_delimiter = ',')]
    pub events: Vec<String>,
    #[arg(long)]
    pub description: Option<String>,
}

pub fn run(cli: &Cli, cmd: &WebhooksCmd) -> anyhow::Result<()> {
    let api = open_api(cli)?;
    let account = &cli.account;
    match cmd {
        WebhooksCmd::Add(a) => {
            let events = if a.events.is_empty() {
                None
            } else {
                Some(
                    a.events
                        .iter()
                        .map(|e| {
                            EventType::parse(e.trim()).with_context(|| {
                                format!(
                                    "unknown event type {e:?}; known: {}",
                                    EventType::ALL.map(|t| t.as_str()).join(", ")
                                )
                            })
                        })
                        .collect::<anyhow::Result<Vec<_>>>()?,
                )
            };
            let new = NewSubscription {
                url: a.url.clone(),
                events,
                description: a.description.clone(),
            };
            print_json(&api.webhook_create(account, &new, true)?)
        }
        WebhooksCmd::List => print_json(&api.webhook_list(account)?),
        WebhooksCmd::Remove { id } => {
            anyhow::ensure!(api.webhook_delete(account, id)?, "no webhook {id}");
            print_json(&api.webhook_list(account)?)
        }
        WebhooksCmd::Test { id } => {
            let options = routemate_sync::webhooks::Options::from_env();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            let attempt = runtime
                .block_on(routemate_sync::webhooks::send_test(
                    &api, account, id, &options,
                ))
                .map_err(anyhow::Error::msg)?;
            print_json(&attempt)?;
            anyhow::ensure!(
                attempt.ok,
                "the receiver did not acknowledge the test event ({})",
                attempt.error.as_deref().unwrap_or("no answer")
            );
            Ok(())
        }
        WebhooksCmd::Log { id } => print_json(&api.webhook_log(account, id)?),
        WebhooksCmd::Retry { id } => {
            let n = api.webhook_retry(account, id)?;
            print_json(&serde_json::json!({ "retried": n }))
        }
    }
}
