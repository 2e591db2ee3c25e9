//! Uploads: headers the storage host receives, progress reports and error mapping.

use std::sync::Mutex;

use bytes::Bytes;
use pers_transfer::{TransferError, WriteCondition};

use crate::support::{MockServer, Recorded, Reply};
use crate::{assert_no_query, signed_url, transfer};

const S3_SIGNATURE_ERROR: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\
    <Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not \
    match the signature you provided. Check your key &amp; signing method.</Message>\
    <SignatureProvided>cafebabesecret</SignatureProvided></Error>";

async fn ok_server() -> MockServer {
    MockServer::start(|_| async {
        Reply::new(200, "text/plain", "").with_header("etag", "\"abc\"")
    })
    .await
}

/// Records every progress value.
#[derive(Default)]
struct ProgressLog(Mutex<Vec<u64>>);

impl ProgressLog {
    fn record(&self, bytes_sent: u64) {
        self.0.lock().unwrap().push(bytes_sent);
    }

    fn values(&self) -> Vec<u64> {
        self.0.lock().unwrap().clone()
    }
}

fn assert_monotone_to(values: &[u64], total: u64) {
    assert!(!values.is_empty(), "progress was never reported");
    for pair in values.windows(2) {
        assert!(
            pair[0] < pair[1],
            "progress went from {} to {}",
            pair[0],
            pair[1]
        );
    }
    assert_eq!(
        values.last().copied(),
        Some(total),
        "progress ends at the size"
    );
}

fn assert_storage_headers(request: &Recorded, length: usize, content_type: &str) {
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.header("content-length"),
        Some(length.to_string().as_str())
    );
    assert_eq!(request.header("content-type"), Some(content_type));
    assert_eq!(
        request.header("transfer-encoding"),
        None,
        "S3 rejects chunked uploads"
    );
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("x-project-key"), None);
    assert_eq!(request.body.len(), length);
}

fn pattern(length: usize) -> Vec<u8> {
    (0..length).map(|index| (index % 251) as u8).collect()
}

#[tokio::test]
async fn put_bytes_sends_exact_headers() {
    let server = ok_server().await;
    let body = pattern(150_000);
    let log = ProgressLog::default();

    let outcome = transfer()
        .put_bytes(
            &signed_url(&server, "/bucket/a.png"),
            Bytes::from(body.clone()),
            "image/png",
            &|n| log.record(n),
        )
        .await
        .unwrap();

    assert_eq!(outcome.bytes_sent, 150_000);
    assert_eq!(outcome.etag.as_deref(), Some("\"abc\""));
    let request = &server.requests()[0];
    assert_storage_headers(request, 150_000, "image/png");
    assert_eq!(request.body, body);
    assert!(
        request.target.contains("X-Amz-Signature=cafebabesecret"),
        "the query is sent"
    );
    assert_monotone_to(&log.values(), 150_000);
    assert_eq!(
        log.values().len(),
        3,
        "150 000 bytes go out in three 64 KiB chunks"
    );
}

#[tokio::test]
async fn put_file_streams_with_progress() {
    let server = ok_server().await;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("photo.jpg");
    let body = pattern(300_000);
    std::fs::write(&path, &body).unwrap();
    let log = ProgressLog::default();

    let outcome = transfer()
        .put_file(
            &signed_url(&server, "/bucket/photo.jpg"),
            &path,
            "image/jpeg",
            &|n| log.record(n),
        )
        .await
        .unwrap();

    assert_eq!(outcome.bytes_sent, 300_000);
    let request = &server.requests()[0];
    assert_storage_headers(request, 300_000, "image/jpeg");
    assert_eq!(request.body, body);
    assert_monotone_to(&log.values(), 300_000);
    assert!(
        log.values().len() >= 5,
        "reported per chunk: {:?}",
        log.values()
    );
}

#[tokio::test]
async fn put_empty_body_reports_zero() {
    let server = ok_server().await;
    let log = ProgressLog::default();

    let outcome = transfer()
        .put_bytes(
            &signed_url(&server, "/bucket/empty.json"),
            Bytes::new(),
            "application/json",
            &|n| log.record(n),
        )
        .await
        .unwrap();

    assert_eq!(outcome.bytes_sent, 0);
    assert_storage_headers(&server.requests()[0], 0, "application/json");
    assert_eq!(log.values(), [0]);
}

#[tokio::test]
async fn put_missing_file_is_io_error() {
    let server = ok_server().await;
    let path = std::path::PathBuf::from("/nonexistent/photo.jpg");

    let error = transfer()
        .put_file(
            &signed_url(&server, "/bucket/photo.jpg"),
            &path,
            "image/jpeg",
            &|_| {},
        )
        .await
        .unwrap_err();

    let TransferError::Io { path: failed, .. } = &error else {
        panic!("expected an I/O error, got {error:?}");
    };
    assert_eq!(failed, &path);
    assert!(
        server.requests().is_empty(),
        "nothing is sent for a missing file"
    );
}

#[tokio::test]
async fn put_file_shrinking_during_upload_fails() {
    let server = ok_server().await;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("growing.bin");
    // Large enough that socket buffers cannot hold it, so the file is still being read when
    // the first progress report truncates it.
    std::fs::write(&path, pattern(32 * 1024 * 1024)).unwrap();
    let truncated = Mutex::new(false);

    let error = transfer()
        .put_file(
            &signed_url(&server, "/bucket/growing.bin"),
            &path,
            "application/octet-stream",
            &|_| {
                let mut done = truncated.lock().unwrap();
                if !*done {
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .unwrap()
                        .set_len(10)
                        .unwrap();
                    *done = true;
                }
            },
        )
        .await
        .unwrap_err();

    let TransferError::Io {
        path: failed,
        source,
    } = &error
    else {
        panic!("expected an I/O error, got {error:?}");
    };
    assert_eq!(failed, &path);
    assert!(source.to_string().contains("changed size"), "{source}");
}

#[tokio::test]
async fn put_rejected_reads_s3_code() {
    let server =
        MockServer::start(|_| async { Reply::new(403, "application/xml", S3_SIGNATURE_ERROR) })
            .await;

    let error = transfer()
        .put_bytes(
            &signed_url(&server, "/bucket/a.png"),
            Bytes::from_static(b"png"),
            "image/png",
            &|_| {},
        )
        .await
        .unwrap_err();

    let TransferError::Rejected {
        status,
        url,
        code,
        message,
        ..
    } = &error
    else {
        panic!("expected a rejection, got {error:?}");
    };
    assert_eq!(*status, 403);
    assert_eq!(url, &format!("{}/bucket/a.png", server.url));
    assert_eq!(code.as_deref(), Some("SignatureDoesNotMatch"));
    let message = message.as_deref().unwrap();
    assert!(
        message.contains("Check your key & signing method."),
        "{message}"
    );
    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("SignatureDoesNotMatch"),
        "{error}"
    );
    assert_no_query(&error);
}

#[tokio::test]
async fn put_server_errors_are_retryable() {
    for status in [429, 500, 503] {
        let server =
            MockServer::start(
                move |_| async move { Reply::new(status, "text/html", "<h1>busy</h1>") },
            )
            .await;

        let error = transfer()
            .put_bytes(
                &signed_url(&server, "/bucket/a.png"),
                Bytes::from_static(b"x"),
                "image/png",
                &|_| {},
            )
            .await
            .unwrap_err();

        assert!(
            matches!(error, TransferError::Rejected { code: None, .. }),
            "{error:?}"
        );
        assert!(error.is_retryable(), "status {status} is retryable");
    }
}

#[tokio::test]
async fn put_unreachable_host_hides_query() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = pers_transfer::SignedUrl::parse(&format!(
        "http://127.0.0.1:{port}/bucket/a.png?{}",
        crate::QUERY
    ))
    .unwrap();

    let error = transfer()
        .put_bytes(&url, Bytes::from_static(b"x"), "image/png", &|_| {})
        .await
        .unwrap_err();

    assert!(
        matches!(error, TransferError::Transport { .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_no_query(&error);
}

#[tokio::test]
async fn conditional_put_sends_condition_header() {
    let server = ok_server().await;
    let cases = [
        (
            WriteCondition::IfMatch("\"abc\"".to_owned()),
            "if-match",
            "\"abc\"",
        ),
        (WriteCondition::IfAbsent, "if-none-match", "*"),
    ];

    for (condition, header, value) in &cases {
        transfer()
            .put_bytes_if(
                &signed_url(&server, "/bucket/m.json"),
                Bytes::from_static(b"{}"),
                "application/json",
                Some(condition),
                &|_| {},
            )
            .await
            .unwrap();
        let request = server.requests().pop().unwrap();
        assert_storage_headers(&request, 2, "application/json");
        assert_eq!(request.header(header), Some(*value), "{condition:?}");
    }
    let plain = server.requests()[0].clone();
    assert_eq!(plain.header("if-none-match"), None, "one condition per PUT");
}

#[tokio::test]
async fn precondition_failures_are_recognised() {
    let cases = [
        (412, "PreconditionFailed", true),
        (409, "ConditionalRequestConflict", true),
        (404, "NoSuchKey", true),
        (409, "BucketAlreadyExists", false),
        (404, "NoSuchBucket", false),
        (403, "AccessDenied", false),
    ];
    for (status, code, expected) in cases {
        let body = format!("<Error><Code>{code}</Code><Message>m</Message></Error>");
        let server = MockServer::start(move |_| {
            let body = body.clone();
            async move { Reply::new(status, "application/xml", body) }
        })
        .await;

        let error = transfer()
            .put_bytes_if(
                &signed_url(&server, "/bucket/m.json"),
                Bytes::from_static(b"{}"),
                "application/json",
                Some(&WriteCondition::IfAbsent),
                &|_| {},
            )
            .await
            .unwrap_err();

        assert_eq!(error.is_precondition_failed(), expected, "{status} {code}");
        assert!(!error.is_retryable(), "{status} {code}");
    }
}

#[tokio::test]
async fn retry_after_date_is_read() {
    let at = std::time::SystemTime::now() + std::time::Duration::from_secs(120);
    let date = httpdate::fmt_http_date(at);
    let server = MockServer::start(move |_| {
        let date = date.clone();
        async move { Reply::new(503, "application/xml", "").with_header("retry-after", &date) }
    })
    .await;

    let error = transfer()
        .put_bytes(
            &signed_url(&server, "/bucket/a.png"),
            Bytes::from_static(b"x"),
            "image/png",
            &|_| {},
        )
        .await
        .unwrap_err();

    let pause = error.retry_after().unwrap();
    assert!(pause.as_secs() <= 120, "{pause:?}");
    assert!(pause.as_secs() >= 100, "{pause:?}");
    assert!(error.is_retryable());
}
