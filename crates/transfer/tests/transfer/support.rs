//! The loopback test server shared by the client crates' tests.

pub use pers_test_server::*;
