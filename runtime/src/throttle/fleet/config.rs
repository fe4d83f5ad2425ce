//! How a shared throttle is set up ([`RedisConfig`]) and the durations
//! derived from it.

use std::time::Duration;

use super::super::window::margin;

/// What a shared throttle does while Redis cannot be reached (down, too
/// slow, or cut off from this process).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum OnRedisFailure {
    /// Go on alone with this fraction of each limit (rounded down, at least
    /// one call a window), after a `tracing` warning. The fleet's other
    /// processes leave that share free while this one's lease has lapsed;
    /// for a fleet of N processes that may all lose Redis at once, use at
    /// most 1/N so that together they still stay within every limit.
    LocalShare(f64),
    /// Send nothing: calls fail at once with
    /// [`Error::Throttled`](crate::Error::Throttled) (bucket `redis`)
    /// until Redis answers again.
    FailClosed,
}

impl Default for OnRedisFailure {
    /// A quarter of each limit: right for fleets of up to four processes,
    /// conservative for fewer.
    fn default() -> Self {
        OnRedisFailure::LocalShare(0.25)
    }
}

/// Settings of a throttle shared through Redis
/// ([`Throttle::redis_with`](super::super::Throttle::redis_with)).
#[derive(Clone)]
#[non_exhaustive]
pub struct RedisConfig {
    /// `redis://[user:password@]host[:port][/db]` or `unix:///path`.
    pub url: String,
    /// First part of every key (empty, the default: the platform's env prefix in lower
    /// case with dashes, `api-entreprise`).
    pub prefix: String,
    /// The fleet's name, a Redis Cluster hash tag: every key of a fleet
    /// lives in one slot (default `default`). Fleets calling different
    /// deployments (production, staging) need different names.
    pub fleet: String,
    /// The per-deployment secret keying the hash that names a token's
    /// buckets; `None`: `<ENV_PREFIX>_REDIS_SECRET` when set, else a key
    /// derived from the prefix and fleet (see `throttle/fleet/keys.rs`).
    pub secret: Option<Vec<u8>>,
    /// What to do while Redis cannot be reached.
    pub on_failure: OnRedisFailure,
    /// Longest wait for any Redis command: a slower Redis counts as down.
    pub timeout: Duration,
    /// How often, at most, a process cut off from Redis tries it again
    /// (default: a thirtieth of the window).
    pub retry_every: Option<Duration>,
    /// How long a process's lease lasts without renewal (default: a
    /// quarter of the window); renewed every third of it.
    pub lease: Option<Duration>,
    /// How long the fleet keeps free the share of a process whose lease
    /// lapsed, and so how long that process may run on its share before it
    /// stops too (default: ten windows).
    pub grace: Option<Duration>,
}

impl std::fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password and the secret is one: neither is
        // printed.
        f.debug_struct("RedisConfig")
            .field("prefix", &self.prefix)
            .field("fleet", &self.fleet)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("on_failure", &self.on_failure)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisConfig {
    /// The defaults, for the Redis server at `url`.
    pub fn new(url: impl Into<String>) -> RedisConfig {
        RedisConfig {
            url: url.into(),
            prefix: String::new(),
            fleet: "default".to_owned(),
            secret: None,
            on_failure: OnRedisFailure::default(),
            timeout: Duration::from_millis(250),
            retry_every: None,
            lease: None,
            grace: None,
        }
    }

    /// Sets [`prefix`](Self::prefix).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets [`fleet`](Self::fleet).
    pub fn fleet(mut self, fleet: impl Into<String>) -> Self {
        self.fleet = fleet.into();
        self
    }

    /// Sets [`secret`](Self::secret).
    pub fn secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// Sets [`on_failure`](Self::on_failure).
    pub fn on_failure(mut self, on_failure: OnRedisFailure) -> Self {
        self.on_failure = on_failure;
        self
    }

    /// Sets [`timeout`](Self::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets [`retry_every`](Self::retry_every).
    pub fn retry_every(mut self, every: Duration) -> Self {
        self.retry_every = Some(every);
        self
    }

    /// Sets [`lease`](Self::lease).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = Some(lease);
        self
    }

    /// Sets [`grace`](Self::grace).
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = Some(grace);
        self
    }
}

/// The durations a fleet works with, derived from the window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub minute: Duration,
    /// Longest wait for a Redis command.
    pub timeout: Duration,
    pub margin: Duration,
    pub probe_ttl: Duration,
    pub lease: Duration,
    pub heartbeat: Duration,
    pub grace: Duration,
    pub retry_every: Duration,
    /// How long the fleet holds back once Redis lost its state: until every
    /// process has noticed, and every window opened on a local share ended.
    pub hold: Duration,
    pub epoch_ttl: Duration,
    /// A process that waited for a window keeps a fair share of it while it goes on
    /// calling, so that the first to wake cannot take the whole window; it loses the
    /// share once quiet this long (and has this long after the window opens to come).
    pub fair_for: Duration,
    /// The local share, `None` to fail closed.
    pub share: Option<f64>,
}

impl Settings {
    pub(crate) fn new(config: &RedisConfig, minute: Duration) -> Settings {
        let margin = margin(minute).max(Duration::from_millis(1));
        let lease = config.lease.unwrap_or(minute / 4);
        let grace = config.grace.unwrap_or(minute * 10);
        let retry_every = config.retry_every.unwrap_or(minute / 30);
        Settings {
            minute,
            timeout: config.timeout,
            margin,
            probe_ttl: minute + margin,
            lease,
            heartbeat: lease / 3,
            grace,
            retry_every,
            hold: retry_every + minute + 2 * margin,
            epoch_ttl: grace + lease + minute,
            // A process with calls to make asks again within a round trip; a sixth of
            // the window (10 s of a real minute) is the longest one that has no more
            // calls holds back the others' last calls.
            fair_for: minute / 6,
            share: match config.on_failure {
                OnRedisFailure::LocalShare(f) => Some(f.clamp(0.0, 1.0)),
                OnRedisFailure::FailClosed => None,
            },
        }
    }

    /// The share used in the scripts' reservation: none when failing closed.
    pub(crate) fn share_arg(&self) -> String {
        self.share.unwrap_or(0.0).to_string()
    }
}
