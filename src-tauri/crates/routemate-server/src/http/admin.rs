//! The admin endpoint of a running `routemate serve` on a sled store: credentials created,
//! listed and revoked, and accounts listed, disabled and enabled, while the server holds the
//! store (sled lets one process open it).
//!
//! It listens on a Unix socket in the data dir (`admin.sock`, mode 0600), never on the public
//! router, and every call must carry the bearer token the server wrote to `admin.token` (mode
//! 0600, a fresh random token each start). The data dir is 0700 already; the socket mode and the
//! token are two more fences, so only the store's owner (who could open the store anyway) gets
//! in. `routemate credentials …` finds both in the data dir and uses them when a server runs, and so does `routemate accounts …`.

use super::blocking;
use super::problem::Problem;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use routemate_engine::Api;
use serde::Deserialize;
use std::future::Future;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

/// The socket's file name in the data dir.
pub const SOCKET_FILE: &str = "admin.sock";
/// The token's file name in the data dir.
pub const TOKEN_FILE: &str = "admin.token";

/// `?account=` of the list call; without it every account's credentials.
#[derive(Debug, Deserialize)]
struct ListQuery {
    account: Option<String>,
}

/// The body of the create call.
#[derive(Debug, Deserialize)]
struct CreateBody {
    account: String,
    name: String,
}

/// The admin calls over `api`, each requiring `token`.
pub fn admin_router(api: Api, token: String) -> Router {
    Router::new()
        .route("/admin/credentials", get(list).post(create))
        .route("/admin/credentials/{client_id}/revoke", post(revoke))
        .route("/admin/accounts", get(list_accounts))
        .route("/admin/accounts/disable", post(disable_account))
        .route("/admin/accounts/enable", post(enable_account))
        .layer(middleware::from_fn_with_state(
            Arc::new(token),
            require_token,
        ))
        .with_state(api)
}

async fn list(State(api): State<Api>, Query(q): Query<ListQuery>) -> Result<Response, Problem> {
    let all = blocking(move || api.list_credentials(q.account.as_deref())).await?;
    Ok(Json(all).into_response())
}

async fn create(State(api): State<Api>, Json(b): Json<CreateBody>) -> Result<Response, Problem> {
    let c = blocking(move || api.create_credential(&b.account, &b.name)).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

async fn revoke(
    State(api): State<Api>,
    Path(client_id): Path<String>,
) -> Result<Response, Problem> {
    let id = client_id.clone();
    blocking(move || api.revoke_credential(None, &id)).await?;
    tracing::info!(%client_id, "credential revoked (admin)");
    Ok(Json(serde_json::json!({"revoked": client_id})).into_response())
}

/// The body of the account calls (the name in the body: any account name, no path escaping).
#[derive(Debug, Deserialize)]
struct AccountBody {
    account: String,
    reason: Option<String>,
}

async fn list_accounts(State(api): State<Api>) -> Result<Response, Problem> {
    let all = blocking(move || api.list_accounts()).await?;
    Ok(Json(all).into_response())
}

async fn disable_account(
    State(api): State<Api>,
    Json(b): Json<AccountBody>,
) -> Result<Response, Problem> {
    let info = blocking(move || api.disable_account(&b.account, b.reason.as_deref())).await?;
    Ok(Json(info).into_response())
}

async fn enable_account(
    State(api): State<Api>,
    Json(b): Json<AccountBody>,
) -> Result<Response, Problem> {
    let info = blocking(move || api.enable_account(&b.account)).await?;
    Ok(Json(info).into_response())
}

/// Refuses calls without the token (compared in constant time).
async fn require_token(State(token): State<Arc<String>>, req: Request, next: Next) -> Response {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same(given.as_bytes(), token.as_bytes()) {
        return Problem::new(
            StatusCode::UNAUTHORIZED,
            "admin-token",
            "Unauthorized",
            "the admin calls need the token in the data dir's admin.token",
        )
        .into_response();
    }
    next.run(req).await
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Writes a fresh token to `dir/admin.token` (0600, replacing an old one atomically).
fn write_token(dir: &FsPath) -> std::io::Result<String> {
    use rand::RngCore as _;
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = dir.join(format!("{TOKEN_FILE}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    std::io::Write::write_all(&mut opts.open(&tmp)?, token.as_bytes())?;
    std::fs::rename(&tmp, dir.join(TOKEN_FILE))?;
    Ok(token)
}

/// [`serve_unix`] on a sled store; `None` on PostgreSQL, where every process and command opens
/// the database itself and no admin socket is needed.
pub async fn serve_unix_if_sled(
    api: Api,
    dir: PathBuf,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<Option<impl Future<Output = ()>>> {
    if api.store().postgres().is_some() {
        return Ok(None);
    }
    serve_unix(api, dir, shutdown).await.map(Some)
}

/// Serves the admin calls on `dir/admin.sock` until `shutdown`, then removes the socket and the
/// token. An error (a path too long for a socket, a read-only dir) is returned before serving.
pub async fn serve_unix(
    api: Api,
    dir: PathBuf,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<impl Future<Output = ()>> {
    use std::os::unix::fs::PermissionsExt as _;
    let socket = dir.join(SOCKET_FILE);
    // A socket left by a killed server: nothing listens on it (the store lock says no other
    // server runs on this dir), so it is safe to replace.
    let _ = std::fs::remove_file(&socket);
    let listener = tokio::net::UnixListener::bind(&socket)?;
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))?;
    let token = write_token(&dir)?;
    let app = admin_router(api, token);
    Ok(async move {
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::warn!(error = %e, "the admin socket stopped");
        }
        let _ = std::fs::remove_file(dir.join(SOCKET_FILE));
        let _ = std::fs::remove_file(dir.join(TOKEN_FILE));
    })
}
