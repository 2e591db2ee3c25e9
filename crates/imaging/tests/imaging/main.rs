//! Integration tests of `pers-imaging`, one module per operation.
//!
//! Tests that read the shared image corpus print a line and skip their corpus checks when it
//! is absent. The fixtures built in code run everywhere.
#![allow(clippy::unwrap_used)]

mod animation;
mod bad_input;
mod color;
mod corpus_outcomes;
mod fixtures;
mod formats;
mod heif;
mod metadata;
mod orientation;
mod presets;
mod resize;
mod support;
