//! The deliverer's DNS for subscriptions that may not reach internal addresses (made through a
//! public server's API): every host name is resolved here, addresses the engine classifies as
//! internal ([`routemate_engine::webhooks::internal_kind`]: loopback, private, link-local with
//! the cloud metadata service, carrier-grade NAT, …) are dropped, and the connection goes only
//! to the addresses that passed — reqwest does not look the name up again, so a second answer
//! cannot rebind it. A name left with no address fails the attempt with [`Refused`], which the
//! delivery log shows as is.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use routemate_engine::webhooks::{internal_kind, refused_resolution};
use std::net::{IpAddr, SocketAddr};

/// Why an attempt did not connect: `NAME resolves to IP, a KIND address; refused on a public
/// server`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// The resolver of [`super::send::client`] when internal addresses are refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = public_addrs(&host).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// What `host` resolves to (system resolver), its internal addresses left out; [`Refused`] when
/// none is left.
pub async fn public_addrs(
    host: &str,
) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let all: Vec<SocketAddr> = tokio::net::lookup_host((host, 0)).await?.collect();
    let ips: Vec<IpAddr> = all.iter().map(|a| a.ip()).collect();
    if let Some(why) = refused_resolution(host, &ips) {
        return Err(Box::new(Refused(why)));
    }
    let public: Vec<SocketAddr> = all
        .into_iter()
        .filter(|a| internal_kind(a.ip()).is_none())
        .collect();
    if public.is_empty() {
        return Err(format!("{host} resolves to no address").into());
    }
    Ok(public)
}

/// An IP literal in `url` that is internal (the resolver never sees literals).
pub fn refused_literal(url: &str) -> Option<Refused> {
    let url = reqwest::Url::parse(url).ok()?;
    let host = url.host_str()?;
    let ip: IpAddr = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()?;
    let kind = internal_kind(ip)?;
    Some(Refused(format!(
        "{ip} is a {kind} address; refused on a public server"
    )))
}

/// The [`Refused`] somewhere in `e`'s chain of causes.
pub fn refused_in(e: &(dyn std::error::Error + 'static)) -> Option<Refused> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<Refused>() {
            return Some(r.clone());
        }
        cur = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn localhost_is_refused_through_the_system_resolver() {
        // /etc/hosts names localhost 127.0.0.1: no network needed.
        let e = public_addrs("localhost").await.unwrap_err();
        let refused = refused_in(e.as_ref()).expect("a Refused");
        assert!(
            refused
                .0
                .starts_with("localhost resolves to 127.0.0.1, a loopback address")
                || refused
                    .0
                    .starts_with("localhost resolves to ::1, a loopback address"),
            "{refused}"
        );
        assert!(refused.0.ends_with("refused on a public server"));
    }

    #[test]
    fn literals_are_classified_like_names() {
        assert_eq!(
            refused_literal("https://169.254.169.254/latest/meta-data")
                .unwrap()
                .0,
            "169.254.169.254 is a link-local address; refused on a public server"
        );
        assert!(refused_literal("https://[::ffff:10.0.0.5]/").is_some());
        assert!(refused_literal("https://93.184.215.14/").is_none());
        assert!(refused_literal("https://hooks.example.com/").is_none());
    }

    /// A receiver on 127.0.0.1 answering 200 to each request; counts the connections it got.
    async fn receiver() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 65536];
                    let mut got = Vec::new();
                    // Read the head and the (small) body, then answer.
                    while let Ok(n) = sock.read(&mut buf).await {
                        if n == 0 {
                            return;
                        }
                        got.extend_from_slice(&buf[..n]);
                        let text = String::from_utf8_lossy(&got);
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text[..end]
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if got.len() >= end + 4 + len {
                                break;
                            }
                        }
                    }
                    let _ = sock
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        )
                        .await;
                });
            }
        });
        (port, seen)
    }

    fn target(url: String, private_ok: bool) -> routemate_engine::webhooks::Target {
        routemate_engine::webhooks::Target {
            id: "wh_test".into(),
            account: "acct".into(),
            url,
            secret: "whsec_0123456789abcdef0123456789abcdef0123456".into(),
            private_ok,
        }
    }

    #[tokio::test]
    async fn a_public_server_does_not_connect_to_a_name_resolving_to_loopback() {
        use crate::webhooks::send;
        use std::sync::atomic::Ordering;
        let (port, seen) = receiver().await;
        let url = format!("http://localhost:{port}/hook");
        let timeout = std::time::Duration::from_secs(5);

        // Refused: the delivery log says why, and the receiver saw no connection.
        let public = send::client(timeout, false).unwrap();
        let out = send::post(
            &public,
            &target(url.clone(), false),
            "evt_1",
            "job.completed",
            b"{}".to_vec(),
        )
        .await;
        assert!(!out.attempt.ok);
        assert_eq!(out.attempt.status, None);
        let error = out.attempt.error.unwrap();
        assert!(error.starts_with("localhost resolves to "), "{error}");
        assert!(
            error.ends_with(", a loopback address; refused on a public server"),
            "{error}"
        );
        // An IP literal never reaches the resolver: refused before sending.
        let literal = format!("http://127.0.0.1:{port}/hook");
        let out = send::post(
            &public,
            &target(literal, false),
            "evt_2",
            "job.completed",
            b"{}".to_vec(),
        )
        .await;
        assert_eq!(
            out.attempt.error.as_deref(),
            Some("127.0.0.1 is a loopback address; refused on a public server")
        );
        assert_eq!(seen.load(Ordering::SeqCst), 0);

        // Allowed (desktop, CLI, a loopback-bound server): delivered.
        let open = send::client(timeout, true).unwrap();
        let out = send::post(
            &open,
            &target(url, true),
            "evt_3",
            "job.completed",
            b"{}".to_vec(),
        )
        .await;
        assert!(out.attempt.ok, "{:?}", out.attempt.error);
        assert_eq!(out.attempt.status, Some(200));
        assert_eq!(seen.load(Ordering::SeqCst), 1);
    }
}
