//! The commands the front end invokes. Each one is a thin adapter over one core call.
//!
//! `generate_handler!` needs each command by its defining module's path, so the modules are
//! public and nothing is re-exported.

pub mod dialog;
pub mod entities;
pub mod session;
pub mod upload;
