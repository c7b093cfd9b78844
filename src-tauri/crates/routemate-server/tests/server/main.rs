//! The HTTP server's integration tests in one binary: the API over a real listener (`http`) and
//! hostile clients (`hardening`).

mod hardening;
mod http;
