//! A counted call and what its answer teaches the throttle.

use std::time::Duration;
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use super::super::errors::rfc3339;
use super::buckets::{bucket_label, BucketKey};
use super::window::{Answer, Slot};
use super::{State, Throttle};

/// What came back for a call, as the throttle needs it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Observed {
    /// The answer, its headers included.
    pub answer: Answer,
    /// No answer, in a way a ban would cause (refused, reset, closed, or
    /// a connection that never opened); a slow answer is not one.
    pub silent: bool,
}

impl Observed {
    /// The answer as the bucket at `index` sees it: the headers, and so a
    /// 429, describe the `primary` bucket only; the others just learn that
    /// an answer came.
    pub(crate) fn for_bucket(&self, index: usize, primary: Option<usize>) -> Answer {
        if primary == Some(index) {
            return self.answer;
        }
        let answer = self.answer;
        Answer {
            answered: answer.answered,
            status: if answer.status == 429 {
                200
            } else {
                answer.status
            },
            ..Answer::default()
        }
    }
}

/// A call counted in its buckets; [`record`](Self::record) its outcome.
/// Dropped unrecorded (the call was abandoned), it counts as unanswered.
pub(crate) struct Permit {
    pub(super) throttle: Throttle,
    pub(super) slots: Vec<(BucketKey, Slot)>,
    pub(super) primary: Option<usize>,
    /// Time spent waiting for room.
    pub waited: Duration,
    done: bool,
    /// Where a shared throttle counted the call: in Redis (what the answer
    /// must be told to), or `None` for the windows this process keeps.
    #[cfg(feature = "redis")]
    pub(super) shared: Option<super::fleet::Taken>,
}

impl Permit {
    pub(super) fn new(throttle: Throttle, slots: Vec<(BucketKey, Slot)>, waited: Duration) -> Self {
        Permit {
            throttle,
            slots,
            primary: None,
            waited,
            done: false,
            #[cfg(feature = "redis")]
            shared: None,
        }
    }

    /// Learns from the answer (or its absence).
    pub(crate) fn record(mut self, observed: &Observed) {
        self.apply(observed, false);
    }

    fn apply(&mut self, observed: &Observed, abandoned: bool) {
        self.done = true;
        let now = Instant::now();
        #[cfg(feature = "redis")]
        if let Some(taken) = self.shared.take() {
            if let Some(fleet) = &self.throttle.shared.fleet {
                fleet.record(&self.throttle, taken, self, observed, abandoned, now);
                return;
            }
        }
        let mut state = self.throttle.state();
        for (i, (key, slot)) in self.slots.iter().enumerate() {
            let Some(bucket) = state.buckets.get_mut(key) else {
                continue;
            };
            if abandoned {
                bucket.window.release_unsent(*slot, now);
                continue;
            }
            let answer = observed.for_bucket(i, self.primary);
            bucket.window.record(*slot, &answer, now);
            if answer.status == 429 {
                bucket.too_many_requests += 1;
                tracing::warn!(
                    bucket = %bucket_label(key.name),
                    retry_after_ms = answer.retry_after.map(|d| d.as_millis() as u64),
                    "429 Too Many Requests: nothing more goes to this bucket until it reopens"
                );
            }
        }
        self.throttle.learn_breaker(&mut state, observed, now);
        drop(state);
        self.throttle.shared.changed.notify_waiters();
    }
}

impl Throttle {
    /// The breaker learns whether a call got an answer. Returns whether
    /// this answer tripped it.
    pub(super) fn learn_breaker(
        &self,
        state: &mut State,
        observed: &Observed,
        now: Instant,
    ) -> bool {
        let config = &self.shared.config;
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
                return true;
            }
        }
        false
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.done {
            self.apply(&Observed::default(), true);
        }
    }
}
