//! The client's address behind a load balancer: when a request comes from a trusted proxy
//! (`routemate serve --trusted-proxy IP`), the address that proxy saw is the last entry of
//! `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for` appends it), and that address is what
//! the failed-login rate limit counts. Entries before it are whatever the client sent, so they
//! are never believed; from any other peer the header is ignored.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The address the proxy saw, when `peer` is one of `trusted` and it named one.
pub(crate) fn client_addr(
    peer: IpAddr,
    trusted: &[IpAddr],
    forwarded_for: Option<&str>,
) -> Option<IpAddr> {
    if !trusted.contains(&peer) {
        return None;
    }
    forwarded_for?.rsplit(',').next()?.trim().parse().ok()
}

/// Middleware: replaces the connection's peer address by the forwarded one from a trusted proxy.
pub(crate) async fn forwarded_peer(
    State(trusted): State<Arc<Vec<IpAddr>>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let header = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        if let Some(ip) = client_addr(peer.ip(), &trusted, header) {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(ip, peer.port())));
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::client_addr;
    use std::net::IpAddr;

    fn check(peer: &str, header: Option<&str>, expected: Option<&str>) {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let trusted = [ip("127.0.0.1")];
        assert_eq!(
            client_addr(ip(peer), &trusted, header),
            expected.map(ip),
            "{peer} {header:?}"
        );
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client_and_only_its_own_entry_counts() {
        check("127.0.0.1", Some("203.0.113.7"), Some("203.0.113.7"));
        // A client's own forged entries come first; the proxy's entry is the last.
        check(
            "127.0.0.1",
            Some("10.9.9.9, 203.0.113.7"),
            Some("203.0.113.7"),
        );
        check("127.0.0.1", Some("2001:db8::1"), Some("2001:db8::1"));
        check("127.0.0.1", None, None);
        check("127.0.0.1", Some("not-an-address"), None);
        // Not a trusted proxy: the header is the client's word, ignored.
        check("198.51.100.2", Some("203.0.113.7"), None);
    }
}
