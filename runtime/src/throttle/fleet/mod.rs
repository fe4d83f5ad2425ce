//! The throttle shared by a fleet of processes, on Redis.
//!
//! The buckets are the in-process throttle's (an operation with its own
//! limit, the token's group, the IP), with the same fixed windows opened by
//! a probe, the same header corrections, 429 closures and ban breaker; only
//! they live in Redis hashes, changed by Lua scripts that Redis runs
//! atomically (`store.rs`), so that processes on any number of machines
//! never add up to more than the server allows. Times are Redis's clock.
//! The arithmetic on the server's headers (`server_time.rs`, `window.rs`)
//! stays in Rust: a script gets its results as offsets from its own `now`.
//!
//! A caller that must wait sleeps until the instant the script gave (a
//! window's end, a closure's) or until a message on the fleet's channel (a
//! probe answered, a limit raised, the breaker): no polling. A probe out is
//! not such an instant: its answer comes within a round trip, so the caller
//! waits for the message, looking again at the probe's deadline at the
//! latest (a probe whose process died), and never gives up because of it.
//!
//! When Redis cannot be reached, this process goes on alone with a share of
//! each limit ([`OnRedisFailure`]), or sends nothing. It must not spend
//! what the others believe free, so: each process holds a lease in Redis;
//! the others leave the share of a process whose lease lapsed free for a
//! grace period; and a process that lost Redis sends nothing before its
//! lease has lapsed and every window opened before then has ended, nor
//! after the grace period. When Redis answers again, the calls of its
//! windows still open are added to the shared counts. If Redis lost its
//! state meanwhile (its epoch changed), the whole fleet holds back until
//! every window opened alone has ended.

mod config;
mod keys;
mod lifecycle;
mod store;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use config::Settings;
pub use config::{OnRedisFailure, RedisConfig};
use keys::Keys;
use store::{local_instant, ms, BucketState, Reply, Store, Which};

use super::buckets::{bucket_label, BucketKey, BucketName, Counted};
use super::permit::{Observed, Permit};
use super::server_time::ServerClock;
use super::window::{reopens_at, Slot, Window};
use super::{check_breaker, Look, Throttle, ThrottleConfig};
use crate::auth::Token;
use crate::errors::{ConfigError, Error};
use crate::platform::Platform;

impl Throttle {
    /// A throttle shared through the Redis server at `url` by every
    /// process given one with the same URL (and [`RedisConfig`] names),
    /// with `platform`'s real rules. Connects at first use: a bad URL is
    /// an error here, an unreachable server a fallback later.
    pub fn redis(platform: &'static Platform, url: &str) -> Result<Throttle, Error> {
        Throttle::redis_with(ThrottleConfig::new(platform), RedisConfig::new(url))
    }

    /// [`redis`](Self::redis) with other rules (a scaled minute) and
    /// settings.
    pub fn redis_with(config: ThrottleConfig, redis: RedisConfig) -> Result<Throttle, Error> {
        let platform = config.platform;
        // The fleet's scripts, leases and fair shares are timed by one window length.
        let limits = platform
            .groups
            .iter()
            .flat_map(|g| g.limits.iter().map(move |l| (g.name, l)));
        let own = platform
            .all_operations()
            .filter_map(|op| op.own_limit.as_ref().map(|l| (op.operation_id, l)));
        let ip = config.ip_limits.iter().map(|l| ("ip", l));
        let mut all = limits.chain(own).chain(ip);
        if let Some((name, limit)) = all.find(|(_, l)| l.window != platform.window) {
            return Err(ConfigError::MixedWindows {
                api: platform.api_name,
                bucket: name,
                window: limit.window,
                platform_window: platform.window,
            }
            .into());
        }
        let env_prefix = config.platform.env_prefix;
        let secret = redis.secret.clone().or_else(|| {
            let var = format!("{env_prefix}_REDIS_SECRET");
            std::env::var(var).ok().map(String::into_bytes)
        });
        // Unset, the platform's variables' prefix names its keys (`api-entreprise`).
        let namespace = env_prefix.to_ascii_lowercase().replace('_', "-");
        let prefix = match redis.prefix.as_str() {
            "" => namespace.clone(),
            set => set.to_owned(),
        };
        let keys = Keys::new(&namespace, &prefix, &redis.fleet, secret.as_deref());
        let store = Store::new(&redis.url, redis.timeout, keys.channel()).map_err(|e| {
            ConfigError::Redis {
                var: None,
                message: e.to_string(),
            }
        })?;
        let settings = Settings::new(&redis, config.minute);
        let fleet = Fleet {
            member: member_id(),
            store,
            keys,
            settings,
            fail_closed: redis.on_failure == OnRedisFailure::FailClosed,
            inner: Mutex::new(Inner {
                mode: Mode::Redis,
                ..Inner::default()
            }),
            calls: AtomicU64::new(0),
            fallbacks: AtomicU64::new(0),
            leases_lost: AtomicU64::new(0),
            heartbeat: AtomicBool::new(false),
            left: AtomicBool::new(false),
        };
        Ok(Throttle::with_parts(config, Some(fleet)))
    }
}

/// The shared throttle of `url` for clients built without one, one per URL
/// in the process.
pub(super) fn shared_from_env(platform: &'static Platform, url: &str) -> Result<Throttle, Error> {
    static SHARED: OnceLock<Mutex<HashMap<String, Throttle>>> = OnceLock::new();
    let mut all = SHARED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(throttle) = all.get(url) {
        return Ok(throttle.clone());
    }
    let throttle = Throttle::redis(platform, url).map_err(|e| match e {
        Error::Config(ConfigError::Redis { message, .. }) => Error::Config(ConfigError::Redis {
            var: Some(platform.redis_url_env()),
            message,
        }),
        other => other,
    })?;
    all.insert(url.to_owned(), throttle.clone());
    Ok(throttle)
}

/// A name for this process in the fleet, unique enough: its pid, the time
/// and an address, hashed.
fn member_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("{:016x}", hasher.finish())
}

/// A throttle's link to its fleet.
pub(crate) struct Fleet {
    member: String,
    store: Store,
    keys: Keys,
    settings: Settings,
    fail_closed: bool,
    inner: Mutex<Inner>,
    /// Calls counted through Redis.
    calls: AtomicU64,
    fallbacks: AtomicU64,
    /// Times this process found its lease had lapsed while it counted in
    /// Redis (its heartbeat came late): meanwhile the others left its
    /// share free, so the fleet ran below its limits.
    leases_lost: AtomicU64,
    heartbeat: AtomicBool,
    /// Set by [`Throttle::leave_fleet`]: the heartbeat stops renewing the
    /// lease until this process counts a call again.
    left: AtomicBool,
}

impl std::fmt::Debug for Fleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fleet")
            .field("keys", &self.keys)
            .field("member", &self.member)
            .field("mode", &self.inner().mode)
            .finish_non_exhaustive()
    }
}

/// Where the counts are kept now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Mode {
    /// In Redis.
    #[default]
    Redis,
    /// Here, on this process's share: nothing goes before `from` (this
    /// process's lease has lapsed and the windows opened before have
    /// ended), nor after `until` (the others stop leaving the share free).
    Alone { from: Instant, until: Instant },
    /// Nowhere: nothing is sent until Redis answers.
    Closed,
}

#[derive(Default)]
struct Inner {
    mode: Mode,
    next_retry: Option<Instant>,
    /// Each bucket as Redis last told it.
    mirror: HashMap<BucketKey, Mirror>,
    /// Each bucket's key in Redis and default limit.
    names: HashMap<BucketKey, (String, u32)>,
    /// 429 closures this process learnt, heeded before asking Redis.
    closed: HashMap<BucketKey, Instant>,
    /// The epoch last read.
    epoch: String,
    /// When a reply last renewed this process's lease.
    last_lease: Option<Instant>,
    alive: u32,
    missing: u32,
    /// The fleet's breaker trip, as last read: until, failures.
    breaker: Option<(Instant, u32)>,
    /// How many times the fleet's breaker was lifted, as last read.
    resets: Option<i64>,
}

/// A bucket as Redis last told it.
#[derive(Debug, Clone, Copy)]
struct Mirror {
    state: BucketState,
    ends: Option<Instant>,
    closed: Option<Instant>,
}

impl Inner {
    /// Whether this process saw calls Redis may have lost: windows still
    /// open, closures still in force, or calls sent on its own share.
    fn knows(&self, now: Instant) -> bool {
        !matches!(self.mode, Mode::Redis)
            || self
                .mirror
                .values()
                .any(|m| m.ends.is_some_and(|t| t > now) || m.closed.is_some_and(|t| t > now))
    }

    fn learn(&mut self, key: BucketKey, state: BucketState, now: i64, received: Instant) {
        let at = |t: i64| (t > now).then(|| local_instant(t, now, received));
        let ends = if state.phase == 2 {
            at(state.ends)
        } else {
            None
        };
        let closed = at(state.closed_until);
        self.mirror.insert(
            key,
            Mirror {
                state,
                ends,
                closed,
            },
        );
    }
}

/// Where Redis counted a call, for its answer.
pub(crate) struct Taken {
    /// Redis's time when the call was counted.
    now: i64,
}

impl Fleet {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The name of a token's buckets in Redis.
    pub(super) fn token_name(&self, token: &Token) -> String {
        self.keys.token_name(token.expose())
    }

    /// A new bucket's window, for when this process is on its own: its
    /// share of the limit, and nothing before the time it may send.
    pub(super) fn fallback_window(
        &self,
        limit: u32,
        config: &ThrottleConfig,
        now: Instant,
    ) -> Window {
        let from = match self.inner().mode {
            Mode::Alone { from, .. } => from.max(now),
            _ => now,
        };
        Window::new(limit, config.minute, from).with_share(self.settings.share.unwrap_or(1.0))
    }

    /// One look at a call's buckets: in Redis, or alone when it cannot be
    /// reached.
    pub(super) async fn look(
        &self,
        throttle: &Throttle,
        operation: &'static str,
        keys: &[Counted],
        started: Instant,
        take: bool,
    ) -> Result<Look, Error> {
        let now = Instant::now();
        let (mode, retry) = {
            let mut inner = self.inner();
            for counted in keys {
                inner
                    .names
                    .entry(counted.key)
                    .or_insert_with(|| (self.keys.bucket(counted), counted.limit));
            }
            if let Some((until, failures)) = inner.breaker.filter(|(t, _)| *t > now) {
                let api = throttle.shared.config.platform.api_name;
                return Err(possible_ban(api, operation, until, failures));
            }
            // A closure this process learnt holds even before Redis has it.
            let closed = keys
                .iter()
                .filter_map(|c| Some((*inner.closed.get(&c.key)?, c.key.name)))
                .filter(|(t, _)| *t > now)
                .max_by_key(|(t, _)| *t);
            if let Some((at, name)) = closed {
                return Ok(Look::wait(Some(at), name));
            }
            let retry = inner.next_retry.is_none_or(|t| now >= t);
            (inner.mode, retry)
        };
        if mode != Mode::Redis && retry {
            if let Err(e) = self.recover(throttle, mode).await {
                self.fall_back(throttle, &e.0);
            }
        }
        if self.inner().mode == Mode::Redis {
            self.start(throttle).await;
            match self.acquire(throttle, operation, keys, started, take).await {
                Ok(look) => return look,
                Err(e) => self.fall_back(throttle, &e.0),
            }
        }
        match self.inner().mode {
            Mode::Alone { until, .. } if now < until => {
                throttle.look_local(operation, keys, now, started, take)
            }
            _ => Err(Error::Throttled {
                operation,
                bucket: "redis".to_owned(),
                retry_at: SystemTime::now() + self.settings.retry_every,
            }),
        }
    }

    /// The acquire script, and what its reply means.
    async fn acquire(
        &self,
        throttle: &Throttle,
        operation: &'static str,
        keys: &[Counted],
        started: Instant,
        take: bool,
    ) -> Result<Result<Look, Error>, store::StoreError> {
        let s = &self.settings;
        let (known, knows) = {
            let inner = self.inner();
            (inner.epoch.clone(), inner.knows(Instant::now()))
        };
        let mut redis_keys = vec![
            self.keys.epoch(),
            self.keys.hold(),
            self.keys.members(),
            self.keys.breaker(),
        ];
        redis_keys.extend(keys.iter().map(|c| self.keys.bucket(c)));
        let mut args = vec![
            u8::from(take).to_string(),
            self.member.clone(),
            ms(s.lease),
            ms(s.grace),
            s.share_arg(),
            ms(s.probe_ttl),
            ms(s.margin),
            known,
            u8::from(knows).to_string(),
            ms(s.hold),
            ms(s.epoch_ttl),
            ms(s.fair_for),
        ];
        args.extend(keys.iter().map(|c| c.limit.to_string()));
        // Looking (re)joins the fleet: the script renews this process's lease.
        self.left.store(false, Ordering::Relaxed);
        let (values, received) = self.store.run(Which::Acquire, &redis_keys, &args).await?;
        let mut reply = Reply::new(&values);
        let (status, wake, now) = (reply.int(), reply.int(), reply.int());
        let epoch = reply.text();
        let (alive, missing, extra) = (reply.int(), reply.int(), reply.int());
        self.learn_resets(throttle, reply.int());
        let latest = reply.int();
        let mut slots = Vec::with_capacity(keys.len());
        {
            let mut inner = self.inner();
            if !inner.epoch.is_empty() && inner.epoch != epoch {
                tracing::warn!("Redis lost the fleet's throttle state: its counts start afresh");
            }
            inner.epoch = epoch;
            (inner.alive, inner.missing) = (alive as u32, missing as u32);
            self.renewed(&mut inner, received);
            for counted in keys {
                if status == 2 {
                    break;
                }
                let state = reply.bucket();
                let probe = reply.int() == 1;
                inner.learn(counted.key, state, now, received);
                slots.push((
                    counted.key,
                    Slot {
                        generation: state.generation,
                        probe,
                        sent_at: received,
                    },
                ));
            }
            if status == 2 {
                let until = local_instant(wake, now, received);
                inner.breaker = Some((until, extra as u32));
                let api = throttle.shared.config.platform.api_name;
                return Ok(Err(possible_ban(api, operation, until, extra as u32)));
            }
        }
        Ok(Ok(match status {
            1 => {
                let last = usize::try_from(extra - 1)
                    .ok()
                    .and_then(|i| keys.get(i))
                    .map_or(BucketName::Ip { index: 0 }, |c| c.key.name);
                let at = |t: i64| (t > 0).then(|| local_instant(t, now, received));
                Look::Wait {
                    at: at(wake),
                    latest: at(latest),
                    last,
                }
            }
            _ if !take => Look::Ready(None),
            _ => {
                self.calls.fetch_add(1, Ordering::Relaxed);
                let mut state = throttle.state();
                let platform = throttle.shared.config.platform;
                if let Err(e) = check_breaker(&state.breaker, platform, operation, received) {
                    return Ok(Err(e));
                }
                let mut permit = throttle.count(&mut state, slots, received - started);
                permit.shared = Some(Taken { now });
                Look::Ready(Some(permit))
            }
        }))
    }

    /// Tells Redis what came back for a call it counted. What this process
    /// must heed at once (a 429's closure, its own breaker) is kept here
    /// first; Redis learns it a moment later, from a task, since an answer
    /// must not wait for Redis.
    pub(super) fn record(
        &self,
        throttle: &Throttle,
        taken: Taken,
        permit: &Permit,
        observed: &Observed,
        abandoned: bool,
        now: Instant,
    ) {
        let s = &self.settings;
        let mut tripped = false;
        let mut described = None;
        {
            let mut state = throttle.state();
            let mut inner = self.inner();
            for (i, (key, slot)) in permit.slots.iter().enumerate() {
                let answer = observed.for_bucket(i, permit.primary);
                if abandoned || permit.primary != Some(i) {
                    continue;
                }
                let clock = ServerClock::from_answer(answer.date, slot.sent_at, now);
                if answer.status == 429 {
                    let reopen = reopens_at(&answer, &clock, s.minute, now);
                    let closed = inner.closed.entry(*key).or_insert(reopen);
                    *closed = (*closed).max(reopen);
                    if let Some(bucket) = state.buckets.get_mut(key) {
                        bucket.too_many_requests += 1;
                    }
                    tracing::warn!(
                        bucket = %bucket_label(key.name),
                        retry_after_ms = answer.retry_after.map(|d| d.as_millis() as u64),
                        "429 Too Many Requests: nothing more goes to this bucket, in the whole \
                         fleet, until it reopens"
                    );
                }
                described = Some((answer, clock, *slot));
            }
            if !abandoned {
                tripped = throttle.learn_breaker(&mut state, observed, now);
            }
        }
        if tripped {
            throttle.shared.changed.notify_waiters();
        }
        let answer = observed.answer;
        let bounds = described.and_then(|(a, clock, slot)| {
            let reset = a.reset?;
            let earliest = clock
                .earliest_local(reset)
                .saturating_duration_since(slot.sent_at);
            let latest = (clock.latest_local(reset) + s.margin).saturating_duration_since(now);
            Some((ms(earliest), ms(latest)))
        });
        let reopen = described.map_or(Duration::ZERO, |(a, clock, _)| {
            reopens_at(&a, &clock, s.minute, now).saturating_duration_since(now)
        });
        let config = &throttle.shared.config;
        let (earliest, latest) = bounds.unwrap_or_default();
        let mut args = vec![
            self.keys.channel(),
            u8::from(answer.answered).to_string(),
            u8::from(observed.silent).to_string(),
            u8::from(abandoned).to_string(),
            config.ban_after_no_answer.max(1).to_string(),
            ms(config.ban_duration),
            ms(s.margin),
            ms(s.grace),
            ms(s.minute + s.margin),
            answer.status.to_string(),
            answer.limit.unwrap_or(0).to_string(),
            answer.remaining.map_or(-1, i64::from).to_string(),
            earliest,
            latest,
            ms(reopen),
        ];
        let mut redis_keys = vec![self.keys.breaker()];
        let mut bucket_keys = Vec::with_capacity(permit.slots.len());
        {
            let inner = self.inner();
            for (i, (key, slot)) in permit.slots.iter().enumerate() {
                let Some((name, limit)) = inner.names.get(key) else {
                    continue;
                };
                redis_keys.push(name.clone());
                bucket_keys.push(*key);
                args.extend([
                    slot.generation.to_string(),
                    u8::from(slot.probe).to_string(),
                    u8::from(permit.primary == Some(i)).to_string(),
                    taken.now.to_string(),
                    limit.to_string(),
                ]);
            }
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let throttle = throttle.clone();
        runtime.spawn(async move {
            let Some(fleet) = &throttle.shared.fleet else {
                return;
            };
            match fleet.store.run(Which::Record, &redis_keys, &args).await {
                Ok((values, received)) => fleet.learn_record(&bucket_keys, &values, received),
                // The next look finds Redis out of reach too, and falls back.
                Err(e) => tracing::debug!(error = %e, "could not tell Redis a call's answer"),
            }
        });
    }

    /// Someone lifted the fleet's breaker since the last read: this
    /// process lifts its own. (A count that went down means the breaker's
    /// key expired or Redis lost it: no reset is inferred, the safe side.)
    pub(super) fn learn_resets(&self, throttle: &Throttle, resets: i64) {
        let lifted = {
            let mut inner = self.inner();
            let lifted = inner.resets.is_some_and(|seen| resets > seen);
            inner.resets = Some(resets);
            if lifted {
                inner.breaker = None;
            }
            lifted
        };
        if lifted {
            throttle.state().breaker.reset();
            tracing::info!("the fleet's ban breaker was lifted: this process's too");
        }
    }

    /// The record script's reply: the breaker, and the buckets' states.
    fn learn_record(&self, keys: &[BucketKey], values: &[redis::Value], received: Instant) {
        let mut reply = Reply::new(values);
        let (_tripped, until, failures, now) = (reply.int(), reply.int(), reply.int(), reply.int());
        let mut inner = self.inner();
        if until > now {
            inner.breaker = Some((local_instant(until, now, received), failures as u32));
        }
        for key in keys {
            let state = reply.bucket();
            inner.learn(*key, state, now, received);
        }
    }
}

fn possible_ban(
    api: &'static str,
    operation: &'static str,
    until: Instant,
    failures: u32,
) -> Error {
    Error::PossibleBan {
        api,
        operation,
        until: SystemTime::now() + until.saturating_duration_since(Instant::now()),
        failures,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::groups::{CountedPer, GroupRules, Limit};
    use crate::platform::{Platform, TEST_PLATFORM};
    use crate::throttle::Throttle;

    const TWENTY_A_SECOND: GroupRules = GroupRules {
        name: "json",
        limits: &[Limit {
            calls: 20,
            window: Duration::from_secs(1),
        }],
        counted_per: CountedPer::Token,
        timeout: Duration::from_secs(5),
        max_body: 1 << 20,
    };

    static PER_SECOND: Platform = Platform {
        groups: &[TWENTY_A_SECOND],
        download_group: &TWENTY_A_SECOND,
        ..TEST_PLATFORM
    };

    /// The fleet's scripts time every bucket by one window: a platform whose group counts in
    /// another is refused with a message, not shared wrongly.
    #[test]
    fn a_group_with_a_window_of_its_own_is_refused_by_the_fleet() {
        let refused = Throttle::redis(&PER_SECOND, "redis://127.0.0.1:1/");
        let Err(crate::Error::Config(error @ crate::ConfigError::MixedWindows { .. })) = refused
        else {
            panic!("refused for its windows: {refused:?}")
        };
        assert!(error.to_string().contains("one window length"), "{error}");
    }
}
