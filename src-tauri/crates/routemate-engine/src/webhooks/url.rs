//! Which URLs a subscription may deliver to: `https://`, or plain `http://` only to this machine
//! (a local integration on the depot PC), never with credentials in the URL. A server reachable
//! from other machines (`local == false`) takes no loopback, private or link-local address at all,
//! so a subscriber cannot make it call its own services: [`internal_kind`] classifies an
//! address, [`check_resolved`] refuses a host name that resolves only to such addresses when the
//! subscription is created, and the deliverer (`routemate-sync`'s `webhooks::resolve`) checks
//! every name again at each connection (DNS can change meanwhile).

use crate::error::EngineError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};

/// What kind of address a server reachable from elsewhere does not call: loopback, private
/// (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud metadata service
/// 169.254.169.254, fe80::/10), unspecified (0.0.0.0/8, ::), carrier-grade NAT (100.64/10),
/// multicast and broadcast; IPv4 addresses mapped into IPv6 (`::ffff:10.0.0.5`) or the NAT64
/// prefix (`64:ff9b::/96`) are judged as the IPv4 address. `None`: a public address.
pub fn internal_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if a == 0 {
        Some("unspecified")
    } else if a == 100 && (b & 0xc0) == 64 {
        Some("carrier-grade NAT")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else {
        None
    }
}

fn v6_kind(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_kind(v4);
    }
    let s = ip.segments();
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = ip.octets();
        return v4_kind(Ipv4Addr::new(a, b, c, d));
    }
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if (s[0] & 0xfe00) == 0xfc00 {
        Some("private")
    } else if (s[0] & 0xffc0) == 0xfe80 {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}

/// The refusal both checks give: `NAME resolves to IP, a KIND address; refused on a public
/// server`.
pub fn refusal(host: &str, ip: IpAddr, kind: &str) -> String {
    format!("{host} resolves to {ip}, a {kind} address; refused on a public server")
}

/// Of `addrs` (what `host` resolves to), the refusal when every one is internal; `None` when at
/// least one is public (the deliverer connects only to those) or there are none.
pub fn refused_resolution(host: &str, addrs: &[IpAddr]) -> Option<String> {
    if addrs.iter().any(|ip| internal_kind(*ip).is_none()) {
        return None;
    }
    let ip = *addrs.first()?;
    internal_kind(ip).map(|kind| refusal(host, ip, kind))
}

/// For a server reachable from elsewhere (`local == false`): resolves the URL's host name once
/// and refuses it when it names only internal addresses. A name that does not resolve (yet) is
/// not an error; the deliverer checks again at every connection. Blocking (the system resolver).
pub fn check_resolved(raw: &str, local: bool) -> Result<(), EngineError> {
    if local {
        return Ok(());
    }
    let Ok(url) = url::Url::parse(raw) else {
        return Ok(());
    };
    let Some(url::Host::Domain(host)) = url.host() else {
        return Ok(());
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let Ok(addrs) = (host, port).to_socket_addrs() else {
        return Ok(());
    };
    let addrs: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
    match refused_resolution(host, &addrs) {
        Some(why) => Err(EngineError::invalid_field("url", "private_address", why)),
        None => Ok(()),
    }
}

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
            Some(url::Host::Ipv4(ip)) => internal_kind(IpAddr::V4(ip)).is_some(),
            Some(url::Host::Ipv6(ip)) => internal_kind(IpAddr::V6(ip)).is_some(),
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
    use super::{check_url, internal_kind, refused_resolution};
    use std::net::IpAddr;

    fn kind(ip: &str) -> Option<&'static str> {
        internal_kind(ip.parse::<IpAddr>().unwrap())
    }

    #[test]
    fn every_internal_range_is_classified() {
        for (ip, want) in [
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("::1", "loopback"),
            ("10.0.0.5", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.254", "private"),
            ("192.168.1.20", "private"),
            ("fc00::1", "private"),
            ("fd12:3456::1", "private"),
            ("169.254.169.254", "link-local"),
            ("169.254.0.1", "link-local"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("::", "unspecified"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.254", "carrier-grade NAT"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("ff02::1", "multicast"),
            ("255.255.255.255", "broadcast"),
            // IPv4 mapped into IPv6, and through the NAT64 prefix, judged as the IPv4 address.
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.0.0.5", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::ffff:100.64.1.1", "carrier-grade NAT"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
        ] {
            assert_eq!(kind(ip), Some(want), "{ip}");
        }
        for public in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "172.15.255.255",
            "100.63.255.255",
            "100.128.0.1",
            "169.255.0.1",
            "192.169.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "fec0::1",
        ] {
            assert_eq!(kind(public), None, "{public}");
        }
    }

    #[test]
    fn a_name_is_refused_only_when_every_address_is_internal() {
        let ips =
            |list: &[&str]| -> Vec<IpAddr> { list.iter().map(|s| s.parse().unwrap()).collect() };
        assert_eq!(
            refused_resolution("hooks.example.com", &ips(&["10.0.0.5"])).as_deref(),
            Some("hooks.example.com resolves to 10.0.0.5, a private address; refused on a public server")
        );
        assert!(
            refused_resolution("x.example", &ips(&["169.254.169.254", "::1"]))
                .unwrap()
                .contains("169.254.169.254, a link-local address")
        );
        assert_eq!(
            refused_resolution("x.example", &ips(&["10.0.0.5", "93.184.215.14"])),
            None
        );
        assert_eq!(refused_resolution("x.example", &[]), None);
    }

    #[test]
    fn a_name_resolving_to_loopback_is_refused_on_a_public_server_only() {
        // `localhost` itself is refused by name; a resolvable name is checked through the
        // system resolver (this is `localhost` from /etc/hosts, no network needed).
        match super::check_resolved("https://localhost:9/hook", false) {
            Err(crate::error::EngineError::Invalid(f)) => {
                assert_eq!(
                    (f[0].field.as_str(), f[0].code.as_str()),
                    ("url", "private_address")
                );
                assert!(f[0]
                    .detail
                    .starts_with("localhost resolves to 127.0.0.1, a loopback"));
            }
            other => panic!("{other:?}"),
        }
        assert!(super::check_resolved("https://localhost:9/hook", true).is_ok());
        // A name that does not resolve says nothing at creation.
        assert!(super::check_resolved("https://no-such-host.invalid/hook", false).is_ok());
    }

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
            "https://100.64.0.1/",
            "https://[::ffff:10.0.0.5]/",
            "https://[::ffff:169.254.169.254]/",
            "https://224.0.0.1/",
        ] {
            assert!(check_url(internal, false).is_err(), "{internal}");
        }
    }
}
