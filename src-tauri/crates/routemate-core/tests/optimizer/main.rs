//! The optimizer's integration tests in one binary (one link instead of one per file): TSPLIB
//! instances with proven optima (`tsplib`), property tests on random instances
//! (`properties`) and asymmetric matrices with the TSPLIB ATSP instances (`asymmetric`).

mod asymmetric;
mod properties;
mod support;
mod tsplib;
