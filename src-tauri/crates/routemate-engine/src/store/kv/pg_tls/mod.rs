//! TLS to PostgreSQL, the way libpq reads a connection string: the URL's `sslmode` and
//! `sslrootcert` (or [`CA_ENV`]) pick whether the connection is encrypted and how the server's
//! certificate is checked.
//!
//! | `sslmode`     | TLS                          | certificate check                            |
//! |---------------|------------------------------|----------------------------------------------|
//! | `disable`     | never                        | —                                            |
//! | `prefer` (default) | when the server offers it | none; the chain when a CA is given (libpq)   |
//! | `require`     | always                       | none; the chain when a CA is given (libpq)   |
//! | `verify-ca`   | always                       | the chain, against the CA or the system roots |
//! | `verify-full` | always                       | the chain and the host name                   |
//!
//! `sslrootcert=FILE` (PEM, one or more certificates) or `ROUTEMATE_DATABASE_CA=FILE` gives the
//! CA (the URL's wins); without one, `verify-*` checks against the system's roots
//! (rustls-native-certs). `sslrootcert=system` (libpq 16) asks for the system's roots and
//! `verify-full` explicitly.
//!
//! tokio-postgres' own parser knows only `disable` / `prefer` / `require` and refuses
//! `sslrootcert`, so [`PgTls::from_url`] takes both out of the URL (either form:
//! `postgres://…?sslmode=…` or `host=… sslmode=…`), and [`PgTls::configure`] sets the mode
//! tokio-postgres should use. The connector is tokio-postgres-rustls on the workspace's rustls
//! (ring). Nothing here sees or keeps the password.

mod verify;

use super::Error;
use rustls::CertificateError;
use std::fmt;
use std::path::PathBuf;
use tokio_postgres::config::SslMode as PgSslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres_rustls::MakeRustlsConnect;
use verify::connector;

/// The variable naming a CA file (PEM) for the database's certificate, when the URL has no
/// `sslrootcert`.
pub const CA_ENV: &str = "ROUTEMATE_DATABASE_CA";

/// libpq's `sslmode` values that RouteMate supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<SslMode, TlsSetupError> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            "allow" => return Err(TlsSetupError::AllowMode),
            other => return Err(TlsSetupError::UnknownMode(other.to_string())),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A TLS setting that cannot be used (the store is not opened).
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error(
        "sslmode={0:?} in the database URL is not one of disable, prefer, require, verify-ca, \
         verify-full"
    )]
    UnknownMode(String),
    #[error(
        "sslmode=allow in the database URL is not supported (it tries without TLS first): \
         use disable or prefer"
    )]
    AllowMode,
    #[error("the database CA file {path} ({from}) cannot be read: {source}")]
    CaUnreadable {
        path: PathBuf,
        from: &'static str,
        source: std::io::Error,
    },
    #[error(
        "the database CA file {path} ({from}) is not a PEM certificate file: {reason} \
         (expected -----BEGIN CERTIFICATE----- blocks)"
    )]
    CaNotPem {
        path: PathBuf,
        from: &'static str,
        reason: String,
    },
    #[error("the database CA file {path} ({from}): certificate {index} is not usable: {reason}")]
    CaInvalid {
        path: PathBuf,
        from: &'static str,
        index: usize,
        reason: String,
    },
    #[error(
        "sslmode={0} checks the database server's certificate, but no root certificates were \
         found on this system: give the CA with sslrootcert=FILE in the URL or {CA_ENV}=FILE"
    )]
    NoSystemRoots(SslMode),
    #[error(
        "sslrootcert=system needs sslmode=verify-full (the URL says sslmode={0}), as in libpq"
    )]
    WeakModeWithSystemRoots(SslMode),
    #[error("the TLS set-up for the database failed: {0}")]
    Rustls(String),
}

impl From<TlsSetupError> for Error {
    fn from(e: TlsSetupError) -> Error {
        Error::Database(e.to_string())
    }
}

/// Where the roots that check the server's certificate come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Roots {
    /// No CA given: `prefer` / `require` check nothing, `verify-*` use the system's roots.
    Default,
    /// `sslrootcert=system`.
    System,
    /// A PEM file, from the URL's `sslrootcert` or [`CA_ENV`].
    File { path: PathBuf, from: &'static str },
}

/// What the server's certificate is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Nothing,
    Chain,
    ChainAndName,
}

/// The TLS part of a database URL, taken out of it, and the connector it asks for.
#[derive(Clone)]
pub struct PgTls {
    /// The URL without `sslmode` / `sslrootcert` (for tokio-postgres' parser).
    url: String,
    mode: SslMode,
    roots: Roots,
    check: Check,
    connector: MakeRustlsConnect,
}

impl fmt::Debug for PgTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the URL: it may hold the password.
        f.debug_struct("PgTls")
            .field("mode", &self.mode)
            .field("roots", &self.roots)
            .finish_non_exhaustive()
    }
}

impl PgTls {
    /// Reads `sslmode` and `sslrootcert` out of `url` (and [`CA_ENV`] from the environment),
    /// loads the CA, and builds the connector.
    pub fn from_url(url: &str) -> Result<PgTls, TlsSetupError> {
        let env_ca = std::env::var_os(CA_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        PgTls::new(url, env_ca)
    }

    /// [`PgTls::from_url`] with the environment's CA given.
    pub fn new(url: &str, env_ca: Option<PathBuf>) -> Result<PgTls, TlsSetupError> {
        let parts = split_tls_params(url);
        let roots = match parts.rootcert {
            Some(s) if s == "system" => Roots::System,
            Some(s) if !s.is_empty() => Roots::File {
                path: PathBuf::from(s),
                from: "sslrootcert",
            },
            _ => match env_ca {
                Some(path) => Roots::File { path, from: CA_ENV },
                None => Roots::Default,
            },
        };
        let mode = match parts.sslmode.as_deref() {
            Some(m) => SslMode::parse(m)?,
            None if roots == Roots::System => SslMode::VerifyFull,
            None => SslMode::Prefer,
        };
        if roots == Roots::System && mode != SslMode::VerifyFull {
            return Err(TlsSetupError::WeakModeWithSystemRoots(mode));
        }
        let check = match (mode, &roots) {
            (SslMode::Disable, _) => Check::Nothing,
            (SslMode::VerifyFull, _) => Check::ChainAndName,
            (SslMode::VerifyCa, _) => Check::Chain,
            // libpq: with a root certificate at hand, prefer and require check the chain too.
            (SslMode::Prefer | SslMode::Require, Roots::File { .. }) => Check::Chain,
            (SslMode::Prefer | SslMode::Require, _) => Check::Nothing,
        };
        let connector = connector(mode, &roots, check)?;
        Ok(PgTls {
            url: parts.url,
            mode,
            roots,
            check,
            connector,
        })
    }

    /// The URL for tokio-postgres' parser (without what this module took out).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn mode(&self) -> SslMode {
        self.mode
    }

    /// Sets the mode tokio-postgres negotiates with (the verify modes are `require` there: the
    /// connector checks the certificate).
    pub fn configure(&self, config: &mut tokio_postgres::Config) {
        config.ssl_mode(match self.mode {
            SslMode::Disable => PgSslMode::Disable,
            SslMode::Prefer => PgSslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => PgSslMode::Require,
        });
    }

    /// The connector for the pool (unused under `disable`).
    pub fn connector(&self) -> MakeRustlsConnect {
        self.connector.clone()
    }

    /// The setting in a few words, for the log (`sslmode=verify-full, CA /etc/…/ca.pem`).
    pub fn describe(&self) -> String {
        let check = match self.check {
            Check::Nothing => "certificate not checked".to_string(),
            Check::Chain => format!("certificate checked against {}", self.roots_label()),
            Check::ChainAndName => {
                format!(
                    "certificate and host name checked against {}",
                    self.roots_label()
                )
            }
        };
        match self.mode {
            SslMode::Disable => "sslmode=disable (no TLS)".into(),
            mode => format!("sslmode={mode}, {check}"),
        }
    }

    fn roots_label(&self) -> String {
        match &self.roots {
            Roots::File { path, from } => format!("the CA in {} ({from})", path.display()),
            Roots::Default | Roots::System => "the system's root CAs".into(),
        }
    }

    /// Says what went wrong when a connection failed because of TLS (the certificate, a server
    /// without TLS, a server that wants TLS under `disable`); `None` for any other failure.
    pub fn explain(&self, e: &tokio_postgres::Error) -> Option<Error> {
        let mode = self.mode;
        if let Some(db) = e.as_db_error() {
            // 28000: no pg_hba.conf line lets this connection in; "no encryption" is PostgreSQL
            // saying a TLS connection might be let in.
            if *db.code() == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                && mode == SslMode::Disable
                && db.message().contains("no encryption")
            {
                return Some(Error::Database(format!(
                    "the database server refused a connection without TLS ({}): the URL says \
                     sslmode=disable, but the server accepts only TLS connections from here; \
                     use sslmode=verify-full (or require)",
                    db.message()
                )));
            }
            return None;
        }
        let cause = std::error::Error::source(e)?;
        if cause.to_string() == "server does not support TLS" {
            return Some(Error::Unavailable(format!(
                "the database server does not offer TLS, and sslmode={mode} requires it \
                 (is ssl = on in its postgresql.conf?)"
            )));
        }
        let rustls_error = cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())?;
        let detail = match rustls_error {
            rustls::Error::InvalidCertificate(c) => {
                let why = match c {
                    CertificateError::UnknownIssuer => {
                        format!("it is not signed by {}", self.roots_label())
                    }
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. } => {
                        format!(
                            "it is signed by {}, but not issued for the host name in the URL",
                            self.roots_label()
                        )
                    }
                    CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                        "it has expired".to_string()
                    }
                    CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                        "it is not valid yet".to_string()
                    }
                    _ => "it is not acceptable".to_string(),
                };
                format!(
                    "the database server's certificate does not verify under sslmode={mode}: \
                     {why} ({rustls_error})"
                )
            }
            other => format!(
                "the TLS handshake with the database server failed (sslmode={mode}): {other}"
            ),
        };
        Some(Error::Unavailable(detail))
    }
}

/// A URL with `sslmode` and `sslrootcert` taken out.
#[derive(Debug, PartialEq, Eq)]
struct TlsParams {
    url: String,
    sslmode: Option<String>,
    rootcert: Option<String>,
}

/// Takes `sslmode` and `sslrootcert` out of a URL (`postgres://…?a=b&…`, values
/// percent-encoded) or a key=value string (`host=h sslmode='verify-full'`); the last one of a
/// key counts, as in libpq. A string this cannot read is returned as it is, for tokio-postgres
/// to report.
fn split_tls_params(url: &str) -> TlsParams {
    let none = || TlsParams {
        url: url.to_string(),
        sslmode: None,
        rootcert: None,
    };
    let (mut sslmode, mut rootcert) = (None, None);
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let Some((base, query)) = url.split_once('?') else {
            return none();
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(key) = percent_decode(k) else {
                return none();
            };
            let slot = match key.as_str() {
                "sslmode" => &mut sslmode,
                "sslrootcert" => &mut rootcert,
                _ => {
                    kept.push(pair);
                    continue;
                }
            };
            let Some(value) = percent_decode(v) else {
                return none();
            };
            *slot = Some(value);
        }
        let url = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return TlsParams {
            url,
            sslmode,
            rootcert,
        };
    }
    let Some(pairs) = key_value_pairs(url) else {
        return none();
    };
    let mut kept = Vec::new();
    for (key, value, raw) in pairs {
        match key.as_str() {
            "sslmode" => sslmode = Some(value),
            "sslrootcert" => rootcert = Some(value),
            _ => kept.push(raw),
        }
    }
    TlsParams {
        url: kept.join(" "),
        sslmode,
        rootcert,
    }
}

/// `%XX` decoding (UTF-8); `None` for a bad escape.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// libpq's key=value form: `(key, unescaped value, the pair as written)`; `None` when it does
/// not read as pairs.
fn key_value_pairs(s: &str) -> Option<Vec<(String, String, &str)>> {
    let mut pairs = Vec::new();
    let mut chars = s.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            return Some(pairs);
        };
        let mut key = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        chars.next_if(|(_, c)| *c == '=')?;
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        let end;
        if chars.next_if(|(_, c)| *c == '\'').is_some() {
            loop {
                let (i, c) = chars.next()?;
                match c {
                    '\'' => {
                        end = i + 1;
                        break;
                    }
                    '\\' => value.push(chars.next()?.1),
                    c => value.push(c),
                }
            }
        } else {
            loop {
                match chars.peek() {
                    None => {
                        end = s.len();
                        break;
                    }
                    Some(&(i, c)) if c.is_whitespace() => {
                        end = i;
                        break;
                    }
                    Some(&(_, '\\')) => {
                        chars.next();
                        value.push(chars.next()?.1);
                    }
                    Some(&(_, c)) => {
                        chars.next();
                        value.push(c);
                    }
                }
            }
        }
        if key.is_empty() {
            return None;
        }
        pairs.push((key, value, &s[start..end]));
    }
}

#[cfg(test)]
mod tests;
