//! Which URLs `SignedUrl::parse` accepts, and how they are shown.

use pers_transfer::{SignedUrl, TransferError};

use crate::{QUERY, assert_no_query};

#[test]
fn parse_rejects_unsafe_urls() {
    let rejected = [
        "ftp://127.0.0.1/bucket/key",
        "file:///etc/passwd",
        "http://storage.example/bucket/key",
        "http://10.0.0.1/bucket/key",
        "http://localhost.example/bucket/key",
        "https://user:pass@storage.example/bucket/key",
        "bucket/key",
        "",
    ];
    for value in rejected {
        let result = SignedUrl::parse(&format!("{value}?{QUERY}"));
        let Err(error) = result else {
            panic!("{value} was accepted");
        };
        assert!(
            matches!(error, TransferError::InvalidUrl { .. }),
            "{value}: {error:?}"
        );
        assert_no_query(&error);
    }
}

#[test]
fn parse_accepts_https_and_loopback_http() {
    let accepted = [
        "https://s3.eu-west-1.amazonaws.com/bucket/key.png",
        "http://127.0.0.1:9000/bucket/key.png",
        "http://127.1.2.3/bucket/key.png",
        "http://[::1]:9000/bucket/key.png",
        "http://localhost:9000/bucket/key.png",
        "http://LOCALHOST:9000/bucket/key.png",
    ];
    for value in accepted {
        let result = SignedUrl::parse(&format!("{value}?{QUERY}"));
        assert!(result.is_ok(), "{value} was rejected: {result:?}");
    }
}

#[test]
fn display_has_no_query() {
    let url = SignedUrl::parse(&format!(
        "https://store.example:8443/bucket/a%20b.png?{QUERY}"
    ))
    .unwrap();

    assert_eq!(
        url.to_string(),
        "https://store.example:8443/bucket/a%20b.png"
    );
    assert_eq!(
        format!("{url:?}"),
        "SignedUrl(https://store.example:8443/bucket/a%20b.png)"
    );
    assert_no_query(&url);
}
