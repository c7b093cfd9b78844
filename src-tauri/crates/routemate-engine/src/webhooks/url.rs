//! Which URLs a subscription may deliver to: `https://`, or plain `http://` only to this machine
//! (a local integration on the depot PC), never with credentials in the URL. A server reachable
//! from other machines (`local == false`) takes no loopback, private or link-local address at all,
//! so a subscriber cannot make it call its own services (a hostname is not resolved here).

use crate::error::EngineError;
use std::net::IpAddr;

/// Checks a subscription URL; the error names the `url` field and why.
pub fn check_url(raw: &str, local: bool) -> Result<(), EngineError> {
    let bad = |why: &str| EngineError::invalid_field("url", "invalid_url", why.to_string());
    if raw.len() > 2000 {
        return Err(bad("must be at most 2000 characters"));
    }
    let url = url::Url::parse(raw).map_err(|e| bad(&format!("not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry a user name or password"));
    }
    if url.fragment().is_some() {
        return Err(bad("must not have a #fragment"));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(bad("must name a host")),
    };
    let internal = loopback
        || match url.host() {
            Some(url::Host::Ipv4(ip)) => {
                ip.is_private() || ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast()
            }
            Some(url::Host::Ipv6(ip)) => {
                let first = ip.segments()[0];
                ip.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
            }
            _ => false,
        };
    if !local && internal {
        return Err(bad(
            "must be a public https:// address (this server does not call loopback or private \
             addresses)",
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(bad(
            "must be https:// (plain http:// only to this machine: 127.0.0.1, ::1, localhost)",
        )),
        _ => Err(bad("must be an https:// URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn https_anywhere_plain_http_only_on_loopback() {
        for ok in [
            "https://erp.example.com/hooks/routemate",
            "http://127.0.0.1:9000/hook",
            "http://[::1]:9000/",
            "http://localhost/x",
        ] {
            assert!(check_url(ok, true).is_ok(), "{ok}");
        }
        for bad in [
            "http://erp.example.com/hook",
            "http://10.0.0.5/hook",
            "ftp://example.com/",
            "https://user:pw@example.com/",
            "not a url",
            "https://example.com/#frag",
        ] {
            assert!(check_url(bad, true).is_err(), "{bad}");
        }
        assert!(check_url("https://erp.example.com/h", false).is_ok());
        for internal in [
            "http://127.0.0.1:9000/hook",
            "https://127.0.0.1/",
            "https://10.1.2.3/",
            "https://169.254.169.254/latest",
            "https://[fd00::1]/",
            "https://localhost/",
        ] {
            assert!(check_url(internal, false).is_err(), "{internal}");
        }
    }
}
