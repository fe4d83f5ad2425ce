//! The ban breaker.
//!
//! A banned IP gets no answer at all from API Entreprise for 12 hours:
//! connections are dropped or never accepted. Retrying then only confirms
//! the ban, and a user who sees "transport error" a thousand times in a log
//! learns nothing. So after several calls in a row, on any endpoints, got
//! no HTTP answer (an answer of any status resets the count), all traffic
//! to the host stops and every call fails at once with "possible IP ban
//! until …". Slow answers (timeouts once connected) do not count: a slow
//! provider is not a ban.

use std::time::{Duration, SystemTime};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

/// Consecutive failures without an answer, and the trip.
#[derive(Debug, Clone, Default)]
pub(crate) struct Breaker {
    consecutive: u32,
    tripped: Option<Trip>,
    /// Times the breaker tripped.
    pub trips: u64,
}

/// A tripped breaker: until when, on both clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Trip {
    pub until: Instant,
    pub until_wall: SystemTime,
    pub failures: u32,
}

impl Breaker {
    /// The trip in force at `now`, if any.
    pub(crate) fn tripped(&self, now: Instant) -> Option<Trip> {
        self.tripped.filter(|t| t.until > now)
    }

    /// Failures without answer since the last answer.
    pub(crate) fn consecutive(&self) -> u32 {
        self.consecutive
    }

    /// An HTTP answer arrived.
    pub(crate) fn answered(&mut self) {
        self.consecutive = 0;
    }

    /// A call got no answer. Returns the trip when this failure trips the
    /// breaker (`threshold` in a row), so the caller can report it once.
    pub(crate) fn no_answer(
        &mut self,
        threshold: u32,
        ban: Duration,
        now: Instant,
    ) -> Option<Trip> {
        self.consecutive += 1;
        if self.consecutive < threshold.max(1) || self.tripped(now).is_some() {
            return None;
        }
        let trip = Trip {
            until: now + ban,
            until_wall: SystemTime::now() + ban,
            failures: self.consecutive,
        };
        self.tripped = Some(trip);
        self.trips += 1;
        Some(trip)
    }

    /// Lifts the trip (the operator knows it was the network).
    pub(crate) fn reset(&mut self) {
        self.consecutive = 0;
        self.tripped = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trips_after_threshold_failures_in_a_row_and_an_answer_resets() {
        let now = Instant::now();
        let ban = Duration::from_secs(43_200);
        let mut b = Breaker::default();
        assert!(b.no_answer(3, ban, now).is_none());
        assert!(b.no_answer(3, ban, now).is_none());
        b.answered();
        assert!(b.no_answer(3, ban, now).is_none());
        assert!(b.no_answer(3, ban, now).is_none());
        let trip = b.no_answer(3, ban, now).expect("third in a row trips");
        assert_eq!(trip.until, now + ban);
        assert_eq!(b.tripped(now + Duration::from_secs(1)), Some(trip));
        assert_eq!(b.tripped(now + ban), None, "a ban ends");
        b.reset();
        assert_eq!(b.tripped(now), None);
    }
}
