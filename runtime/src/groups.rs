//! Endpoint groups: the buckets an API's profile names (any number, any names), each with
//! its limits of any window, counted per token or per IP address, and the timeout and body
//! bound of its calls. An operation names its group ([`OperationMeta::group`]); the
//! throttle and the mock count a call in every limit of its group.
//!
//! [`OperationMeta::group`]: super::OperationMeta::group

use std::fmt;
use std::time::Duration;

/// At most `calls` calls in each fixed window of `window`, opened by the first call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limit {
    /// Calls a window allows.
    pub calls: u32,
    /// The length of the window (a second, a minute…).
    pub window: Duration,
}

impl fmt::Display for Limit {
    /// `250/min`, `3/s`, `40/10s`: how the profile's limits read in messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.window.as_secs() {
            60 if self.window.subsec_nanos() == 0 => write!(f, "{}/min", self.calls),
            1 if self.window.subsec_nanos() == 0 => write!(f, "{}/s", self.calls),
            _ => write!(f, "{}/{}s", self.calls, self.window.as_secs_f64()),
        }
    }
}

/// Who a group's limits count: each token apart, or the IP address, all tokens together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountedPer {
    /// Each token (or API key) has its own windows.
    Token,
    /// The IP address's calls count together, whatever token they carry (open monitoring
    /// routes: no token at all).
    Ip,
}

/// What a group of endpoints is allowed and given, from the profile's `groups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupRules {
    /// The group's name in the profile (`json`, `documents`…), in throttle snapshots, the
    /// mock's buckets and messages.
    pub name: &'static str,
    /// Its limits, each counted in a window of its own (`20/s` beside `1000/min`); empty:
    /// only the platform's IP limit counts.
    pub limits: &'static [Limit],
    /// Whether the limits count per token or per IP address.
    pub counted_per: CountedPer,
    /// The recommended timeout of a call.
    pub timeout: Duration,
    /// The largest answer body the client reads, in bytes: a bigger one is refused
    /// ([`Error::BodyTooLarge`](super::Error::BodyTooLarge)) rather than held in memory.
    pub max_body: u64,
}

impl GroupRules {
    /// The name of the bucket counting limit `index` of this group: the group's name for
    /// its first limit, `name[i]` for the others (`json`, `json[1]`).
    pub fn bucket_label(&self, index: usize) -> String {
        bucket_label(self.name, index)
    }
}

/// [`GroupRules::bucket_label`] from the group's name.
pub(crate) fn bucket_label(group: &str, index: usize) -> String {
    if index == 0 {
        group.to_owned()
    } else {
        format!("{group}[{index}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_the_profile_writes_them() {
        let limit = |calls, secs| Limit {
            calls,
            window: Duration::from_secs(secs),
        };
        assert_eq!(limit(250, 60).to_string(), "250/min");
        assert_eq!(limit(3, 1).to_string(), "3/s");
        assert_eq!(limit(40, 10).to_string(), "40/10s");
    }
}
