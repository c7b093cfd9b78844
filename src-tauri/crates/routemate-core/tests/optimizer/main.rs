//! The optimizer's integration tests in one binary (one link instead of one per file): TSPLIB
//! instances with proven optima (`tsplib`), property tests on random instances
//! (`properties`), asymmetric matrices with the TSPLIB ATSP instances (`asymmetric`), and the
//! multi-vehicle planner against its checker, brute force and
//! constructed reason cases (`vrp`).

mod asymmetric;
mod properties;
mod support;
mod tsplib;
mod vrp;
