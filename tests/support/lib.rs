//! Helpers for the black-box tests: start the built binary, talk HTTP to it.
