//! The rate limiter: fixed windows, as the API counts them. A window opens at a client's
//! first call in a bucket and lasts one minute; every call in it counts, and past the limit
//! the answer is 429 until the window ends. `RateLimit-Reset` is the window's end, in epoch
//! seconds.
//!
//! Its own module because a later version adds exact enforcement, bans and fault injection.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Above this many windows, ended ones are dropped: a long demo must not grow without bound.
const PRUNE_ABOVE: usize = 10_000;

/// Who is counted, and in which bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct WindowKey {
    /// The token, or `ip:<address>` for the open monitoring routes.
    pub client: String,
    /// `json`, `documents`, `monitoring`, or the x-operationId of an operation whose limit is
    /// its own (DGFIP's fiscal certificate counts 5 a minute apart from other documents).
    pub bucket: String,
}

/// The outcome of counting one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    /// `RateLimit-Limit`.
    pub limit: u32,
    /// `RateLimit-Remaining`.
    pub remaining: u32,
    /// `RateLimit-Reset`: the window's end, in epoch seconds.
    pub reset: u64,
    /// When over the limit: seconds until the window ends, for `Retry-After` (at least 1).
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    opened: Instant,
    count: u32,
}

/// Fixed windows per [`WindowKey`].
#[derive(Debug)]
pub(crate) struct RateLimiter {
    minute: Duration,
    windows: Mutex<HashMap<WindowKey, Window>>,
}

impl RateLimiter {
    /// A limiter whose windows last `minute`.
    pub(crate) fn new(minute: Duration) -> RateLimiter {
        RateLimiter {
            // A zero-length window would never hold a call.
            minute: minute.max(Duration::from_millis(1)),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a call of `key` allowed `limit` calls a window.
    pub(crate) fn count(&self, key: WindowKey, limit: u32) -> Decision {
        self.count_at(key, limit, Instant::now(), SystemTime::now())
    }

    fn count_at(&self, key: WindowKey, limit: u32, now: Instant, wall: SystemTime) -> Decision {
        // A panic elsewhere while holding the lock leaves counts that are still counts.
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > PRUNE_ABOVE {
            let minute = self.minute;
            windows.retain(|_, w| now.duration_since(w.opened) < minute);
        }
        let window = windows.entry(key).or_insert(Window {
            opened: now,
            count: 0,
        });
        if now.duration_since(window.opened) >= self.minute {
            *window = Window {
                opened: now,
                count: 0,
            };
        }
        window.count = window.count.saturating_add(1);
        let left = self
            .minute
            .saturating_sub(now.duration_since(window.opened));
        let ends_at = wall + left;
        let reset = ends_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
        let retry_after = (window.count > limit).then(|| {
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            secs.max(1)
        });
        Decision {
            limit,
            remaining: limit.saturating_sub(window.count),
            reset,
            retry_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(client: &str, bucket: &str) -> WindowKey {
        WindowKey {
            client: client.into(),
            bucket: bucket.into(),
        }
    }

    #[test]
    fn a_window_counts_down_then_refuses_then_reopens() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        let start = Instant::now();
        let wall = UNIX_EPOCH + Duration::from_secs(1_000);
        let first = limiter.count_at(key("t", "json"), 3, start, wall);
        assert_eq!(
            first,
            Decision {
                limit: 3,
                remaining: 2,
                reset: 1_060,
                retry_after: None
            }
        );
        let later = start + Duration::from_secs(10);
        let wall_later = wall + Duration::from_secs(10);
        assert_eq!(
            limiter
                .count_at(key("t", "json"), 3, later, wall_later)
                .remaining,
            1
        );
        assert_eq!(
            limiter
                .count_at(key("t", "json"), 3, later, wall_later)
                .remaining,
            0
        );
        let refused = limiter.count_at(key("t", "json"), 3, later, wall_later);
        assert_eq!(refused.retry_after, Some(50));
        assert_eq!(refused.reset, 1_060, "the window does not move");
        // Other buckets and other tokens have their own windows.
        assert_eq!(
            limiter
                .count_at(key("t", "documents"), 3, later, wall_later)
                .remaining,
            2
        );
        assert_eq!(
            limiter
                .count_at(key("u", "json"), 3, later, wall_later)
                .remaining,
            2
        );
        let next = start + Duration::from_secs(60);
        let reopened = limiter.count_at(key("t", "json"), 3, next, wall + Duration::from_secs(60));
        assert_eq!(reopened.remaining, 2);
        assert_eq!(reopened.reset, 1_120);
    }

    #[test]
    fn retry_after_is_at_least_a_second() {
        let limiter = RateLimiter::new(Duration::from_millis(100));
        let now = Instant::now();
        limiter.count_at(key("t", "json"), 1, now, SystemTime::now());
        let refused = limiter.count_at(key("t", "json"), 1, now, SystemTime::now());
        assert_eq!(refused.retry_after, Some(1));
    }
}
