//! A fixed-window request limit per project key.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Requests allowed per project key and window, as PERS documents: 10,000 per hour.
pub const DEFAULT_RATE_LIMIT: u32 = 10_000;

/// Length of the rate limit window: one hour.
pub const DEFAULT_RATE_WINDOW: Duration = Duration::from_secs(60 * 60);

/// Counts requests per project key in fixed windows that start with a key's first request.
pub(crate) struct RateLimiter {
    pub limit: u32,
    pub window: Duration,
    windows: HashMap<String, (Instant, u32)>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: HashMap::new(),
        }
    }

    /// Counts one request of `key` at `now`. Returns `Err(wait)` when the key has used up its
    /// window, with the time until the window ends; a rejected request is not counted.
    pub fn check(&mut self, key: &str, now: Instant) -> Result<(), Duration> {
        let window = self.window;
        let entry = self.windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            return Err(window.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Sets a new limit and window and clears every count.
    pub fn reset(&mut self, limit: u32, window: Duration) {
        self.limit = limit;
        self.window = window;
        self.windows.clear();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn limit_per_key_and_window() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(2, Duration::from_secs(10));
        assert!(limiter.check("a", start).is_ok());
        assert!(limiter.check("a", start).is_ok());
        let wait = limiter
            .check("a", start + Duration::from_secs(4))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(6));
        assert!(limiter.check("b", start).is_ok());
        assert!(limiter.check("a", start + Duration::from_secs(10)).is_ok());
    }
}
