//! The rules: for each [`ChangeKind`], how bad a change is and what it does to the generated
//! crate. Severity weighs both audiences: a change is `breaking` when code calling the HTTP
//! API or code using the generated crate stops working or compiling, so tightening a
//! response (a field that loses its `Option`, an enum variant removed) is breaking here
//! even though oasdiff, which judges only the HTTP contract, calls it safe.

use super::compare::Finding;
use super::{Change, ChangeKind, Semver, Severity};
use crate::model::naming::const_ident;

/// Each kind with the severity it usually has and what it means, for `--rules` and the docs.
pub fn describe(kind: ChangeKind) -> (&'static str, &'static str) {
    use ChangeKind::*;
    match kind {
        OperationAdded => ("info", "a new operation: a new client method"),
        OperationRemoved => ("breaking", "an operation is gone: its method is removed"),
        OperationMoved => ("warning", "same x-operationId on another path: the method stays, old crates call the old path"),
        OperationIdChanged => ("breaking", "same route, new x-operationId: the method or its metadata constant is renamed"),
        OperationDeprecated => ("warning", "the operation is deprecated: `#[deprecated]` on its method"),
        OperationUndeprecated => ("info", "the operation is no longer deprecated"),
        RequiredParameterAdded => ("breaking", "a new parameter calls must give"),
        ParameterAdded => ("info", "a new optional parameter: a new builder setter"),
        ParameterRemoved => ("breaking", "a parameter is gone: its setter or argument is removed"),
        ParameterBecameRequired => ("breaking", "an optional parameter became required"),
        ParameterBecameOptional => ("info", "a required parameter became optional"),
        ParameterTypeChanged => ("breaking", "a parameter's type (or a path parameter's identifier) changed"),
        ParameterConstraintNarrowed => ("breaking", "a parameter accepts fewer values"),
        ParameterConstraintWidened => ("info", "a parameter accepts more values"),
        TraceabilityChanged => ("warning / info", "traceability parameters (`context`, `recipient`, `object`, any subset) became required (warning) or not (info)"),
        SuccessResponseRemoved => ("breaking", "the success response lost its schema: the method returns untyped JSON"),
        SuccessResponseAdded => ("breaking", "the success response gained a schema: the method's return type changes"),
        PropertyAdded => ("info", "a response property appeared: a new field"),
        PropertyRemoved => ("breaking", "a response property is gone: its field is removed"),
        PropertyTypeChanged => ("breaking", "a response property holds another type"),
        TypeRenamed => ("breaking", "the generated type at a place in the response has another name: code naming it stops compiling"),
        NullableAdded => ("breaking / warning", "a response property may be null: warning when its field's type stays (already `Option`, and required)"),
        NullableRemoved => ("breaking / info", "a response property may no longer be null: breaking when its field loses an `Option`"),
        PropertyBecameOptional => ("breaking / warning", "a response property may be absent: warning when its field's type stays (already `Option`, and not nullable)"),
        PropertyBecameRequired => ("breaking / info", "a response property is always there: breaking when its field loses an `Option`"),
        PropertyDeprecated => ("warning", "a response property is deprecated: `#[deprecated]` on its field"),
        EnumValueAdded => ("warning", "a response enum gained a value: breaks exhaustive HTTP clients, not the crate (`Other`)"),
        EnumValueRemoved => ("breaking / warning", "a response enum lost a value: its variant is removed (warning when a respelling keeps it)"),
        ErrorCodeAdded => ("info", "an error code appeared in the operation's examples"),
        ErrorCodeRemoved => ("breaking / warning / info", "an error code left the examples: breaking (once) when its `ErrorCode` variant goes"),
        EndpointGroupChanged => ("warning", "the operation changed endpoint group (the profile's `classify` rules: its limits, timeout and body bound)"),
        RateLimitChanged => ("warning / info", "a limit per token went down (warning) or up (info)"),
        TimeoutChanged => ("info", "the recommended timeout changed"),
        MaintenanceChanged => ("info", "the daily maintenance window changed"),
        SecurityChanged => ("breaking / info", "the operation sends its secret another way (bearer, API key in a header or the query): callers built for the old way are refused; info when it needs no secret any more"),
    }
}

/// The crate bump one change needs: breaking → major; additions and deprecations → minor.
pub fn bump(kind: ChangeKind, severity: Severity) -> Semver {
    use ChangeKind::*;
    if severity == Severity::Breaking {
        return Semver::Major;
    }
    match kind {
        OperationAdded | OperationDeprecated | ParameterAdded | PropertyAdded
        | PropertyDeprecated | EnumValueAdded | ErrorCodeAdded => Semver::Minor,
        _ => Semver::Patch,
    }
}

/// Judges one finding.
pub(crate) fn judge(f: &Finding) -> Change {
    let (severity, message, rust) = verdict(f);
    Change {
        kind: f.kind,
        severity,
        operation: f.operation.clone(),
        location: f.location.clone(),
        old: f.old.clone(),
        new: f.new.clone(),
        message,
        rust,
    }
}

fn verdict(f: &Finding) -> (Severity, String, String) {
    use ChangeKind::*;
    use Severity::*;
    let x = &f.facts;
    let old = f.old.as_deref().unwrap_or("nothing");
    let new = f.new.as_deref().unwrap_or("nothing");
    let loc = f.location.as_str();
    let param = loc.strip_prefix("parameter:").unwrap_or(loc);
    let member = x.member.as_deref().unwrap_or("?");
    let owner = x.owner.as_deref().unwrap_or("?");
    let (rust_old, rust_new) = (
        x.rust_old.as_deref().unwrap_or("?"),
        x.rust_new.as_deref().unwrap_or("?"),
    );
    let field = format!("field `{owner}::{member}`");
    let method = &x.method;
    match f.kind {
        OperationAdded => (Info, format!("new operation `{new}`"), format!("new method `{method}` and request builder `{}`", x.builder)),
        OperationRemoved => {
            let was = if x.was_deprecated { " (it was deprecated)" } else { "" };
            (
                Breaking,
                format!("operation `{old}` removed{was}"),
                format!(
                    "method `{method}`, its request builder `{}` and `operations::{}` removed",
                    x.builder,
                    const_ident(&f.operation.x_operation_id)
                ),
            )
        }
        OperationMoved => (
            Warning,
            format!("operation moved from `{old}` to `{new}` (same x-operationId)"),
            format!("`{method}` keeps its name and calls the new path once regenerated; released crates still call `{old}`"),
        ),
        OperationIdChanged => {
            let old_method = x.old_name.as_deref().unwrap_or("?");
            let renamed = if old_method == method {
                format!("method `{method}` keeps its name")
            } else {
                format!("method `{old_method}` renamed `{method}`")
            };
            (
                Breaking,
                format!("x-operationId changed from `{old}` to `{new}`"),
                format!("{renamed}; constant `operations::{}` renamed `operations::{}`", const_ident(old), const_ident(new)),
            )
        }
        OperationDeprecated => (
            Warning,
            "operation deprecated".into(),
            format!("`#[deprecated]` added to `{method}`: callers get a deprecation warning"),
        ),
        OperationUndeprecated => (Info, "operation no longer deprecated".into(), format!("`#[deprecated]` removed from `{method}`")),
        RequiredParameterAdded if x.positional => (
            Breaking,
            format!("new path parameter `{param}` ({new})"),
            format!("`{method}` takes a new argument `{member}: {rust_new}`"),
        ),
        RequiredParameterAdded => (
            Breaking,
            format!("new required parameter `{param}` ({new})"),
            format!(
                "new setter `{}::{member}({rust_new})`; the builder does not enforce it, so calls that do not set it are rejected by the server",
                x.builder
            ),
        ),
        ParameterAdded => (
            Info,
            format!("new optional parameter `{param}` ({new})"),
            format!("new setter `{}::{member}({rust_new})`", x.builder),
        ),
        ParameterRemoved if x.positional => (
            Breaking,
            format!("path parameter `{param}` removed"),
            format!("`{method}` loses its argument `{member}`"),
        ),
        ParameterRemoved => (
            Breaking,
            format!("parameter `{param}` ({old}) removed"),
            format!("setter `{}::{member}` removed", x.builder),
        ),
        ParameterBecameRequired => (
            Breaking,
            format!("parameter `{param}` is now required"),
            format!("setter `{}::{member}` unchanged, but calls that do not set it are now rejected by the server", x.builder),
        ),
        ParameterBecameOptional => (
            Info,
            format!("parameter `{param}` is now optional"),
            format!("no change: `{}::{member}` was already an optional setter", x.builder),
        ),
        ParameterTypeChanged if x.positional => (
            Breaking,
            match &x.old_name {
                Some(was) => format!("path parameter `{was}` renamed `{param}`: it now takes a `{new}` instead of a `{old}`"),
                None => format!("path parameter `{param}` now takes a `{new}` instead of a `{old}`"),
            },
            format!("argument `{member}` of `{method}` changes type from `{rust_old}` to `{rust_new}`"),
        ),
        ParameterTypeChanged if rust_old == rust_new => (
            Warning,
            format!("parameter `{param}` changes type from {old} to {new}"),
            format!("no change: `{}::{member}` still takes a `{rust_new}`; check the values sent", x.builder),
        ),
        ParameterTypeChanged => (
            Breaking,
            format!("parameter `{param}` changes type from {old} to {new}"),
            format!("setter `{}::{member}` takes a `{rust_new}` instead of a `{rust_old}`", x.builder),
        ),
        ParameterConstraintNarrowed if x.positional => (
            Breaking,
            format!("path parameter `{param}` accepts only {new}"),
            format!("argument `{member}` of `{method}` keeps its type `{rust_new}`: values it accepts may now be rejected by the server"),
        ),
        ParameterConstraintWidened if x.positional => (
            Info,
            format!("path parameter `{param}` accepts any value"),
            format!("no change to argument `{member}` of `{method}`"),
        ),
        ParameterConstraintNarrowed => {
            let what = if x.values.is_empty() { format!("accepts only {new}") } else { format!("no longer accepts {}", x.values.join(", ")) };
            (
                Breaking,
                format!("parameter `{param}` {what}"),
                format!("setter `{}::{member}` unchanged (it takes any `{rust_new}`): such values are now rejected by the server", x.builder),
            )
        }
        ParameterConstraintWidened => {
            let what = if x.values.is_empty() { "accepts any value".to_string() } else { format!("also accepts {}", x.values.join(", ")) };
            (Info, format!("parameter `{param}` {what}"), format!("no change to `{}::{member}` beyond its documentation", x.builder))
        }
        TraceabilityChanged => {
            let names = |t: &str| -> Vec<String> {
                if t == "none" { Vec::new() } else { t.split(", ").map(str::to_string).collect() }
            };
            let (was, now) = (names(old), names(new));
            let added: Vec<String> = now.iter().filter(|n| !was.contains(n)).map(|n| format!("`{n}`")).collect();
            let removed: Vec<String> = was.iter().filter(|n| !now.contains(n)).map(|n| format!("`{n}`")).collect();
            (
                if added.is_empty() { Info } else { Warning },
                match (added.is_empty(), removed.is_empty()) {
                    (false, true) => format!("{} now required", added.join(", ")),
                    (true, false) => format!("{} no longer required", removed.join(", ")),
                    _ => format!("{} now required, {} no longer", added.join(", "), removed.join(", ")),
                },
                "no code change: the client sends them from its configuration (`CallOptions` overrides them per call)".into(),
            )
        }
        SuccessResponseRemoved => (
            Breaking,
            format!("the success response no longer documents its body (was {old})"),
            format!("`{method}` returns `ApiResponse<serde_json::Value>` instead of `ApiResponse<{rust_old}>`"),
        ),
        SuccessResponseAdded => (
            Breaking,
            format!("the success response now documents its body ({new})"),
            format!("`{method}` returns `ApiResponse<{rust_new}>` instead of `ApiResponse<serde_json::Value>`"),
        ),
        PropertyAdded => (
            Info,
            format!("response property `{loc}` added ({new})"),
            format!("new field `{member}: {rust_new}` in `{owner}` (the struct is `#[non_exhaustive]`: not breaking)"),
        ),
        PropertyRemoved => (
            Breaking,
            format!("response property `{loc}` removed (was {old})"),
            format!("{field} removed"),
        ),
        TypeRenamed => (
            Breaking,
            format!("the type at `{loc}` is generated as `{new}` instead of `{old}`"),
            format!("`models::{old}` renamed `models::{new}` for this place: code that names it stops compiling"),
        ),
        PropertyTypeChanged => (
            Breaking,
            format!("response value at `{loc}` changes type from {old} to {new}"),
            format!("the Rust type at `{loc}` changes from `{rust_old}` to `{rust_new}`"),
        ),
        NullableAdded => (
            if rust_old == rust_new { Warning } else { Breaking },
            format!("response property `{loc}` may now be null"),
            option_effect(x.optional, &field, rust_old, rust_new),
        ),
        NullableRemoved => {
            let severity = if rust_old == rust_new { Info } else { Breaking };
            (severity, format!("response property `{loc}` is no longer nullable"), option_effect(x.optional, &field, rust_old, rust_new))
        }
        PropertyBecameOptional => (
            if rust_old == rust_new { Warning } else { Breaking },
            format!("response property `{loc}` may now be absent"),
            option_effect(x.optional, &field, rust_old, rust_new),
        ),
        PropertyBecameRequired => {
            let severity = if rust_old == rust_new { Info } else { Breaking };
            (severity, format!("response property `{loc}` is now required"), option_effect(x.optional, &field, rust_old, rust_new))
        }
        PropertyDeprecated => (
            Warning,
            format!("response property `{loc}` deprecated"),
            format!("`#[deprecated]` added to {field}: readers get a deprecation warning"),
        ),
        EnumValueAdded if x.known_elsewhere => (
            Warning,
            format!("enum at `{loc}` gains the value `{new}`, a respelling of a value it lost"),
            format!("no new variant: `{owner}::{member}` now stands for `{new}`; released crates decode `{new}` as `Other`"),
        ),
        EnumValueAdded => (
            Warning,
            format!("enum at `{loc}` gains the value `{new}`: breaking for clients that match every value"),
            format!(
                "new variant `{owner}::{member}`; not breaking for the crate: `{owner}` is `#[non_exhaustive]` and keeps unknown values in `Other(String)`, so existing matches still compile and released crates decode `{new}` as `Other`"
            ),
        ),
        EnumValueRemoved if x.known_elsewhere => (
            Warning,
            format!("enum at `{loc}` loses the value `{old}`, respelled under the same variant name"),
            format!("variant `{owner}::{member}` stays under its new spelling: code naming it still compiles"),
        ),
        EnumValueRemoved => (
            Breaking,
            format!("enum at `{loc}` loses the value `{old}`"),
            format!("variant `{owner}::{member}` removed: code naming it no longer compiles"),
        ),
        ErrorCodeAdded => {
            let rust = if x.known_elsewhere {
                format!("none: `ErrorCode::{member}` already exists (listed for other operations)")
            } else if x.name_reused {
                format!("no new variant: `errors::ErrorCode::{member}` now stands for `{new}`")
            } else if x.reported_before {
                format!("new variant `errors::ErrorCode::{member}` (reported once, for an operation above)")
            } else {
                format!("new variant `errors::ErrorCode::{member}` (`#[non_exhaustive]`: not breaking)")
            };
            (Info, format!("error code `{new}` documented"), rust)
        }
        ErrorCodeRemoved if x.known_elsewhere => (
            Info,
            format!("error code `{old}` no longer documented for this operation"),
            format!("none: `ErrorCode::{member}` stays (listed for other operations)"),
        ),
        ErrorCodeRemoved if x.name_reused => (
            if x.reported_before { Info } else { Warning },
            format!("error code `{old}` no longer documented anywhere"),
            format!("variant `errors::ErrorCode::{member}` stays but now stands for another code: code naming it still compiles, with another meaning"),
        ),
        ErrorCodeRemoved if x.reported_before => (
            Info,
            format!("error code `{old}` no longer documented anywhere"),
            format!("variant `errors::ErrorCode::{member}` removed (breaking, counted once, for an operation above)"),
        ),
        ErrorCodeRemoved => (
            Breaking,
            format!("error code `{old}` no longer documented anywhere"),
            format!("variant `errors::ErrorCode::{member}` removed: code naming it no longer compiles (the code arrives as `ErrorCode::Other`)"),
        ),
        EndpointGroupChanged => (
            Warning,
            format!("rate-limit family changes from {old} to {new}"),
            format!("`operations::{}.group` becomes `platform::GROUP_{}`", const_ident(&f.operation.x_operation_id), new.to_ascii_uppercase()),
        ),
        RateLimitChanged => {
            (
                if x.limit_lowered { Warning } else { Info },
                format!("rate limit changes from {old} to {new}"),
                format!(
                    "`operations::{}.limits_per_token()` becomes {new}: callers that pace themselves on it follow once regenerated",
                    const_ident(&f.operation.x_operation_id),
                ),
            )
        }
        TimeoutChanged => (
            Info,
            format!("recommended timeout changes from {old} to {new}"),
            format!("`operations::{}.timeout`, the default per-call timeout, becomes {new}", const_ident(&f.operation.x_operation_id)),
        ),
        SecurityChanged if x.secret_dropped => (
            Info,
            format!("needs no secret any more (it took {old})"),
            format!("`operations::{}.auth` becomes `AuthScheme::None`: the client stops sending the secret", const_ident(&f.operation.x_operation_id)),
        ),
        SecurityChanged => (
            Breaking,
            format!("the secret is now sent as {new} (before: {old}): a caller sending it the old way is refused (401)"),
            format!("`operations::{}.auth` changes: a crate generated before sends the secret the old way", const_ident(&f.operation.x_operation_id)),
        ),
        MaintenanceChanged => (
            Info,
            format!("daily maintenance window changes from {} to {}", window(f.old.as_deref()), window(f.new.as_deref())),
            format!("`operations::{}.maintenance` changes (metadata only)", const_ident(&f.operation.x_operation_id)),
        ),
    }
}

/// What an optionality or nullability change does to the field's Rust type: a field that
/// may be absent and null is `Option<Option<T>>`, so an optional field becoming nullable (or
/// a nullable one optional) changes type too.
fn option_effect(optional: (bool, bool), field: &str, rust_old: &str, rust_new: &str) -> String {
    match optional {
        _ if rust_old != rust_new && rust_new.starts_with(&format!("Option<{rust_old}")) => {
            format!("{field} becomes `{rust_new}` (was `{rust_old}`)")
        }
        _ if rust_old != rust_new => {
            format!("{field} loses an `Option`: `{rust_old}` becomes `{rust_new}`")
        }
        (true, true) => format!("no type change: {field} is already `{rust_new}`"),
        _ => format!("no type change: {field} stays `{rust_new}`"),
    }
}

fn window(text: Option<&str>) -> String {
    text.map_or_else(|| "none".to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_described_and_ids_are_snake_case() {
        for kind in ChangeKind::ALL {
            let id = kind.id();
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{id}"
            );
            assert_eq!(ChangeKind::from_id(id), Some(*kind));
            assert!(!describe(*kind).1.is_empty());
        }
    }

    #[test]
    fn breaking_means_major_and_additions_minor() {
        assert_eq!(
            bump(ChangeKind::PropertyAdded, Severity::Breaking),
            Semver::Major
        );
        assert_eq!(
            bump(ChangeKind::PropertyAdded, Severity::Info),
            Semver::Minor
        );
        assert_eq!(
            bump(ChangeKind::TimeoutChanged, Severity::Info),
            Semver::Patch
        );
    }
}
