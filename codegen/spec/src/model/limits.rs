//! Endpoint groups, rate limits and timeouts. The spec does not carry them (its
//! `RateLimit-Limit` examples all say 50): the platform profile does (`groups`,
//! `limit_exceptions`, `routes`, `documents_when_property`).

use super::EndpointGroup;
use crate::normalize::{Schema, SchemaKind};
use crate::profile::{GroupName, Profile};

/// The group and per-minute limit of an operation, by the profile's rules: an exception
/// (by x-operationId, route, or id without prefix and version), a route rule, a success
/// body handing out a document, else JSON.
pub fn classify(
    profile: &Profile,
    operation_id: &str,
    path: &str,
    success: Option<&Schema>,
) -> (EndpointGroup, u32) {
    let short = profile.short_id(operation_id);
    let exception = profile.limit_exceptions.iter().find(|e| {
        e.operation_id.as_deref() == Some(operation_id)
            || e.route.as_deref() == Some(path)
            || e.short_id.as_deref() == Some(short)
    });
    if let Some(e) = exception {
        return (group(e.group), e.limit_per_minute);
    }
    if let Some(g) = profile.route_rule(path).and_then(|r| r.group) {
        let g = group(g);
        return (g, limit(profile, g));
    }
    // A document endpoint answers with a link to the document it produced.
    let is_document = profile
        .documents_when_property
        .as_deref()
        .is_some_and(|name| success.is_some_and(|s| has_property(s, name)));
    let g = if is_document {
        EndpointGroup::Documents
    } else {
        EndpointGroup::Json
    };
    (g, limit(profile, g))
}

/// The per-minute limit of a group: its own, or the IP's for a group counted per IP only.
pub fn limit(profile: &Profile, group: EndpointGroup) -> u32 {
    rule(profile, group)
        .limit_per_minute
        .unwrap_or(profile.ip_limit_per_minute)
}

/// The recommended timeout of a group, in milliseconds.
pub fn timeout_ms(profile: &Profile, group: EndpointGroup) -> u64 {
    rule(profile, group).timeout_ms
}

fn rule(profile: &Profile, group: EndpointGroup) -> &crate::profile::GroupRule {
    match group {
        EndpointGroup::Json => &profile.groups.json,
        EndpointGroup::Documents => &profile.groups.documents,
        EndpointGroup::Monitoring => &profile.groups.monitoring,
    }
}

fn group(name: GroupName) -> EndpointGroup {
    match name {
        GroupName::Json => EndpointGroup::Json,
        GroupName::Documents => EndpointGroup::Documents,
        GroupName::Monitoring => EndpointGroup::Monitoring,
    }
}

fn has_property(schema: &Schema, name: &str) -> bool {
    match &schema.kind {
        SchemaKind::Object(props) => props
            .iter()
            .any(|p| p.name == name || has_property(&p.schema, name)),
        SchemaKind::Array(items) => has_property(items, name),
        _ => false,
    }
}
