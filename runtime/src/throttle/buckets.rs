//! Which counters a call goes to, and their names.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use std::time::Duration;

use super::super::auth::Token;
use super::super::meta::{EndpointGroup, OperationMeta};

/// Which counter a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum BucketName {
    /// An operation with a limit of its own (5 a minute for DGFIP's fiscal
    /// certificate), counted in its group too.
    Operation(&'static str),
    /// A token's endpoint group.
    Group(EndpointGroup),
    /// The IP, all tokens together.
    Ip,
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

/// The buckets a call of `meta` counts in, each with its limit, and the
/// index of the one its answer's headers describe (`None`: none does).
///
/// Always in this order (operation, group, IP): callers queue on several
/// buckets, and one order for all cannot deadlock.
/// A limit and the length of the windows it counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rate {
    pub limit: u32,
    pub window: Duration,
}

pub(crate) fn buckets_for(
    meta: &OperationMeta,
    token: Option<&Token>,
    group_limit: Option<Rate>,
    ip: Rate,
    shared_name: impl Fn(&Token) -> Option<String>,
) -> (Vec<Counted>, Option<usize>) {
    let ip = Counted {
        key: BucketKey {
            token: 0,
            name: BucketName::Ip,
        },
        limit: ip.limit,
        window: ip.window,
        shared_name: None,
    };
    let (Some(token), Some(group_limit)) = (token, group_limit) else {
        // A group counted per IP only (monitoring): its answers carry
        // headers of their own counter, which is not the IP's: they
        // teach nothing.
        return (vec![ip], None);
    };
    let fingerprint = fingerprint(token);
    let name = shared_name(token);
    let mut keys = Vec::with_capacity(3);
    let Rate {
        limit: group_limit,
        window,
    } = group_limit;
    if meta.rate_limit_per_minute != group_limit && meta.rate_limit_per_minute > 0 {
        // Counted in its group as well: whether the server does is not
        // documented, and counting twice can only slow, never ban.
        keys.push(Counted {
            key: BucketKey {
                token: fingerprint,
                name: BucketName::Operation(meta.operation_id),
            },
            limit: meta.rate_limit_per_minute,
            window,
            shared_name: name.clone(),
        });
    }
    keys.push(Counted {
        key: BucketKey {
            token: fingerprint,
            name: BucketName::Group(meta.group),
        },
        limit: group_limit,
        window,
        shared_name: name,
    });
    keys.push(ip);
    (keys, Some(0))
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
        BucketName::Group(EndpointGroup::Json) => "json".to_owned(),
        BucketName::Group(EndpointGroup::Documents) => "documents".to_owned(),
        BucketName::Group(EndpointGroup::Monitoring) => "monitoring".to_owned(),
        BucketName::Ip => "ip".to_owned(),
    }
}
