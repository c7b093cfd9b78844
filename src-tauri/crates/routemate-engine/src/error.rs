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
         job files (the watched folder keeps them under imported/)"
    )]
    StoreCorrupt { path: PathBuf, detail: String },
    #[error("store error: {0}")]
    Store(String),
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
            EngineError::Io { .. } => "io_error",
            EngineError::Auth(a) => a.code(),
        }
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
    fn from(e: sled::Error) -> Self {
        EngineError::Store(e.to_string())
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
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::InvalidClient => "invalid_client",
            AuthError::RateLimited { .. } => "rate_limited",
            AuthError::Busy { .. } => "busy",
            AuthError::InvalidToken => "invalid_token",
        }
    }
}
