//! Parsing the `Retry-After` response header (RFC 9110).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses a `Retry-After` value into the pause it requests, measured from `now`.
///
/// The value is either a number of seconds or an HTTP date in any of the three formats RFC 9110
/// requires recipients to accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). A date in the
/// past returns zero. Returns `None` for anything else, so the caller falls back to its own
/// backoff.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return value.parse().ok().map(Duration::from_secs);
    }
    let at = parse_http_date(value)?;
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// Parses an HTTP date into Unix seconds. The weekday name is not checked.
fn parse_http_date(value: &str) -> Option<u64> {
    let normalized = value.replace([',', '-'], " ");
    let tokens: Vec<&str> = normalized.split_whitespace().collect();
    let (day, month, year, time) = match tokens.as_slice() {
        // IMF-fixdate and RFC 850: weekday, day, month, year, time, GMT.
        [_, day, month, year, time, zone] if zone.eq_ignore_ascii_case("GMT") => {
            (*day, *month, *year, *time)
        }
        // asctime: weekday, month, day, time, year.
        [_, month, day, time, year] => (*day, *month, *year, *time),
        _ => return None,
    };
    let day: u64 = day.parse().ok().filter(|day| (1..=31).contains(day))?;
    let month = MONTHS
        .iter()
        .position(|name| name.eq_ignore_ascii_case(month))?;
    let year = full_year(year)?;
    let seconds_of_day = parse_time(time)?;
    let days = days_from_civil(year, month as u64 + 1, day)?;
    Some(days * 86_400 + seconds_of_day)
}

/// Reads a four-digit year, or an RFC 850 two-digit year: 70 to 99 are 1970 to 1999 and 00 to
/// 69 are 2000 to 2069.
fn full_year(text: &str) -> Option<u64> {
    let year: u64 = text.parse().ok()?;
    match text.len() {
        4 if year >= 1970 => Some(year),
        2 if year >= 70 => Some(1900 + year),
        2 => Some(2000 + year),
        _ => None,
    }
}

/// Reads `HH:MM:SS` into seconds since midnight.
fn parse_time(text: &str) -> Option<u64> {
    let mut parts = text.split(':');
    let hours: u64 = parts.next()?.parse().ok().filter(|hours| *hours < 24)?;
    let minutes: u64 = parts.next()?.parse().ok().filter(|minutes| *minutes < 60)?;
    // 60 allows a leap second.
    let seconds: u64 = parts
        .next()?
        .parse()
        .ok()
        .filter(|seconds| *seconds <= 60)?;
    if parts.next().is_some() {
        return None;
    }
    Some(hours * 3600 + minutes * 60 + seconds)
}

/// Returns the number of days from 1970-01-01 to the given date of the proleptic Gregorian
/// calendar (Howard Hinnant's `days_from_civil`), or `None` before 1970.
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year - era * 400;
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era).checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06 08:49:37 UTC, the example date of RFC 9110.
    const EXAMPLE: u64 = 784_111_777;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn seconds_value() {
        let now = at(EXAMPLE);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    }

    #[test]
    fn three_date_formats() {
        let now = at(EXAMPLE - 30);
        let expected = Some(Duration::from_secs(30));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            expected
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            expected
        );
        assert_eq!(parse_retry_after("Sun Nov  6 08:49:37 1994", now), expected);
    }

    #[test]
    fn past_date_is_zero() {
        let now = at(EXAMPLE + 3600);
        let parsed = parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now);
        assert_eq!(parsed, Some(Duration::ZERO));
    }

    #[test]
    fn leap_year_date() {
        // 2024-02-29 12:00:00 UTC.
        let now = at(1_709_208_000);
        let parsed = parse_retry_after("Thu, 29 Feb 2024 12:00:10 GMT", now);
        assert_eq!(parsed, Some(Duration::from_secs(10)));
    }

    #[test]
    fn invalid_values() {
        let now = at(EXAMPLE);
        for value in [
            "",
            "-5",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 CET",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
        ] {
            assert_eq!(parse_retry_after(value, now), None, "{value:?}");
        }
    }
}
