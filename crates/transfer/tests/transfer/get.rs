//! Downloads: the size cap, 404 and rejections.

use pers_transfer::TransferError;

use crate::support::{MockServer, Reply};
use crate::{assert_no_query, signed_url, transfer};

async fn serving(body: &'static [u8], omit_content_length: bool) -> MockServer {
    MockServer::start(move |_| async move {
        let mut reply = Reply::new(200, "image/png", body);
        reply.omit_content_length = omit_content_length;
        reply
    })
    .await
}

#[tokio::test]
async fn get_returns_body() {
    let server = serving(b"0123456789", false).await;

    let body = transfer()
        .get_bytes(&signed_url(&server, "/bucket/a.png"), 10)
        .await
        .unwrap();

    assert_eq!(
        &body[..],
        b"0123456789",
        "a body of exactly max_bytes is accepted"
    );
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("x-project-key"), None);
}

#[tokio::test]
async fn get_over_cap_with_length_fails() {
    let server = serving(b"0123456789", false).await;

    let error = transfer()
        .get_bytes(&signed_url(&server, "/bucket/a.png"), 9)
        .await
        .unwrap_err();

    assert!(
        matches!(error, TransferError::TooLarge { max_bytes: 9, .. }),
        "{error:?}"
    );
    assert_no_query(&error);
}

#[tokio::test]
async fn get_over_cap_without_length_fails() {
    let server = serving(b"0123456789", true).await;

    let error = transfer()
        .get_bytes(&signed_url(&server, "/bucket/a.png"), 9)
        .await
        .unwrap_err();

    assert!(
        matches!(error, TransferError::TooLarge { max_bytes: 9, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn get_without_length_under_cap_succeeds() {
    let server = serving(b"0123456789", true).await;

    let body = transfer()
        .get_bytes(&signed_url(&server, "/bucket/a.png"), 100)
        .await
        .unwrap();

    assert_eq!(&body[..], b"0123456789");
}

#[tokio::test]
async fn get_missing_object_is_not_found() {
    let body =
        "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";
    let server =
        MockServer::start(move |_| async move { Reply::new(404, "application/xml", body) }).await;

    let error = transfer()
        .get_bytes(&signed_url(&server, "/bucket/a.png"), 100)
        .await
        .unwrap_err();

    let TransferError::NotFound { url } = &error else {
        panic!("expected not found, got {error:?}");
    };
    assert_eq!(url, &format!("{}/bucket/a.png", server.url));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn get_forbidden_is_rejected() {
    let body = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
    let server =
        MockServer::start(move |_| async move { Reply::new(403, "application/xml", body) }).await;

    let error = transfer()
        .get_bytes(&signed_url(&server, "/bucket/a.png"), 100)
        .await
        .unwrap_err();

    let TransferError::Rejected {
        status,
        code,
        message,
        ..
    } = &error
    else {
        panic!("expected a rejection, got {error:?}");
    };
    assert_eq!(*status, 403);
    assert_eq!(code.as_deref(), Some("AccessDenied"));
    assert_eq!(message.as_deref(), Some("Request has expired"));
}
