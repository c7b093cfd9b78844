//! The optimizer's integration tests in one binary (one link instead of one per file): TSPLIB
//! instances with proven optima (`tsplib`) and property tests on random instances
//! (`properties`), and the multi-vehicle planner against its checker, brute force and
//! constructed reason cases (`vrp`).

mod properties;
mod support;
mod tsplib;
mod vrp;
