//! The export crate's tests in one binary: what a driver and an office would check in each file.
//! `support` builds real jobs through the engine's import pipeline.

mod files;
mod navlinks;
mod packs;
mod run_sheet;
mod streets;
mod support;
