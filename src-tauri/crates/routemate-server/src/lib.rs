//! The RouteMate HTTP API: an axum router over the engine's `api` facade.
