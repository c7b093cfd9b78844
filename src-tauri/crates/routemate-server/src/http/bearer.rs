//! Bearer-token authentication for the resource endpoints (RFC 6750).
//!
//! No credentials: 401 with `WWW-Authenticate: Bearer realm="routemate"` and no error code
//! (§3.1). A token that is expired, revoked, malformed or forged: 401 with
//! `error="invalid_token"`; so does a good token of a disabled account, whose problem `detail`
//! says the account is disabled. A token in the query string: 400 `invalid_request` (header only).

use super::problem::Problem;
use super::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use routemate_engine::Api;

const CHALLENGE: &str = "Bearer realm=\"routemate\"";

/// A handler argument: the account the request's bearer token belongs to. Put before the
/// handler's other extractors, so a request without a good token is answered by [`account`]'s
/// problem before anything else is looked at.
pub(crate) struct Account(pub String);

impl FromRequestParts<AppState> for Account {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Problem> {
        account(&s.api, &parts.headers, &parts.uri)
            .await
            .map(Account)
    }
}

/// The account the request's bearer token belongs to.
async fn account(api: &Api, headers: &HeaderMap, uri: &Uri) -> Result<String, Problem> {
    if uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p.starts_with("access_token=")))
    {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "Bad request",
            "send the access token in the Authorization header, not in the URL",
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            &format!("{CHALLENGE}, error=\"invalid_request\""),
        ));
    }
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let token = value.and_then(|v| {
        let (scheme, rest) = v.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim().to_string())
    });
    let Some(token) = token else {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            "send Authorization: Bearer <token> (get one from POST /v1/integration-token)",
        )
        .with_header(header::WWW_AUTHENTICATE, CHALLENGE));
    };
    let api = api.clone();
    let result = tokio::task::spawn_blocking(move || api.authenticate(&token)).await;
    match result {
        Ok(Ok(account)) => Ok(account),
        Ok(Err(routemate_engine::AuthError::Unavailable)) => Err(Problem::from(
            routemate_engine::EngineError::StoreUnavailable {
                detail: "checking the access token".into(),
            },
        )),
        Ok(Err(routemate_engine::AuthError::AccountDisabled)) => Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "invalid-token",
            "Invalid token",
            "the account is disabled: its tokens are refused until an operator enables it",
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            &format!("{CHALLENGE}, error=\"invalid_token\""),
        )),
        _ => Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "invalid-token",
            "Invalid token",
            "the access token is expired, revoked or not valid; request a new one",
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            &format!("{CHALLENGE}, error=\"invalid_token\""),
        )),
    }
}
