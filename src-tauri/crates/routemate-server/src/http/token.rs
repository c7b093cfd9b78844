//! `POST /v1/integration-token`: the OAuth2 client-credentials grant (RFC 6749 §4.4).
//!
//! Credentials come as JSON `{client_id, client_secret}` (the spec's own format), as a form body
//! with `grant_type=client_credentials`, or in HTTP Basic (§2.3.1, values form-urlencoded before
//! Base64). Using two methods at once, or credentials in the URL, is `invalid_request`. Errors use
//! the RFC 6749 §5.2 body with ASCII-only descriptions; every response is `no-store`.

use super::openapi::{OAuthErrorBody, OAuthErrorCode, TokenForm, TokenRequest};
use super::problem::Problem;
use super::{read_body, AppState};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use routemate_engine::auth::IssuedToken;
use routemate_engine::{AuthError, EngineError};
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;

struct OAuthError {
    status: StatusCode,
    error: OAuthErrorCode,
    description: String,
    headers: Vec<(header::HeaderName, String)>,
}

fn invalid_request(description: &str) -> OAuthError {
    OAuthError {
        status: StatusCode::BAD_REQUEST,
        error: OAuthErrorCode::InvalidRequest,
        description: description.into(),
        headers: vec![],
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.error,
            error_description: self.description,
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        for (k, v) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&v) {
                res.headers_mut().insert(k, v);
            }
        }
        no_store(res.headers_mut());
        res
    }
}

fn no_store(h: &mut HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// The request's parameters, whichever way they came.
#[derive(Default)]
struct Params {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    scope: Option<String>,
    grant_required: bool,
}

/// `POST /v1/integration-token`: client credentials (JSON, form or HTTP Basic) → bearer token.
#[utoipa::path(post, path = "/v1/integration-token", tag = "auth",
    request_body(description = "The client credentials, as JSON or as the OAuth2 form.", content(
        (TokenRequest = "application/json"),
        (TokenForm = "application/x-www-form-urlencoded"))),
    security((), ("basicAuth" = [])),
    responses(
        (status = 200, description = "A bearer token valid for `expires_in` seconds (`no-store`).",
            body = IssuedToken, headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "`invalid_request` (malformed body, missing or repeated \
            field, credentials in the URL, two authentication methods), \
            `unsupported_grant_type` or `invalid_scope`.", body = OAuthErrorBody),
        (status = 401, description = "`invalid_client`: the same answer for an unknown ID, a \
            wrong secret and a revoked credential.", body = OAuthErrorBody,
            headers(("WWW-Authenticate" = String, description = "Basic realm=\"routemate\""))),
        (status = 408, description = "The body did not arrive in time.", body = OAuthErrorBody),
        (status = 413, description = "The body is over 64 KiB.", body = OAuthErrorBody),
        (status = 429, description = "Too many failed attempts from this client or address.",
            body = OAuthErrorBody, headers(("Retry-After" = u32, description = "Seconds."))),
        (status = 503, description = "`temporarily_unavailable`: too many verifications at once \
            (with `Retry-After`) or a storage problem; or the request deadline passed \
            (problem+json).", content(
                (OAuthErrorBody = "application/json"),
                (Problem = "application/problem+json")),
            headers(("Retry-After" = u32, description = "Seconds."))),
    ))]
pub(crate) async fn token(State(s): State<AppState>, req: Request) -> Response {
    match handle(s, req).await {
        Ok(res) => res,
        Err(e) => e.into_response(),
    }
}

async fn handle(s: AppState, req: Request) -> Result<Response, OAuthError> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let (parts, body) = req.into_parts();
    if let Some(q) = parts.uri.query() {
        if form_urlencoded::parse(q.as_bytes())
            .any(|(k, _)| k == "client_secret" || k == "client_id")
        {
            return Err(invalid_request(
                "Client credentials must not be sent in the URL",
            ));
        }
    }
    let basic = basic_credentials(&parts.headers)?;
    let bytes = read_body(body, 64 * 1024, s.options.body_timeout)
        .await
        .map_err(|p| OAuthError {
            status: StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST),
            error: OAuthErrorCode::InvalidRequest,
            description: if p.status == 413 {
                "Request body too large".into()
            } else {
                "Request body too slow".into()
            },
            headers: vec![],
        })?;
    let mut p = body_params(&parts.headers, &bytes, basic.is_some())?;
    if let Some((id, secret)) = basic {
        if p.client_secret.is_some() {
            return Err(invalid_request(
                "Use one client authentication method, not two",
            ));
        }
        if p.client_id.as_ref().is_some_and(|body_id| *body_id != id) {
            return Err(invalid_request(
                "client_id in the body differs from HTTP Basic",
            ));
        }
        p.client_id = Some(id);
        p.client_secret = Some(secret);
    }
    match p.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(_) => {
            return Err(OAuthError {
                status: StatusCode::BAD_REQUEST,
                error: OAuthErrorCode::UnsupportedGrantType,
                description: "Only grant_type=client_credentials is supported".into(),
                headers: vec![],
            })
        }
        None if p.grant_required => {
            return Err(invalid_request("grant_type=client_credentials is required"))
        }
        None => {}
    }
    if p.scope.is_some() {
        return Err(OAuthError {
            status: StatusCode::BAD_REQUEST,
            error: OAuthErrorCode::InvalidScope,
            description: "Scopes are not supported; omit scope".into(),
            headers: vec![],
        });
    }
    let (Some(id), Some(secret)) = (p.client_id, p.client_secret) else {
        return Err(invalid_request("client_id and client_secret are required"));
    };
    let api = s.api.clone();
    let result =
        tokio::task::spawn_blocking(move || api.issue_token(&id, &secret, peer.as_deref()))
            .await
            .map_err(|_| invalid_request("The request could not be processed"))?;
    match result {
        Ok(t) => {
            let mut res = axum::Json(t).into_response();
            no_store(res.headers_mut());
            Ok(res)
        }
        Err(EngineError::Auth(AuthError::InvalidClient)) => Err(OAuthError {
            status: StatusCode::UNAUTHORIZED,
            error: OAuthErrorCode::InvalidClient,
            description: "Client authentication failed".into(),
            headers: vec![(header::WWW_AUTHENTICATE, "Basic realm=\"routemate\"".into())],
        }),
        // Only after the secret was verified: the caller already owns the credential.
        Err(EngineError::Auth(AuthError::AccountDisabled)) => Err(OAuthError {
            status: StatusCode::UNAUTHORIZED,
            error: OAuthErrorCode::InvalidClient,
            description: "Client authentication failed: the account is disabled".into(),
            headers: vec![(header::WWW_AUTHENTICATE, "Basic realm=\"routemate\"".into())],
        }),
        Err(EngineError::Auth(AuthError::RateLimited { retry_after_secs })) => Err(OAuthError {
            status: StatusCode::TOO_MANY_REQUESTS,
            error: OAuthErrorCode::InvalidRequest,
            description: format!(
                "Too many failed attempts; retry after {retry_after_secs} seconds"
            ),
            headers: vec![(header::RETRY_AFTER, retry_after_secs.to_string())],
        }),
        Err(EngineError::Auth(AuthError::Busy { retry_after_secs })) => Err(OAuthError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            error: OAuthErrorCode::TemporarilyUnavailable,
            description: format!(
                "Too many token requests at once; retry after {retry_after_secs} seconds"
            ),
            headers: vec![(header::RETRY_AFTER, retry_after_secs.to_string())],
        }),
        Err(e @ EngineError::StoreUnavailable { .. }) => {
            tracing::warn!(error = %e, "token request failed: the database is unavailable");
            Err(OAuthError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                error: OAuthErrorCode::TemporarilyUnavailable,
                description: "The server's database is unavailable; retry shortly".into(),
                headers: vec![(
                    header::RETRY_AFTER,
                    super::problem::STORE_RETRY_AFTER.to_string(),
                )],
            })
        }
        Err(e) => {
            tracing::error!(code = e.code(), error = %e, "token request failed");
            Err(OAuthError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                error: OAuthErrorCode::TemporarilyUnavailable,
                description: "The server could not issue a token; retry later".into(),
                headers: vec![],
            })
        }
    }
}

/// HTTP Basic credentials, percent-decoded after Base64 (RFC 6749 §2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| invalid_request("Malformed Authorization header"))?;
    let Some((scheme, rest)) = value.trim().split_once(' ') else {
        return Err(invalid_request("Malformed Authorization header"));
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(invalid_request("Use HTTP Basic or body credentials"));
    }
    let decoded = STANDARD
        .decode(rest.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| invalid_request("Malformed HTTP Basic credentials"))?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or_else(|| invalid_request("Malformed HTTP Basic credentials"))?;
    let unescape = |s: &str| -> String {
        form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((unescape(id), unescape(secret))))
}

fn body_params(headers: &HeaderMap, bytes: &[u8], has_basic: bool) -> Result<Params, OAuthError> {
    let essence = super::media_type(headers);
    let text = |v: Option<&Value>, name: &str| -> Result<Option<String>, OAuthError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid_request(&format!("{name} must be a string"))),
        }
    };
    match essence.as_str() {
        "application/json" => {
            let v: Value = serde_json::from_slice(bytes)
                .map_err(|_| invalid_request("The body is not valid JSON"))?;
            let obj = v
                .as_object()
                .ok_or_else(|| invalid_request("The body must be a JSON object"))?;
            Ok(Params {
                client_id: text(obj.get("client_id"), "client_id")?,
                client_secret: text(obj.get("client_secret"), "client_secret")?,
                grant_type: text(obj.get("grant_type"), "grant_type")?,
                scope: text(obj.get("scope"), "scope")?,
                grant_required: false,
            })
        }
        "application/x-www-form-urlencoded" => form_params(bytes),
        "" if bytes.is_empty() && has_basic => Ok(Params {
            grant_required: true,
            ..Params::default()
        }),
        "" if bytes.is_empty() => Err(invalid_request("client_id and client_secret are required")),
        _ => Err(invalid_request(
            "Send application/json or application/x-www-form-urlencoded",
        )),
    }
}

fn form_params(bytes: &[u8]) -> Result<Params, OAuthError> {
    let mut map: HashMap<String, String> = HashMap::new();
    for (k, v) in form_urlencoded::parse(bytes) {
        if v.is_empty() {
            continue; // "Parameters sent without a value MUST be treated as if they were omitted."
        }
        if map.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(invalid_request("A parameter is repeated"));
        }
    }
    Ok(Params {
        client_id: map.remove("client_id"),
        client_secret: map.remove("client_secret"),
        grant_type: map.remove("grant_type"),
        scope: map.remove("scope"),
        grant_required: true,
    })
}
