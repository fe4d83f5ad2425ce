//! Client-side rate limiting: calls wait before they are sent, so the
//! server's limits are never exceeded and the IP is never banned.
//!
//! The API counts calls per token and per endpoint group (for API
//! Entreprise 250 a minute for JSON, 50 for documents, some operations
//! less), and per IP (1000 a minute, all tokens together), in fixed
//! windows; too many calls get 429s, and ignoring them (or exceeding the IP
//! limit) bans the IP for 12 hours. Every number comes from
//! [`platform`](crate::platform), written from the profile. A [`Throttle`] keeps one fixed window per bucket
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

mod breaker;
mod server_time;
mod snapshot;
mod window;

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{Notify, OwnedMutexGuard};

use super::auth::Token;
use super::errors::{rfc3339, Error};
use super::meta::{EndpointGroup, OperationMeta};
use breaker::Breaker;
pub(crate) use server_time::{date_header, retry_after};
pub use snapshot::{BucketSnapshot, ThrottleSnapshot};
pub(crate) use window::Answer;
use window::{Availability, Slot, Window};

/// Settings of a [`Throttle`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ThrottleConfig {
    /// Length of the server's window: one minute, except against a mock
    /// whose time is scaled.
    pub minute: Duration,
    /// Calls allowed per window from this process's IP, all tokens together.
    pub ip_limit: u32,
    /// Calls in a row without any answer that trip the ban breaker.
    pub ban_after_no_answer: u32,
    /// How long traffic stays stopped once the breaker trips: the length of
    /// a ban.
    pub ban_duration: Duration,
}

impl Default for ThrottleConfig {
    /// The real server's rules, from [`platform`](crate::platform): for API
    /// Entreprise one-minute windows, 1000 calls per IP, and a 12-hour stop
    /// after 5 calls in a row got no answer.
    fn default() -> Self {
        ThrottleConfig {
            minute: crate::platform::WINDOW,
            ip_limit: crate::platform::IP_LIMIT,
            ban_after_no_answer: crate::platform::BREAKER_AFTER_NO_ANSWER,
            ban_duration: crate::platform::BAN,
        }
    }
}

impl ThrottleConfig {
    /// The real rules with time scaled: windows last `minute`, and a ban
    /// as many of them as a real ban holds real windows (720: 12 hours when
    /// `minute` is a minute). For a mock started with `--minute-ms`.
    pub fn scaled(minute: Duration) -> ThrottleConfig {
        ThrottleConfig {
            minute,
            ban_duration: minute.saturating_mul(bans_in_windows()),
            ..ThrottleConfig::default()
        }
    }

    /// Sets [`ip_limit`](Self::ip_limit).
    pub fn ip_limit(mut self, limit: u32) -> Self {
        self.ip_limit = limit;
        self
    }

    /// Sets [`ban_after_no_answer`](Self::ban_after_no_answer).
    pub fn ban_after_no_answer(mut self, calls: u32) -> Self {
        self.ban_after_no_answer = calls;
        self
    }
}

/// How many windows a ban lasts (720 for 12 hours of one-minute windows).
pub(crate) fn bans_in_windows() -> u32 {
    let window = crate::platform::WINDOW.as_secs().max(1);
    u32::try_from(crate::platform::BAN.as_secs() / window).unwrap_or(u32::MAX)
}

/// A rate limiter shared by every client given it (cheap to clone).
#[derive(Clone)]
pub struct Throttle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

struct Shared {
    config: ThrottleConfig,
    state: Mutex<State>,
    /// Woken on every answer, so waiters re-check without polling.
    changed: Notify,
}

#[derive(Default)]
struct State {
    buckets: HashMap<BucketKey, Bucket>,
    breaker: Breaker,
}

/// Which counter a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum BucketName {
    /// An operation with a limit of its own (5 a minute for DGFIP's fiscal
    /// certificate), counted in its group too.
    Operation(&'static str),
    /// A token's endpoint group.
    Group(EndpointGroup),
    /// The IP, all tokens together.
    Ip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct BucketKey {
    /// Fingerprint of the token (0 for the IP bucket): the token itself is
    /// never kept here.
    token: u64,
    name: BucketName,
}

struct Bucket {
    window: Window,
    /// Callers wait their turn here: tokio's mutex is fair (FIFO).
    queue: Arc<tokio::sync::Mutex<()>>,
    waits: u64,
    waited: Duration,
}

impl Throttle {
    /// A throttle of its own, shared only by the clients given it.
    pub fn new(config: ThrottleConfig) -> Throttle {
        Throttle {
            shared: Arc::new(Shared {
                config,
                state: Mutex::new(State::default()),
                changed: Notify::new(),
            }),
        }
    }

    /// The process-wide throttle of `base_url`, with the real rules: what a
    /// client uses unless given one.
    pub fn shared_for(base_url: &str) -> Throttle {
        static SHARED: OnceLock<Mutex<HashMap<String, Throttle>>> = OnceLock::new();
        let mut all = SHARED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        all.entry(base_url.trim_end_matches('/').to_owned())
            .or_insert_with(|| Throttle::new(ThrottleConfig::default()))
            .clone()
    }

    /// Its settings.
    pub fn config(&self) -> &ThrottleConfig {
        &self.shared.config
    }

    /// Lifts a tripped ban breaker, when the operator knows the silence was
    /// a network outage and not a ban.
    pub fn reset_breaker(&self) {
        self.state().breaker.reset();
        self.shared.changed.notify_waiters();
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves counts that are
        // still counts.
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The buckets a call of `meta` counts in, the one its answer's
    /// headers describe first, each with its limit.
    fn buckets_for(
        &self,
        meta: &OperationMeta,
        token: Option<&Token>,
    ) -> (Vec<(BucketKey, u32)>, Option<usize>) {
        let ip = (
            BucketKey {
                token: 0,
                name: BucketName::Ip,
            },
            self.shared.config.ip_limit,
        );
        let (Some(token), Some(group_limit)) = (token, crate::platform::group_limit(meta.group))
        else {
            // A group counted per IP only (monitoring): its answers carry
            // headers of their own counter, which is not the IP's: they
            // teach nothing.
            return (vec![ip], None);
        };
        let fingerprint = fingerprint(token);
        let group = (
            BucketKey {
                token: fingerprint,
                name: BucketName::Group(meta.group),
            },
            group_limit,
        );
        let mut keys = Vec::with_capacity(3);
        if meta.rate_limit_per_minute != group_limit && meta.rate_limit_per_minute > 0 {
            // Counted in its group as well: whether the server does is not
            // documented, and counting twice can only slow, never ban.
            keys.push((
                BucketKey {
                    token: fingerprint,
                    name: BucketName::Operation(meta.operation_id),
                },
                meta.rate_limit_per_minute,
            ));
        }
        // Always in this order (operation, group, IP): callers queue on
        // several buckets, and one order for all cannot deadlock.
        keys.push(group);
        keys.push(ip);
        (keys, Some(0))
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
        let (keys, primary) = self.buckets_for(meta, token);
        let queues: Vec<_> = {
            let mut state = self.state();
            self.check_breaker(&state, meta.operation_id, started)?;
            let config = &self.shared.config;
            keys.iter()
                .map(|&(key, limit)| {
                    let bucket = state.buckets.entry(key).or_insert_with(|| Bucket {
                        window: Window::new(limit, config.minute, started),
                        queue: Arc::default(),
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
                Some(deadline) => tokio::time::timeout_at(deadline.into(), queue.lock_owned())
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

    /// Sleeps until every bucket of `keys` has room; then, if `take`,
    /// counts the call in all of them at once and returns the permit.
    async fn wait_for_room(
        &self,
        operation: &'static str,
        keys: &[(BucketKey, u32)],
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
            let wake_at = {
                let mut state = self.state();
                self.check_breaker(&state, operation, now)?;
                let mut wake_at: Option<Instant> = None;
                let mut ready = true;
                for (key, _) in keys {
                    match state.buckets[key].window.availability(now) {
                        Availability::Now { .. } => {}
                        Availability::At(t) => {
                            ready = false;
                            wake_at = Some(wake_at.map_or(t, |w| w.max(t)));
                        }
                        Availability::AfterProbe => ready = false,
                    }
                }
                if ready && !take {
                    return Ok(None);
                }
                if ready {
                    let waited = now - started;
                    let slots = keys
                        .iter()
                        .map(|(key, _)| {
                            let bucket = state.buckets.get_mut(key).expect("created by acquire");
                            if waited >= Duration::from_millis(1) {
                                bucket.waits += 1;
                                bucket.waited += waited;
                            }
                            (*key, bucket.window.take(now))
                        })
                        .collect();
                    if waited >= Duration::from_millis(1) {
                        tracing::debug!(
                            operation,
                            waited_ms = waited.as_millis() as u64,
                            "throttled: waited for the rate limit"
                        );
                    }
                    return Ok(Some(Permit {
                        throttle: self.clone(),
                        slots,
                        primary: None,
                        waited,
                        done: false,
                    }));
                }
                wake_at
            };
            if let Some(deadline) = deadline {
                if now >= deadline {
                    return Err(self.throttled(operation, keys, deadline));
                }
                if wake_at.is_some_and(|at| at > deadline) {
                    return Err(self.throttled(operation, keys, deadline));
                }
            }
            let until = match (wake_at, deadline) {
                (Some(a), Some(d)) => Some(a.min(d)),
                (a, d) => a.or(d),
            };
            match until {
                Some(until) => {
                    let _ = tokio::time::timeout_at(until.into(), changed).await;
                }
                None => changed.await,
            }
        }
    }

    fn check_breaker(
        &self,
        state: &State,
        operation: &'static str,
        now: Instant,
    ) -> Result<(), Error> {
        match state.breaker.tripped(now) {
            Some(trip) => Err(Error::PossibleBan {
                operation,
                until: trip.until_wall,
                failures: trip.failures,
            }),
            None => Ok(()),
        }
    }

    /// "Try again at T" when the wait would pass the caller's deadline: T is
    /// the best estimate of when every bucket has room, and the bucket named
    /// is the one that has room last.
    fn throttled(
        &self,
        operation: &'static str,
        keys: &[(BucketKey, u32)],
        deadline: Instant,
    ) -> Error {
        let now = Instant::now();
        let state = self.state();
        let (at, name) = keys
            .iter()
            .filter_map(|(key, _)| {
                let window = &state.buckets.get(key)?.window;
                let free_at = match window.availability(now) {
                    Availability::Now { .. } => now,
                    Availability::At(t) => t,
                    // The probe's answer is due within a round trip.
                    Availability::AfterProbe => now,
                };
                Some((free_at, key.name))
            })
            .max_by_key(|(at, _)| *at)
            .unwrap_or((deadline, BucketName::Ip));
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
    /// breaker.
    pub fn snapshot(&self) -> ThrottleSnapshot {
        let now = Instant::now();
        let state = self.state();
        let mut buckets: Vec<BucketSnapshot> = state
            .buckets
            .iter()
            .map(|(key, bucket)| {
                let w = &bucket.window;
                BucketSnapshot {
                    bucket: bucket_label(key.name),
                    token: (key.token != 0).then(|| format!("{:08x}", key.token >> 32)),
                    limit: w.limit(),
                    used: w.used(),
                    window_ends_in: w.ends(now).map(|t| t - now),
                    closed_for: w.closed_until(now).map(|t| t - now),
                    sent: w.sent,
                    too_many_requests: w.too_many_requests,
                    waits: bucket.waits,
                    waited: bucket.waited,
                }
            })
            .collect();
        buckets.sort_by(|a, b| (&a.token, &a.bucket).cmp(&(&b.token, &b.bucket)));
        let trip = state.breaker.tripped(now);
        ThrottleSnapshot {
            buckets,
            consecutive_no_answer: state.breaker.consecutive(),
            possible_ban_until: trip.map(|t| t.until_wall),
            breaker_trips: state.breaker.trips,
        }
    }
}

fn fingerprint(token: &Token) -> u64 {
    let mut hasher = DefaultHasher::new();
    token.expose().hash(&mut hasher);
    // 0 is the IP bucket's.
    hasher.finish().max(1)
}

fn bucket_label(name: BucketName) -> String {
    match name {
        BucketName::Operation(op) => op.to_owned(),
        BucketName::Group(EndpointGroup::Json) => "json".to_owned(),
        BucketName::Group(EndpointGroup::Documents) => "documents".to_owned(),
        BucketName::Group(EndpointGroup::Monitoring) => "monitoring".to_owned(),
        BucketName::Ip => "ip".to_owned(),
    }
}

/// What came back for a call, as the throttle needs it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Observed {
    /// The answer, its headers included.
    pub answer: Answer,
    /// No answer, in a way a ban would cause (refused, reset, closed, or
    /// a connection that never opened); a slow answer is not one.
    pub silent: bool,
}

/// A call counted in its buckets; [`record`](Self::record) its outcome.
/// Dropped unrecorded (the call was abandoned), it counts as unanswered.
pub(crate) struct Permit {
    throttle: Throttle,
    slots: Vec<(BucketKey, Slot)>,
    primary: Option<usize>,
    /// Time spent waiting for room.
    pub waited: Duration,
    done: bool,
}

impl Permit {
    /// Learns from the answer (or its absence).
    pub(crate) fn record(mut self, observed: &Observed) {
        self.apply(observed, false);
    }

    fn apply(&mut self, observed: &Observed, abandoned: bool) {
        self.done = true;
        let now = Instant::now();
        let config = &self.throttle.shared.config;
        let mut state = self.throttle.state();
        for (i, (key, slot)) in self.slots.iter().enumerate() {
            let Some(bucket) = state.buckets.get_mut(key) else {
                continue;
            };
            if abandoned {
                bucket.window.release_unsent(*slot, now);
                continue;
            }
            let described = self.primary == Some(i);
            let mut answer = observed.answer;
            if !described {
                // The headers, and so a 429, describe the primary bucket
                // only; the others just learn that an answer came.
                answer = Answer {
                    answered: answer.answered,
                    status: if answer.status == 429 {
                        200
                    } else {
                        answer.status
                    },
                    ..Answer::default()
                };
            }
            bucket.window.record(*slot, &answer, now);
            if described && answer.status == 429 {
                tracing::warn!(
                    bucket = %bucket_label(key.name),
                    retry_after_ms = answer.retry_after.map(|d| d.as_millis() as u64),
                    "429 Too Many Requests: nothing more goes to this bucket until it reopens"
                );
            }
        }
        if observed.answer.answered {
            state.breaker.answered();
        } else if observed.silent {
            if let Some(trip) =
                state
                    .breaker
                    .no_answer(config.ban_after_no_answer, config.ban_duration, now)
            {
                tracing::error!(
                    failures = trip.failures,
                    until = %rfc3339(trip.until_wall),
                    "calls in a row got no answer at all: possible IP ban; all traffic stopped"
                );
            }
        }
        drop(state);
        self.throttle.shared.changed.notify_waiters();
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.done {
            self.apply(&Observed::default(), true);
        }
    }
}
