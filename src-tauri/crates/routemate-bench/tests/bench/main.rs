//! The bench crate's integration tests in one binary: the instance parsers and the
//! `routemate-bench` command line, and the VRP parsers and `vrp-solve` (`vrp`).

mod cli;
mod instances;
mod vrp;
