//! Endpoint groups, rate limits and timeouts. The spec does not carry them (its
//! `RateLimit-Limit` examples all say 50): the platform profile does (`groups`, `classify`,
//! `default_group`).

use crate::normalize::{Schema, SchemaKind};
use crate::profile::{Classified, CountedPer, LimitRule, Profile};

/// How an operation is counted, by the profile's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// Its group (a key of the profile's `groups`).
    pub group: String,
    /// A limit of its own, counted beside its group's.
    pub own_limit: Option<LimitRule>,
    /// The limits its calls count in per token: its own, then its group's when the group
    /// counts per token. What a caller pacing itself goes by, and what the diff compares.
    pub limits_per_token: Vec<LimitRule>,
    /// Its group's limits when the group counts per IP address, all tokens together.
    pub limits_per_ip: Vec<LimitRule>,
    /// The recommended timeout, in milliseconds.
    pub timeout_ms: u64,
}

/// The group of an operation: the first of the profile's `classify` rules that matches it
/// (by x-operationId, id without prefix and version, route, route prefix, or a property of
/// its success body), else the profile's `default_group`.
pub fn classify(
    profile: &Profile,
    operation_id: &str,
    path: &str,
    success: Option<&Schema>,
) -> Classification {
    let has_success_property = |name: &str| success.is_some_and(|s| has_property(s, name));
    let op = Classified {
        operation_id,
        short_id: profile.short_id(operation_id),
        path,
        has_success_property: &has_success_property,
    };
    let rule = profile.classify.iter().find(|rule| rule.matches(&op));
    let group = rule.map_or(&profile.default_group, |r| &r.group).clone();
    let own_limit = rule.and_then(|r| r.own_limit);
    // Checked when the profile was read: every rule names a group of `groups`.
    let rules = profile.groups.get(&group);
    let (per_token, per_ip) = match rules {
        Some(g) if g.counted_per == CountedPer::Ip => (&[][..], &g.limits[..]),
        Some(g) => (&g.limits[..], &[][..]),
        None => (&[][..], &[][..]),
    };
    Classification {
        limits_per_token: own_limit.iter().chain(per_token).copied().collect(),
        limits_per_ip: per_ip.to_vec(),
        timeout_ms: rules.map_or(0, |g| g.timeout_ms),
        group,
        own_limit,
    }
}

fn has_property(schema: &Schema, name: &str) -> bool {
    match &schema.kind {
        SchemaKind::Object(props) => props
            .iter()
            .any(|p| p.name == name || has_property(&p.schema, name)),
        SchemaKind::Array(items) | SchemaKind::Map(items) => has_property(items, name),
        _ => false,
    }
}
