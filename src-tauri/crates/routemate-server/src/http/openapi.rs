//! The OpenAPI 3.1 document of the whole API, generated from the handlers' `#[utoipa::path]`
//! annotations and the wire types' schemas, so it cannot drift from the code. Served at
//! `GET /v1/openapi.json`; `docs/openapi.json` is a committed copy that a test keeps fresh.
//!
//! The request bodies that handlers parse by hand (the token endpoint's two forms, a stop status)
//! are described by the documentation-only types below; the answers are the engine's own types.

use super::problem::Problem;
use routemate_core::model::StopStatus;
use routemate_engine::jobs::{JobPage, JobView};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

/// Describes the API as a whole; `http::api_routes` adds the paths from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "RouteMate integration API",
        description = "Import delivery jobs, get optimized routes and report stop progress. \
            Get a bearer token from `POST /v1/integration-token` with the client ID and secret \
            (`routemate credentials create`, or the desktop's Settings → API access), then send \
            `Authorization: Bearer <token>`. Errors are RFC 6749 §5.2 bodies on the token \
            endpoint and RFC 9457 `application/problem+json` elsewhere.",
        license(name = "MIT"),
    ),
    components(schemas(Problem, OAuthErrorBody)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Client credentials → bearer token (OAuth2)."),
        (name = "jobs", description = "Import, status, list and stop progress."),
        (name = "plans", description = "Plan a day across drivers: one job per driver, and \
            every stop left out with a reason."),
        (name = "webhooks", description = "Signed events pushed to your URL (subscriptions, \
            delivery log), and the replay of the account's events after an id."),
        (name = "meta", description = "The document itself and liveness."),
    )
)]
pub(crate) struct ApiDoc;

/// `POST /v1/integration-token` as JSON (the spec's own format).
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: the handler reads the fields itself
pub(crate) struct TokenRequest {
    /// `rm_ci_…`
    client_id: String,
    /// `rm_cs_…`
    client_secret: String,
    /// Optional here; when given it must be `client_credentials`.
    grant_type: Option<GrantType>,
}

/// `POST /v1/integration-token` as the OAuth2 form (RFC 6749 §4.4); the credentials may instead
/// come in HTTP Basic (§2.3.1), not both.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct TokenForm {
    grant_type: GrantType,
    client_id: Option<String>,
    client_secret: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum GrantType {
    ClientCredentials,
}

/// An RFC 6749 §5.2 error body; `error_description` is plain ASCII.
#[derive(Serialize, ToSchema)]
pub(crate) struct OAuthErrorBody {
    pub error: OAuthErrorCode,
    pub error_description: String,
}

/// The RFC 6749 error codes the token endpoint answers with.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    UnsupportedGrantType,
    InvalidScope,
    TemporarilyUnavailable,
}

/// `POST …/stops/{external_stop_id}/status`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct StopStatusRequest {
    status: StopStatus,
    /// At most 2,000 characters.
    #[schema(max_length = 2000)]
    note: Option<String>,
}

/// `GET /v1/integration-jobs`: one job by `job_id` or `external_job_id` (not both), else the
/// account's jobs newest first, filtered and paged by the rest.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct JobsQuery {
    job_id: Option<String>,
    external_job_id: Option<String>,
    /// List only jobs with this status.
    status: Option<routemate_core::model::JobStatus>,
    /// List only jobs changed at or after this time (RFC 3339).
    updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u16>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The answer of `GET /v1/integration-jobs`: one job when it was named, else a page.
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum JobOrPage {
    Job(Box<JobView>),
    Page(JobPage),
}

/// The security schemes the paths name (`security(("bearerAuth" = []))`; the attribute
/// takes only literals).
const BEARER: &str = "bearerAuth";
const BASIC: &str = "basicAuth";

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(Http::builder().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            BASIC,
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
    }
}

/// Answers the middleware can give on any route: `403` from the loopback guard (a server bound
/// to loopback refuses foreign `Host`/`Origin`), `503` when the request deadline passes.
struct EveryRoute;

impl Modify for EveryRoute {
    fn modify(&self, doc: &mut Document) {
        let problem = || {
            Content::builder()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build()
        };
        for item in doc.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let responses = &mut op.responses.responses;
                responses.entry("403".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description(
                            "Refused by the loopback guard: the `Host` or `Origin` is not a \
                             loopback name (servers bound to loopback only).",
                        )
                        .content("application/problem+json", problem())
                        .build()
                        .into()
                });
                let busy = responses.entry("503".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("No answer within the request deadline; retrying is safe.")
                        .build()
                        .into()
                });
                if let utoipa::openapi::RefOr::T(r) = busy {
                    r.content
                        .entry("application/problem+json".into())
                        .or_insert_with(problem);
                }
            }
        }
    }
}

/// The document as JSON: [`ApiDoc`] with every routed handler's path and the middleware's
/// answers.
pub fn document() -> serde_json::Value {
    let mut doc = super::api_routes().split_for_parts().1;
    EveryRoute.modify(&mut doc);
    let mut json = serde_json::to_value(&doc).expect("the OpenAPI document serialises");
    camel_case_links(&mut json);
    json
}

/// utoipa 5 writes a link's fields in snake case (`operation_id`), which OpenAPI does not know
/// (`operationId`): renames them in every response's `links`.
fn camel_case_links(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    let responses = paths
        .values_mut()
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|op| op.get_mut("responses").and_then(|r| r.as_object_mut()))
        .flat_map(|r| r.values_mut());
    for response in responses {
        let Some(links) = response.get_mut("links").and_then(|l| l.as_object_mut()) else {
            continue;
        };
        for link in links.values_mut().filter_map(|l| l.as_object_mut()) {
            for (from, to) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(v) = link.remove(from) {
                    link.insert(to.into(), v);
                }
            }
        }
    }
}
