//! The optimizer's integration tests in one binary (one link instead of one per file): TSPLIB
//! instances with proven optima (`tsplib`) and property tests on random instances
//! (`properties`).

mod properties;
mod support;
mod tsplib;
