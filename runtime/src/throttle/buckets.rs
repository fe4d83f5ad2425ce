//! Which counters a call goes to, and their names.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use std::time::Duration;

use super::super::auth::Token;
use super::super::groups::{self, CountedPer};
use super::super::meta::OperationMeta;

/// Which counter a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum BucketName {
    /// An operation with a limit of its own (5 a minute for DGFIP's fiscal
    /// certificate), counted in its group too.
    Operation(&'static str),
    /// Limit `index` of an endpoint group (a token's, or the IP's for a
    /// group counted per IP).
    Group { group: &'static str, index: usize },
    /// Limit `index` of the IP, all tokens together.
    Ip { index: usize },
}

/// One counter: a bucket of one token, or the IP's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct BucketKey {
    /// Fingerprint of the token (0 for the IP bucket): the token itself is
    /// never kept here.
    pub token: u64,
    pub name: BucketName,
}

/// A bucket a call counts in, with its limit; for a shared throttle also
/// the keyed hash naming the token's buckets in the shared store.
#[derive(Debug, Clone)]
pub(crate) struct Counted {
    pub key: BucketKey,
    pub limit: u32,
    /// The length of its windows (the throttle's time scale applied).
    pub window: Duration,
    /// The token's name in the shared store (`None` for the IP, and for
    /// the in-process throttle, which needs none).
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub shared_name: Option<String>,
}

/// A limit and the length of the windows it counts in (the throttle's time scale applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rate {
    pub limit: u32,
    pub window: Duration,
}

/// The buckets a call of `meta` counts in, each with its limit, and the
/// index of the one its answer's headers describe (`None`: none does).
///
/// Always in this order (operation, group's limits, IP's limits): callers queue on
/// several buckets, and one order for all cannot deadlock. `ip` are the IP's limits
/// (already on the throttle's time); `scale` turns another limit's window into the
/// throttle's time.
pub(crate) fn buckets_for(
    meta: &OperationMeta,
    token: Option<&Token>,
    ip: &[Rate],
    scale: impl Fn(Duration) -> Duration,
    shared_name: impl Fn(&Token) -> Option<String>,
) -> (Vec<Counted>, Option<usize>) {
    let group = meta.group;
    let mut keys = Vec::with_capacity(group.limits.len() + ip.len() + 1);
    let per_token = group.counted_per == CountedPer::Token;
    let token = token.filter(|_| per_token || meta.own_limit.is_some());
    let (fingerprint, name) = match token {
        Some(token) => (fingerprint(token), shared_name(token)),
        None => (0, None),
    };
    if let (Some(own), Some(_)) = (meta.own_limit, token) {
        // Counted in its group as well: whether the server does is not
        // documented, and counting twice can only slow, never ban.
        keys.push(Counted {
            key: BucketKey {
                token: fingerprint,
                name: BucketName::Operation(meta.operation_id),
            },
            limit: own.calls,
            window: scale(own.window),
            shared_name: name.clone(),
        });
    }
    let counted_by_token = per_token && token.is_some();
    for (index, limit) in group.limits.iter().enumerate() {
        // A group counted per IP (or a call without a token) shares its
        // buckets with every token of the address.
        keys.push(Counted {
            key: BucketKey {
                token: if counted_by_token { fingerprint } else { 0 },
                name: BucketName::Group {
                    group: group.name,
                    index,
                },
            },
            limit: limit.calls,
            window: scale(limit.window),
            shared_name: if counted_by_token { name.clone() } else { None },
        });
    }
    // The answers' headers describe the token's tightest counter, which is
    // the first; a group counted per IP only (monitoring) gets headers of a
    // counter that is not the IP's: they teach nothing.
    let primary = keys.first().filter(|k| k.key.token != 0).map(|_| 0);
    keys.extend(ip.iter().enumerate().map(|(index, rate)| Counted {
        key: BucketKey {
            token: 0,
            name: BucketName::Ip { index },
        },
        limit: rate.limit,
        window: rate.window,
        shared_name: None,
    }));
    (keys, primary)
}

fn fingerprint(token: &Token) -> u64 {
    let mut hasher = DefaultHasher::new();
    token.expose().hash(&mut hasher);
    // 0 is the IP bucket's.
    hasher.finish().max(1)
}

/// The bucket's name in snapshots, errors and logs.
pub(crate) fn bucket_label(name: BucketName) -> String {
    match name {
        BucketName::Operation(op) => op.to_owned(),
        BucketName::Group { group, index } => groups::bucket_label(group, index),
        BucketName::Ip { index } => groups::bucket_label("ip", index),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::auth::AuthScheme;
    use crate::groups::{GroupRules, Limit};
    use crate::meta::ApiVersion;
    use crate::platform::TEST_PLATFORM;

    const fn limit(calls: u32, secs: u64) -> Limit {
        Limit {
            calls,
            window: Duration::from_secs(secs),
        }
    }

    const TWO_LIMITS: GroupRules = GroupRules {
        name: "json",
        limits: &[limit(3, 1), limit(12, 10)],
        counted_per: CountedPer::Token,
        timeout: Duration::from_secs(5),
        max_body: 1 << 20,
    };

    const PER_IP: GroupRules = GroupRules {
        name: "ping",
        limits: &[limit(5, 1)],
        counted_per: CountedPer::Ip,
        ..TWO_LIMITS
    };

    const fn meta(group: &'static GroupRules, own_limit: Option<Limit>) -> OperationMeta {
        OperationMeta {
            operation_id: "op",
            version: ApiVersion::Unversioned,
            method: "GET",
            path: "/op",
            summary: "",
            group,
            own_limit,
            timeout: Duration::from_secs(5),
            deprecated: false,
            maintenance: None,
            auth: AuthScheme::Bearer,
            error_envelope: &TEST_PLATFORM.error_envelope,
            traceability: &[],
            params: &[],
            request_body: None,
        }
    }

    fn names(keys: &[Counted]) -> Vec<(String, u64, u32, Duration)> {
        keys.iter()
            .map(|c| (bucket_label(c.key.name), c.key.token, c.limit, c.window))
            .collect()
    }

    #[test]
    fn a_call_counts_in_its_own_limit_every_limit_of_its_group_and_every_limit_of_the_ip() {
        let token = Token::new("t".into());
        let meta = meta(&TWO_LIMITS, Some(limit(1, 60)));
        let ip = [
            Rate {
                limit: 4,
                window: Duration::from_secs(1),
            },
            Rate {
                limit: 40,
                window: Duration::from_secs(10),
            },
        ];
        let (keys, primary) = buckets_for(&meta, Some(&token), &ip, |w| w, |_| None);
        let fingerprint = fingerprint(&token);
        assert_eq!(
            names(&keys),
            [
                ("op".into(), fingerprint, 1, Duration::from_secs(60)),
                ("json".into(), fingerprint, 3, Duration::from_secs(1)),
                ("json[1]".into(), fingerprint, 12, Duration::from_secs(10)),
                ("ip".into(), 0, 4, Duration::from_secs(1)),
                ("ip[1]".into(), 0, 40, Duration::from_secs(10)),
            ]
        );
        assert_eq!(primary, Some(0));
    }

    #[test]
    fn a_group_counted_per_ip_shares_its_buckets_among_tokens() {
        let ip = [Rate {
            limit: 40,
            window: Duration::from_secs(10),
        }];
        let meta = meta(&PER_IP, None);
        let a = buckets_for(&meta, Some(&Token::new("a".into())), &ip, |w| w, |_| None);
        let b = buckets_for(&meta, Some(&Token::new("b".into())), &ip, |w| w, |_| None);
        assert_eq!(names(&a.0), names(&b.0));
        assert_eq!(
            names(&a.0)[0],
            ("ping".into(), 0, 5, Duration::from_secs(1))
        );
        // Its answers' headers describe no token's counter.
        assert_eq!(a.1, None);
    }
}
