//! Accounts: what the store holds for each, and disabling one while servers run.
//!
//! An account is the name on its credentials, jobs and webhook subscriptions. The `accounts` tree
//! keeps one small record per account (account → when it was first seen, and when and why it was
//! disabled). A disabled account's tokens are refused (`is_disabled`, read by `authenticate`
//! when it resolves a token from the store; what it resolved is trusted for 2 s, see
//! `token_cache`) and its credentials get no new token. Nothing is deleted: enabling the account
//! lets its unexpired tokens work again. The process that disables an account forgets the tokens
//! it trusted at once; the others see the change within those 2 s.
//!
//! Listing reads the credentials, the job index (`job_summaries`, keyed by account first: keys
//! only, no job) and the webhook subscriptions once each.

use crate::clock::Clock;
use crate::error::EngineError;
use crate::job_index::JobIndex;
use crate::store::kv::transaction::ConflictableTransactionError;
use crate::store::{decode, encode, kv, Store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::CredentialRecord;

/// The webhook subscriptions' tree (read here for its `account` field only).
const SUBSCRIPTIONS: &str = "webhook_subscriptions";
/// The longest reason kept with a disabled account.
const MAX_REASON: usize = 500;

/// An account's record in the `accounts` tree. Older records hold `created_at` only.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct AccountRecord {
    #[serde(default)]
    created_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    disabled_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    disabled_reason: Option<String>,
}

/// One account as `routemate accounts list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub account: String,
    /// Every token of the account is refused, and no new one is issued.
    pub disabled: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub credentials_active: usize,
    pub credentials_revoked: usize,
    pub jobs: usize,
    pub webhook_subscriptions: usize,
}

impl AccountInfo {
    fn new(account: &str) -> Self {
        AccountInfo {
            account: account.to_string(),
            disabled: false,
            disabled_at: None,
            disabled_reason: None,
            credentials_active: 0,
            credentials_revoked: 0,
            jobs: 0,
            webhook_subscriptions: 0,
        }
    }

    fn apply(&mut self, r: &AccountRecord) {
        self.disabled = r.disabled_at.is_some();
        self.disabled_at = r.disabled_at;
        self.disabled_reason = r.disabled_reason.clone();
    }

    /// Whether the store holds anything of this account.
    fn holds_anything(&self) -> bool {
        self.credentials_active + self.credentials_revoked + self.jobs + self.webhook_subscriptions
            > 0
    }
}

#[derive(Deserialize)]
struct Owner {
    account: String,
}

/// Whether `account` is disabled. An unreadable record counts as disabled (it never lets a
/// token through); a store error is the caller's to map (retry, not "invalid").
pub(crate) fn is_disabled(store: &Store, account: &str) -> Result<bool, kv::Error> {
    Ok(match store.accounts.get(account)? {
        Some(v) => serde_json::from_slice::<AccountRecord>(&v)
            .map(|r| r.disabled_at.is_some())
            .unwrap_or(true),
        None => false,
    })
}

/// Records `account` as seen at `now` unless it is already (one transaction: a concurrent
/// disable is never overwritten).
pub(crate) fn ensure_recorded(
    store: &Store,
    account: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    store.accounts.transaction(|t| {
        if t.get(account)?.is_none() {
            let rec = AccountRecord {
                created_at: Some(now),
                ..AccountRecord::default()
            };
            t.insert(account, encode(&rec))?;
        }
        Ok::<_, ConflictableTransactionError<EngineError>>(())
    })?;
    Ok(())
}

/// Every account the store knows (from the `accounts` tree, credentials, jobs and webhook
/// subscriptions), by name.
pub(crate) fn list(store: &Store) -> Result<Vec<AccountInfo>, EngineError> {
    let mut all: BTreeMap<String, AccountInfo> = BTreeMap::new();
    for item in store.accounts.iter() {
        let (k, v) = item?;
        let name = String::from_utf8_lossy(&k).into_owned();
        let rec: AccountRecord = decode(&v)?;
        all.entry(name.clone())
            .or_insert_with(|| AccountInfo::new(&name))
            .apply(&rec);
    }
    for item in store.credentials.iter() {
        let (_, v) = item?;
        let c: CredentialRecord = decode(&v)?;
        let info = all
            .entry(c.account.clone())
            .or_insert_with(|| AccountInfo::new(&c.account));
        count_credential(info, &c);
    }
    for key in JobIndex::open(store)?.summaries.iter().keys() {
        let key = key?;
        let end = key.iter().position(|b| *b == 0).unwrap_or(key.len());
        let name = String::from_utf8_lossy(&key[..end]).into_owned();
        all.entry(name.clone())
            .or_insert_with(|| AccountInfo::new(&name))
            .jobs += 1;
    }
    for item in store.tree(SUBSCRIPTIONS)?.iter() {
        let (_, v) = item?;
        let o: Owner = decode(&v)?;
        all.entry(o.account.clone())
            .or_insert_with(|| AccountInfo::new(&o.account))
            .webhook_subscriptions += 1;
    }
    Ok(all.into_values().collect())
}

fn count_credential(info: &mut AccountInfo, c: &CredentialRecord) {
    if c.revoked_at.is_some() {
        info.credentials_revoked += 1;
    } else {
        info.credentials_active += 1;
    }
}

/// One account's line of [`list`], reading only its own jobs.
fn one(store: &Store, account: &str) -> Result<(AccountInfo, bool), EngineError> {
    let mut info = AccountInfo::new(account);
    let recorded = match store.accounts.get(account)? {
        Some(v) => {
            info.apply(&decode(&v)?);
            true
        }
        None => false,
    };
    for item in store.credentials.iter() {
        let (_, v) = item?;
        let c: CredentialRecord = decode(&v)?;
        if c.account == account {
            count_credential(&mut info, &c);
        }
    }
    let mut prefix = account.as_bytes().to_vec();
    prefix.push(0);
    for key in JobIndex::open(store)?.summaries.scan_prefix(&prefix).keys() {
        key?;
        info.jobs += 1;
    }
    for item in store.tree(SUBSCRIPTIONS)?.iter() {
        let (_, v) = item?;
        if decode::<Owner>(&v)?.account == account {
            info.webhook_subscriptions += 1;
        }
    }
    Ok((info, recorded))
}

/// Disables `account` (with `reason`), or enables it again (`reason` ignored); answers its line
/// of [`list`]. An account the store holds nothing of is not found (a typo disables nobody).
pub(crate) fn set_disabled(
    store: &Store,
    clock: &dyn Clock,
    account: &str,
    disable: bool,
    reason: Option<&str>,
) -> Result<AccountInfo, EngineError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = reason {
        if r.chars().count() > MAX_REASON || r.chars().any(char::is_control) {
            return Err(EngineError::invalid_field(
                "reason",
                "invalid_value",
                format!("must be at most {MAX_REASON} characters, without control characters"),
            ));
        }
    }
    let (info, recorded) = one(store, account)?;
    if !recorded && !info.holds_anything() {
        return Err(EngineError::not_found(format!("account {account}")));
    }
    let now = clock.now();
    let rec = store.accounts.transaction(|t| {
        let mut rec = match t.get(account)? {
            Some(v) => serde_json::from_slice::<AccountRecord>(&v).unwrap_or_default(),
            None => AccountRecord::default(),
        };
        if disable {
            // Disabling twice keeps the first moment; a new reason replaces the old one.
            rec.disabled_at = rec.disabled_at.or(Some(now));
            if reason.is_some() || rec.disabled_reason.is_none() {
                rec.disabled_reason = reason.map(str::to_string);
            }
        } else {
            rec.disabled_at = None;
            rec.disabled_reason = None;
        }
        t.insert(account, encode(&rec))?;
        Ok::<_, ConflictableTransactionError<EngineError>>(rec)
    })?;
    store.flush()?;
    if disable {
        tracing::warn!(account, reason = ?reason, "account disabled: its tokens are refused");
    } else {
        tracing::info!(account, "account enabled");
    }
    let mut info = info;
    info.apply(&rec);
    Ok(info)
}
