//! The API server's router: the identity provider and the `/v2` PERS operations.

mod auth;
mod businesses;
mod campaigns;
mod files;
mod identity;
mod listing;
mod query;
mod redemptions;
mod rejection;
mod tenants;
mod tokens;
mod users;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};

use crate::control;
use crate::problem::{Problem, method_not_allowed, route_not_found};
use crate::state::AppState;

pub(crate) use identity::SIGN_IN_PATH;

/// Base path of the PERS API.
pub(crate) const API_BASE_PATH: &str = "/v2";

/// Builds the router, with the fault middleware in front of every operation and the control
/// endpoints under `/__sandbox`. Unknown paths return a 404 problem and known paths called with another
/// method a 405 problem. Bodies over 2 MiB get a 413 problem, and every other plain-text
/// rejection of axum becomes a problem of the same status.
pub(crate) fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/auth/token", post(auth::create_token))
        .route("/auth/refresh", post(auth::refresh_token))
        .route("/campaigns", get(campaigns::list_campaigns))
        .route("/tokens", get(tokens::list_tokens))
        .route("/redemptions", get(redemptions::list_redemptions))
        .route(
            "/redemptions/{id}",
            get(redemptions::get_redemption).put(redemptions::update_redemption),
        )
        .route("/tenants", put(tenants::update_tenant))
        .route("/tenants/public", get(tenants::public_tenant))
        .route("/tenants/{id}", get(tenants::get_tenant))
        .route("/users", get(users::list_users))
        .route("/businesses", get(businesses::list_businesses))
        .route("/businesses/me", get(businesses::business_me))
        .route("/businesses/{id}", get(businesses::business_get))
        .route("/files/entity-storage-url", post(files::entity_storage_url));

    let control = Router::new()
        .route(
            "/faults",
            get(control::list_faults)
                .post(control::add_fault)
                .delete(control::clear_faults),
        )
        .route(
            "/requests",
            get(control::list_requests).delete(control::clear_requests),
        );

    Router::new()
        .route(SIGN_IN_PATH, post(identity::sign_in_with_password))
        .nest(API_BASE_PATH, api)
        .nest(control::CONTROL_PREFIX, control)
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(rejection::MAX_BODY_BYTES))
        .layer(middleware::from_fn(rejection::problem_for_rejections))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            control::apply_faults,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Logs method, path and status of every request at debug. The query string and headers are
/// left out because they may contain tokens and keys.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::debug!(%method, %path, status = response.status().as_u16(), "request");
    response
}

/// Checks an image URL sent in an update: an absolute http(s) URL, or empty to clear the image.
pub(crate) fn validate_image_url(field: &str, value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Ok(());
    }
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(Problem::validation(
            field,
            format!("{field} must be an absolute http or https URL, or empty to clear it"),
        )),
    }
}
