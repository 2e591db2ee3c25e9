//! Single-use refresh tokens: the sandbox remembers the `jti` of every refresh token that was
//! exchanged, until the token expires.
//!
//! NOTE: the list lives in memory, so a refresh token used before a restart is accepted once
//! more after it.

use std::collections::HashMap;
use std::sync::Mutex;

/// The refresh tokens already exchanged, by `jti`, with their `exp` (Unix seconds).
#[derive(Default)]
pub(crate) struct UsedRefreshTokens {
    used: Mutex<HashMap<String, u64>>,
}

impl UsedRefreshTokens {
    /// Marks the token `jti` that expires at `exp` as used, and returns false when it was used
    /// already. Check and mark are one step, so of two concurrent refreshes with one token only
    /// one succeeds. Entries of tokens expired at `now` are dropped, because expiry rejects
    /// those tokens anyway.
    pub fn mark_used(&self, jti: &str, exp: u64, now: u64) -> bool {
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        used.retain(|_, expires_at| *expires_at > now);
        used.insert(jti.to_owned(), exp).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_use_is_rejected() {
        let used = UsedRefreshTokens::default();

        assert!(used.mark_used("a", 100, 10));
        assert!(!used.mark_used("a", 100, 10));
        assert!(used.mark_used("b", 100, 10));
    }

    #[test]
    fn expired_entries_are_dropped() {
        let used = UsedRefreshTokens::default();
        used.mark_used("a", 100, 10);

        assert!(
            used.mark_used("a", 200, 150),
            "the first entry expired at 100"
        );
    }
}
