//! Fault switches and adjustable settings, shared by the servers and the control handle.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::log::{RequestLog, RequestRecord};
use super::rate_limit::RateLimiter;
use super::route::Route;
use crate::SandboxError;
use crate::page_envelope::PageEnvelope;
use crate::presign::MAX_PRESIGNED_TTL;

/// One fault switch or setting, as sent to `POST /__sandbox/faults` (the `kind` field names the
/// variant, other fields are camelCase) or passed to [`Faults::apply`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Fault {
    /// Answers the next `count` API requests of `route` with `status` and a problem body
    /// (code `SANDBOX_FAULT`), with a `Retry-After` header when `retry_after_secs` is set.
    FailNext {
        /// Requests affected.
        route: Route,
        /// Number of requests to fail.
        count: u32,
        /// HTTP status to answer with, 400 to 599.
        status: u16,
        /// Value of the `Retry-After` header, in seconds.
        #[serde(default)]
        retry_after_secs: Option<u64>,
    },
    /// Delays every API request of `route` by `millis` before handling it.
    Latency {
        /// Requests affected.
        route: Route,
        /// Delay in milliseconds.
        millis: u64,
    },
    /// Sends the headers and the first half of the body of the next `count` API requests of
    /// `route`, then closes the connection.
    DropConnection {
        /// Requests affected.
        route: Route,
        /// Number of responses to cut.
        count: u32,
    },
    /// Signs storage URLs issued from now on for `secs` seconds (1 to 604,800).
    SignedUrlTtl {
        /// Lifetime in seconds.
        secs: u64,
    },
    /// Sets the lifetimes of access and refresh tokens issued from now on, in seconds.
    TokenTtl {
        /// Access token lifetime, at least 1.
        access_secs: u64,
        /// Refresh token lifetime, at least 1.
        refresh_secs: u64,
    },
    /// Allows `limit` `/v2` requests per project key in each window of `window_secs` seconds;
    /// later requests get 429 `RATE_LIMIT_EXCEEDED` with `Retry-After`. Resets every count.
    RateLimit {
        /// Requests per window, at least 1.
        limit: u32,
        /// Window length in seconds, at least 1.
        window_secs: u64,
    },
    /// Answers `percent` % of store requests with `method` (every method when `None`) with
    /// `status` and an S3 error body, for at most `count` requests when set, with a
    /// `Retry-After` header when `retry_after_secs` is set.
    StorageFailure {
        /// HTTP method, such as `PUT`.
        #[serde(default)]
        method: Option<String>,
        /// HTTP status, 400 to 599.
        status: u16,
        /// Share of matching requests, 0 to 100.
        percent: u8,
        /// Maximum number of requests affected.
        #[serde(default)]
        count: Option<u32>,
        /// Value of the `Retry-After` header, in seconds.
        #[serde(default)]
        retry_after_secs: Option<u64>,
    },
    /// Closes the connection of `percent` % of store requests with `method` after
    /// `after_bytes` bytes of the body: of the request body for uploads, of the response body
    /// otherwise. At most `count` requests when set.
    StorageReset {
        /// HTTP method, such as `PUT`.
        #[serde(default)]
        method: Option<String>,
        /// Share of matching requests, 0 to 100.
        percent: u8,
        /// Maximum number of requests affected.
        #[serde(default)]
        count: Option<u32>,
        /// Bytes transferred before the connection closes.
        after_bytes: u64,
    },
    /// Sets the envelope of paginated list responses.
    PageEnvelope {
        /// Shape of each page.
        envelope: PageEnvelope,
    },
    /// Turns strict refresh on or off. When on, `POST /v2/auth/refresh` also requires the
    /// session's `accessToken` (expired or not) in the body, as PERS 2.0.5 documents.
    StrictRefresh {
        /// Whether `accessToken` is required.
        enabled: bool,
    },
    /// Makes the store ignore `If-Match` and `If-None-Match` on PUT, as some S3-compatible
    /// stores do, so that every write replaces the object whatever is stored.
    IgnoreWriteConditions {
        /// Whether the headers are ignored.
        enabled: bool,
    },
}

/// Starting values of the adjustable settings, from [`crate::SandboxConfig`].
#[derive(Clone, Debug)]
pub(crate) struct Defaults {
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub signed_url_ttl: Duration,
    pub rate_limit: u32,
    pub rate_window: Duration,
    pub seed: u64,
    pub page_envelope: PageEnvelope,
    pub strict_refresh: bool,
}

/// What the API middleware must do with one request.
#[derive(Default, Debug)]
pub(crate) struct ApiPlan {
    pub latency: Option<Duration>,
    /// Status and `Retry-After` seconds of an injected failure.
    pub fail: Option<(u16, Option<u64>)>,
    pub drop_connection: bool,
}

/// What the store wrapper must do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StorageAction {
    /// A response with `status`, and with `Retry-After` in seconds when set.
    Fail {
        status: u16,
        retry_after_secs: Option<u64>,
    },
    Reset {
        after_bytes: u64,
    },
}

#[derive(Debug)]
struct Counted<T> {
    rule: T,
    remaining: u32,
}

struct Rules {
    failures: Vec<Counted<(Route, u16, Option<u64>)>>,
    latencies: Vec<(Route, Duration)>,
    drops: Vec<Counted<Route>>,
    storage: Vec<StorageRule>,
    access_token_ttl: Duration,
    refresh_token_ttl: Duration,
    signed_url_ttl: Duration,
    page_envelope: PageEnvelope,
    strict_refresh: bool,
    ignore_write_conditions: bool,
    rng: StdRng,
}

struct StorageRule {
    method: Option<String>,
    action: StorageAction,
    percent: u8,
    remaining: Option<u32>,
}

/// Everything the control switches change, shared by the servers and every [`Faults`] handle.
pub(crate) struct ControlState {
    defaults: Defaults,
    rules: Mutex<Rules>,
    rate: Mutex<RateLimiter>,
    pub log: RequestLog,
    pub token: String,
}

/// Handle to a running sandbox's fault switches, settings and request log. Cheap to clone.
///
/// Every switch takes effect for requests that arrive after the call. [`Faults::clear`] puts
/// every switch and setting back to the values the sandbox started with.
#[derive(Clone)]
pub struct Faults {
    state: Arc<ControlState>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Faults").finish_non_exhaustive()
    }
}

impl ControlState {
    pub fn new(defaults: Defaults, token: String) -> Self {
        let rate = RateLimiter::new(defaults.rate_limit, defaults.rate_window);
        Self {
            rules: Mutex::new(Rules::from_defaults(&defaults)),
            rate: Mutex::new(rate),
            defaults,
            log: RequestLog::default(),
            token,
        }
    }

    fn rules(&self) -> MutexGuard<'_, Rules> {
        self.rules
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn rate(&self) -> MutexGuard<'_, RateLimiter> {
        self.rate
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn access_token_ttl(&self) -> Duration {
        self.rules().access_token_ttl
    }

    pub fn refresh_token_ttl(&self) -> Duration {
        self.rules().refresh_token_ttl
    }

    pub fn signed_url_ttl(&self) -> Duration {
        self.rules().signed_url_ttl
    }

    pub fn page_envelope(&self) -> PageEnvelope {
        self.rules().page_envelope
    }

    pub fn strict_refresh(&self) -> bool {
        self.rules().strict_refresh
    }

    pub fn ignores_write_conditions(&self) -> bool {
        self.rules().ignore_write_conditions
    }

    /// Counts one `/v2` request of `project_key`; `Err` holds the time until the window ends.
    pub fn check_rate(&self, project_key: &str) -> Result<(), Duration> {
        self.rate().check(project_key, Instant::now())
    }

    /// Decides the faults of one API request and uses up the counted ones it triggers.
    pub fn plan_api(&self, method: &str, path: &str) -> ApiPlan {
        let mut rules = self.rules();
        let latency = rules
            .latencies
            .iter()
            .filter(|(route, _)| route.matches(method, path))
            .map(|(_, delay)| *delay)
            .max();
        let fail = take_first(&mut rules.failures, |(route, ..)| {
            route.matches(method, path)
        })
        .map(|(_, status, retry_after)| (status, retry_after));
        let drop_connection = fail.is_none()
            && take_first(&mut rules.drops, |route| route.matches(method, path)).is_some();
        ApiPlan {
            latency,
            fail,
            drop_connection,
        }
    }

    /// Decides the fault of one store request, drawing from the seeded generator.
    pub fn plan_storage(&self, method: &str) -> Option<StorageAction> {
        let rules = &mut *self.rules();
        for rule in &mut rules.storage {
            let method_matches = rule
                .method
                .as_deref()
                .is_none_or(|expected| expected.eq_ignore_ascii_case(method));
            if !method_matches || rule.remaining == Some(0) {
                continue;
            }
            if rules.rng.random_range(0..100u8) < rule.percent {
                if let Some(remaining) = &mut rule.remaining {
                    *remaining -= 1;
                }
                return Some(rule.action);
            }
        }
        None
    }

    fn apply(&self, fault: Fault) -> Result<(), SandboxError> {
        validate(&fault)?;
        let mut rules = self.rules();
        match fault {
            Fault::FailNext {
                route,
                count,
                status,
                retry_after_secs,
            } => rules.failures.push(Counted {
                rule: (route, status, retry_after_secs),
                remaining: count,
            }),
            Fault::Latency { route, millis } => {
                rules.latencies.push((route, Duration::from_millis(millis)));
            }
            Fault::DropConnection { route, count } => rules.drops.push(Counted {
                rule: route,
                remaining: count,
            }),
            Fault::SignedUrlTtl { secs } => rules.signed_url_ttl = Duration::from_secs(secs),
            Fault::TokenTtl {
                access_secs,
                refresh_secs,
            } => {
                rules.access_token_ttl = Duration::from_secs(access_secs);
                rules.refresh_token_ttl = Duration::from_secs(refresh_secs);
            }
            Fault::RateLimit { limit, window_secs } => {
                drop(rules);
                self.rate().reset(limit, Duration::from_secs(window_secs));
            }
            Fault::StorageFailure {
                method,
                status,
                percent,
                count,
                retry_after_secs,
            } => rules.storage.push(StorageRule {
                method,
                action: StorageAction::Fail {
                    status,
                    retry_after_secs,
                },
                percent,
                remaining: count,
            }),
            Fault::StorageReset {
                method,
                percent,
                count,
                after_bytes,
            } => rules.storage.push(StorageRule {
                method,
                action: StorageAction::Reset { after_bytes },
                percent,
                remaining: count,
            }),
            Fault::PageEnvelope { envelope } => rules.page_envelope = envelope,
            Fault::StrictRefresh { enabled } => rules.strict_refresh = enabled,
            Fault::IgnoreWriteConditions { enabled } => rules.ignore_write_conditions = enabled,
        }
        Ok(())
    }

    fn active(&self) -> Vec<Fault> {
        let rules = self.rules();
        let mut faults: Vec<Fault> = Vec::new();
        for counted in rules
            .failures
            .iter()
            .filter(|counted| counted.remaining > 0)
        {
            let (route, status, retry_after_secs) = counted.rule.clone();
            faults.push(Fault::FailNext {
                route,
                count: counted.remaining,
                status,
                retry_after_secs,
            });
        }
        for (route, delay) in &rules.latencies {
            faults.push(Fault::Latency {
                route: route.clone(),
                millis: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            });
        }
        for counted in rules.drops.iter().filter(|counted| counted.remaining > 0) {
            faults.push(Fault::DropConnection {
                route: counted.rule.clone(),
                count: counted.remaining,
            });
        }
        for rule in rules
            .storage
            .iter()
            .filter(|rule| rule.remaining != Some(0))
        {
            faults.push(match rule.action {
                StorageAction::Fail {
                    status,
                    retry_after_secs,
                } => Fault::StorageFailure {
                    method: rule.method.clone(),
                    status,
                    percent: rule.percent,
                    count: rule.remaining,
                    retry_after_secs,
                },
                StorageAction::Reset { after_bytes } => Fault::StorageReset {
                    method: rule.method.clone(),
                    percent: rule.percent,
                    count: rule.remaining,
                    after_bytes,
                },
            });
        }
        faults.push(Fault::SignedUrlTtl {
            secs: rules.signed_url_ttl.as_secs(),
        });
        faults.push(Fault::TokenTtl {
            access_secs: rules.access_token_ttl.as_secs(),
            refresh_secs: rules.refresh_token_ttl.as_secs(),
        });
        faults.push(Fault::PageEnvelope {
            envelope: rules.page_envelope,
        });
        faults.push(Fault::StrictRefresh {
            enabled: rules.strict_refresh,
        });
        faults.push(Fault::IgnoreWriteConditions {
            enabled: rules.ignore_write_conditions,
        });
        drop(rules);
        let rate = self.rate();
        faults.push(Fault::RateLimit {
            limit: rate.limit,
            window_secs: rate.window.as_secs(),
        });
        faults
    }

    fn clear(&self) {
        *self.rules() = Rules::from_defaults(&self.defaults);
        self.rate()
            .reset(self.defaults.rate_limit, self.defaults.rate_window);
    }
}

impl Rules {
    fn from_defaults(defaults: &Defaults) -> Self {
        Self {
            failures: Vec::new(),
            latencies: Vec::new(),
            drops: Vec::new(),
            storage: Vec::new(),
            access_token_ttl: defaults.access_token_ttl,
            refresh_token_ttl: defaults.refresh_token_ttl,
            signed_url_ttl: defaults.signed_url_ttl.min(MAX_PRESIGNED_TTL),
            page_envelope: defaults.page_envelope,
            strict_refresh: defaults.strict_refresh,
            ignore_write_conditions: false,
            rng: StdRng::seed_from_u64(defaults.seed),
        }
    }
}

/// Uses up one request of the first rule with requests left that `matches`, and returns it.
fn take_first<T: Clone>(rules: &mut [Counted<T>], matches: impl Fn(&T) -> bool) -> Option<T> {
    let counted = rules
        .iter_mut()
        .find(|counted| counted.remaining > 0 && matches(&counted.rule))?;
    counted.remaining -= 1;
    Some(counted.rule.clone())
}

/// Maximum token lifetime a fault may set, a year, so that `exp` stays a plausible time.
const MAX_TOKEN_TTL_SECS: u64 = 365 * 24 * 3600;

/// Maximum latency a fault may add to a request, 10 minutes.
const MAX_LATENCY_MILLIS: u64 = 600_000;

fn validate(fault: &Fault) -> Result<(), SandboxError> {
    let invalid = |field: &'static str, reason: &str| {
        Err(SandboxError::InvalidConfig {
            field,
            reason: reason.to_owned(),
        })
    };
    match fault {
        Fault::FailNext { status, .. } | Fault::StorageFailure { status, .. }
            if !(400..=599).contains(status) =>
        {
            invalid("status", "must be from 400 to 599")
        }
        Fault::StorageFailure { percent, .. } | Fault::StorageReset { percent, .. }
            if *percent > 100 =>
        {
            invalid("percent", "must be from 0 to 100")
        }
        Fault::SignedUrlTtl { secs } if *secs == 0 || *secs > MAX_PRESIGNED_TTL.as_secs() => {
            invalid("secs", "must be from 1 to 604800 (7 days)")
        }
        Fault::TokenTtl {
            access_secs,
            refresh_secs,
        } if *access_secs == 0 || *refresh_secs == 0 => {
            invalid("accessSecs", "token lifetimes must be at least 1 second")
        }
        Fault::TokenTtl {
            access_secs,
            refresh_secs,
        } if (*access_secs).max(*refresh_secs) > MAX_TOKEN_TTL_SECS => invalid(
            "accessSecs",
            "token lifetimes must be at most 31536000 seconds (a year)",
        ),
        Fault::Latency { millis, .. } if *millis > MAX_LATENCY_MILLIS => {
            invalid("millis", "must be at most 600000 (10 minutes)")
        }
        Fault::RateLimit { limit, window_secs } if *limit == 0 || *window_secs == 0 => {
            invalid("limit", "the limit and the window must be at least 1")
        }
        _ => Ok(()),
    }
}

impl Faults {
    pub(crate) fn new(state: Arc<ControlState>) -> Self {
        Self { state }
    }

    /// Turns on one fault switch or changes one setting.
    ///
    /// Fails with [`SandboxError::InvalidConfig`] when a value is out of range: a status outside
    /// 400 to 599, a percentage over 100, a lifetime, limit or window of 0, a token lifetime
    /// over a year, or a latency over 10 minutes.
    pub fn apply(&self, fault: Fault) -> Result<(), SandboxError> {
        let described = format!("{fault:?}");
        self.state.apply(fault)?;
        tracing::info!(fault = %described, "sandbox fault switched on");
        Ok(())
    }

    /// Answers the next `count` API requests of `route` with `status`.
    pub fn fail_next(&self, route: Route, count: u32, status: u16) -> Result<(), SandboxError> {
        self.apply(Fault::FailNext {
            route,
            count,
            status,
            retry_after_secs: None,
        })
    }

    /// Delays every API request of `route` by `delay` (millisecond resolution).
    pub fn add_latency(&self, route: Route, delay: Duration) -> Result<(), SandboxError> {
        let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.apply(Fault::Latency { route, millis })
    }

    /// Cuts the next `count` API responses of `route` after half of their body.
    pub fn drop_connection(&self, route: Route, count: u32) -> Result<(), SandboxError> {
        self.apply(Fault::DropConnection { route, count })
    }

    /// Signs storage URLs issued from now on for `ttl` (whole seconds, 1 s to 7 days).
    pub fn expire_signed_urls_after(&self, ttl: Duration) -> Result<(), SandboxError> {
        self.apply(Fault::SignedUrlTtl {
            secs: ttl.as_secs(),
        })
    }

    /// Sets the lifetimes (whole seconds, at least 1) of tokens issued from now on.
    pub fn set_token_lifetimes(
        &self,
        access: Duration,
        refresh: Duration,
    ) -> Result<(), SandboxError> {
        self.apply(Fault::TokenTtl {
            access_secs: access.as_secs(),
            refresh_secs: refresh.as_secs(),
        })
    }

    /// Allows `limit` `/v2` requests per project key in each `window` (whole seconds).
    pub fn set_rate_limit(&self, limit: u32, window: Duration) -> Result<(), SandboxError> {
        self.apply(Fault::RateLimit {
            limit,
            window_secs: window.as_secs(),
        })
    }

    /// Answers `percent` % of store requests with `method` with `status`.
    pub fn fail_storage(
        &self,
        method: Option<&str>,
        status: u16,
        percent: u8,
    ) -> Result<(), SandboxError> {
        self.apply(Fault::StorageFailure {
            method: method.map(str::to_owned),
            status,
            percent,
            count: None,
            retry_after_secs: None,
        })
    }

    /// Closes the connection of `percent` % of store requests with `method` after `after_bytes`
    /// bytes of the body.
    pub fn reset_storage(
        &self,
        method: Option<&str>,
        percent: u8,
        after_bytes: u64,
    ) -> Result<(), SandboxError> {
        self.apply(Fault::StorageReset {
            method: method.map(str::to_owned),
            percent,
            count: None,
            after_bytes,
        })
    }

    /// Serves paginated list responses in `envelope` from now on.
    pub fn set_page_envelope(&self, envelope: PageEnvelope) -> Result<(), SandboxError> {
        self.apply(Fault::PageEnvelope { envelope })
    }

    /// Turns strict refresh on or off: when on, `POST /v2/auth/refresh` rejects a body without
    /// the session's `accessToken` with 400.
    pub fn set_strict_refresh(&self, enabled: bool) -> Result<(), SandboxError> {
        self.apply(Fault::StrictRefresh { enabled })
    }

    /// Makes the store ignore `If-Match` and `If-None-Match` on PUT when `enabled`, like an
    /// S3-compatible store without conditional writes.
    pub fn set_ignore_write_conditions(&self, enabled: bool) -> Result<(), SandboxError> {
        self.apply(Fault::IgnoreWriteConditions { enabled })
    }

    /// Returns the switches still active and the current settings.
    pub fn active(&self) -> Vec<Fault> {
        self.state.active()
    }

    /// Turns every switch off and restores the starting settings and rate limit.
    pub fn clear(&self) {
        tracing::info!("sandbox faults cleared");
        self.state.clear();
    }

    /// Returns the request log, oldest first: every request the API server and the store
    /// answered, except control requests. At most the latest 100,000 are kept.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.state.log.clear();
    }
}
