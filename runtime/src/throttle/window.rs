//! One fixed window, as the server counts it, seen from the client.
//!
//! The server opens a window when the first call of a bucket arrives and
//! counts every call for one minute. The client cannot see that moment, so
//! each window starts with a single *probe* call: nothing else is sent
//! until its answer comes back. That answer bounds the window's end (the
//! window opened before the answer left the server: it ends at most one
//! minute after the answer arrived) and its `RateLimit-*` headers tell how
//! many calls the server has already counted, including calls made by
//! other processes with the same token. Only then are the remaining calls
//! of the window released, all of them at once: the limit is the only
//! budget, with no burst on top. The cost is one round trip per minute.
//!
//! Everything here takes the current time as an argument, so the rules are
//! unit-tested without a clock.

use std::time::Duration;
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use super::server_time::ServerClock;

/// When a call may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Availability {
    /// Now; the call is the window's probe when `probe` is true.
    Now { probe: bool },
    /// Not before this instant (the window is full or the bucket closed).
    At(Instant),
    /// When the probe in flight gets its answer.
    AfterProbe,
}

/// A counted call, to be matched with its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    /// Window the call was counted in.
    pub generation: u64,
    /// Whether the call opened that window.
    pub probe: bool,
    /// When it was sent.
    pub sent_at: Instant,
}

/// What came back for a call, as far as the limiter cares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Answer {
    /// Whether an HTTP answer arrived at all.
    pub answered: bool,
    /// Its status (0 without an answer).
    pub status: u16,
    /// `RateLimit-Limit`, when the answer describes this window.
    pub limit: Option<u32>,
    /// `RateLimit-Remaining`, idem.
    pub remaining: Option<u32>,
    /// `RateLimit-Reset` (epoch seconds), idem.
    pub reset: Option<i64>,
    /// The answer's `Date` (epoch seconds): the server's clock.
    pub date: Option<i64>,
    /// How long `Retry-After` asks to wait, counted from the answer.
    pub retry_after: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No window is open: the next call opens one, not before `not_before`
    /// (the moment the previous window has ended for sure).
    Idle { not_before: Instant },
    /// The probe is out; the others wait for its answer.
    Probing,
    /// Open: `used` calls counted, the window ends at `ends` at the latest.
    Open { used: u32, ends: Instant },
}

/// Fixed-window state of one bucket (a token's endpoint group, an
/// operation with its own limit, or the IP).
#[derive(Debug, Clone)]
pub(crate) struct Window {
    minute: Duration,
    /// Margin added to every window end, for clock-rate differences.
    margin: Duration,
    limit: u32,
    generation: u64,
    phase: Phase,
    /// A 429 closed the bucket until then.
    closed_until: Option<Instant>,
    /// Part of each limit this window may use (1 but for a shared
    /// throttle's local fallback, `throttle/fleet/`).
    share: f64,
}

impl Window {
    /// A bucket allowing `limit` calls per window of `minute`.
    pub(crate) fn new(limit: u32, minute: Duration, now: Instant) -> Window {
        Window {
            minute,
            margin: margin(minute),
            // A zero limit would block forever; the server's own header can
            // still lower it later.
            limit: limit.max(1),
            generation: 0,
            phase: Phase::Idle { not_before: now },
            closed_until: None,
            share: 1.0,
        }
    }

    /// The same window using only `share` of each limit, its own and the
    /// ones the server announces: what one process of a fleet may take
    /// alone when the fleet's shared counters cannot be reached.
    // Only the shared throttle's fallback needs it.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn with_share(mut self, share: f64) -> Window {
        self.share = share;
        self.limit = share_of(self.limit, share);
        self
    }

    /// Closes the bucket until `until` at least, as a 429 would (a closure
    /// learnt elsewhere, carried over).
    // Only the shared throttle's fallback needs it.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn close_until(&mut self, until: Instant) {
        self.closed_until = Some(self.closed_until.map_or(until, |t| t.max(until)));
        if let Phase::Idle { not_before } = &mut self.phase {
            *not_before = (*not_before).max(until);
        }
    }

    /// Calls of the open window, and its end, if one is open at `now`.
    // Only the shared throttle's fallback needs it.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn open_window(&self, now: Instant) -> Option<(u32, Instant)> {
        match self.phase {
            Phase::Open { used, ends } if ends > now => Some((used, ends)),
            _ => None,
        }
    }

    /// The limit currently believed.
    pub(crate) fn limit(&self) -> u32 {
        self.limit
    }

    /// Calls counted in the open window (0 when none is open).
    pub(crate) fn used(&self) -> u32 {
        match self.phase {
            Phase::Open { used, .. } => used,
            Phase::Probing => 1,
            Phase::Idle { .. } => 0,
        }
    }

    /// When the open window ends, if one is open and its end known.
    pub(crate) fn ends(&self, now: Instant) -> Option<Instant> {
        match self.phase {
            Phase::Open { ends, .. } if ends > now => Some(ends),
            _ => None,
        }
    }

    /// Until when a 429 closed the bucket, if it still is.
    pub(crate) fn closed_until(&self, now: Instant) -> Option<Instant> {
        self.closed_until.filter(|&t| t > now)
    }

    /// Whether a call could go at `now`.
    pub(crate) fn availability(&self, now: Instant) -> Availability {
        if let Some(until) = self.closed_until(now) {
            return Availability::At(until);
        }
        match self.phase {
            Phase::Idle { not_before } if not_before > now => Availability::At(not_before),
            Phase::Idle { .. } => Availability::Now { probe: true },
            Phase::Probing => Availability::AfterProbe,
            Phase::Open { ends, .. } if ends <= now => Availability::Now { probe: true },
            Phase::Open { used, ends } if used >= self.limit => Availability::At(ends),
            Phase::Open { .. } => Availability::Now { probe: false },
        }
    }

    /// Counts one call at `now`. The caller checked
    /// [`availability`](Self::availability) first.
    pub(crate) fn take(&mut self, now: Instant) -> Slot {
        let probe = matches!(self.availability(now), Availability::Now { probe: true });
        if probe {
            self.generation += 1;
            self.phase = Phase::Probing;
        } else if let Phase::Open { used, .. } = &mut self.phase {
            *used += 1;
        }
        Slot {
            generation: self.generation,
            probe,
            sent_at: now,
        }
    }

    /// Learns from the answer to `slot`, received at `now`.
    pub(crate) fn record(&mut self, slot: Slot, answer: &Answer, now: Instant) {
        if let Some(limit) = answer.limit.filter(|&l| l > 0) {
            let limit = share_of(limit, self.share);
            if limit != self.limit {
                tracing::info!(
                    from = self.limit,
                    to = limit,
                    "the server announces a different rate limit: using it"
                );
                self.limit = limit;
            }
        }
        let clock = ServerClock::from_answer(answer.date, slot.sent_at, now);
        if answer.status == 429 {
            self.close_after_429(answer, &clock, now);
        }
        let current = slot.generation == self.generation;
        if slot.probe && current && self.phase == Phase::Probing {
            if !answer.answered {
                // The probe may or may not have reached the server. Another
                // probe will open (or find) the window: nothing is known
                // that could be wrong, and its answer will tell the count.
                self.phase = Phase::Idle { not_before: now };
                return;
            }
            let local_end = now + self.minute + self.margin;
            let ends = clock.refine_end(local_end, answer.reset, self.margin);
            self.phase = Phase::Open { used: 1, ends };
        }
        if !current || !answer.answered {
            return;
        }
        if let Phase::Open { used, ends } = &mut self.phase {
            if let (Some(limit), Some(remaining)) = (answer.limit, answer.remaining) {
                // Never lower the count: calls in flight are not in the
                // server's figure yet. A higher figure means someone else
                // uses this token too.
                *used = (*used).max(limit.saturating_sub(remaining));
            }
            *ends = clock.refine_end(*ends, answer.reset, self.margin);
        }
    }

    /// A 429: nothing goes to this bucket before the server said so.
    fn close_after_429(&mut self, answer: &Answer, clock: &ServerClock, now: Instant) {
        let until = reopens_at(answer, clock, self.minute, now);
        self.closed_until = Some(self.closed_until.map_or(until, |t| t.max(until)));
        // The window the 429 belonged to is over when the bucket reopens;
        // the next call opens a fresh one with a probe.
        self.phase = Phase::Idle { not_before: until };
        self.generation += 1;
    }

    /// Lets go of a slot whose call was never sent (cancelled while
    /// preparing): only a probe matters, as others wait on its answer.
    pub(crate) fn release_unsent(&mut self, slot: Slot, now: Instant) {
        if slot.probe && slot.generation == self.generation && self.phase == Phase::Probing {
            self.phase = Phase::Idle { not_before: now };
        }
    }
}

/// Margin added to every window end, for clock-rate differences: a
/// five-hundredth of the window.
pub(crate) fn margin(minute: Duration) -> Duration {
    minute / 500
}

/// `share` of `limit`, rounded down but never 0 (a window must let its
/// probe go).
pub(crate) fn share_of(limit: u32, share: f64) -> u32 {
    if share >= 1.0 {
        return limit.max(1);
    }
    ((f64::from(limit) * share.max(0.0)).floor() as u32).max(1)
}

/// When a bucket that got a 429 at `now` reopens: after `Retry-After`,
/// else at the latest reading of `RateLimit-Reset`, else a window later;
/// plus the margin.
pub(crate) fn reopens_at(
    answer: &Answer,
    clock: &ServerClock,
    minute: Duration,
    now: Instant,
) -> Instant {
    answer
        .retry_after
        .map(|d| now + d)
        .or_else(|| answer.reset.map(|r| clock.latest_local(r)))
        .unwrap_or(now + minute)
        + margin(minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn answered(status: u16) -> Answer {
        Answer {
            answered: true,
            status,
            ..Answer::default()
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_window_starts_with_one_probe_then_releases_exactly_the_limit() {
        let t0 = Instant::now();
        let mut w = Window::new(3, MINUTE, t0);
        assert_eq!(w.availability(t0), Availability::Now { probe: true });
        let probe = w.take(t0);
        assert_eq!(w.availability(t0), Availability::AfterProbe);
        w.record(probe, &answered(200), t0 + ms(10));
        let mut sent = 1;
        while let Availability::Now { probe: false } = w.availability(t0 + ms(20)) {
            w.take(t0 + ms(20));
            sent += 1;
        }
        assert_eq!(sent, 3, "no burst beyond the limit");
        let ends = t0 + ms(10) + MINUTE + MINUTE / 500;
        assert_eq!(w.availability(t0 + ms(30)), Availability::At(ends));
        assert_eq!(
            w.availability(ends),
            Availability::Now { probe: true },
            "the next window opens once this one has ended for sure"
        );
    }

    #[test]
    fn the_servers_count_raises_ours_never_lowers_it() {
        let t0 = Instant::now();
        let mut w = Window::new(10, MINUTE, t0);
        let probe = w.take(t0);
        // Someone else already made 6 calls with this token.
        let mut a = answered(200);
        (a.limit, a.remaining) = (Some(10), Some(3));
        w.record(probe, &a, t0 + ms(5));
        assert_eq!(w.used(), 7);
        let s = w.take(t0 + ms(6));
        // A late answer counted before ours were: it must not lower the count.
        (a.limit, a.remaining) = (Some(10), Some(8));
        w.record(s, &a, t0 + ms(7));
        assert_eq!(w.used(), 8);
    }

    #[test]
    fn a_limit_announced_by_the_server_replaces_ours() {
        let t0 = Instant::now();
        let mut w = Window::new(250, MINUTE, t0);
        let probe = w.take(t0);
        let mut a = answered(200);
        (a.limit, a.remaining) = (Some(100), Some(99));
        w.record(probe, &a, t0 + ms(5));
        assert_eq!(w.limit(), 100);
        let mut granted = 1;
        while let Availability::Now { probe: false } = w.availability(t0 + ms(6)) {
            w.take(t0 + ms(6));
            granted += 1;
        }
        assert_eq!(granted, 100);
    }

    #[test]
    fn a_429_closes_the_bucket_until_retry_after() {
        let t0 = Instant::now();
        let mut w = Window::new(250, MINUTE, t0);
        let probe = w.take(t0);
        let mut a = answered(429);
        a.retry_after = Some(Duration::from_secs(17));
        w.record(probe, &a, t0 + ms(5));
        let until = t0 + ms(5) + Duration::from_secs(17) + MINUTE / 500;
        assert_eq!(w.availability(t0 + ms(6)), Availability::At(until));
        assert_eq!(w.closed_until(t0 + ms(6)), Some(until));
        assert_eq!(w.availability(until), Availability::Now { probe: true });
    }

    #[test]
    fn a_share_of_the_limit_applies_to_the_servers_limit_too() {
        let t0 = Instant::now();
        let mut w = Window::new(250, MINUTE, t0).with_share(0.25);
        assert_eq!(w.limit(), 62);
        let probe = w.take(t0);
        // The server announces 100, of which 40 are already used by others.
        let mut a = answered(200);
        (a.limit, a.remaining) = (Some(100), Some(60));
        w.record(probe, &a, t0 + ms(5));
        assert_eq!(w.limit(), 25);
        assert_eq!(
            w.availability(t0 + ms(6)),
            Availability::At(t0 + ms(5) + MINUTE + MINUTE / 500),
            "the fleet already used more than this process's share"
        );
        assert_eq!(share_of(5, 0.1), 1, "a probe can always go");
    }

    #[test]
    fn a_carried_over_closure_holds_the_bucket() {
        let t0 = Instant::now();
        let mut w = Window::new(10, MINUTE, t0);
        w.close_until(t0 + ms(300));
        assert_eq!(w.availability(t0), Availability::At(t0 + ms(300)));
        assert_eq!(
            w.availability(t0 + ms(300)),
            Availability::Now { probe: true }
        );
    }

    #[test]
    fn a_probe_without_answer_lets_the_next_call_probe_again() {
        let t0 = Instant::now();
        let mut w = Window::new(5, MINUTE, t0);
        let probe = w.take(t0);
        w.record(probe, &Answer::default(), t0 + ms(50));
        assert_eq!(
            w.availability(t0 + ms(50)),
            Availability::Now { probe: true }
        );
    }

    #[test]
    fn an_unsent_probe_does_not_block_the_bucket() {
        let t0 = Instant::now();
        let mut w = Window::new(5, MINUTE, t0);
        let probe = w.take(t0);
        w.release_unsent(probe, t0 + ms(1));
        assert_eq!(
            w.availability(t0 + ms(1)),
            Availability::Now { probe: true }
        );
    }
}
