//! The Redis side: connections, the Lua scripts, their replies.
//!
//! Every decision that several processes could race on is one script,
//! which Redis runs atomically: look-and-take ([`ACQUIRE`]), learn from an
//! answer ([`RECORD`]), merge a local fallback back ([`MERGE`]). The
//! connection is tokio's `ConnectionManager` (reconnects by itself); a
//! second one, in RESP3, carries the fleet channel's messages, which wake
//! this process's waiters.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, ProtocolVersion, Script, Value};
use tokio::sync::{Notify, OnceCell};

macro_rules! script {
    ($file:literal) => {
        concat!(include_str!("prelude.lua"), include_str!($file))
    };
}

/// Looks at a call's buckets, and counts it when all have room.
const ACQUIRE: &str = script!("acquire.lua");
/// Learns from an answer.
const RECORD: &str = script!("record.lua");
/// Adds a local fallback's calls back into the fleet's counts.
const MERGE: &str = script!("merge.lua");
/// Reads the state for a snapshot.
const READ: &str = script!("read.lua");
/// Renews the lease.
const LEASE: &str = script!("lease.lua");
/// Lifts the breaker.
const RESET: &str = script!("reset.lua");
/// Takes a process that is done out of the fleet.
const LEAVE: &str = script!("leave.lua");

/// Which script to run.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Which {
    Acquire,
    Record,
    Merge,
    Read,
    Lease,
    Reset,
    Leave,
}

/// Why Redis could not be used.
#[derive(Debug)]
pub(crate) struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One fleet's connections to Redis.
pub(crate) struct Store {
    client: Client,
    /// The RESP3 client for the channel, when the URL allows one.
    push_client: Option<Client>,
    timeout: Duration,
    connection: OnceCell<ConnectionManager>,
    subscription: OnceCell<ConnectionManager>,
    /// Set when the channel's connection closed: a connection manager only
    /// reconnects when it is used, so the next look subscribes again.
    subscription_lost: Arc<AtomicBool>,
    scripts: [Script; 7],
    channel: String,
    /// Commands sent, and of them failed.
    pub ops: AtomicU64,
    pub errors: AtomicU64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The connection info may hold a password: not printed.
        f.debug_struct("Store")
            .field("timeout", &self.timeout)
            .field("ops", &self.ops)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Connections to `url`, opened at first use; `timeout` bounds every
    /// command, so a slow Redis is a failed one.
    pub(crate) fn new(url: &str, timeout: Duration, channel: String) -> Result<Store, StoreError> {
        let client =
            Client::open(url).map_err(|e| StoreError(format!("invalid Redis URL: {e}")))?;
        let info = client.get_connection_info().clone();
        let settings = info
            .redis_settings()
            .clone()
            .set_protocol(ProtocolVersion::RESP3);
        let push_client = Client::open(info.set_redis_settings(settings)).ok();
        Ok(Store {
            client,
            push_client,
            timeout,
            connection: OnceCell::new(),
            subscription: OnceCell::new(),
            subscription_lost: Arc::new(AtomicBool::new(false)),
            scripts: [
                Script::new(ACQUIRE),
                Script::new(RECORD),
                Script::new(MERGE),
                Script::new(READ),
                Script::new(LEASE),
                Script::new(RESET),
                Script::new(LEAVE),
            ],
            channel,
            ops: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        })
    }

    fn manager_config(&self) -> ConnectionManagerConfig {
        ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // Reconnection happens in the background; a command meanwhile
            // fails at once, and the throttle falls back.
            .set_number_of_retries(1)
            .set_max_delay(self.timeout)
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let manager = self
            .connection
            .get_or_try_init(|| async {
                self.ops.fetch_add(1, Ordering::Relaxed);
                let config = self.manager_config();
                match tokio::time::timeout(
                    self.timeout,
                    ConnectionManager::new_with_config(self.client.clone(), config),
                )
                .await
                {
                    Ok(Ok(manager)) => Ok(manager),
                    Ok(Err(e)) => Err(StoreError(format!("cannot connect to Redis: {e}"))),
                    Err(_) => Err(StoreError("cannot connect to Redis: timed out".into())),
                }
            })
            .await;
        match manager {
            Ok(manager) => Ok(manager.clone()),
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// Subscribes to the fleet's channel, once: each message wakes the
    /// process's waiters. Without it (a Redis too old for RESP3), waiters
    /// still wake at the instants the scripts gave: later, never wrong.
    pub(crate) async fn subscribe(&self, changed: Weak<Notify>) {
        let Some(push_client) = &self.push_client else {
            return;
        };
        if let Some(manager) = self.subscription.get() {
            if self.subscription_lost.swap(false, Ordering::Relaxed) {
                self.ops.fetch_add(1, Ordering::Relaxed);
                let mut manager = manager.clone();
                let again = tokio::time::timeout(self.timeout, manager.subscribe(&self.channel));
                if !matches!(again.await, Ok(Ok(()))) {
                    self.errors.fetch_add(1, Ordering::Relaxed);
                    self.subscription_lost.store(true, Ordering::Relaxed);
                }
            }
            return;
        }
        let lost = self.subscription_lost.clone();
        let result = self
            .subscription
            .get_or_try_init(|| async {
                self.ops.fetch_add(2, Ordering::Relaxed);
                let config = self
                    .manager_config()
                    .set_automatic_resubscription()
                    .set_push_sender(move |push: redis::PushInfo| {
                        if push.kind == redis::PushKind::Disconnection {
                            lost.store(true, Ordering::Relaxed);
                        }
                        // Any message may let a waiter go: all look again.
                        if let Some(changed) = changed.upgrade() {
                            changed.notify_waiters();
                        }
                        Ok::<(), std::convert::Infallible>(())
                    });
                let connect = async {
                    let mut manager =
                        ConnectionManager::new_with_config(push_client.clone(), config).await?;
                    manager.subscribe(&self.channel).await?;
                    Ok::<_, redis::RedisError>(manager)
                };
                match tokio::time::timeout(self.timeout, connect).await {
                    Ok(Ok(manager)) => Ok(manager),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err("timed out".to_owned()),
                }
            })
            .await;
        if let Err(e) = result {
            self.errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                error = %e,
                "cannot subscribe to the fleet's Redis channel: waiters will wake at window ends only"
            );
        }
    }

    /// Runs a script; returns its reply (an array) and the instant the
    /// reply arrived, which stands for Redis's `now` in it (the script ran
    /// before: instants read from it are late, never early).
    pub(crate) async fn run(
        &self,
        which: Which,
        keys: &[String],
        args: &[String],
    ) -> Result<(Vec<Value>, Instant), StoreError> {
        let mut connection = self.connection().await?;
        let script = &self.scripts[which as usize];
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(key);
        }
        for arg in args {
            invocation.arg(arg);
        }
        self.ops.fetch_add(1, Ordering::Relaxed);
        let reply = tokio::time::timeout(
            self.timeout,
            invocation.invoke_async::<Value>(&mut connection),
        )
        .await;
        let received = Instant::now();
        match reply {
            Ok(Ok(Value::Array(values))) => Ok((values, received)),
            Ok(Ok(other)) => self.failed(format!("unexpected reply from Redis: {other:?}")),
            Ok(Err(e)) => self.failed(format!("Redis: {e}")),
            Err(_) => self.failed(format!("Redis gave no answer within {:?}", self.timeout)),
        }
    }

    fn failed<T>(&self, message: String) -> Result<T, StoreError> {
        self.errors.fetch_add(1, Ordering::Relaxed);
        Err(StoreError(message))
    }
}

/// Reads a reply's values.
pub(crate) struct Reply<'a> {
    values: &'a [Value],
    at: usize,
}

impl<'a> Reply<'a> {
    pub(crate) fn new(values: &'a [Value]) -> Self {
        Reply { values, at: 0 }
    }

    /// The next value as an integer (0 when missing or not one).
    pub(crate) fn int(&mut self) -> i64 {
        let value = self.values.get(self.at);
        self.at += 1;
        match value {
            Some(Value::Int(n)) => *n,
            Some(Value::BulkString(b)) => std::str::from_utf8(b)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            _ => 0,
        }
    }

    /// The next value as text.
    pub(crate) fn text(&mut self) -> String {
        let value = self.values.get(self.at);
        self.at += 1;
        match value {
            Some(Value::BulkString(b)) => String::from_utf8_lossy(b).into_owned(),
            Some(Value::SimpleString(s)) => s.clone(),
            Some(Value::Int(n)) => n.to_string(),
            _ => String::new(),
        }
    }

    /// A bucket's state, as the scripts push it.
    pub(crate) fn bucket(&mut self) -> BucketState {
        BucketState {
            limit: self.int().max(0) as u32,
            used: self.int().max(0) as u32,
            phase: self.int(),
            ends: self.int(),
            closed_until: self.int(),
            generation: self.int().max(0) as u64,
        }
    }
}

/// A bucket as Redis holds it (times in Redis's milliseconds).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BucketState {
    pub limit: u32,
    pub used: u32,
    /// 0 idle, 1 probe out, 2 open.
    pub phase: i64,
    pub ends: i64,
    pub closed_until: i64,
    pub generation: u64,
}

/// Milliseconds, as the scripts take them.
pub(crate) fn ms(d: Duration) -> String {
    d.as_millis().to_string()
}

/// A local instant for Redis time `t`, given Redis's `now` at `received`:
/// late by up to a round trip, the safe side for a window's end.
pub(crate) fn local_instant(t: i64, now: i64, received: Instant) -> Instant {
    received + Duration::from_millis(t.saturating_sub(now).max(0) as u64)
}
