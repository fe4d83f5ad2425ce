//! Daily maintenance windows, acted on: whether a time falls inside an operation's window
//! ([`OperationMeta::maintenance`](super::OperationMeta::maintenance), from the spec's
//! `x-maintenances`), and when the window ends.
//!
//! The spec writes the windows as local times of day (`01:00` to `02:00`) and names no time
//! zone. The profile says which one ([`Platform::maintenance_time_zone`](super::Platform::maintenance_time_zone),
//! Europe/Paris for API Entreprise, the API's own); a client can take another
//! ([`ClientBuilder::maintenance_time_zone`](super::ClientBuilder::maintenance_time_zone)).
//! A zone is a standard offset and, optionally, the European Union's summer time rule, which
//! is implemented here rather than read from a tz database: one hour more from the last
//! Sunday of March, 01:00 UTC, to the last Sunday of October, 01:00 UTC (EU directive
//! 2000/84/EC, the same instant in every EU zone).

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::clock::Clock;
use super::errors::Error;
use super::meta::{MaintenanceWindow, OperationMeta};

/// Whether and how a zone moves its clocks in summer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummerTime {
    /// Never: the standard offset all year.
    None,
    /// The European Union's rule: one hour more from the last Sunday of March, 01:00 UTC, to
    /// the last Sunday of October, 01:00 UTC.
    European,
}

/// A time zone as maintenance windows need it: a name for messages, a standard offset, a
/// summer time rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone {
    /// Its name, as users read it (`"Europe/Paris"`).
    pub name: &'static str,
    /// The standard (winter) offset from UTC, in minutes (`60` for Paris).
    pub utc_offset_minutes: i16,
    /// Its summer time rule.
    pub summer_time: SummerTime,
}

impl TimeZone {
    /// UTC, all year.
    pub const UTC: TimeZone = TimeZone {
        name: "UTC",
        utc_offset_minutes: 0,
        summer_time: SummerTime::None,
    };

    /// The offset from UTC in force at `at`.
    pub fn offset_at(&self, at: SystemTime) -> UtcOffset {
        let mut minutes = i32::from(self.utc_offset_minutes);
        if self.summer_time == SummerTime::European && european_summer(OffsetDateTime::from(at)) {
            minutes += 60;
        }
        UtcOffset::from_whole_seconds(minutes * 60).unwrap_or(UtcOffset::UTC)
    }

    /// `at` as a local date and time in this zone.
    pub fn local(&self, at: SystemTime) -> PrimitiveDateTime {
        let local = OffsetDateTime::from(at).to_offset(self.offset_at(at));
        PrimitiveDateTime::new(local.date(), local.time())
    }

    /// The instant showing `local` in this zone. A local time the zone skips (02:30 on the
    /// night summer time starts) is read with the offset before the change, which lands it
    /// after the change: `02:30` is `03:30`. A local time the zone shows twice (02:30 on the
    /// night it ends) is the later of the two, so a window ending then is not left early.
    pub fn instant(&self, local: PrimitiveDateTime) -> SystemTime {
        let standard = UtcOffset::from_whole_seconds(i32::from(self.utc_offset_minutes) * 60)
            .unwrap_or(UtcOffset::UTC);
        // Read with the standard offset first (the later reading when the time is shown
        // twice), then with the offset in force at that instant.
        let first = SystemTime::from(local.assume_offset(standard));
        let offset = self.offset_at(first);
        let second = SystemTime::from(local.assume_offset(offset));
        if self.offset_at(second) == offset {
            second
        } else {
            first
        }
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Whether the EU's summer time is in force at `at`.
fn european_summer(at: OffsetDateTime) -> bool {
    let year = at.to_offset(UtcOffset::UTC).year();
    let change = |month| {
        // March and October both have 31 days; the last Sunday is within the last week.
        let last = Date::from_calendar_date(year, month, 31).ok()?;
        let back = i64::from(last.weekday().number_days_from_sunday());
        let sunday = last.checked_sub(time::Duration::days(back))?;
        Some(PrimitiveDateTime::new(sunday, Time::from_hms(1, 0, 0).ok()?).assume_utc())
    };
    match (change(Month::March), change(Month::October)) {
        (Some(start), Some(end)) => start <= at && at < end,
        _ => false,
    }
}

/// A daily window of local time, `from` included, `to` excluded; `to` before `from` crosses
/// midnight (`22:00-02:00`). Read from text as `HH:MM-HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DailyWindow {
    /// Start, in minutes after midnight.
    pub from_minute: u16,
    /// End, in minutes after midnight.
    pub to_minute: u16,
}

impl DailyWindow {
    /// The window from `from` to `to`, each `HH:MM`; `None` when either is not a time of day.
    pub fn parse(from: &str, to: &str) -> Option<DailyWindow> {
        Some(DailyWindow {
            from_minute: minute_of_day(from)?,
            to_minute: minute_of_day(to)?,
        })
    }

    /// Whether the local time of day `minute` (after midnight) is inside.
    fn contains(&self, minute: u16) -> bool {
        let (from, to) = (self.from_minute, self.to_minute);
        if from <= to {
            from <= minute && minute < to
        } else {
            minute >= from || minute < to
        }
    }

    /// When the window around `at` ends, in `zone`; `None` when `at` is outside.
    pub fn until(&self, at: SystemTime, zone: &TimeZone) -> Option<SystemTime> {
        let local = zone.local(at);
        let minute = u16::from(local.hour()) * 60 + u16::from(local.minute());
        if !self.contains(minute) {
            return None;
        }
        // Across midnight, before it: the window ends tomorrow.
        let date = if self.from_minute > self.to_minute && minute >= self.from_minute {
            local.date().next_day()?
        } else {
            local.date()
        };
        let end =
            Time::from_hms((self.to_minute / 60) as u8, (self.to_minute % 60) as u8, 0).ok()?;
        let until = zone.instant(PrimitiveDateTime::new(date, end));
        // A window whose end the zone skipped may end before `at`'s local reading says:
        // never report an end in the past.
        Some(until.max(at))
    }

    /// How long the window lasts on a day without a change of offset.
    pub fn length(&self) -> Duration {
        let minutes =
            (u32::from(self.to_minute) + 24 * 60 - u32::from(self.from_minute)) % (24 * 60);
        Duration::from_secs(u64::from(minutes) * 60)
    }
}

impl fmt::Display for DailyWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}-{}", hm(self.from_minute), hm(self.to_minute))
    }
}

/// A text that is not what it was read as: a daily window (`HH:MM-HH:MM`), or what a call
/// does in maintenance (`send`, `fail`, `wait`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?}: expected {expected}")]
pub struct ParseMaintenanceError {
    /// The text read.
    pub text: String,
    /// What it should have been.
    pub expected: &'static str,
}

impl FromStr for DailyWindow {
    type Err = ParseMaintenanceError;

    fn from_str(text: &str) -> Result<DailyWindow, ParseMaintenanceError> {
        text.split_once('-')
            .and_then(|(from, to)| DailyWindow::parse(from.trim(), to.trim()))
            .ok_or_else(|| ParseMaintenanceError {
                text: text.to_owned(),
                expected: "a daily window HH:MM-HH:MM",
            })
    }
}

/// `HH:MM` → minutes after midnight.
fn minute_of_day(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    let ok = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl MaintenanceWindow {
    /// The window as times of day; `None` when the spec's text is not `HH:MM` (the window is
    /// then not acted on).
    pub fn daily(&self) -> Option<DailyWindow> {
        DailyWindow::parse(self.from, self.to)
    }

    /// When the window around `at` ends, in `zone`; `None` outside it.
    pub fn until(&self, at: SystemTime, zone: &TimeZone) -> Option<SystemTime> {
        self.daily()?.until(at, zone)
    }
}

/// What a call does when its operation is inside its maintenance window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum OnMaintenance {
    /// Sends it anyway (the default: a client does not change what it sends unless asked,
    /// and a mock or a proxy has no maintenance).
    #[default]
    Send,
    /// Returns [`Error::Maintenance`] at once, nothing sent.
    Fail,
    /// Waits until the window ends, then sends it (or returns `Error::Maintenance` when the
    /// wait would pass the call's `max_wait`).
    Wait,
}

impl FromStr for OnMaintenance {
    type Err = ParseMaintenanceError;

    fn from_str(text: &str) -> Result<OnMaintenance, ParseMaintenanceError> {
        match text {
            "send" => Ok(OnMaintenance::Send),
            "fail" => Ok(OnMaintenance::Fail),
            "wait" => Ok(OnMaintenance::Wait),
            _ => Err(ParseMaintenanceError {
                text: text.to_owned(),
                expected: "send, fail or wait",
            }),
        }
    }
}

/// What the client does before sending a call of `meta`: nothing outside its window; inside,
/// per `mode`, send anyway, fail with [`Error::Maintenance`], or wait on `clock` until the
/// window ends (failing instead when that passes `deadline`). Returns the time waited.
pub(crate) async fn gate(
    meta: &OperationMeta,
    mode: OnMaintenance,
    zone: &TimeZone,
    clock: &Clock,
    deadline: Option<Instant>,
) -> Result<Duration, Error> {
    let Some(window) = meta.maintenance else {
        return Ok(Duration::ZERO);
    };
    let mut waited = Duration::ZERO;
    // A loop, not one wait: a clock set back, or a window ending into the next one, is
    // looked at again.
    while let Some(until) = window.until(clock.now(), zone) {
        let refuse = Error::Maintenance {
            operation: meta.operation_id,
            until,
        };
        let wait = until.duration_since(clock.now()).unwrap_or_default();
        match mode {
            OnMaintenance::Send => break,
            OnMaintenance::Fail => return Err(refuse),
            OnMaintenance::Wait if deadline.is_some_and(|d| Instant::now() + wait > d) => {
                return Err(refuse)
            }
            OnMaintenance::Wait => {
                tracing::info!(
                    wait_ms = wait.as_millis() as u64,
                    window = %format!("{}-{} {zone}", window.from, window.to),
                    "in the provider's maintenance window: waiting for its end"
                );
                // At least a second, so that an end read as now (a local time the zone
                // skipped) cannot spin this loop.
                let step = wait.max(Duration::from_secs(1));
                clock.sleep(step).await;
                waited += step;
            }
        }
    }
    Ok(waited)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const PARIS: TimeZone = TimeZone {
        name: "Europe/Paris",
        utc_offset_minutes: 60,
        summer_time: SummerTime::European,
    };

    fn at(t: OffsetDateTime) -> SystemTime {
        SystemTime::from(t)
    }

    fn window(text: &str) -> DailyWindow {
        text.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_windows() {
        assert_eq!(window("22:04-22:08").to_string(), "22:04-22:08");
        assert_eq!(window("01:00 - 02:00").length(), Duration::from_secs(3600));
        assert_eq!(window("23:30-00:30").length(), Duration::from_secs(3600));
        for bad in [
            "25:00-01:00",
            "1:00-2:00",
            "01:00",
            "01:60-02:00",
            "aa:bb-cc:dd",
        ] {
            assert!(bad.parse::<DailyWindow>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_paris_offset_follows_the_eu_rule() {
        // 2025: summer time from Sunday 30 March to Sunday 26 October, 01:00 UTC.
        let offset = |t| PARIS.offset_at(at(t)).whole_hours();
        assert_eq!(offset(datetime!(2025-01-15 12:00 UTC)), 1);
        assert_eq!(offset(datetime!(2025-03-30 00:59:59 UTC)), 1);
        assert_eq!(offset(datetime!(2025-03-30 01:00 UTC)), 2);
        assert_eq!(offset(datetime!(2025-07-14 12:00 UTC)), 2);
        assert_eq!(offset(datetime!(2025-10-26 00:59:59 UTC)), 2);
        assert_eq!(offset(datetime!(2025-10-26 01:00 UTC)), 1);
        // 2024's last Sundays: 31 March, 27 October.
        assert_eq!(offset(datetime!(2024-03-31 01:00 UTC)), 2);
        assert_eq!(offset(datetime!(2024-03-24 12:00 UTC)), 1);
        assert_eq!(offset(datetime!(2024-10-27 00:30 UTC)), 2);
        assert_eq!(
            TimeZone::UTC
                .offset_at(at(datetime!(2025-07-14 12:00 UTC)))
                .whole_hours(),
            0
        );
    }

    #[test]
    fn inside_and_outside_a_window() {
        let w = window("22:04-22:08");
        // 22:05 in Paris in winter is 21:05 UTC.
        assert_eq!(
            w.until(at(datetime!(2025-01-15 21:05 UTC)), &PARIS),
            Some(at(datetime!(2025-01-15 21:08 UTC)))
        );
        assert_eq!(
            w.until(at(datetime!(2025-01-15 21:03:59 UTC)), &PARIS),
            None
        );
        assert_eq!(w.until(at(datetime!(2025-01-15 21:08 UTC)), &PARIS), None);
        // The same UTC time is 23:05 in summer: outside.
        assert_eq!(w.until(at(datetime!(2025-07-15 21:05 UTC)), &PARIS), None);
        // In summer the window is at 20:04 UTC.
        assert_eq!(
            w.until(at(datetime!(2025-07-15 20:04 UTC)), &PARIS),
            Some(at(datetime!(2025-07-15 20:08 UTC)))
        );
        // Another zone, another reading of the same window.
        assert_eq!(
            w.until(at(datetime!(2025-07-15 22:05 UTC)), &TimeZone::UTC),
            Some(at(datetime!(2025-07-15 22:08 UTC)))
        );
    }

    #[test]
    fn a_window_crossing_midnight_ends_the_next_day() {
        let w = window("23:30-00:30");
        // 23:45 Paris on 15 January (22:45 UTC): ends at 00:30 Paris on the 16th.
        assert_eq!(
            w.until(at(datetime!(2025-01-15 22:45 UTC)), &PARIS),
            Some(at(datetime!(2025-01-15 23:30 UTC)))
        );
        // 00:10 Paris on the 16th: same night, same end.
        assert_eq!(
            w.until(at(datetime!(2025-01-15 23:10 UTC)), &PARIS),
            Some(at(datetime!(2025-01-15 23:30 UTC)))
        );
        // The last day of a year ends in the next one.
        assert_eq!(
            w.until(at(datetime!(2025-12-31 22:50 UTC)), &PARIS),
            Some(at(datetime!(2025-12-31 23:30 UTC)))
        );
        assert_eq!(w.until(at(datetime!(2025-01-15 23:30 UTC)), &PARIS), None);
        assert_eq!(w.until(at(datetime!(2025-01-15 12:00 UTC)), &PARIS), None);
    }

    #[test]
    fn the_night_summer_time_starts() {
        // 30 March 2025: 02:00 CET becomes 03:00 CEST at 01:00 UTC. The window 01:00-03:00
        // lasts one hour of real time: 00:00 to 01:00 UTC.
        let w = window("01:00-03:00");
        assert_eq!(
            w.until(at(datetime!(2025-03-30 00:30 UTC)), &PARIS),
            Some(at(datetime!(2025-03-30 01:00 UTC)))
        );
        assert_eq!(w.until(at(datetime!(2025-03-30 01:00 UTC)), &PARIS), None);
        assert_eq!(w.until(at(datetime!(2025-03-29 23:59 UTC)), &PARIS), None);
        // A window ending at 02:30, a time that night skips, ends at 02:30 read with the
        // offset before the change: 03:30 CEST.
        let skipped = window("01:00-02:30");
        assert_eq!(
            skipped.until(at(datetime!(2025-03-30 00:45 UTC)), &PARIS),
            Some(at(datetime!(2025-03-30 01:30 UTC)))
        );
        // The next day, summer time: 01:00-03:00 Paris is 23:00-01:00 UTC.
        assert_eq!(
            w.until(at(datetime!(2025-03-30 23:30 UTC)), &PARIS),
            Some(at(datetime!(2025-03-31 01:00 UTC)))
        );
    }

    #[test]
    fn the_night_summer_time_ends() {
        // 26 October 2025: 03:00 CEST becomes 02:00 CET at 01:00 UTC. The window 01:00-03:00
        // lasts three hours of real time: 23:00 UTC (01:00 CEST) to 02:00 UTC (03:00 CET).
        let w = window("01:00-03:00");
        assert_eq!(w.until(at(datetime!(2025-10-25 22:59 UTC)), &PARIS), None);
        let end = Some(at(datetime!(2025-10-26 02:00 UTC)));
        assert_eq!(w.until(at(datetime!(2025-10-25 23:00 UTC)), &PARIS), end);
        // 02:30 CEST, then 02:30 CET an hour later: both inside, both end at 03:00 CET.
        assert_eq!(w.until(at(datetime!(2025-10-26 00:30 UTC)), &PARIS), end);
        assert_eq!(w.until(at(datetime!(2025-10-26 01:30 UTC)), &PARIS), end);
        assert_eq!(w.until(at(datetime!(2025-10-26 02:00 UTC)), &PARIS), None);
        // A window ending at 02:30, shown twice that night, ends at the later one.
        let twice = window("02:00-02:30");
        assert_eq!(
            twice.until(at(datetime!(2025-10-26 00:10 UTC)), &PARIS),
            Some(at(datetime!(2025-10-26 01:30 UTC)))
        );
    }

    #[test]
    fn the_spec_window_is_read_from_its_text() {
        let spec = MaintenanceWindow {
            from: "01:00",
            to: "02:00",
        };
        assert_eq!(spec.daily(), Some(window("01:00-02:00")));
        assert!(spec
            .until(at(datetime!(2025-01-15 00:30 UTC)), &PARIS)
            .is_some());
        let unreadable = MaintenanceWindow {
            from: "1h",
            to: "2h",
        };
        assert_eq!(
            unreadable.until(at(datetime!(2025-01-15 00:30 UTC)), &PARIS),
            None
        );
    }
}
