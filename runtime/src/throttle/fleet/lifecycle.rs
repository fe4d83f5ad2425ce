//! A fleet member's life: the channel and the heartbeat, losing Redis and
//! finding it again, the breaker's reset, snapshots.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use super::store::{ms, Reply, StoreError, Which};
use super::{Fleet, Inner, Mode, Throttle};
use crate::throttle::snapshot::{BucketSnapshot, SharedState, ThrottleSnapshot};
use crate::throttle::window::Window;
use crate::throttle::BucketKey;

impl Fleet {
    /// Once connected: the channel's subscription, and the heartbeat that
    /// keeps this process's lease while it waits.
    pub(super) async fn start(&self, throttle: &Throttle) {
        self.store
            .subscribe(Arc::downgrade(&throttle.shared.changed))
            .await;
        if self.heartbeat.swap(true, Ordering::Relaxed) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        // A weak handle: the heartbeat ends with the throttle.
        let shared = Arc::downgrade(&throttle.shared);
        let every = self.settings.heartbeat.max(Duration::from_millis(1));
        runtime.spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(shared) = shared.upgrade() else {
                    break;
                };
                if let Some(fleet) = &shared.fleet {
                    fleet.beat().await;
                }
            }
        });
    }

    /// Renews the lease, only while the counts are in Redis: a process on
    /// its own lets its lease lapse, which is what tells the others to
    /// leave its share free.
    async fn beat(&self) {
        if self.inner().mode != Mode::Redis || self.left.load(Ordering::Relaxed) {
            return;
        }
        let s = &self.settings;
        let args = [self.member.clone(), ms(s.lease), ms(s.grace)];
        if let Ok((values, received)) = self
            .store
            .run(Which::Lease, &[self.keys.members()], &args)
            .await
        {
            let mut reply = Reply::new(&values);
            let _now = reply.int();
            let mut inner = self.inner();
            if inner.mode == Mode::Redis {
                self.renewed(&mut inner, received);
                (inner.alive, inner.missing) = (reply.int() as u32, reply.int() as u32);
            }
        }
    }

    /// A reply renewed the lease at `received`: if the one before was
    /// longer ago than a lease, the lease had lapsed in between and the
    /// others took this process for missing (said once on stderr by `apie
    /// batch`, from the snapshot).
    pub(super) fn renewed(&self, inner: &mut Inner, received: Instant) {
        let lapsed = inner
            .last_lease
            .is_some_and(|last| received.saturating_duration_since(last) > self.settings.lease);
        if lapsed && !self.left.load(Ordering::Relaxed) {
            self.leases_lost.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                "this process's lease in the fleet lapsed (its heartbeat came late): the others \
                 left its share free meanwhile"
            );
        }
        inner.last_lease = Some(received);
    }

    /// Takes this process out of the fleet ([`Throttle::leave_fleet`]).
    pub(in crate::throttle) async fn leave(&self) {
        self.left.store(true, Ordering::Relaxed);
        if self.inner().mode != Mode::Redis {
            // Out of reach, or alone: the lease lapses by itself, and the
            // others must keep this process's share free for the grace
            // period, since it may still be sending on it.
            return;
        }
        let keys = [self.keys.members()];
        let args = [self.member.clone(), self.keys.channel()];
        match self.store.run(Which::Leave, &keys, &args).await {
            Ok(_) => self.inner().last_lease = None,
            Err(e) => {
                tracing::debug!(error = %e, "could not leave the fleet: its lease lapses by itself")
            }
        }
    }

    /// Redis failed: from now on, this process counts alone (or sends
    /// nothing) until it answers again.
    pub(super) fn fall_back(&self, throttle: &Throttle, error: &str) {
        let now = Instant::now();
        let s = &self.settings;
        let mut state = throttle.state();
        let mut inner = self.inner();
        inner.next_retry = Some(now + s.retry_every);
        if inner.mode != Mode::Redis {
            return;
        }
        self.fallbacks.fetch_add(1, Ordering::Relaxed);
        let (Some(share), Some(last_lease)) =
            (s.share.filter(|_| !self.fail_closed), inner.last_lease)
        else {
            inner.mode = Mode::Closed;
            tracing::warn!(
                error,
                "the shared throttle cannot reach Redis: nothing is sent until it answers \
                 (failing closed, or this process never reached Redis and the fleet could not \
                 leave room for it)"
            );
            return;
        };
        // Scripts in flight may still renew the lease, until their timeout.
        let lease_lapsed = now + s.timeout + s.lease;
        let from = lease_lapsed + s.minute + s.margin;
        let until = (last_lease + s.lease + s.grace)
            .checked_sub(s.timeout + s.minute + s.margin)
            .unwrap_or(now);
        inner.mode = Mode::Alone { from, until };
        tracing::warn!(
            error,
            share,
            sends_in_ms = from.saturating_duration_since(now).as_millis() as u64,
            for_ms = until.saturating_duration_since(from).as_millis() as u64,
            "the shared throttle cannot reach Redis: going on alone with this share of each limit"
        );
        let minute = throttle.shared.config.minute;
        for (key, bucket) in state.buckets.iter_mut() {
            let limit = inner
                .mirror
                .get(key)
                .map(|m| m.state.limit)
                .filter(|&l| l > 0)
                .or_else(|| inner.names.get(key).map(|(_, l)| *l))
                .unwrap_or(1);
            let mut window = Window::new(limit, minute, from).with_share(share);
            let closed = [
                inner.closed.get(key).copied(),
                inner.mirror.get(key).and_then(|m| m.closed),
            ];
            for until in closed.into_iter().flatten().filter(|t| *t > now) {
                window.close_until(until);
            }
            bucket.window = window;
        }
    }

    /// Redis may be back: tells it what this process did alone, and counts
    /// there again.
    pub(super) async fn recover(&self, throttle: &Throttle, mode: Mode) -> Result<(), StoreError> {
        let now = Instant::now();
        let s = &self.settings;
        let mut keys = vec![
            self.keys.epoch(),
            self.keys.hold(),
            self.keys.members(),
            self.keys.breaker(),
        ];
        let (known, trip) = (self.inner().epoch.clone(), {
            let state = throttle.state();
            state.breaker.tripped(now)
        });
        let mut args = vec![
            self.member.clone(),
            ms(s.lease),
            ms(s.grace),
            known,
            ms(s.hold),
            ms(s.epoch_ttl),
            ms(s.margin),
            self.keys.channel(),
            trip.map_or_else(String::new, |t| ms(t.until.saturating_duration_since(now))),
            trip.map_or(0, |t| t.failures).to_string(),
            ms(s.grace),
        ];
        let mut merged = Vec::new();
        if matches!(mode, Mode::Alone { .. }) {
            let state = throttle.state();
            let inner = self.inner();
            for (key, bucket) in &state.buckets {
                let Some((name, limit)) = inner.names.get(key) else {
                    continue;
                };
                let open = bucket.window.open_window(now);
                let closed = bucket.window.closed_until(now);
                if open.is_none() && closed.is_none() {
                    continue;
                }
                let (used, ends) = open.map_or((0, Duration::ZERO), |(u, e)| (u, e - now));
                keys.push(name.clone());
                merged.push(*key);
                args.extend([
                    limit.to_string(),
                    used.to_string(),
                    ms(ends),
                    ms(closed.map_or(Duration::ZERO, |t| t - now)),
                ]);
            }
        }
        let (values, received) = self.store.run(Which::Merge, &keys, &args).await?;
        let mut reply = Reply::new(&values);
        let redis_now = reply.int();
        let epoch = reply.text();
        let mut inner = self.inner();
        if !inner.epoch.is_empty() && inner.epoch != epoch {
            tracing::warn!(
                "Redis lost the fleet's throttle state: the fleet holds back until the windows \
                 opened without it have ended"
            );
        }
        inner.epoch = epoch;
        (inner.alive, inner.missing) = (reply.int() as u32, reply.int() as u32);
        for key in merged {
            let state = reply.bucket();
            inner.learn(key, state, redis_now, received);
        }
        inner.mode = Mode::Redis;
        inner.last_lease = Some(received);
        tracing::info!("Redis answers again: the shared throttle counts there again");
        Ok(())
    }

    /// Lifts the fleet's breaker (from a task: the caller may not be async).
    pub(in crate::throttle) fn reset_breaker(&self, throttle: &Throttle) {
        self.inner().breaker = None;
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!("Throttle::reset_breaker outside a tokio runtime: only this process's breaker is lifted");
            return;
        };
        let throttle = throttle.clone();
        runtime.spawn(async move {
            if let Some(fleet) = &throttle.shared.fleet {
                let keys = [fleet.keys.breaker()];
                let args = [fleet.keys.channel(), ms(fleet.settings.grace)];
                if let Err(e) = fleet.store.run(Which::Reset, &keys, &args).await {
                    tracing::warn!(error = %e, "could not lift the fleet's breaker in Redis");
                }
            }
        });
    }

    /// A bucket's snapshot, with the fleet's figures while they are in
    /// Redis.
    pub(in crate::throttle) fn overlay_bucket(
        &self,
        key: &BucketKey,
        snapshot: &mut BucketSnapshot,
        now: Instant,
    ) {
        let inner = self.inner();
        if inner.mode != Mode::Redis {
            return;
        }
        let closed = inner.closed.get(key).copied().filter(|t| *t > now);
        let Some(mirror) = inner.mirror.get(key) else {
            snapshot.closed_for = closed.map(|t| t - now);
            return;
        };
        let ends = mirror.ends.filter(|t| *t > now);
        snapshot.limit = mirror.state.limit;
        snapshot.used = match mirror.state.phase {
            2 if ends.is_some() => mirror.state.used,
            1 => 1,
            _ => 0,
        };
        snapshot.window_ends_in = ends.map(|t| t - now);
        snapshot.closed_for = mirror
            .closed
            .into_iter()
            .chain(closed)
            .filter(|t| *t > now)
            .max()
            .map(|t| t - now);
    }

    /// The shared side of a snapshot, and the fleet's breaker.
    pub(in crate::throttle) fn overlay(&self, snapshot: &mut ThrottleSnapshot, now: Instant) {
        let inner = self.inner();
        if let Some((until, _)) = inner.breaker.filter(|(t, _)| *t > now) {
            let wall = SystemTime::now() + (until - now);
            snapshot.possible_ban_until =
                Some(snapshot.possible_ban_until.map_or(wall, |t| t.max(wall)));
        }
        snapshot.shared = Some(SharedState {
            mode: match inner.mode {
                Mode::Redis => "redis",
                Mode::Alone { .. } => "fallback",
                Mode::Closed => "closed",
            },
            redis_ops: self.store.ops.load(Ordering::Relaxed),
            redis_errors: self.store.errors.load(Ordering::Relaxed),
            calls: self.calls.load(Ordering::Relaxed),
            members: inner.alive,
            missing_members: inner.missing,
            fallbacks: self.fallbacks.load(Ordering::Relaxed),
            leases_lost: self.leases_lost.load(Ordering::Relaxed),
        });
    }

    /// Reads every bucket this process knows from Redis, for a snapshot.
    pub(in crate::throttle) async fn refresh(&self, throttle: &Throttle) {
        let (known, mut keys, mut args) = {
            let inner = self.inner();
            let known: Vec<BucketKey> = inner.names.keys().copied().collect();
            let keys: Vec<String> = known.iter().map(|k| inner.names[k].0.clone()).collect();
            let args: Vec<String> = known.iter().map(|k| inner.names[k].1.to_string()).collect();
            (known, keys, args)
        };
        keys.splice(0..0, [self.keys.members(), self.keys.breaker()]);
        args.insert(0, ms(self.settings.grace));
        let Ok((values, received)) = self.store.run(Which::Read, &keys, &args).await else {
            return;
        };
        let mut reply = Reply::new(&values);
        let now = reply.int();
        let (alive, missing, until, failures, resets) = (
            reply.int(),
            reply.int(),
            reply.int(),
            reply.int(),
            reply.int(),
        );
        self.learn_resets(throttle, resets);
        let mut inner = self.inner();
        (inner.alive, inner.missing) = (alive as u32, missing as u32);
        inner.breaker = (until > now).then(|| {
            (
                super::store::local_instant(until, now, received),
                failures as u32,
            )
        });
        for key in known {
            let state = reply.bucket();
            inner.learn(key, state, now, received);
        }
    }
}
