//! Reading the `Retry-After` header of an error response (RFC 9110, section 10.2.3).

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Returns the pause that the `Retry-After` header of `headers` requests, measured from `now`.
///
/// The value is a number of seconds or an HTTP date in any of the three formats RFC 9110
/// requires recipients to accept (IMF-fixdate, RFC 850 and asctime, parsed by `httpdate`). A
/// date in the past returns zero. A missing or unreadable header returns `None`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return value.parse().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    use std::time::UNIX_EPOCH;

    use reqwest::header::HeaderValue;

    /// 1994-11-06 08:49:37 UTC, the example date of RFC 9110.
    const EXAMPLE: u64 = 784_111_777;

    fn parse(value: &str, now_secs: u64) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        retry_after(&headers, UNIX_EPOCH + Duration::from_secs(now_secs))
    }

    #[test]
    fn seconds_value() {
        assert_eq!(parse("120", EXAMPLE), Some(Duration::from_secs(120)));
        assert_eq!(parse("0", EXAMPLE), Some(Duration::ZERO));
    }

    #[test]
    fn three_date_formats() {
        let expected = Some(Duration::from_secs(30));
        let now = EXAMPLE - 30;
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT", now), expected);
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT", now), expected);
        assert_eq!(parse("Sun Nov  6 08:49:37 1994", now), expected);
    }

    #[test]
    fn past_date_is_zero() {
        let parsed = parse("Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE + 3600);
        assert_eq!(parsed, Some(Duration::ZERO));
    }

    #[test]
    fn invalid_values() {
        for value in ["-5", "1.5", "soon", "Sun, 32 Nov 1994 08:49:37 GMT"] {
            assert_eq!(parse(value, EXAMPLE), None, "{value:?}");
        }
    }

    #[test]
    fn missing_header() {
        assert_eq!(retry_after(&HeaderMap::new(), UNIX_EPOCH), None);
    }
}
