//! When a failed call is tried again, and after how long.
//!
//! Only failures that another identical GET can cure are retried: a
//! gateway or provider error (502, 503, 504), a connection that failed, and
//! a 409 (the same request is already running on the server, whose answer
//! the retry will then get). Everything else is final: a 4xx other than 409
//! would fail the same way, a timeout may still be running on the server,
//! and a 429 belongs to the throttling layer, never to a blind retry that
//! could get the IP banned.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::errors::Error;

/// How failed calls are retried. Attempts, waits and total time are all
/// bounded, so a retry can never turn into a flood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (1 disables retries).
    pub max_attempts: u32,
    /// Wait before the first retry of a 5xx or connection error; doubled at
    /// each further retry, with jitter.
    pub initial_backoff: Duration,
    /// Longest wait between two attempts.
    pub max_backoff: Duration,
    /// Longest time from the first attempt to the start of the last one:
    /// a retry that would start later is not made.
    pub max_total: Duration,
    /// Longest server-given delay (`meta.retry_in`) the client waits for.
    /// Longer delays (two days for `04501`) end the call, and the error
    /// says when to try again ([`ApiError::retry_at`](super::ApiError::retry_at)).
    pub max_retry_in: Duration,
    /// Wait after a 409 that gives no `retry_in`.
    pub conflict_wait: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, 500 ms then 1 s of backoff, at most 30 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_total: Duration::from_secs(30),
            max_retry_in: Duration::from_secs(10),
            conflict_wait: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again.
    Retry {
        /// The wait.
        after: Duration,
        /// Why, for the logs.
        reason: &'static str,
    },
    /// Return the error.
    Stop,
}

/// Decides whether attempt number `attempt` (1 for the first), which failed
/// with `error` after `elapsed` since the first attempt started, is retried.
pub(crate) fn decide(
    policy: &RetryPolicy,
    idempotent: bool,
    error: &Error,
    attempt: u32,
    elapsed: Duration,
) -> Decision {
    if !idempotent || attempt >= policy.max_attempts {
        return Decision::Stop;
    }
    let backoff = || backoff(policy, attempt);
    let (after, reason) = match error {
        Error::Transport { .. } => (backoff(), "connection error"),
        Error::Api(api) => {
            let server_delay = api.retry_in();
            match (api.status, server_delay) {
                (502..=504 | 409, Some(delay)) if delay > policy.max_retry_in => {
                    return Decision::Stop
                }
                (502..=504, Some(delay)) => (delay, "provider asked to retry later"),
                (502..=504, None) => (backoff(), "gateway or provider error"),
                (409, Some(delay)) => (delay, "same request already in progress"),
                (409, None) => (policy.conflict_wait, "same request already in progress"),
                _ => return Decision::Stop,
            }
        }
        _ => return Decision::Stop,
    };
    if elapsed + after > policy.max_total {
        return Decision::Stop;
    }
    Decision::Retry { after, reason }
}

/// Exponential backoff with "equal jitter": half the delay is fixed, half
/// random, so clients that failed together do not retry together while
/// each still waits at least half the nominal delay.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exponent = attempt.saturating_sub(1).min(16);
    let nominal = policy
        .initial_backoff
        .saturating_mul(1 << exponent)
        .min(policy.max_backoff);
    let half = nominal / 2;
    half + half.mul_f64(random_unit())
}

/// A number in [0, 1). Each `RandomState` is seeded from the OS the first
/// time, then differs per instance; jitter needs no better.
fn random_unit() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::decode_error_body;
    use crate::platform::TEST_PLATFORM;

    fn api(status: u16, retry_in: Option<i64>) -> Error {
        let meta = retry_in.map_or(String::new(), |s| format!(r#","meta":{{"retry_in":{s}}}"#));
        let body = format!(r#"{{"errors":[{{"code":"04501","title":"t"{meta}}}]}}"#);
        let envelope = &TEST_PLATFORM.error_envelope;
        Error::Api(decode_error_body(
            &TEST_PLATFORM,
            envelope,
            status,
            body.as_bytes(),
        ))
    }

    fn transport() -> Error {
        // A request reqwest refuses to build: a transport error without a network.
        let error = reqwest::Client::new()
            .get("not a url")
            .build()
            .expect_err("a relative URL is refused");
        Error::Transport {
            operation: "op",
            error,
        }
    }

    #[test]
    fn retries_only_what_a_new_attempt_can_cure() {
        let p = RetryPolicy::default();
        let zero = Duration::ZERO;
        for status in [502, 503, 504, 409] {
            assert!(
                matches!(
                    decide(&p, true, &api(status, None), 1, zero),
                    Decision::Retry { .. }
                ),
                "{status}"
            );
        }
        assert!(matches!(
            decide(&p, true, &transport(), 1, zero),
            Decision::Retry { .. }
        ));
        for status in [400, 401, 403, 404, 422, 429, 451, 500] {
            assert_eq!(
                decide(&p, true, &api(status, None), 1, zero),
                Decision::Stop,
                "{status}"
            );
        }
        let timeout = Error::Timeout {
            operation: "op",
            after: Duration::from_secs(5),
        };
        assert_eq!(decide(&p, true, &timeout, 1, zero), Decision::Stop);
    }

    #[test]
    fn never_retries_a_non_idempotent_call_nor_beyond_the_bounds() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(&p, false, &api(503, None), 1, Duration::ZERO),
            Decision::Stop
        );
        assert_eq!(
            decide(&p, true, &api(503, None), 3, Duration::ZERO),
            Decision::Stop
        );
        assert_eq!(
            decide(&p, true, &api(503, None), 1, Duration::from_secs(30)),
            Decision::Stop
        );
        assert_eq!(
            decide(&RetryPolicy::none(), true, &transport(), 1, Duration::ZERO),
            Decision::Stop
        );
    }

    #[test]
    fn honours_a_short_retry_in_and_gives_up_on_a_long_one() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(&p, true, &api(503, Some(3)), 1, Duration::ZERO),
            Decision::Retry {
                after: Duration::from_secs(3),
                reason: "provider asked to retry later"
            }
        );
        // 04501 asks for two days.
        assert_eq!(
            decide(&p, true, &api(502, Some(172_800)), 1, Duration::ZERO),
            Decision::Stop
        );
        assert_eq!(
            decide(&p, true, &api(409, None), 1, Duration::ZERO),
            Decision::Retry {
                after: p.conflict_wait,
                reason: "same request already in progress"
            }
        );
    }

    #[test]
    fn backoff_doubles_within_jitter_and_stays_capped() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let first = backoff(&p, 1);
            assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(500));
            let second = backoff(&p, 2);
            assert!(second >= Duration::from_millis(500) && second <= Duration::from_secs(1));
            assert!(backoff(&p, 30) <= p.max_backoff);
        }
        let draws: std::collections::HashSet<Duration> = (0..20).map(|_| backoff(&p, 3)).collect();
        assert!(draws.len() > 1, "jitter must vary");
    }
}
