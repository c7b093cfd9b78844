//! The client side of a running server's admin socket (see `http::admin`): how `routemate
//! credentials …` and `routemate accounts …` work while `routemate serve` holds a sled store.
//!
//! [`connect`] answers `None` when no server listens in the data dir (no socket, or a stale one
//! from a killed server), and the command then opens the store itself as before.

use super::accounts::AccountsCmd;
use super::credentials::CredentialsCmd;
use crate::http::admin::{SOCKET_FILE, TOKEN_FILE};
use anyhow::{bail, Context};
use axum::body::Body;
use axum::http::{header, Method, Request};
use serde_json::{json, Value};
use std::path::Path;

/// A connection to a running server's admin calls.
pub struct Admin {
    socket: std::path::PathBuf,
    token: String,
    runtime: tokio::runtime::Runtime,
}

/// The admin socket of a server running on `dir`, or `None` when none answers.
pub fn connect(dir: &Path) -> anyhow::Result<Option<Admin>> {
    let socket = dir.join(SOCKET_FILE);
    if !socket.exists() {
        return Ok(None);
    }
    // A socket nobody listens on (the server was killed) refuses the connection.
    if std::os::unix::net::UnixStream::connect(&socket).is_err() {
        return Ok(None);
    }
    let token = std::fs::read_to_string(dir.join(TOKEN_FILE)).with_context(|| {
        format!(
            "a server is running on {} but its admin token cannot be read (run this as the \
             user the server runs as)",
            dir.display()
        )
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(Some(Admin {
        socket,
        token: token.trim().to_string(),
        runtime,
    }))
}

impl Admin {
    /// One call; the answer's JSON body, or the server's problem as the error.
    pub fn call(&self, method: Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        self.runtime.block_on(async {
            let stream = tokio::net::UnixStream::connect(&self.socket)
                .await
                .context("cannot reach the server's admin socket")?;
            let (mut send, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            let mut req = Request::builder()
                .method(method)
                .uri(path)
                .header(header::HOST, "localhost")
                .header(header::AUTHORIZATION, format!("Bearer {}", self.token));
            let body = match body {
                Some(v) => {
                    req = req.header(header::CONTENT_TYPE, "application/json");
                    Body::from(serde_json::to_vec(&v)?)
                }
                None => Body::empty(),
            };
            let res = send.send_request(req.body(body)?).await?;
            let status = res.status();
            let bytes = axum::body::to_bytes(Body::new(res.into_body()), 1 << 24).await?;
            let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            if !status.is_success() {
                let detail = value["detail"].as_str().unwrap_or("no detail");
                bail!("the running server refused: {status}: {detail}");
            }
            Ok(value)
        })
    }

    /// `routemate credentials …` through the server: the same answers as on the store itself.
    pub fn credentials(&self, account: &str, cmd: &CredentialsCmd) -> anyhow::Result<Value> {
        let segment =
            |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
        match cmd {
            CredentialsCmd::Create { name } => self.call(
                Method::POST,
                "/admin/credentials",
                Some(json!({"account": account, "name": name})),
            ),
            CredentialsCmd::List { all: true } => {
                self.call(Method::GET, "/admin/credentials", None)
            }
            CredentialsCmd::List { all: false } => self.call(
                Method::GET,
                &format!("/admin/credentials?account={}", segment(account)),
                None,
            ),
            CredentialsCmd::Revoke { client_id } => self.call(
                Method::POST,
                &format!("/admin/credentials/{}/revoke", segment(client_id)),
                None,
            ),
        }
    }

    /// `routemate accounts …` through the server: the same answers as on the store itself.
    pub fn accounts(&self, cmd: &AccountsCmd) -> anyhow::Result<Value> {
        match cmd {
            AccountsCmd::List => self.call(Method::GET, "/admin/accounts", None),
            AccountsCmd::Disable { account, reason } => self.call(
                Method::POST,
                "/admin/accounts/disable",
                Some(json!({"account": account, "reason": reason})),
            ),
            AccountsCmd::Enable { account } => self.call(
                Method::POST,
                "/admin/accounts/enable",
                Some(json!({"account": account})),
            ),
        }
    }
}
