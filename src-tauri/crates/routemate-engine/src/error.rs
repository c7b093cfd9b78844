//! The engine's typed errors. Every variant has a stable `code()` that front ends branch on
//! (HTTP problem types, `{code, message}` in the desktop UI, CLI exit messages).

use routemate_core::validate::FieldError;
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("the request is invalid: {}", summarize(.0))]
    Invalid(Vec<FieldError>),
    #[error("{what} not found")]
    NotFound { what: String },
    #[error(
        "the store at {path} is in use by another RouteMate process; stop that process or choose \
         another data directory (--data DIR or ROUTEMATE_DATA)"
    )]
    StoreLocked { path: PathBuf },
    #[error(
        "the store at {path} is corrupt ({detail}); to recover, stop RouteMate, move that folder \
         aside (keep it for support) and start again to create a fresh store, then re-import your \
         job files (the watched folder keeps them under imported/); or restore a backup with \
         `routemate store restore`"
    )]
    StoreCorrupt { path: PathBuf, detail: String },
    #[error("store error: {0}")]
    Store(String),
    /// The disk under the store failed a write (full, read-only, I/O error). The store accepts
    /// no more writes in this process; everything acknowledged before is safe on disk.
    #[error(
        "the disk under the store failed a write ({detail}); RouteMate accepts no more writes \
         until it is restarted: free disk space or fix the disk, then restart (everything \
         acknowledged before is safe)"
    )]
    StorageFailed { detail: String },
    /// Too little free space to write safely: refused before anything was written.
    #[error(
        "not enough free disk space for the store at {path}: {available_mib} MiB free, at least \
         {needed_mib} MiB needed; free some space on that disk and try again (nothing was written)"
    )]
    DiskFull {
        path: PathBuf,
        available_mib: u64,
        needed_mib: u64,
    },
    /// The store's database cannot be reached now (PostgreSQL down, restarting, network): nothing
    /// was written; retry shortly (HTTP 503 with Retry-After). Never latches the store.
    #[error("the store's database is unavailable ({detail}); nothing was written, retry shortly")]
    StoreUnavailable { detail: String },
    /// Another process changed the record between this one's read and its write (PostgreSQL,
    /// several servers); the engine retries such a write itself before answering this.
    #[error("the record was changed by another server meanwhile; retry")]
    Conflict,
    /// Something this store's backend does not do (sled-only features on PostgreSQL).
    #[error("not supported by this store: {what}")]
    Unsupported { what: String },
    /// A store backup file is unreadable or fails its checksum.
    #[error("the backup {path} is not usable: {detail}")]
    BackupInvalid { path: PathBuf, detail: String },
    #[error("file error on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl EngineError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::Invalid(_) => "validation_failed",
            EngineError::NotFound { .. } => "not_found",
            EngineError::StoreLocked { .. } => "store_locked",
            EngineError::StoreCorrupt { .. } => "store_corrupt",
            EngineError::Store(_) => "store_error",
            EngineError::StorageFailed { .. } => "storage_failed",
            EngineError::StoreUnavailable { .. } => "store_unavailable",
            EngineError::Unsupported { .. } => "unsupported",
            EngineError::Conflict => "conflict",
            EngineError::DiskFull { .. } => "disk_full",
            EngineError::BackupInvalid { .. } => "backup_invalid",
            EngineError::Io { .. } => "io_error",
            EngineError::Auth(a) => a.code(),
        }
    }

    /// True for errors that mean the disk under the store is full or failing (HTTP 507). Only
    /// [`EngineError::StorageFailed`] also means the process should restart.
    pub fn is_storage_failure(&self) -> bool {
        matches!(
            self,
            EngineError::StorageFailed { .. } | EngineError::DiskFull { .. }
        )
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        EngineError::NotFound { what: what.into() }
    }

    /// One invalid field, for calls outside the import body (stop status, settings).
    pub fn invalid_field(field: &str, code: &str, detail: impl Into<String>) -> Self {
        EngineError::Invalid(vec![FieldError {
            field: field.to_string(),
            pointer: format!("/{}", field.replace('.', "/")),
            code: code.to_string(),
            detail: detail.into(),
        }])
    }
}

fn summarize(errors: &[FieldError]) -> String {
    let mut parts: Vec<String> = errors
        .iter()
        .take(5)
        .map(|e| format!("{}: {}", e.field, e.detail))
        .collect();
    if errors.len() > 5 {
        parts.push(format!("and {} more", errors.len() - 5));
    }
    parts.join("; ")
}

impl From<sled::Error> for EngineError {
    /// sled reports a failed write (ENOSPC, EIO, EROFS) as `Io`; after one, sled 0.34 keeps the
    /// error and fails every later call, so it is a storage failure, not a one-off.
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(io) => EngineError::StorageFailed {
                detail: io.to_string(),
            },
            other => EngineError::Store(other.to_string()),
        }
    }
}

impl From<crate::store::kv::Error> for EngineError {
    fn from(e: crate::store::kv::Error) -> Self {
        use crate::store::kv::Error as K;
        match e {
            K::Sled(s) => s.into(),
            K::Unavailable(detail) => EngineError::StoreUnavailable { detail },
            K::Database(detail) => EngineError::Store(detail),
        }
    }
}

impl From<crate::store::kv::transaction::TransactionError<EngineError>> for EngineError {
    fn from(e: crate::store::kv::transaction::TransactionError<EngineError>) -> Self {
        use crate::store::kv::transaction::TransactionError as T;
        match e {
            T::Abort(inner) => inner,
            T::Storage(s) => s.into(),
        }
    }
}

impl From<sled::transaction::TransactionError<EngineError>> for EngineError {
    fn from(e: sled::transaction::TransactionError<EngineError>) -> Self {
        match e {
            sled::transaction::TransactionError::Abort(inner) => inner,
            sled::transaction::TransactionError::Storage(s) => s.into(),
        }
    }
}

/// Why a credential or token was refused. Messages are plain ASCII (RFC 6749 §5.2).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Unknown id, wrong secret and revoked credential are deliberately indistinguishable.
    #[error("Client authentication failed")]
    InvalidClient,
    #[error("Too many failed authentication attempts; retry after {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// Too many secret verifications are running (each costs ~19 MiB); nothing was counted.
    #[error("The server is busy verifying other requests; retry after {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    /// Expired, revoked, malformed or forged.
    #[error("The access token is invalid or has expired")]
    InvalidToken,
    /// The token or credential is good but its account is disabled (`routemate accounts
    /// disable`): refused until the account is enabled again.
    #[error("The account is disabled")]
    AccountDisabled,
    /// The token could not be checked: the store's database is unavailable (HTTP 503).
    #[error("The token could not be checked now; retry shortly")]
    Unavailable,
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::InvalidClient => "invalid_client",
            AuthError::RateLimited { .. } => "rate_limited",
            AuthError::Busy { .. } => "busy",
            AuthError::InvalidToken => "invalid_token",
            AuthError::Unavailable => "store_unavailable",
            AuthError::AccountDisabled => "account_disabled",
        }
    }
}
