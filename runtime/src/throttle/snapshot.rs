//! What a [`Throttle`](super::Throttle) can tell about itself: a metrics
//! snapshot, for dashboards and for tests that check what was sent.

use std::time::{Duration, SystemTime};

/// The throttle's state at one moment ([`Throttle::snapshot`](super::Throttle::snapshot)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ThrottleSnapshot {
    /// One entry per bucket used so far, sorted by token then bucket.
    pub buckets: Vec<BucketSnapshot>,
    /// Calls in a row that got no answer at all.
    pub consecutive_no_answer: u32,
    /// When the ban breaker is tripped: until when traffic is stopped.
    pub possible_ban_until: Option<SystemTime>,
    /// Times the breaker tripped.
    pub breaker_trips: u64,
    /// For a throttle shared through Redis: where the figures above come
    /// from, and what sharing costs. `None` for the in-process throttle.
    pub shared: Option<SharedState>,
}

/// A shared throttle's side of a snapshot ([`ThrottleSnapshot::shared`]).
///
/// With it, each bucket's `limit`, `used`, `window_ends_in` and
/// `closed_for`, and the breaker's trip, are the fleet's, as Redis last
/// told this process; `sent`, `too_many_requests`, `waits` and `waited`
/// stay this process's own.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SharedState {
    /// `"redis"` while the shared counters are in use, `"fallback"` while
    /// Redis is out of reach and this process uses its local share of each
    /// limit, `"closed"` while it is out of reach and the throttle was set
    /// to fail closed.
    pub mode: &'static str,
    /// Commands sent to Redis (scripts, publications, pings), all together.
    pub redis_ops: u64,
    /// Of which failed (refused, timed out, or an error answer).
    pub redis_errors: u64,
    /// Calls counted through Redis.
    pub calls: u64,
    /// Processes of the fleet whose lease is current, as last read.
    pub members: u32,
    /// Processes whose lease lapsed recently: each may be running on its
    /// local share, which the others leave free.
    pub missing_members: u32,
    /// Times this process fell back to its local share.
    pub fallbacks: u64,
    /// Times this process found its lease had lapsed while it counted in
    /// Redis (its heartbeat came late): meanwhile the others left its share
    /// free, and the fleet ran below its limits.
    pub leases_lost: u64,
}

impl SharedState {
    /// Whether this process ran, or runs, in a degraded mode: Redis out of
    /// reach now, a fallback to its local share, or a lease lost.
    pub fn degraded(&self) -> bool {
        self.mode != "redis" || self.fallbacks > 0 || self.leases_lost > 0
    }
}

impl SharedState {
    /// Redis commands per call counted through Redis.
    pub fn ops_per_call(&self) -> f64 {
        if self.calls == 0 {
            return 0.0;
        }
        self.redis_ops as f64 / self.calls as f64
    }
}

impl ThrottleSnapshot {
    /// The entry of `bucket` (`"json"`, `"documents"`, `"ip"` or an
    /// x-operationId), for the first token that has one.
    pub fn bucket(&self, bucket: &str) -> Option<&BucketSnapshot> {
        self.buckets.iter().find(|b| b.bucket == bucket)
    }
}

/// One bucket's state ([`ThrottleSnapshot::buckets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BucketSnapshot {
    /// `"json"`, `"documents"`, an x-operationId with a limit of its own,
    /// or `"ip"`.
    pub bucket: String,
    /// A short fingerprint of the token (not the token), `None` for the IP.
    pub token: Option<String>,
    /// Calls allowed per window, as last known (the server's headers win).
    pub limit: u32,
    /// Calls counted in the current window.
    pub used: u32,
    /// Time left in the current window, when one is open.
    pub window_ends_in: Option<Duration>,
    /// Time left before a 429-closed bucket reopens.
    pub closed_for: Option<Duration>,
    /// Calls sent in all.
    pub sent: u64,
    /// 429 answers received.
    pub too_many_requests: u64,
    /// Calls that had to wait.
    pub waits: u64,
    /// Time spent waiting, all calls together.
    pub waited: Duration,
}
