//! Webhooks: signed events about jobs, stops and plans, pushed to the account's subscribers
//! (README "Webhooks"). The engine owns the durable half: subscriptions with their sealed secret
//! ([`seal`]), the events themselves (recorded in the same sled transaction as the change, with an
//! account-wide order and a per-job sequence), an outbox entry per (subscription, job) in the
//! shared outbox, each subscriber's acknowledged position per job, and the delivery log. All of it
//! lives in [`store`]. The network half (the per-subscription workers) is `routemate-sync`'s
//! `webhooks` module.
//!
//! Invariants: an event is never recorded without its change, nor the change without its event
//! (one transaction); events of one job carry increasing `sequence` numbers and are delivered in
//! that order, the next one only after the previous one was acknowledged; the secret is stored
//! only sealed (ChaCha20-Poly1305 under a key in a 0600 file beside the store) and is never
//! logged.

pub mod delivery;
pub(crate) mod draft;
pub(crate) mod numbering;
pub mod seal;
pub mod sign;
pub mod store;
mod url;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use self::url::{check_resolved, check_url, internal_kind, refused_resolution};

/// How long events are kept for replay (`GET /v1/integration-events`).
pub const RETENTION_DAYS: i64 = 7;
/// Delivery attempts kept per subscription in its log (newest first).
pub const LOG_KEEP: usize = 50;
/// Subscriptions per account.
pub const MAX_SUBSCRIPTIONS: usize = 20;

/// What an event tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EventType {
    /// A new job arrived (API, file, watched folder, app or sync).
    #[serde(rename = "job.imported")]
    JobImported,
    /// An existing job changed (re-import, dispatcher edit, re-optimization).
    #[serde(rename = "job.updated")]
    JobUpdated,
    /// Every stop of the job reached a final status (completed, failed or skipped).
    #[serde(rename = "job.completed")]
    JobCompleted,
    /// One stop's status changed.
    #[serde(rename = "stop.status_changed")]
    StopStatusChanged,
    /// A day plan was created.
    #[serde(rename = "plan.created")]
    PlanCreated,
}

impl EventType {
    pub const ALL: [EventType; 5] = [
        EventType::JobImported,
        EventType::JobUpdated,
        EventType::JobCompleted,
        EventType::StopStatusChanged,
        EventType::PlanCreated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::JobImported => "job.imported",
            EventType::JobUpdated => "job.updated",
            EventType::JobCompleted => "job.completed",
            EventType::StopStatusChanged => "stop.status_changed",
            EventType::PlanCreated => "plan.created",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One event as delivered and replayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Event {
    /// Stable and unique (`evt_` + 16 hex digits); the account's events sort by it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub created: DateTime<Utc>,
    pub account: String,
    /// The job (or, for `plan.created`, the plan) the event is about.
    pub subject: String,
    /// 1, 2, 3, … per job (per plan): a receiver that sees a gap knows it missed one.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sequence: u64,
    /// What changed: ids, status and counts (see the README for each type).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub data: serde_json::Value,
}

/// The event id for the account-wide sequence number `n`.
pub fn event_id(n: u64) -> String {
    format!("evt_{n:016x}")
}

/// The sequence number in an event id; `None` when it is not one of ours.
pub fn parse_event_id(id: &str) -> Option<u64> {
    let hex = id.strip_prefix("evt_")?;
    (hex.len() == 16)
        .then(|| u64::from_str_radix(hex, 16).ok())
        .flatten()
}

/// A subscription as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Subscription {
    /// `wh_` + 32 hex digits.
    pub id: String,
    pub url: String,
    pub events: Vec<EventType>,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The secret's last four characters, to tell secrets apart.
    pub secret_hint: String,
    /// Jobs with events waiting for this subscriber (backing off or due).
    #[serde(default)]
    pub queued: usize,
    /// Jobs whose delivery failed for the whole retry period and stopped (see `parked_since`).
    #[serde(default)]
    pub parked: usize,
    /// The newest delivery attempt.
    #[serde(default)]
    pub last_attempt: Option<Attempt>,
}

/// The answer to creating a subscription: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CreatedSubscription {
    #[serde(flatten)]
    pub subscription: Subscription,
    /// `whsec_` + 43 characters: the HMAC key for the `RouteMate-Signature` header. Shown once.
    pub secret: String,
}

/// What a subscription is created from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    /// `https://…`; plain `http://` only to this machine (127.0.0.0/8, ::1, localhost).
    pub url: String,
    /// The event types to send (default: all of them).
    #[serde(default)]
    pub events: Option<Vec<EventType>>,
    #[serde(default)]
    pub description: Option<String>,
}

/// One delivery attempt in a subscription's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attempt {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status (`None`: no answer — refused, timed out, reset).
    pub status: Option<u16>,
    /// From sending the request to the answer (or the failure).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub latency_ms: u64,
    /// Acknowledged (2xx).
    pub ok: bool,
    /// What went wrong, without secrets (a status line or a transport error kind).
    pub error: Option<String>,
}

/// A subscription's delivery log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeliveryLog {
    pub subscription: Subscription,
    /// The newest attempts first (at most 50).
    pub attempts: Vec<Attempt>,
    /// Jobs whose delivery is parked: retried for the whole retry period without an
    /// acknowledgement. `POST …/retry` (or the app) sends them again.
    pub parked: Vec<ParkedStream>,
}

/// A parked job of a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ParkedStream {
    pub subject: String,
    pub since: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// A page of replayed events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EventPage {
    /// Oldest first.
    pub events: Vec<Event>,
    /// More events follow: ask again with `after` = the last id here.
    pub has_more: bool,
}

/// Where a subscription delivers to, with its secret unsealed: only for the deliverer, in memory.
#[derive(Clone)]
pub struct Target {
    pub id: String,
    pub account: String,
    pub url: String,
    pub secret: String,
    /// Created by this machine's user (CLI, desktop, a loopback-bound server): the deliverer may
    /// connect to loopback and private addresses for it even on a public server.
    pub private_ok: bool,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("id", &self.id)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// What [`crate::Api::webhook_due_for`] answers: each named job's due delivery (`None`: nothing
/// due), and when the earliest backing-off one of them is due.
pub type DueLookup = (Vec<(String, Option<Due>)>, Option<DateTime<Utc>>);

/// One job's (or plan's) due delivery for one subscription: an outbox entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub entry_id: u64,
    pub subscription: String,
    pub subject: String,
    /// Deliver up to this per-job sequence number.
    pub upto: u64,
}
