//! Client-side rate limiting: calls wait before they are sent, so the
//! server's limits are never exceeded and the IP is never banned.
//!
//! The API counts calls per token and per endpoint group (for API
//! Entreprise 250 a minute for JSON, 50 for documents, some operations
//! less), and per IP (1000 a minute, all tokens together), in fixed
//! windows; too many calls get 429s, and ignoring them (or exceeding the IP
//! limit) bans the IP for 12 hours. Every number comes from the
//! [`Platform`], written from the profile. A [`Throttle`] keeps one fixed window per bucket
//! (`throttle/window.rs` explains how a window is opened and closed), learns from the
//! `RateLimit-*` headers of every answer, closes a bucket after a 429 until
//! the server says, and stops all traffic when calls get no answer at all
//! several times in a row (`throttle/breaker.rs`).
//!
//! Clients built without [`ClientBuilder::throttle`](super::ClientBuilder::throttle)
//! share one throttle per base URL in the process, so two clients with the
//! same token, or with different tokens behind one IP, never add up to more
//! than the server allows. Waiting is first come, first served per bucket,
//! and asleep: no polling.
//!
//! With the `redis` feature, `Throttle::redis` keeps the same buckets in
//! a Redis server instead, so that any number of processes on any number
//! of machines share one budget (`throttle/fleet/`). The algorithm above
//! (queues, waits, deadlines, the breaker's rules) is this module's, for
//! both: only where the counters live differs.

mod breaker;
mod buckets;
#[cfg(feature = "redis")]
mod fleet;
mod permit;
mod server_time;
mod snapshot;
mod window;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use tokio::sync::{Notify, OwnedMutexGuard};

use super::auth::Token;
use super::errors::Error;
use super::groups::Limit;
use super::meta::OperationMeta;
use super::platform::Platform;
use breaker::Breaker;
use buckets::{bucket_label, buckets_for, BucketKey, BucketName, Counted, Rate};
#[cfg(feature = "redis")]
pub use fleet::{OnRedisFailure, RedisConfig};
pub(crate) use permit::{Observed, Permit};
pub(crate) use server_time::{date_header, retry_after};
pub use snapshot::{BucketSnapshot, SharedState, ThrottleSnapshot};
pub(crate) use window::Answer;
use window::{Availability, Window};

/// Settings of a [`Throttle`].
#[derive(Clone)]
#[non_exhaustive]
pub struct ThrottleConfig {
    /// The platform whose groups' limits the buckets apply, and whose name errors give.
    pub platform: &'static Platform,
    /// Length of the server's window: one minute, except against a mock
    /// whose time is scaled.
    pub minute: Duration,
    /// The limits of this process's IP, all tokens together, each in a window of its own
    /// (on the platform's time: a scaled throttle scales them as it does the groups').
    pub ip_limits: Vec<Limit>,
    /// Calls in a row without any answer that trip the ban breaker.
    pub ban_after_no_answer: u32,
    /// How long traffic stays stopped once the breaker trips: the length of
    /// a ban.
    pub ban_duration: Duration,
}

impl std::fmt::Debug for ThrottleConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThrottleConfig")
            .field("platform", &self.platform.api_name)
            .field("minute", &self.minute)
            .field("ip_limits", &self.ip_limits)
            .field("ban_after_no_answer", &self.ban_after_no_answer)
            .field("ban_duration", &self.ban_duration)
            .finish()
    }
}

impl ThrottleConfig {
    /// The real server's rules, from `platform`: for API Entreprise one-minute windows,
    /// 1000 calls per IP, and a 12-hour stop after 5 calls in a row got no answer.
    pub fn new(platform: &'static Platform) -> ThrottleConfig {
        ThrottleConfig {
            platform,
            minute: platform.window,
            ip_limits: platform.ip_limits.to_vec(),
            ban_after_no_answer: platform.breaker_after_no_answer,
            ban_duration: platform.ban,
        }
    }

    /// These rules with time scaled: windows last `minute`, and a ban
    /// as many of them as a real ban holds real windows (720: 12 hours when
    /// `minute` is a minute). For a mock started with `--minute-ms`.
    pub fn scaled(self, minute: Duration) -> ThrottleConfig {
        ThrottleConfig {
            minute,
            ban_duration: minute.saturating_mul(self.platform.bans_in_windows()),
            ..self
        }
    }

    /// Replaces the IP's limits by one: `calls` per platform window (a minute for API
    /// Entreprise).
    pub fn ip_limit(self, calls: u32) -> Self {
        let window = self.platform.window;
        self.ip_limits(vec![Limit { calls, window }])
    }

    /// Sets [`ip_limits`](Self::ip_limits).
    pub fn ip_limits(mut self, limits: Vec<Limit>) -> Self {
        self.ip_limits = limits;
        self
    }

    /// Sets [`ban_after_no_answer`](Self::ban_after_no_answer).
    pub fn ban_after_no_answer(mut self, calls: u32) -> Self {
        self.ban_after_no_answer = calls;
        self
    }
}

/// A rate limiter shared by every client given it (cheap to clone).
#[derive(Clone)]
pub struct Throttle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Throttle");
        d.field("config", &self.shared.config);
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.shared.fleet {
            d.field("fleet", fleet);
        }
        d.finish_non_exhaustive()
    }
}

struct Shared {
    config: ThrottleConfig,
    state: Mutex<State>,
    /// Woken on every answer (and, for a shared throttle, on every message
    /// of the fleet's channel), so waiters re-check without polling.
    changed: Arc<Notify>,
    /// The shared counters, for a throttle built by [`Throttle::redis`].
    #[cfg(feature = "redis")]
    fleet: Option<fleet::Fleet>,
}

#[derive(Default)]
struct State {
    buckets: HashMap<BucketKey, Bucket>,
    breaker: Breaker,
}

struct Bucket {
    /// The bucket's window, when this process keeps it (in-process
    /// throttle, or a shared one's local fallback).
    window: Window,
    /// Callers wait their turn here: tokio's mutex is fair (FIFO).
    queue: Arc<tokio::sync::Mutex<()>>,
    /// Calls this process counted in the bucket.
    sent: u64,
    /// 429 answers this process got for the bucket.
    too_many_requests: u64,
    waits: u64,
    waited: Duration,
}

/// What one look at a call's buckets found.
enum Look {
    /// Every bucket has room: the permit when the call was counted, `None`
    /// when only asked to look.
    Ready(Option<Permit>),
    /// Not yet.
    Wait {
        /// When the buckets have room, as far as known (`None`: when
        /// woken, e.g. by a probe's answer). A caller whose deadline is
        /// before it gives up at once.
        at: Option<Instant>,
        /// With no firm `at`: look again at this instant even if nothing
        /// wakes the caller (a probe's deadline, for a probe whose process
        /// died). Not a reason to give up: the answer usually comes first.
        latest: Option<Instant>,
        /// The bucket that has room last.
        last: BucketName,
    },
}

impl Look {
    /// A wait until `at` (`None`: until woken), `last` having room last.
    fn wait(at: Option<Instant>, last: BucketName) -> Look {
        Look::Wait {
            at,
            latest: None,
            last,
        }
    }
}

impl Throttle {
    /// A throttle of its own, shared only by the clients given it.
    pub fn new(config: ThrottleConfig) -> Throttle {
        Throttle::with_parts(
            config,
            #[cfg(feature = "redis")]
            None,
        )
    }

    fn with_parts(
        config: ThrottleConfig,
        #[cfg(feature = "redis")] fleet: Option<fleet::Fleet>,
    ) -> Throttle {
        Throttle {
            shared: Arc::new(Shared {
                config,
                state: Mutex::new(State::default()),
                changed: Arc::new(Notify::new()),
                #[cfg(feature = "redis")]
                fleet,
            }),
        }
    }

    /// The process-wide throttle of `base_url`, with `platform`'s real rules: what a
    /// client uses unless given one.
    pub fn shared_for(platform: &'static Platform, base_url: &str) -> Throttle {
        static SHARED: OnceLock<Mutex<HashMap<String, Throttle>>> = OnceLock::new();
        let mut all = SHARED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        all.entry(base_url.trim_end_matches('/').to_owned())
            .or_insert_with(|| Throttle::new(ThrottleConfig::new(platform)))
            .clone()
    }

    /// What a client built without a throttle uses: the shared throttle of
    /// the Redis server [`Platform::redis_url_env`] names, one per URL in the
    /// process, else [`shared_for`](Self::shared_for). The variable set in
    /// a build without the `redis` feature is an error, not a silent
    /// fallback to a budget this process would not share.
    pub fn from_env_or_shared(
        platform: &'static Platform,
        base_url: &str,
    ) -> Result<Throttle, Error> {
        let var = platform.redis_url_env();
        match std::env::var(&var).ok().filter(|v| !v.trim().is_empty()) {
            None => Ok(Throttle::shared_for(platform, base_url)),
            #[cfg(feature = "redis")]
            Some(url) => fleet::shared_from_env(platform, url.trim()),
            #[cfg(not(feature = "redis"))]
            Some(_) => Err(super::errors::ConfigError::RedisFeatureMissing { var }.into()),
        }
    }

    /// Its settings.
    pub fn config(&self) -> &ThrottleConfig {
        &self.shared.config
    }

    /// Lifts a tripped ban breaker, when the operator knows the silence was
    /// a network outage and not a ban (for a shared throttle, for the
    /// whole fleet).
    pub fn reset_breaker(&self) {
        self.state().breaker.reset();
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.shared.fleet {
            fleet.reset_breaker(self);
        }
        self.shared.changed.notify_waiters();
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves counts that are
        // still counts.
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new bucket's window: for a shared throttle, the one its local
    /// fallback would use.
    fn new_window(&self, counted: &Counted, now: Instant) -> Window {
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.shared.fleet {
            return fleet.fallback_window(counted.limit, &self.shared.config, now);
        }
        Window::new(counted.limit, counted.window, now)
    }

    /// Waits until a call of `meta` may be sent without exceeding any
    /// limit, then counts it. With a `deadline`, gives up with
    /// [`Error::Throttled`] as soon as the call could not go before it.
    pub(crate) async fn acquire(
        &self,
        meta: &'static OperationMeta,
        token: Option<&Token>,
        deadline: Option<Instant>,
    ) -> Result<Permit, Error> {
        let started = Instant::now();
        let config = &self.shared.config;
        let scale = |window| config.platform.scaled_window(window, config.minute);
        let ip_rates: Vec<Rate> = config
            .ip_limits
            .iter()
            .map(|l| Rate {
                limit: l.calls,
                window: scale(l.window),
            })
            .collect();
        let (keys, primary) = buckets_for(meta, token, &ip_rates, scale, |t| self.shared_name(t));
        let queues: Vec<_> = {
            let mut state = self.state();
            check_breaker(&state.breaker, config.platform, meta.operation_id, started)?;
            keys.iter()
                .map(|counted| {
                    let bucket = state.buckets.entry(counted.key).or_insert_with(|| Bucket {
                        window: self.new_window(counted, started),
                        queue: Arc::default(),
                        sent: 0,
                        too_many_requests: 0,
                        waits: 0,
                        waited: Duration::ZERO,
                    });
                    bucket.queue.clone()
                })
                .collect()
        };
        // Queue on each bucket in turn, and wait there until that bucket has
        // room before queueing on the next: a call waiting for its token's
        // window must not hold the IP's queue, which every token shares.
        let mut turns: Vec<OwnedMutexGuard<()>> = Vec::with_capacity(queues.len());
        for (i, queue) in queues.into_iter().enumerate() {
            let turn = match deadline {
                None => queue.lock_owned().await,
                Some(deadline) => tokio::time::timeout_at(deadline, queue.lock_owned())
                    .await
                    .map_err(|_| self.throttled(meta.operation_id, &keys, deadline))?,
            };
            turns.push(turn);
            let last = i + 1 == keys.len();
            // Only the last wait takes the call's place, in every bucket at once.
            if let Some(mut permit) = self
                .wait_for_room(meta.operation_id, &keys[..=i], deadline, started, last)
                .await?
            {
                permit.primary = primary;
                return Ok(permit);
            }
        }
        unreachable!("the last bucket's wait returns a permit or an error")
    }

    /// The token's name in the shared store, for a shared throttle.
    fn shared_name(&self, _token: &Token) -> Option<String> {
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.shared.fleet {
            return Some(fleet.token_name(_token));
        }
        None
    }

    /// Sleeps until every bucket of `keys` has room; then, if `take`,
    /// counts the call in all of them at once and returns the permit.
    async fn wait_for_room(
        &self,
        operation: &'static str,
        keys: &[Counted],
        deadline: Option<Instant>,
        started: Instant,
        take: bool,
    ) -> Result<Option<Permit>, Error> {
        loop {
            let changed = self.shared.changed.notified();
            tokio::pin!(changed);
            // Registered before looking, so an answer arriving between the
            // look and the sleep still wakes this caller.
            changed.as_mut().enable();
            let now = Instant::now();
            let (wake_at, latest, last) =
                match self.look(operation, keys, now, started, take).await? {
                    Look::Ready(permit) => return Ok(permit),
                    Look::Wait { at, latest, last } => (at, latest, last),
                };
            if let Some(deadline) = deadline {
                let now = Instant::now();
                if now >= deadline || wake_at.is_some_and(|at| at > deadline) {
                    let at = wake_at.unwrap_or(now).max(deadline);
                    return Err(self.throttled_until(operation, last, at));
                }
            }
            let until = match (wake_at.or(latest), deadline) {
                (Some(a), Some(d)) => Some(a.min(d)),
                (a, d) => a.or(d),
            };
            match until {
                Some(until) => {
                    let _ = tokio::time::timeout_at(until, changed).await;
                }
                None => changed.await,
            }
        }
    }

    /// One look at the buckets, where they are kept.
    async fn look(
        &self,
        operation: &'static str,
        keys: &[Counted],
        now: Instant,
        started: Instant,
        take: bool,
    ) -> Result<Look, Error> {
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.shared.fleet {
            return fleet.look(self, operation, keys, started, take).await;
        }
        self.look_local(operation, keys, now, started, take)
    }

    /// A look at the windows this process keeps.
    fn look_local(
        &self,
        operation: &'static str,
        keys: &[Counted],
        now: Instant,
        started: Instant,
        take: bool,
    ) -> Result<Look, Error> {
        let mut state = self.state();
        check_breaker(&state.breaker, self.shared.config.platform, operation, now)?;
        let mut wake_at: Option<Instant> = None;
        let mut last = keys[0].key.name;
        let mut ready = true;
        for counted in keys {
            match state.buckets[&counted.key].window.availability(now) {
                Availability::Now { .. } => {}
                Availability::At(t) => {
                    ready = false;
                    if wake_at.is_none_or(|w| t > w) {
                        last = counted.key.name;
                    }
                    wake_at = Some(wake_at.map_or(t, |w| w.max(t)));
                }
                Availability::AfterProbe => ready = false,
            }
        }
        if !ready {
            return Ok(Look::wait(wake_at, last));
        }
        if !take {
            return Ok(Look::Ready(None));
        }
        let slots = keys
            .iter()
            .map(|counted| {
                let bucket = state
                    .buckets
                    .get_mut(&counted.key)
                    .expect("created by acquire");
                (counted.key, bucket.window.take(now))
            })
            .collect();
        Ok(Look::Ready(Some(self.count(
            &mut state,
            slots,
            now - started,
        ))))
    }

    /// Counts a call that may go in its buckets' statistics, and makes its
    /// permit.
    fn count(
        &self,
        state: &mut State,
        slots: Vec<(BucketKey, window::Slot)>,
        waited: Duration,
    ) -> Permit {
        for (key, _) in &slots {
            let Some(bucket) = state.buckets.get_mut(key) else {
                continue;
            };
            bucket.sent += 1;
            if waited >= Duration::from_millis(1) {
                bucket.waits += 1;
                bucket.waited += waited;
            }
        }
        if waited >= Duration::from_millis(1) {
            tracing::debug!(
                waited_ms = waited.as_millis() as u64,
                "throttled: waited for the rate limit"
            );
        }
        Permit::new(self.clone(), slots, waited)
    }

    /// "Try again at T" when the wait for a queue would pass the caller's
    /// deadline: T is the best estimate of when every bucket has room, and
    /// the bucket named is the one that has room last.
    fn throttled(&self, operation: &'static str, keys: &[Counted], deadline: Instant) -> Error {
        let now = Instant::now();
        let state = self.state();
        let (at, name) = keys
            .iter()
            .filter_map(|counted| {
                let window = &state.buckets.get(&counted.key)?.window;
                let free_at = match window.availability(now) {
                    Availability::Now { .. } => now,
                    Availability::At(t) => t,
                    // The probe's answer is due within a round trip.
                    Availability::AfterProbe => now,
                };
                Some((free_at, counted.key.name))
            })
            .max_by_key(|(at, _)| *at)
            .unwrap_or((deadline, BucketName::Ip { index: 0 }));
        drop(state);
        self.throttled_until(operation, name, at.max(deadline))
    }

    fn throttled_until(&self, operation: &'static str, name: BucketName, at: Instant) -> Error {
        Error::Throttled {
            operation,
            bucket: bucket_label(name),
            retry_at: SystemTime::now() + at.saturating_duration_since(Instant::now()),
        }
    }

    /// What the throttle knows now: one line per bucket, sorted, and the
    /// breaker. For a shared throttle, the counts are the fleet's as Redis
    /// last told them (or the local fallback's while Redis is out of
    /// reach), and [`shared`](ThrottleSnapshot::shared) says which;
    /// [`shared_snapshot`](Self::shared_snapshot) asks Redis first.
    pub fn snapshot(&self) -> ThrottleSnapshot {
        let now = Instant::now();
        let state = self.state();
        let mut buckets: Vec<BucketSnapshot> = state
            .buckets
            .iter()
            .map(|(key, bucket)| {
                let w = &bucket.window;
                #[allow(unused_mut)]
                let mut snapshot = BucketSnapshot {
                    bucket: bucket_label(key.name),
                    token: (key.token != 0).then(|| format!("{:08x}", key.token >> 32)),
                    limit: w.limit(),
                    used: w.used(),
                    window_ends_in: w.ends(now).map(|t| t - now),
                    closed_for: w.closed_until(now).map(|t| t - now),
                    sent: bucket.sent,
                    too_many_requests: bucket.too_many_requests,
                    waits: bucket.waits,
                    waited: bucket.waited,
                };
                #[cfg(feature = "redis")]
                if let Some(fleet) = &self.shared.fleet {
                    fleet.overlay_bucket(key, &mut snapshot, now);
                }
                snapshot
            })
            .collect();
        buckets.sort_by(|a, b| (&a.token, &a.bucket).cmp(&(&b.token, &b.bucket)));
        let trip = state.breaker.tripped(now);
        #[allow(unused_mut)]
        let mut snapshot = ThrottleSnapshot {
            buckets,
            consecutive_no_answer: state.breaker.consecutive(),
            possible_ban_until: trip.map(|t| t.until_wall),
            breaker_trips: state.breaker.trips,
            shared: None,
        };
        drop(state);
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.shared.fleet {
            fleet.overlay(&mut snapshot, now);
        }
        snapshot
    }

    /// Tells the fleet this process is done with the shared throttle, for
    /// a process about to exit: the others stop leaving its share of each
    /// limit free at once, rather than for the grace period they keep for a
    /// member whose lease lapsed (it might be running alone, cut off from
    /// Redis). A call made afterwards joins the fleet again. Nothing to do
    /// for the in-process throttle, nor while Redis is out of reach (the
    /// lease then lapses by itself, and the grace period is kept, as it
    /// must be).
    pub async fn leave_fleet(&self) {
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.shared.fleet {
            fleet.leave().await;
        }
    }

    /// Like [`snapshot`](Self::snapshot), but a shared throttle reads the
    /// fleet's counters from Redis first (one round trip); the in-process
    /// throttle has nothing to read.
    pub async fn shared_snapshot(&self) -> ThrottleSnapshot {
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.shared.fleet {
            fleet.refresh(self).await;
        }
        self.snapshot()
    }
}

fn check_breaker(
    breaker: &Breaker,
    platform: &Platform,
    operation: &'static str,
    now: Instant,
) -> Result<(), Error> {
    match breaker.tripped(now) {
        Some(trip) => Err(Error::PossibleBan {
            api: platform.api_name,
            operation,
            until: trip.until_wall,
            failures: trip.failures,
        }),
        None => Ok(()),
    }
}
