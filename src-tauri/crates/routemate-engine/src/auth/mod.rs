//! Client credentials and bearer tokens (OAuth2 client-credentials grant).
//!
//! Secrets (`rm_cs_…`) and tokens (`rm_at_…`) are 32 random bytes after their prefix. The store
//! keeps an argon2id hash of each secret and the SHA-256 of each token, never the values. Unknown
//! id, wrong secret and revoked credential take the same path (one argon2 verification) and give
//! the same error. Tokens are looked up by their SHA-256, so no token bytes are ever compared
//! directly (nothing to leak through timing). Failed attempts are rate limited per (client id, peer)
//! and, with a much higher bound, per peer; concurrent verifications are bounded (each holds ~19 MiB).
//! Caller-supplied ids reach the log bounded and sanitised, under a line budget.

pub mod accounts;
mod limit;
mod token_cache;

pub use accounts::AccountInfo;
use limit::limiter_keys;
pub(crate) use limit::FailureLimiter;
pub(crate) use token_cache::TokenCache;
pub use token_cache::FRESH as TOKEN_CACHE_FRESH;

use crate::clock::Clock;
use crate::error::{AuthError, EngineError};
use crate::log_budget::{bounded, LogBudget};
use crate::store::{decode, encode, Store};
use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

pub const CLIENT_ID_PREFIX: &str = "rm_ci_";
pub const SECRET_PREFIX: &str = "rm_cs_";
pub const TOKEN_PREFIX: &str = "rm_at_";
/// Token lifetime in seconds.
pub const TOKEN_TTL_SECS: i64 = 3600;

/// The lifetime of new tokens in this process (`routemate serve --token-ttl-secs`; shorter in
/// tests of token expiry). Process-wide like the disk reserve.
static TOKEN_TTL: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(TOKEN_TTL_SECS);

/// Sets the lifetime of tokens issued from now on (at least 1 s).
pub fn set_token_ttl_secs(secs: i64) {
    TOKEN_TTL.store(secs.max(1), std::sync::atomic::Ordering::Relaxed);
}

fn token_ttl() -> i64 {
    TOKEN_TTL.load(std::sync::atomic::Ordering::Relaxed)
}
/// Failed attempts allowed per (client id, peer) within [`FAILURE_WINDOW_SECS`].
pub const MAX_FAILURES: u32 = 10;
/// Failed attempts allowed per peer address over all client ids: much higher than
/// [`MAX_FAILURES`], so one misconfigured integration does not lock out the others on the same
/// machine or behind the same proxy, yet one address cannot try ids without end.
pub const MAX_PEER_FAILURES: u32 = 100;
pub const FAILURE_WINDOW_SECS: i64 = 60;
/// Expired tokens are swept from the store at most this often (token requests trigger it).
pub const TOKEN_SWEEP_SECS: i64 = 600;

/// A credential as stored: the secret only as an argon2id PHC string.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CredentialRecord {
    pub client_id: String,
    pub account: String,
    pub name: String,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What listing credentials shows (no secret, no hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CredentialInfo {
    pub client_id: String,
    pub account: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A freshly created credential: the only time the secret exists outside the caller's hands.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewCredential {
    pub client_id: String,
    pub client_secret: String,
    pub account: String,
    pub name: String,
}

impl std::fmt::Debug for NewCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCredential")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// The token endpoint's success body.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedToken {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuedToken(<redacted>)")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TokenRecord {
    account: String,
    client_id: String,
    expires_at: DateTime<Utc>,
}

fn random_part(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn hash_secret(secret: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2 hashing with default params cannot fail")
        .to_string()
}

/// A hash nobody knows the secret of: verifying against it costs the same as a real check.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_secret(&random_part(32)))
}

/// Checks `secret` against an argon2 PHC string, computing the hash in `blocks` (grown to the
/// hash's memory cost once, then reused): a fresh 19 MiB allocation per check would stay resident
/// in every thread's malloc arena, so a burst would keep gigabytes.
fn verify_secret(secret: &str, phc: &str, blocks: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        Params::try_from(&parsed),
        Algorithm::try_from(parsed.algorithm),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let need = params.block_count();
    if blocks.len() < need {
        blocks.resize(need, Block::default());
    }
    let mut out = [0u8; 64];
    let out = &mut out[..expected.len().min(64)];
    let argon = Argon2::new(algorithm, version, params);
    if argon
        .hash_password_into_with_memory(secret.as_bytes(), salt, &mut *out, &mut blocks[..need])
        .is_err()
    {
        return false;
    }
    // `Output` compares in constant time.
    Output::new(out).is_ok_and(|computed| computed == expected)
}

/// A caller's client id as a log field: bounded and sanitised, and never a secret or token
/// pasted into the wrong field.
fn shown_id(client_id: &str) -> String {
    if client_id.contains(SECRET_PREFIX) || client_id.contains(TOKEN_PREFIX) {
        return "(a secret or token, not shown)".into();
    }
    bounded(client_id)
}

/// Refused token requests: one line each, up to 20 every 10 s (the rest counted).
static REFUSAL_LOG: LogBudget = LogBudget::new(20, 10);

pub(crate) fn create_credential(
    store: &Store,
    clock: &dyn Clock,
    account: &str,
    name: &str,
) -> Result<NewCredential, EngineError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(EngineError::invalid_field(
            "name",
            "invalid_value",
            "must be 1-200 characters",
        ));
    }
    let account = account.trim();
    if account.is_empty() || account.len() > 100 || account.contains('\0') {
        return Err(EngineError::invalid_field(
            "account",
            "invalid_value",
            "must be 1-100 characters",
        ));
    }
    let client_id = format!("{CLIENT_ID_PREFIX}{}", random_part(16));
    let client_secret = format!("{SECRET_PREFIX}{}", random_part(32));
    let now = clock.now();
    let record = CredentialRecord {
        client_id: client_id.clone(),
        account: account.to_string(),
        name: name.to_string(),
        secret_hash: hash_secret(&client_secret),
        created_at: now,
        revoked_at: None,
        last_used_at: None,
    };
    accounts::ensure_recorded(store, account, now)?;
    store
        .credentials
        .insert(client_id.as_bytes(), encode(&record))?;
    store.flush()?;
    tracing::info!(%client_id, account, "credential created");
    Ok(NewCredential {
        client_id,
        client_secret,
        account: account.to_string(),
        name: record.name,
    })
}

pub(crate) fn list_credentials(
    store: &Store,
    account: Option<&str>,
) -> Result<Vec<CredentialInfo>, EngineError> {
    let mut out = Vec::new();
    for item in store.credentials.iter() {
        let (_, v) = item?;
        let r: CredentialRecord = decode(&v)?;
        if account.is_some_and(|a| a != r.account) {
            continue;
        }
        out.push(CredentialInfo {
            client_id: r.client_id,
            account: r.account,
            name: r.name,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        });
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    Ok(out)
}

/// Revokes a credential and deletes every token it issued.
pub(crate) fn revoke_credential(
    store: &Store,
    clock: &dyn Clock,
    account: Option<&str>,
    client_id: &str,
) -> Result<(), EngineError> {
    let not_found = || EngineError::not_found(format!("credential {client_id}"));
    let v = store
        .credentials
        .get(client_id.as_bytes())?
        .ok_or_else(not_found)?;
    let mut r: CredentialRecord = decode(&v)?;
    if account.is_some_and(|a| a != r.account) {
        return Err(not_found());
    }
    if r.revoked_at.is_none() {
        r.revoked_at = Some(clock.now());
        store.credentials.insert(client_id.as_bytes(), encode(&r))?;
    }
    for item in store.tokens.iter() {
        let (k, v) = item?;
        let t: TokenRecord = decode(&v)?;
        if t.client_id == client_id {
            store.tokens.remove(k)?;
        }
    }
    store.flush()?;
    tracing::info!(client_id = %bounded(client_id), "credential revoked");
    Ok(())
}

/// The token endpoint's core: verify the client, issue a one-hour token.
pub(crate) fn issue_token(
    store: &Store,
    clock: &dyn Clock,
    limiter: &FailureLimiter,
    client_id: &str,
    client_secret: &str,
    peer: Option<&str>,
) -> Result<IssuedToken, EngineError> {
    let now = clock.now();
    let keys = limiter_keys(client_id, peer);
    if let Err(retry_after_secs) = limiter.begin(&keys, now) {
        if let Some(suppressed) = REFUSAL_LOG.allow() {
            tracing::warn!(client_id = %shown_id(client_id), suppressed, "token request rate limited");
        }
        return Err(AuthError::RateLimited { retry_after_secs }.into());
    }
    let Some(mut slot) = limiter.gate.acquire() else {
        limiter.undo(&keys, false);
        if let Some(suppressed) = REFUSAL_LOG.allow() {
            tracing::warn!(suppressed, "token request refused: verifications busy");
        }
        return Err(AuthError::Busy {
            retry_after_secs: 1,
        }
        .into());
    };
    let record: Option<CredentialRecord> = match store.credentials.get(client_id.as_bytes())? {
        Some(v) => Some(decode(&v)?),
        None => None,
    };
    // Always one argon2 verification, whatever is wrong, so timing does not tell.
    let phc = record
        .as_ref()
        .map_or(dummy_hash(), |r| r.secret_hash.as_str());
    let secret_ok = verify_secret(client_secret, phc, &mut slot.blocks);
    drop(slot);
    let record = match record {
        Some(r) if secret_ok && r.revoked_at.is_none() => r,
        _ => {
            // Already counted by `begin`.
            if let Some(suppressed) = REFUSAL_LOG.allow() {
                tracing::info!(
                    client_id = %shown_id(client_id),
                    suppressed,
                    "token request refused: invalid_client"
                );
            }
            return Err(AuthError::InvalidClient.into());
        }
    };
    limiter.undo(&keys, true);
    // The secret is right: saying why is safe, and the operator's reason stays in the log.
    if accounts::is_disabled(store, &record.account)? {
        if let Some(suppressed) = REFUSAL_LOG.allow() {
            tracing::info!(
                client_id,
                suppressed,
                "token request refused: the account is disabled"
            );
        }
        return Err(AuthError::AccountDisabled.into());
    }
    if limiter.sweep_due(now) {
        sweep_expired_tokens(store, now)?;
    }
    let token = format!("{TOKEN_PREFIX}{}", random_part(32));
    let rec = TokenRecord {
        account: record.account.clone(),
        client_id: client_id.to_string(),
        expires_at: now + Duration::seconds(token_ttl()),
    };
    store.tokens.insert(token_key(&token), encode(&rec))?;
    let mut used = record;
    used.last_used_at = Some(now);
    store
        .credentials
        .insert(client_id.as_bytes(), encode(&used))?;
    store.flush()?;
    tracing::info!(client_id, "token issued");
    Ok(IssuedToken {
        access_token: token,
        token_type: "Bearer".into(),
        expires_in: token_ttl(),
    })
}

/// Deletes every token past its expiry (unused tokens would otherwise stay forever).
fn sweep_expired_tokens(store: &Store, now: DateTime<Utc>) -> Result<usize, EngineError> {
    let mut removed = 0;
    for item in store.tokens.iter() {
        let (k, v) = item?;
        // An unreadable record can never authenticate: drop it too.
        let expired = match decode::<TokenRecord>(&v) {
            Ok(t) => t.expires_at <= now,
            Err(_) => true,
        };
        if expired {
            store.tokens.remove(k)?;
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(removed, "expired tokens swept");
    }
    Ok(removed)
}

/// A token lookup the database could not answer is "retry", not "invalid" (a client would
/// throw a good token away); any other store error still refuses the token.
fn unavailable(e: crate::store::kv::Error) -> AuthError {
    match e {
        crate::store::kv::Error::Unavailable(_) => AuthError::Unavailable,
        _ => AuthError::InvalidToken,
    }
}

/// Resolves a bearer token to its account: from `cache` when this process resolved it a moment
/// ago (see [`token_cache`]), else from the store.
pub(crate) fn authenticate(
    store: &Store,
    clock: &dyn Clock,
    cache: &TokenCache,
    token: &str,
) -> Result<String, AuthError> {
    // Cheap shape check first: prefix + 43 base64url characters.
    let body = token
        .strip_prefix(TOKEN_PREFIX)
        .ok_or(AuthError::InvalidToken)?;
    if body.len() != 43
        || !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AuthError::InvalidToken);
    }
    let key = token_key(token);
    if let Some(hit) = cache.get(&key) {
        if clock.now() < hit.expires_at {
            return Ok(hit.account);
        }
        return Err(AuthError::InvalidToken);
    }
    let v = store
        .tokens
        .get(key)
        .map_err(unavailable)?
        .ok_or(AuthError::InvalidToken)?;
    let rec: TokenRecord = decode(&v).map_err(|_| AuthError::InvalidToken)?;
    if clock.now() >= rec.expires_at {
        let _ = store.tokens.remove(key);
        return Err(AuthError::InvalidToken);
    }
    let cred = store
        .credentials
        .get(rec.client_id.as_bytes())
        .map_err(unavailable)?;
    let revoked = match cred {
        Some(c) => decode::<CredentialRecord>(&c)
            .map(|c| c.revoked_at.is_some())
            .unwrap_or(true),
        None => true,
    };
    if revoked {
        return Err(AuthError::InvalidToken);
    }
    // Last: the account's own state (see `accounts`); trusted with the token for as long.
    if accounts::is_disabled(store, &rec.account).map_err(unavailable)? {
        return Err(AuthError::AccountDisabled);
    }
    cache.put(
        key,
        token_cache::Resolved {
            account: rec.account.clone(),
            expires_at: rec.expires_at,
        },
    );
    Ok(rec.account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_reuses_its_working_memory_and_tells_right_from_wrong() {
        let phc = hash_secret("rm_cs_right");
        let mut blocks = Vec::new();
        assert!(verify_secret("rm_cs_right", &phc, &mut blocks));
        let grown = blocks.len();
        assert_eq!(grown, Params::default().block_count());
        assert!(!verify_secret("rm_cs_wrong", &phc, &mut blocks));
        assert!(!verify_secret(
            "rm_cs_right",
            "not a phc string",
            &mut blocks
        ));
        assert_eq!(blocks.len(), grown, "the buffer is reused, not regrown");
    }
}
