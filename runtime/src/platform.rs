//! The platform as a value: every fact about an API that the runtime needs and that is not
//! in a request (names, deployments, auth, traceability, limits, bans, error envelope,
//! advice, operations, scopes).
//!
//! The runtime knows no API: a generated crate writes one `static` [`Platform`] from its
//! profile and hands it to [`ClientBuilder::new`](super::ClientBuilder::new) and
//! [`ThrottleConfig::new`](super::ThrottleConfig::new); the runtime reads it from there.

use std::time::Duration;

use super::auth::Token;
use super::errors::{Error, ErrorEnvelope};
use super::groups::{GroupRules, Limit};
use super::maintenance::TimeZone;
use super::meta::OperationMeta;
use super::traceability::TraceabilityParam;

/// The error codes a server gives the same way on every operation: what a mock answers
/// with, and what a client may match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonErrorCodes {
    /// No secret, or an unreadable one (401).
    pub invalid_token: &'static str,
    /// An expired token (401).
    pub expired_token: &'static str,
    /// A token lacking the operation's scopes (403).
    pub insufficient_privileges: &'static str,
    /// A rate limit exceeded (429).
    pub too_many_requests: &'static str,
}

/// One API of the platform, as its profile and specs describe it. Built once, as a
/// `static`, by the generated crate.
#[derive(Debug)]
pub struct Platform {
    /// The API's name, as users read it in messages.
    pub api_name: &'static str,
    /// Prefix of the environment variables users set (`<PREFIX>_TOKEN`, `<PREFIX>_REDIS_URL`…).
    pub env_prefix: &'static str,
    /// The environment variable holding the secret (token or API key).
    pub secret_env: &'static str,
    /// The `User-Agent` header: product name and the generated crate's version.
    pub user_agent: &'static str,
    /// Where a user renews an expired token.
    pub token_renewal_url: Option<&'static str>,
    /// A token expiring within this delay gets a warning.
    pub token_warn_before_expiry: Duration,
    /// Deployments `(name, base URL)`, the default first.
    pub environments: &'static [(&'static str, &'static str)],
    /// The traceability parameters, in the profile's order.
    pub traceability: &'static [TraceabilityParam],
    /// The limits of one IP address, all tokens together, each in a window of its own.
    pub ip_limits: &'static [Limit],
    /// The server's reference window (fixed, opened by the first call): the one
    /// `RateLimit-Reset` and bans count in, and the one a scaled throttle's or mock's
    /// "minute" stands for; every other window scales by its ratio to it.
    pub window: Duration,
    /// How long a ban lasts: no answer at all from the server.
    pub ban: Duration,
    /// Calls in a row without any answer that trip the client's ban breaker.
    pub breaker_after_no_answer: u32,
    /// 429s one token window may collect before the server bans the IP.
    pub tolerated_429s: u32,
    /// The error codes the server gives the same way on every operation.
    pub error_codes: CommonErrorCodes,
    /// Routes the specs leave without an answer schema → the runtime type their generated
    /// call answers (`CurrentStatus`, `Privileges`…).
    pub response_types: &'static [(&'static str, &'static str)],
    /// The time zone the operations' maintenance windows are written in.
    pub maintenance_time_zone: TimeZone,
    /// Where an error body holds its items and their fields, for an answer that is not an
    /// operation's (a document download); each operation names its spec's own
    /// ([`OperationMeta::error_envelope`]).
    pub error_envelope: ErrorEnvelope,
    /// Every endpoint group the profile names: its limits, timeout and body bound. Each
    /// operation names its own ([`OperationMeta::group`]).
    pub groups: &'static [GroupRules],
    /// The group whose timeout and body bound a document download takes (the profile's
    /// `download_group`).
    pub download_group: &'static GroupRules,
    /// The largest document (PDF, ZIP) a download writes, in bytes.
    pub download_max_bytes: u64,
    /// What an error status means, in plain words: `(status, advice)`.
    pub advice: &'static [(u16, &'static str)],
    /// The advice for a status that [`advice`](Self::advice) does not list.
    pub other_advice: &'static str,
    /// Every operation, one slice per spec, the root spec's first.
    pub operations: &'static [&'static [&'static OperationMeta]],
    /// The scopes that open each operation, sorted by x-operationId; empty when the
    /// scope map was not available at build time.
    pub scopes: &'static [(&'static str, &'static [&'static str])],
}

impl Platform {
    /// The group called `name` (`json`, `documents`…).
    pub fn group(&self, name: &str) -> Option<&'static GroupRules> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// What an error status means, in plain words.
    pub fn advice(&self, status: u16) -> &'static str {
        self.advice
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(self.other_advice, |(_, text)| text)
    }

    /// The base URL of the deployment called `name`.
    pub fn environment_url(&self, name: &str) -> Option<&'static str> {
        self.environments
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, url)| *url)
    }

    /// Every operation of every spec, the root spec's first.
    pub fn all_operations(&self) -> impl Iterator<Item = &'static OperationMeta> {
        self.operations.iter().flat_map(|spec| spec.iter().copied())
    }

    /// The operation with this x-operationId in any of the specs.
    pub fn find_operation(&self, operation_id: &str) -> Option<&'static OperationMeta> {
        self.all_operations()
            .find(|op| op.operation_id == operation_id)
    }

    /// The scopes that open `operation_id`, any one of them sufficing (empty: none needed).
    /// `None` when the scope map was not available at build time or does not list the
    /// operation.
    pub fn required_scopes(&self, operation_id: &str) -> Option<&'static [&'static str]> {
        self.scopes
            .binary_search_by(|(id, _)| (*id).cmp(operation_id))
            .ok()
            .map(|i| self.scopes[i].1)
    }

    /// The environment variable naming a Redis server whose shared throttle clients use
    /// when built without a throttle (`<PREFIX>_REDIS_URL`).
    pub fn redis_url_env(&self) -> String {
        format!("{}_REDIS_URL", self.env_prefix)
    }

    /// Reads the secret from [`secret_env`](Self::secret_env) (`API_ENTREPRISE_TOKEN` for
    /// API Entreprise), surrounding whitespace trimmed.
    pub fn token_from_env(&self) -> Result<Token, Error> {
        Token::from_env_var(self.secret_env)
    }

    /// `window` (a group's own, or [`window`](Self::window)) on a time scale where the
    /// platform's window lasts `minute`: `minute` itself for the platform's window, a tenth
    /// of it for a tenth of a window. A scaled throttle and a scaled mock both count this
    /// way, so they agree on every bucket.
    pub fn scaled_window(&self, window: Duration, minute: Duration) -> Duration {
        if window == self.window || self.window.is_zero() {
            return minute;
        }
        minute
            .mul_f64(window.as_secs_f64() / self.window.as_secs_f64())
            .max(Duration::from_millis(1))
    }

    /// How many windows a ban lasts (720 for 12 hours of one-minute windows).
    pub(crate) fn bans_in_windows(&self) -> u32 {
        let window = self.window.as_secs().max(1);
        u32::try_from(self.ban.as_secs() / window).unwrap_or(u32::MAX)
    }
}

/// The one group of [`TEST_PLATFORM`]: 250 calls a minute per token.
#[cfg(test)]
pub(crate) const TEST_GROUP: GroupRules = GroupRules {
    name: "json",
    limits: &[super::groups::Limit {
        calls: 250,
        window: Duration::from_secs(60),
    }],
    counted_per: super::groups::CountedPer::Token,
    timeout: Duration::from_secs(5),
    max_body: 4 * 1024 * 1024,
};

/// A platform for the runtime's own unit tests: a list-of-errors envelope, no traceability
/// parameter, no operation.
#[cfg(test)]
pub(crate) static TEST_PLATFORM: Platform = Platform {
    api_name: "Test API",
    env_prefix: "TEST_API",
    secret_env: "TEST_API_TOKEN",
    user_agent: "test-api/0",
    token_renewal_url: None,
    token_warn_before_expiry: Duration::from_secs(30 * 86_400),
    environments: &[("production", "https://api.example.org")],
    traceability: &[],
    ip_limits: &[Limit {
        calls: 1000,
        window: Duration::from_secs(60),
    }],
    window: Duration::from_secs(60),
    ban: Duration::from_secs(12 * 3600),
    breaker_after_no_answer: 5,
    tolerated_429s: 10,
    error_codes: CommonErrorCodes {
        invalid_token: "00101",
        expired_token: "00103",
        insufficient_privileges: "00100",
        too_many_requests: "00429",
    },
    response_types: &[],
    maintenance_time_zone: TimeZone::UTC,
    error_envelope: ErrorEnvelope {
        items: "/errors",
        code: "/code",
        title: "/title",
        detail: "/detail",
        source: "/source",
        provider: "/meta/provider",
        retry_in: "/meta/retry_in",
    },
    groups: &[TEST_GROUP],
    download_group: &TEST_GROUP,
    download_max_bytes: 1 << 20,
    advice: &[],
    other_advice: "see the details",
    operations: &[],
    scopes: &[],
};

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::TEST_PLATFORM;

    #[test]
    fn a_window_of_its_own_scales_with_the_platforms() {
        let minute = Duration::from_secs(1);
        // The platform's own window is the scaled minute itself, a second a sixtieth of it.
        assert_eq!(
            TEST_PLATFORM.scaled_window(Duration::from_secs(60), minute),
            minute
        );
        let second = TEST_PLATFORM.scaled_window(Duration::from_secs(1), minute);
        assert_eq!(second.as_millis(), 16, "{second:?}");
        // Never a window that holds no call.
        let tiny = TEST_PLATFORM.scaled_window(Duration::from_millis(1), Duration::from_millis(1));
        assert_eq!(tiny, Duration::from_millis(1));
    }
}
