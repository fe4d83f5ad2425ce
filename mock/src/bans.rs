//! Bans, as API Entreprise places them: an IP that goes past the per-IP limit, or one of whose
//! tokens keeps calling after its 429s, is banned for twelve hours. A banned IP gets no answer
//! at all: its connections are closed before a byte is written, which is what a client of the
//! real API sees (a transport error, not an HTTP status).
//!
//! The listener asks [`Bans::is_banned`] at accept time and again before answering each
//! request, so requests already in flight on a keep-alive connection are cut too.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

/// Why an IP was banned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BanReason {
    /// It sent more than the per-IP limit in one window.
    IpLimit,
    /// One of its (token, bucket) windows collected more 429s than tolerated.
    Ignored429s,
}

#[derive(Debug, Clone, Copy)]
struct Ban {
    until: Instant,
    /// The same instant on the wall clock, for [`crate::MockStats`].
    until_wall: SystemTime,
}

/// The banned IPs and the bans placed so far.
#[derive(Debug)]
pub(crate) struct Bans {
    duration: Duration,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    banned: HashMap<IpAddr, Ban>,
    for_ip_limit: u64,
    for_ignored_429s: u64,
}

/// A copy of the bans, for statistics.
#[derive(Debug, Clone, Default)]
pub(crate) struct BanReport {
    pub banned: Vec<(IpAddr, SystemTime)>,
    pub for_ip_limit: u64,
    pub for_ignored_429s: u64,
}

impl Bans {
    /// Bans lasting `duration`.
    pub(crate) fn new(duration: Duration) -> Bans {
        Bans {
            duration,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map stays consistent whatever panicked while holding it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `ip` is banned now. An ended ban is forgotten here.
    pub(crate) fn is_banned(&self, ip: IpAddr) -> bool {
        let mut inner = self.lock();
        match inner.banned.get(&ip) {
            Some(ban) if Instant::now() < ban.until => true,
            Some(_) => {
                inner.banned.remove(&ip);
                false
            }
            None => false,
        }
    }

    /// Bans `ip` from now. An IP already banned keeps its ban and is not counted twice: many
    /// requests in flight can cross the line together.
    pub(crate) fn ban(&self, ip: IpAddr, reason: BanReason) {
        let now = Instant::now();
        let mut inner = self.lock();
        if inner.banned.get(&ip).is_some_and(|b| now < b.until) {
            return;
        }
        inner.banned.insert(
            ip,
            Ban {
                until: now + self.duration,
                until_wall: SystemTime::now() + self.duration,
            },
        );
        match reason {
            BanReason::IpLimit => inner.for_ip_limit += 1,
            BanReason::Ignored429s => inner.for_ignored_429s += 1,
        }
    }

    /// Lifts every ban; returns how many IPs were banned.
    pub(crate) fn unban_all(&self) -> usize {
        let now = Instant::now();
        let mut inner = self.lock();
        let lifted = inner.banned.values().filter(|b| now < b.until).count();
        inner.banned.clear();
        lifted
    }

    /// The IPs banned now and the bans placed so far.
    pub(crate) fn report(&self) -> BanReport {
        let now = Instant::now();
        let inner = self.lock();
        let mut banned: Vec<_> = inner
            .banned
            .iter()
            .filter(|(_, b)| now < b.until)
            .map(|(ip, b)| (*ip, b.until_wall))
            .collect();
        banned.sort();
        BanReport {
            banned,
            for_ip_limit: inner.for_ip_limit,
            for_ignored_429s: inner.for_ignored_429s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn a_ban_lasts_its_duration_and_counts_once() {
        let bans = Bans::new(Duration::from_millis(50));
        let ip = IpAddr::from(Ipv4Addr::LOCALHOST);
        assert!(!bans.is_banned(ip));
        bans.ban(ip, BanReason::IpLimit);
        bans.ban(ip, BanReason::Ignored429s);
        assert!(bans.is_banned(ip));
        let report = bans.report();
        assert_eq!((report.for_ip_limit, report.for_ignored_429s), (1, 0));
        assert_eq!(report.banned.len(), 1);
        std::thread::sleep(Duration::from_millis(60));
        assert!(!bans.is_banned(ip));
        assert!(bans.report().banned.is_empty());
        // Banned again once the first ban is over: a second ban.
        bans.ban(ip, BanReason::Ignored429s);
        assert_eq!(bans.report().for_ignored_429s, 1);
        assert_eq!(bans.unban_all(), 1);
        assert!(!bans.is_banned(ip));
    }
}
