//! The error answers the handlers share, declared once for the OpenAPI document: each type
//! below is one kind of route's set, named in a handler's `#[utoipa::path(responses(...))]`
//! beside the answers only that route gives (its success, `404`, `422`). Every body is an
//! RFC 9457 [`Problem`](super::problem::Problem) as `application/problem+json`; `403` and the
//! deadline's `503` on every route come from `openapi::EveryRoute`.

use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::IntoResponses;

/// Routes that only read (and take no body): `400`, `401`, `503`.
pub(crate) struct ReadErrors;

/// Routes that change stored data without a body (delete, retry): [`ReadErrors`]' answers
/// with a write's `503` and `507`.
pub(crate) struct ChangeErrors;

/// Routes that take a JSON body and write: `400`, `401`, `408`, `413`, `415`, `503`, `507`.
pub(crate) struct WriteErrors;

impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set([
            (400, problem(BAD_QUERY_OR_PATH)),
            (401, unauthorized()),
            (503, problem(READ_STORAGE)),
        ])
    }
}

impl IntoResponses for ChangeErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set([
            (400, problem(BAD_QUERY_OR_PATH)),
            (401, unauthorized()),
            (503, problem(WRITE_STORAGE)),
            (507, problem(DISK)),
        ])
    }
}

impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set([
            (400, problem(BAD_BODY_QUERY_OR_PATH)),
            (401, unauthorized()),
            (408, problem("The body did not arrive in time.")),
            (
                413,
                problem("The body is over the size limit (10 MiB by default)."),
            ),
            (415, problem("The body is not JSON.")),
            (503, problem(WRITE_STORAGE)),
            (507, problem(DISK)),
        ])
    }
}

const BAD_QUERY_OR_PATH: &str = "Malformed query or path, or the token sent in the URL.";
const BAD_BODY_QUERY_OR_PATH: &str = "Malformed JSON, query or path, or the token sent in the URL.";
const READ_STORAGE: &str = "A storage problem; retrying is safe.";
const WRITE_STORAGE: &str = "A storage problem; nothing was acknowledged, retrying is safe.";
const DISK: &str = "The disk is full (`disk-full`, nothing written) or failed \
    (`storage-failed`, the server restarts).";
const AUTH_401: &str = "No bearer token (`WWW-Authenticate: Bearer realm=\"routemate\"`), or \
    an expired, revoked or forged one (`error=\"invalid_token\"`, RFC 6750 §3).";

fn set<const N: usize>(entries: [(u16, ResponseBuilder); N]) -> BTreeMap<String, RefOr<Response>> {
    entries
        .into_iter()
        .map(|(status, r)| (status.to_string(), RefOr::T(r.build())))
        .collect()
}

/// A `Problem` answer with `description`.
fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/problem+json",
        Content::new(Some(Ref::from_schema_name("Problem"))),
    )
}

/// `401` with the bearer challenge (RFC 6750 §3).
fn unauthorized() -> ResponseBuilder {
    let challenge = HeaderBuilder::new()
        .schema(Object::with_type(Type::String))
        .description(Some("The bearer challenge."))
        .build();
    problem(AUTH_401).header("WWW-Authenticate", challenge)
}
