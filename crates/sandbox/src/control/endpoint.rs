//! The control endpoints under `/__sandbox`, which exist only in the sandbox.
//!
//! Every request needs the header `x-sandbox-control-token` with the token from the startup line
//! (401 `CONTROL_TOKEN_REQUIRED` otherwise):
//!
//! - `GET /__sandbox/faults` returns the active switches and settings as a JSON array of
//!   [`Fault`]; `POST` adds one (a [`Fault`] object, 204 on success, 400 when invalid);
//!   `DELETE` clears them all (204).
//! - `GET /__sandbox/requests` returns the request log as a JSON array of
//!   [`super::RequestRecord`]; `DELETE` empties it (204).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde_json::Value;

use super::faults::{Fault, Faults};
use crate::problem::{Problem, parse_json};
use crate::state::AppState;

/// Header that carries the control token.
pub const CONTROL_TOKEN_HEADER: &str = "x-sandbox-control-token";

/// Proof that a request carries the control token.
pub(crate) struct ControlToken;

impl FromRequestParts<AppState> for ControlToken {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let sent = parts.headers.get(CONTROL_TOKEN_HEADER);
        if sent.is_some_and(|value| value.as_bytes() == state.control.token.as_bytes()) {
            Ok(Self)
        } else {
            Err(Problem::unauthorized(
                "CONTROL_TOKEN_REQUIRED",
                "send the control token from the sandbox's startup line in x-sandbox-control-token",
            ))
        }
    }
}

fn faults(state: &AppState) -> Faults {
    Faults::new(state.control.clone())
}

pub(crate) async fn list_faults(State(state): State<AppState>, _: ControlToken) -> Json<Value> {
    Json(serde_json::to_value(faults(&state).active()).unwrap_or_default())
}

pub(crate) async fn add_fault(
    State(state): State<AppState>,
    _: ControlToken,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    let fault: Fault = parse_json(&headers, &body)?;
    faults(&state)
        .apply(fault)
        .map_err(|error| Problem::invalid_body(error.to_string()))?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn clear_faults(State(state): State<AppState>, _: ControlToken) -> StatusCode {
    faults(&state).clear();
    StatusCode::NO_CONTENT
}

pub(crate) async fn list_requests(State(state): State<AppState>, _: ControlToken) -> Json<Value> {
    Json(serde_json::to_value(state.control.log.snapshot()).unwrap_or_default())
}

pub(crate) async fn clear_requests(State(state): State<AppState>, _: ControlToken) -> StatusCode {
    state.control.log.clear();
    StatusCode::NO_CONTENT
}
