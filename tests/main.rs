//! The black-box tests in one binary (one link instead of one per file). Each module starts
//! the built `routemate` binary (see `support/lib.rs`) and checks what a user or integrator
//! would see.

mod api_flow;
mod cli;
mod durability;
mod hardening_disk;
mod hardening_watch;
mod secrets;
mod watch_cli;
mod watch_d1;
