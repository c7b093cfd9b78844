//! RFC 9457 `application/problem+json` errors: every engine error becomes a problem with a stable
//! `type`, and validation failures list each bad field. Internals never reach the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use routemate_core::validate::FieldError;
use routemate_engine::EngineError;
use serde::Serialize;

/// An RFC 9457 problem; `errors` lists each bad field of a `422`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `https://routemate.app/problems/<code>`, a stable code per kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub errors: Vec<FieldError>,
    #[serde(skip)]
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("https://routemate.app/problems/{code}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: header::HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    /// A `422` listing each bad field in `errors`; `detail` names the first few only, so the body
    /// stays proportional to the list (which validation already bounds).
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        const IN_DETAIL: usize = 3;
        let listed = errors
            .iter()
            .filter(|e| e.code != "too_many_errors")
            .count();
        let mut parts: Vec<String> = errors
            .iter()
            .filter(|e| e.code != "too_many_errors")
            .take(IN_DETAIL)
            .map(|e| format!("{}: {}", e.field, e.detail))
            .collect();
        if listed > IN_DETAIL || listed < errors.len() {
            parts.push("see errors for the full list".into());
        }
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation-failed",
            "The request is invalid",
            parts.join("; "),
        );
        p.errors = errors;
        p
    }

    pub fn too_large(limit: usize) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Request body too large",
            format!("the body must be at most {limit} bytes"),
        )
    }
}

/// Seconds a client waits before retrying when the database is unavailable.
pub const STORE_RETRY_AFTER: &str = "2";

impl From<EngineError> for Problem {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Invalid(errors) => Problem::invalid(errors),
            EngineError::NotFound { what } => Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                format!("{what} not found"),
            ),
            // The disk is full or failing: say so (507), and say whether anything was written.
            EngineError::DiskFull { .. } => Problem::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk-full",
                "The server's disk is full",
                "the server has too little free disk space to store this safely; nothing was \
                 written, retry once space is freed",
            ),
            EngineError::StorageFailed { .. } => {
                tracing::error!(error = %e, "request failed on a storage error");
                Problem::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "storage-failed",
                    "The server's storage failed",
                    "the server's disk failed a write; this request was not acknowledged and the \
                     server is restarting; retry once it is back (earlier acknowledged requests \
                     are safe)",
                )
            }
            // PostgreSQL unreachable (restarting, network): nothing written, the pool reconnects
            // by itself; the client retries after a moment.
            EngineError::StoreUnavailable { .. } => {
                tracing::warn!(error = %e, "request failed: the database is unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store-unavailable",
                    "The server's database is unavailable",
                    "the server could not reach its database; nothing was written, retry shortly",
                )
                .with_header(header::RETRY_AFTER, STORE_RETRY_AFTER)
            }
            other => {
                // Log the cause; tell the client only that it was ours and what to do.
                tracing::error!(code = other.code(), error = %other, "request failed");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    other.code(),
                    "The server could not complete the request",
                    "a storage problem prevented the request from completing; nothing was \
                     acknowledged, retrying is safe",
                )
                // Usually passing (a database restarting, a lock timeout): say when to retry.
                .with_header(header::RETRY_AFTER, "1")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        for (k, v) in self.headers {
            res.headers_mut().insert(k, v);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unavailable_database_is_503_with_retry_after() {
        let res = Problem::from(EngineError::StoreUnavailable {
            detail: "connection refused".into(),
        })
        .into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            res.headers().get(header::RETRY_AFTER).unwrap(),
            STORE_RETRY_AFTER
        );
        assert_eq!(
            res.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/problem+json"
        );
    }
}
