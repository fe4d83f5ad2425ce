//! The server's clock, as read from its answers.
//!
//! `RateLimit-Reset` and an HTTP-date `Retry-After` are instants on the
//! server's clock, to the second. Comparing them with the local clock would
//! add whatever offset the two clocks have, so waits are computed from the
//! answer's own `Date` header: "the window ends 42 s after this answer was
//! written", turned into a local [`Instant`] with the whole-second rounding
//! of both headers accounted for, always on the safe (later) side.

use std::time::{Duration, SystemTime, UNIX_EPOCH};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use reqwest::header::HeaderMap;

/// Below this, a `RateLimit-Reset` is a number of seconds rather than an
/// epoch timestamp (the IETF draft's meaning, which some proxies use).
const EPOCH_2001: i64 = 1_000_000_000;

/// The server's clock at one answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServerClock {
    /// The answer's `Date`, in epoch seconds (the local clock when absent).
    date: i64,
    sent_at: Instant,
    received_at: Instant,
}

impl ServerClock {
    /// The clock of an answer to a call sent at `sent_at`, received at
    /// `received_at`.
    pub(crate) fn from_answer(
        date: Option<i64>,
        sent_at: Instant,
        received_at: Instant,
    ) -> ServerClock {
        ServerClock {
            date: date.unwrap_or_else(|| epoch_seconds(SystemTime::now())),
            sent_at,
            received_at,
        }
    }

    /// Seconds from the answer's `Date` to `reset`.
    fn seconds_to(&self, reset: i64) -> i64 {
        if reset < EPOCH_2001 {
            reset
        } else {
            reset - self.date
        }
    }

    /// The latest local instant `reset` can stand for: `Date` is rounded
    /// down and `Reset` may be too, so one second is added.
    pub(crate) fn latest_local(&self, reset: i64) -> Instant {
        let secs = self.seconds_to(reset).saturating_add(1).max(0);
        self.received_at + Duration::from_secs(secs as u64)
    }

    /// The earliest local instant `reset` can stand for.
    pub(crate) fn earliest_local(&self, reset: i64) -> Instant {
        let secs = self.seconds_to(reset).saturating_sub(2).max(0);
        self.sent_at + Duration::from_secs(secs as u64)
    }

    /// Corrects `local_end`, the window end the client computed (precise,
    /// but only right if the server's minute is the client's), with the
    /// answer's `RateLimit-Reset` (right, but to the second).
    ///
    /// The local figure is kept while the header agrees with it within its
    /// rounding, so a minute is not lengthened by a second each time. If the
    /// header says the window ends later than the local figure can be, the
    /// server's window is not the one we think (another minute length, a
    /// window opened by someone else): the header's latest reading wins.
    /// If it says earlier, the earlier end is just as true and less costly.
    pub(crate) fn refine_end(
        &self,
        local_end: Instant,
        reset: Option<i64>,
        margin: Duration,
    ) -> Instant {
        let Some(reset) = reset else {
            return local_end;
        };
        let latest = self.latest_local(reset) + margin;
        if local_end < self.earliest_local(reset) {
            latest
        } else {
            local_end.min(latest)
        }
    }
}

/// `Date` of an answer, in epoch seconds.
pub(crate) fn date_header(headers: &HeaderMap) -> Option<i64> {
    let value = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    httpdate::parse_http_date(value).ok().map(epoch_seconds)
}

/// How long `Retry-After` asks to wait: a number of seconds, or an HTTP
/// date read against the answer's own `Date` (the local clock when absent).
pub(crate) fn retry_after(headers: &HeaderMap, date: Option<i64>) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = epoch_seconds(httpdate::parse_http_date(value).ok()?);
    let now = date.unwrap_or_else(|| epoch_seconds(SystemTime::now()));
    Some(Duration::from_secs(at.saturating_sub(now).max(0) as u64))
}

fn epoch_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const DATE: i64 = 1_800_000_000;

    #[test]
    fn a_reset_that_agrees_keeps_the_precise_local_end() {
        let t0 = Instant::now();
        let clock = ServerClock::from_answer(Some(DATE), t0, t0 + Duration::from_millis(20));
        let local = t0 + Duration::from_millis(20) + Duration::from_secs(60);
        assert_eq!(
            clock.refine_end(local, Some(DATE + 60), Duration::ZERO),
            local
        );
        assert_eq!(
            clock.refine_end(local, Some(DATE + 59), Duration::ZERO),
            local
        );
    }

    #[test]
    fn a_longer_server_window_wins_with_its_latest_reading() {
        let t0 = Instant::now();
        let recv = t0 + Duration::from_millis(20);
        let clock = ServerClock::from_answer(Some(DATE), t0, recv);
        let local = recv + Duration::from_secs(60);
        let refined = clock.refine_end(local, Some(DATE + 90), Duration::ZERO);
        assert_eq!(refined, recv + Duration::from_secs(91));
    }

    #[test]
    fn an_earlier_server_end_is_taken() {
        let t0 = Instant::now();
        let clock = ServerClock::from_answer(Some(DATE), t0, t0);
        let local = t0 + Duration::from_secs(60);
        assert_eq!(
            clock.refine_end(local, Some(DATE + 10), Duration::ZERO),
            t0 + Duration::from_secs(11)
        );
    }

    #[test]
    fn a_small_reset_is_read_as_seconds() {
        let t0 = Instant::now();
        let clock = ServerClock::from_answer(Some(DATE), t0, t0);
        assert_eq!(clock.latest_local(30), t0 + Duration::from_secs(31));
    }

    #[test]
    fn retry_after_in_seconds_or_as_an_http_date_against_the_answers_date() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, None), Some(Duration::from_secs(7)));
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        headers.insert(
            "date",
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:00 GMT"),
        );
        let date = date_header(&headers);
        assert_eq!(date, Some(784_111_740));
        // 37 s on the server's clock, whatever the local clock says (1994).
        assert_eq!(retry_after(&headers, date), Some(Duration::from_secs(37)));
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, date), None);
    }
}
