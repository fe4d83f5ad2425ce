//! What the server did, for tests and benches to check after a run ([`MockStats`]), counted
//! as it goes ([`Counters`]).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::bans::BanReport;

/// What a server has done since it started, from [`MockServer::stats`]. The mock's control
/// routes (`/__mock/…`) are not counted.
///
/// [`MockServer::stats`]: crate::MockServer::stats
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockStats {
    /// Requests read from a connection, answered or not.
    pub requests: u64,
    /// Answers sent, by HTTP status.
    pub answered: BTreeMap<u16, u64>,
    /// `429 Too Many Requests` answers sent (also counted in `answered`).
    pub rate_limited: u64,
    /// Bans placed because an IP went past the per-IP limit.
    pub ip_limit_bans: u64,
    /// Bans placed because a token kept calling after more 429s than tolerated.
    pub ignored_429_bans: u64,
    /// Connections closed without an answer: at accept from a banned IP, at a request from a
    /// banned IP or one that triggered a ban, or by a `reset` fault.
    pub dropped: u64,
    /// Requests a fault struck (delays, statuses, resets, malformed or slow bodies).
    pub faulted: u64,
    /// The IPs banned now, each with the end of its ban.
    pub banned: BTreeMap<IpAddr, SystemTime>,
}

impl MockStats {
    /// Bans placed, for either reason.
    pub fn bans(&self) -> u64 {
        self.ip_limit_bans + self.ignored_429_bans
    }

    /// When the ban of `ip` ends, if it is banned.
    pub fn banned_until(&self, ip: IpAddr) -> Option<SystemTime> {
        self.banned.get(&ip).copied()
    }

    /// When the ban of 127.0.0.1 ends, if it is banned: the mock listens on 127.0.0.1, so
    /// local clients all share this one.
    pub fn localhost_banned_until(&self) -> Option<SystemTime> {
        self.banned_until(Ipv4Addr::LOCALHOST.into())
    }

    /// Answers sent with `status`.
    pub fn answered_with(&self, status: u16) -> u64 {
        self.answered.get(&status).copied().unwrap_or(0)
    }

    /// The statistics as `GET /__mock/stats` sends them; times in epoch seconds.
    pub(crate) fn to_json(&self) -> Value {
        let epoch = |t: &SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        json!({
            "requests": self.requests,
            "answered": self
                .answered
                .iter()
                .map(|(status, n)| (status.to_string(), json!(n)))
                .collect::<serde_json::Map<_, _>>(),
            "rate_limited": self.rate_limited,
            "ip_limit_bans": self.ip_limit_bans,
            "ignored_429_bans": self.ignored_429_bans,
            "dropped": self.dropped,
            "faulted": self.faulted,
            "banned": self
                .banned
                .iter()
                .map(|(ip, until)| json!({"ip": ip.to_string(), "until": epoch(until)}))
                .collect::<Vec<_>>(),
        })
    }
}

/// The running counts.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    dropped: AtomicU64,
    faulted: AtomicU64,
    answered: Mutex<BTreeMap<u16, u64>>,
}

impl Counters {
    pub(crate) fn received(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn dropped(&self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn faulted(&self) {
        self.faulted.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn answered(&self, status: u16) {
        // Plain counts: whatever panicked while holding them left them usable.
        let mut answered = self.answered.lock().unwrap_or_else(|e| e.into_inner());
        *answered.entry(status).or_default() += 1;
    }

    /// The counts, with the bans' own.
    pub(crate) fn snapshot(&self, bans: BanReport) -> MockStats {
        let answered = self
            .answered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        MockStats {
            requests: self.requests.load(Ordering::Relaxed),
            rate_limited: answered.get(&429).copied().unwrap_or(0),
            answered,
            ip_limit_bans: bans.for_ip_limit,
            ignored_429_bans: bans.for_ignored_429s,
            dropped: self.dropped.load(Ordering::Relaxed),
            faulted: self.faulted.load(Ordering::Relaxed),
            banned: bans.banned.into_iter().collect(),
        }
    }
}
