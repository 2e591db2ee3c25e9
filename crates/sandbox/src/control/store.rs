//! Store faults and logging: a hyper service around the s3s service.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Body;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use s3s::service::S3Service;

use super::faults::{ControlState, StorageAction};
use super::log::{RequestFacts, ServerKind};
use super::middleware::cut_body_after;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The store service with the storage fault switches and the request log in front of it.
#[derive(Clone)]
pub(crate) struct FaultyStore {
    inner: S3Service,
    control: Arc<ControlState>,
}

impl FaultyStore {
    pub fn new(inner: S3Service, control: Arc<ControlState>) -> Self {
        Self { inner, control }
    }

    async fn handle(self, mut request: Request<Incoming>) -> Result<Response<Body>, BoxError> {
        let facts = RequestFacts::read(
            ServerKind::Storage,
            request.method(),
            request.uri(),
            request.headers(),
        );
        let uploads = request.method() == http::Method::PUT;
        if uploads && self.control.ignores_write_conditions() {
            // Presigned URLs sign only the host, so dropping the headers breaks no signature.
            // The log above still shows that the client sent them.
            let headers = request.headers_mut();
            headers.remove(header::IF_MATCH);
            headers.remove(header::IF_NONE_MATCH);
        }
        match self.control.plan_storage(request.method().as_str()) {
            None => {
                let response = hyper::service::Service::call(&self.inner, request).await?;
                self.control
                    .log
                    .push(facts.finish(response.status().as_u16(), None));
                Ok(response.map(Body::new))
            }
            Some(StorageAction::Fail {
                status,
                retry_after_secs,
            }) => {
                // Read the upload first, so the client sees the status instead of a broken pipe.
                let _ = request.into_body().collect().await;
                self.control
                    .log
                    .push(facts.finish(status, Some("storageFailure")));
                Ok(s3_error(status, retry_after_secs))
            }
            Some(StorageAction::Reset { after_bytes }) if uploads => {
                read_prefix(request.into_body(), after_bytes).await;
                self.control.log.push(facts.finish(0, Some("storageReset")));
                Err("connection reset by a sandbox storage fault".into())
            }
            Some(StorageAction::Reset { after_bytes }) => {
                let response = hyper::service::Service::call(&self.inner, request).await?;
                self.control
                    .log
                    .push(facts.finish(response.status().as_u16(), Some("storageReset")));
                Ok(cut_after(response, after_bytes).await)
            }
        }
    }
}

impl hyper::service::Service<Request<Incoming>> for FaultyStore {
    type Response = Response<Body>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, BoxError>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        Box::pin(self.clone().handle(request))
    }
}

/// Reads up to `limit` bytes of `body` and drops the rest.
async fn read_prefix(mut body: Incoming, limit: u64) {
    let mut read = 0_u64;
    while read < limit {
        match body.frame().await {
            Some(Ok(frame)) => {
                read += frame.data_ref().map_or(0, |data| data.len() as u64);
            }
            Some(Err(_)) | None => return,
        }
    }
}

/// Keeps the headers, sends `limit` bytes of the body, then fails the body so that hyper closes
/// the connection.
async fn cut_after(response: Response<s3s::Body>, limit: u64) -> Response<Body> {
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let keep = usize::try_from(limit)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    Response::from_parts(parts, cut_body_after(bytes.slice(..keep)))
}

/// Builds an S3-style XML error response, with `Retry-After` in seconds when set.
fn s3_error(status: u16, retry_after_secs: Option<u64>) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let code = match status {
        StatusCode::SERVICE_UNAVAILABLE => "SlowDown",
        StatusCode::INTERNAL_SERVER_ERROR => "InternalError",
        _ => "SandboxFault",
    };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
         <Message>injected by a sandbox storage fault</Message></Error>"
    );
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    if let Some(seconds) = retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
