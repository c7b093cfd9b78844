//! The HTTP server's integration tests in one binary: the API over a real listener (`http`) and
//! hostile clients (`hardening`), and the OpenAPI document (`openapi`); `support` starts servers.

mod accounts;
mod export;
mod hardening;
mod http;
mod openapi;
mod ops;
mod plans;
mod support;
mod webhooks_ssrf;
