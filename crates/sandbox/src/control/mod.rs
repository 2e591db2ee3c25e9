//! Test controls of a running sandbox: fault switches, adjustable lifetimes, the rate limit and
//! the request log, reached through [`Faults`] or the `/__sandbox` endpoints.

mod endpoint;
mod faults;
mod log;
mod middleware;
mod rate_limit;
mod route;
mod store;

pub use endpoint::CONTROL_TOKEN_HEADER;
pub use faults::{Fault, Faults};
pub use log::{REDACTED, RequestRecord, ServerKind};
pub use rate_limit::{DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW};
pub use route::Route;

pub(crate) use endpoint::{add_fault, clear_faults, clear_requests, list_faults, list_requests};
pub(crate) use faults::{ControlState, Defaults};
pub(crate) use middleware::{CONTROL_PREFIX, apply_faults};
pub(crate) use store::FaultyStore;
