//! Rules for talking to remote servers (the online geocoder here, map tiles in the desktop
//! shell): https only, unless the server is on this machine or the user explicitly allowed plain
//! http, and response bodies read only up to a size cap.

use reqwest::Url;
use std::io::Read;

/// Why a URL or a response was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    #[error("not a valid URL: {0}")]
    BadUrl(String),
    #[error(
        "refusing plain http:// to {host}: what is sent would travel unencrypted; use https:// \
         (plain http is accepted only for this machine, or when insecure connections are \
         explicitly allowed)"
    )]
    Insecure { host: String },
    #[error("unsupported URL scheme {0:?}: only https:// (or http:// to this machine)")]
    Scheme(String),
    #[error("response larger than the {limit}-byte limit; cut off")]
    TooLarge { limit: usize },
    #[error("reading the response failed: {0}")]
    Read(String),
}

impl RemoteError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            RemoteError::BadUrl(_) => "REMOTE_BAD_URL",
            RemoteError::Insecure { .. } => "REMOTE_INSECURE",
            RemoteError::Scheme(_) => "REMOTE_SCHEME",
            RemoteError::TooLarge { .. } => "REMOTE_TOO_LARGE",
            RemoteError::Read(_) => "REMOTE_READ",
        }
    }
}

/// True for "localhost" and loopback addresses (127.0.0.0/8, ::1): traffic that never leaves
/// the machine, so plain http exposes nothing.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // IPv6 hosts come bracketed ("[::1]").
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks an already parsed URL against the https-only rule.
pub fn check(url: &Url, allow_insecure: bool) -> Result<(), RemoteError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure || is_loopback(url) => Ok(()),
        "http" => Err(RemoteError::Insecure {
            host: url.host_str().unwrap_or("").to_string(),
        }),
        other => Err(RemoteError::Scheme(other.to_string())),
    }
}

/// Parses `text` and applies [`check`].
pub fn check_url(text: &str, allow_insecure: bool) -> Result<Url, RemoteError> {
    let url = Url::parse(text).map_err(|e| RemoteError::BadUrl(format!("{text:?}: {e}")))?;
    check(&url, allow_insecure)?;
    Ok(url)
}

/// A redirect policy that applies the same rule to every hop (an https server must not bounce
/// the request to plain http), following at most five.
pub fn redirect_policy(allow_insecure: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 {
            attempt.error("too many redirects")
        } else if let Err(e) = check(attempt.url(), allow_insecure) {
            attempt.error(e)
        } else {
            attempt.follow()
        }
    })
}

/// Reads at most `limit` bytes of a body; a longer one (by its declared length, or by what
/// actually arrives) is refused without reading the rest.
pub fn read_capped(
    declared: Option<u64>,
    body: impl Read,
    limit: usize,
) -> Result<Vec<u8>, RemoteError> {
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(RemoteError::TooLarge { limit });
    }
    let mut out = Vec::with_capacity(declared.map_or(8 * 1024, |n| n as usize));
    body.take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| RemoteError::Read(e.to_string()))?;
    if out.len() > limit {
        return Err(RemoteError::TooLarge { limit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_pass_remote_http_does_not() {
        assert!(check_url("https://nominatim.example.org", false).is_ok());
        assert!(check_url("http://127.0.0.1:8080", false).is_ok());
        assert!(check_url("http://[::1]:8080", false).is_ok());
        assert!(check_url("http://localhost:8080", false).is_ok());
        let e = check_url("http://nominatim.example.org", false).unwrap_err();
        assert_eq!(e.code(), "REMOTE_INSECURE");
        assert!(e.to_string().contains("nominatim.example.org"), "{e}");
        assert!(check_url("http://nominatim.example.org", true).is_ok());
        assert_eq!(
            check_url("ftp://example.org", true).unwrap_err().code(),
            "REMOTE_SCHEME"
        );
        assert_eq!(
            check_url("nonsense", false).unwrap_err().code(),
            "REMOTE_BAD_URL"
        );
    }

    #[test]
    fn bodies_are_cut_at_the_cap() {
        let body = [b'x'; 100];
        assert_eq!(read_capped(None, &body[..], 100).unwrap().len(), 100);
        assert_eq!(
            read_capped(None, &body[..], 99).unwrap_err(),
            RemoteError::TooLarge { limit: 99 }
        );
        assert_eq!(
            read_capped(Some(1 << 40), &body[..], 99).unwrap_err(),
            RemoteError::TooLarge { limit: 99 }
        );
    }
}
