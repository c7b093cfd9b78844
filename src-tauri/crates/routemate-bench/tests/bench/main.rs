//! The bench crate's integration tests in one binary: the instance parsers and the
//! `routemate-bench` command line.

mod cli;
mod instances;
