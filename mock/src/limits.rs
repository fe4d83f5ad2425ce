//! The rate limiter: fixed windows, as the API counts them. A window opens at a client's
//! first call in a bucket and lasts one minute; every call in it counts, and past the limit
//! the answer is 429 until the window ends. `RateLimit-Reset` is the window's end, in epoch
//! seconds.
//!
//! The same windows count per IP (bucket [`IP_BUCKET`], client `ip:<address>`), and tally the
//! 429s each window handed out, from which [`crate::bans`] decides that a client ignores them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use api_entreprise::runtime::Platform;

/// Above this many windows, ended ones are dropped: a long demo must not grow without bound.
const PRUNE_ABOVE: usize = 10_000;

/// The bucket of the per-IP windows of the IP's first limit, all tokens together (`ip[1]`
/// for its second).
pub(crate) const IP_BUCKET: &str = "ip";

/// The bucket of the IP's limit `index`: `ip`, `ip[1]`…, as the client names it.
pub(crate) fn ip_bucket(index: usize) -> String {
    if index == 0 {
        IP_BUCKET.to_string()
    } else {
        format!("{IP_BUCKET}[{index}]")
    }
}

/// Whether `bucket` counts one of the IP's limits.
fn is_ip_bucket(bucket: &str) -> bool {
    bucket == IP_BUCKET
        || bucket
            .strip_prefix("ip[")
            .and_then(|rest| rest.strip_suffix(']'))
            .is_some_and(|index| index.parse::<usize>().is_ok())
}

/// Who is counted, and in which bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct WindowKey {
    /// The token, or `ip:<address>` for the per-IP windows.
    pub client: String,
    /// `json`, `documents`, [`IP_BUCKET`], or the x-operationId of an operation whose limit
    /// is its own (DGFIP's fiscal certificate counts 5 a minute apart from other documents).
    pub bucket: String,
}

impl WindowKey {
    /// The per-IP window of `ip` for the IP's limit `index`.
    pub(crate) fn ip(ip: std::net::IpAddr, index: usize) -> WindowKey {
        WindowKey {
            client: format!("ip:{ip}"),
            bucket: ip_bucket(index),
        }
    }
}

/// The outcome of counting one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    /// `RateLimit-Limit`: the limit the window opened with.
    pub limit: u32,
    /// `RateLimit-Remaining`.
    pub remaining: u32,
    /// `RateLimit-Reset`: the window's end, in epoch seconds.
    pub reset: u64,
    /// When over the limit: seconds until the window ends, for `Retry-After` (at least 1).
    pub retry_after: Option<u64>,
    /// Calls of this window refused so far, this one included.
    pub refused: u32,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    opened: Instant,
    /// How long it lasts, on the mock's time scale.
    length: Duration,
    count: u32,
    /// Fixed when the window opens: a limit changed meanwhile applies from the next window,
    /// so `RateLimit-Remaining` never jumps within one.
    limit: u32,
    refused: u32,
}

#[derive(Debug, Default)]
struct Inner {
    windows: HashMap<WindowKey, Window>,
    /// Bucket → limit set at run time, in place of the operation's documented one.
    overrides: HashMap<String, u32>,
}

/// Fixed windows per [`WindowKey`].
#[derive(Debug)]
pub(crate) struct RateLimiter {
    minute: Duration,
    /// The platform whose window `minute` stands for: a bucket counting in another window
    /// (a second) gets it scaled alike ([`Platform::scaled_window`]).
    platform: &'static Platform,
    inner: Mutex<Inner>,
}

impl RateLimiter {
    /// A limiter of API Entreprise whose windows last `minute`.
    #[cfg(test)]
    pub(crate) fn new(minute: Duration) -> RateLimiter {
        RateLimiter::scaled(minute, &api_entreprise::PLATFORM)
    }

    /// A limiter whose windows last `minute` where `platform`'s last its own window.
    pub(crate) fn scaled(minute: Duration, platform: &'static Platform) -> RateLimiter {
        RateLimiter {
            // A zero-length window would never hold a call.
            minute: minute.max(Duration::from_millis(1)),
            platform,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Counts a call of `key`, whose bucket allows `limit` calls in windows of `window` (on
    /// the platform's time scale: a second for a per-second limit) unless
    /// [`RateLimiter::set_limit`] said otherwise.
    pub(crate) fn count_in(&self, key: WindowKey, limit: u32, window: Duration) -> Decision {
        let length = self.platform.scaled_window(window, self.minute);
        self.count_window(key, limit, length, Instant::now(), SystemTime::now())
    }

    /// Windows of `bucket` opening from now on allow `limit` calls.
    pub(crate) fn set_limit(&self, bucket: &str, limit: u32) {
        self.lock().overrides.insert(bucket.to_string(), limit);
    }

    /// The limit a window of `bucket` opening now would have.
    pub(crate) fn limit_of(&self, bucket: &str, documented: u32) -> u32 {
        self.lock()
            .overrides
            .get(bucket)
            .copied()
            .unwrap_or(documented)
    }

    /// Forgets what led to bans: the per-IP windows and the 429 tallies. Without it, an IP
    /// unbanned in the middle of a window would be banned again by its very next call.
    pub(crate) fn forgive(&self) {
        let mut inner = self.lock();
        inner.windows.retain(|key, _| !is_ip_bucket(&key.bucket));
        for window in inner.windows.values_mut() {
            window.refused = 0;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves counts that are still counts.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// [`count_at`](Self::count_at) in windows of the platform's length.
    #[cfg(test)]
    fn count_at(&self, key: WindowKey, limit: u32, now: Instant, wall: SystemTime) -> Decision {
        self.count_window(key, limit, self.minute, now, wall)
    }

    fn count_window(
        &self,
        key: WindowKey,
        limit: u32,
        minute: Duration,
        now: Instant,
        wall: SystemTime,
    ) -> Decision {
        let mut inner = self.lock();
        let Inner { windows, overrides } = &mut *inner;
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, w| now.duration_since(w.opened) < w.length);
        }
        let limit = overrides.get(&key.bucket).copied().unwrap_or(limit);
        let fresh = Window {
            opened: now,
            length: minute,
            count: 0,
            limit,
            refused: 0,
        };
        let window = windows.entry(key).or_insert(fresh);
        if now.duration_since(window.opened) >= minute {
            *window = fresh;
        }
        window.count = window.count.saturating_add(1);
        let over = window.count > window.limit;
        if over {
            window.refused = window.refused.saturating_add(1);
        }
        let left = minute.saturating_sub(now.duration_since(window.opened));
        let ends_at = wall + left;
        let reset = ends_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
        let retry_after = over.then(|| {
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            secs.max(1)
        });
        Decision {
            limit: window.limit,
            remaining: window.limit.saturating_sub(window.count),
            reset,
            retry_after,
            refused: window.refused,
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
                retry_after: None,
                refused: 0,
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
        assert_eq!(refused.refused, 1);
        let again = limiter.count_at(key("t", "json"), 3, later, wall_later);
        assert_eq!(again.refused, 2, "refusals are tallied per window");
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
        assert_eq!(reopened.refused, 0);
    }

    #[test]
    fn a_new_limit_applies_from_the_next_window() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        let start = Instant::now();
        let wall = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(
            limiter.count_at(key("t", "json"), 250, start, wall).limit,
            250
        );
        limiter.set_limit("json", 2);
        assert_eq!(limiter.limit_of("json", 250), 2);
        let same = limiter.count_at(key("t", "json"), 250, start, wall);
        assert_eq!((same.limit, same.remaining), (250, 248));
        // Another token's window opens now: it takes the new limit at once.
        let other = limiter.count_at(key("u", "json"), 250, start, wall);
        assert_eq!((other.limit, other.remaining), (2, 1));
        let next = start + Duration::from_secs(60);
        let reopened = limiter.count_at(key("t", "json"), 250, next, wall);
        assert_eq!((reopened.limit, reopened.remaining), (2, 1));
        // Other buckets keep theirs.
        assert_eq!(
            limiter
                .count_at(key("t", "documents"), 50, next, wall)
                .limit,
            50
        );
    }

    #[test]
    fn forgiving_drops_ip_windows_and_429_tallies() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        let now = Instant::now();
        let wall = SystemTime::now();
        let localhost = std::net::Ipv4Addr::LOCALHOST.into();
        let (ip, second) = (WindowKey::ip(localhost, 0), WindowKey::ip(localhost, 1));
        assert_eq!(second.bucket, "ip[1]");
        limiter.count_at(ip.clone(), 1, now, wall);
        limiter.count_at(second.clone(), 1, now, wall);
        limiter.count_at(key("t", "json"), 0, now, wall);
        limiter.forgive();
        assert_eq!(limiter.count_at(ip, 1, now, wall).retry_after, None);
        assert_eq!(limiter.count_at(second, 1, now, wall).retry_after, None);
        let refused = limiter.count_at(key("t", "json"), 0, now, wall);
        assert_eq!(refused.refused, 1, "the count stays, the tally restarts");
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
