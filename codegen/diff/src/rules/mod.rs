//! The rules, one file each: for each [`ChangeKind`], the levels it gives, what it means, the
//! bump its changes need, and its judge, which says how bad one change is and what it does
//! to the generated crate. Severity weighs both audiences: a change is `breaking` when code
//! calling the HTTP API or code using the generated crate stops working or compiling, so
//! tightening a response (a field that loses its `Option`, an enum variant removed) is
//! breaking here even though oasdiff, which judges only the HTTP contract, calls it safe.
//!
//! A new rule is a file here, its line in [`REGISTRY`], a case in
//! `codegen/diff/tests/support/diff_cases.rs` and its expected kinds in `tests/diff.rs`
//! (`every_rule_has_its_case` fails without them).

use super::compare::{Facts, Finding};
use super::{Change, ChangeKind, Semver, Severity};

mod alternative_added;
mod alternative_removed;
mod endpoint_group_changed;
mod enum_value_added;
mod enum_value_removed;
mod error_code_added;
mod error_code_removed;
mod maintenance_changed;
mod nullable_added;
mod nullable_removed;
mod operation_added;
mod operation_deprecated;
mod operation_id_changed;
mod operation_moved;
mod operation_removed;
mod operation_undeprecated;
mod parameter_added;
mod parameter_became_optional;
mod parameter_became_required;
mod parameter_constraint_narrowed;
mod parameter_constraint_widened;
mod parameter_default_changed;
mod parameter_deprecated;
mod parameter_removed;
mod parameter_type_changed;
mod path_parameter_renamed;
mod property_added;
mod property_became_optional;
mod property_became_required;
mod property_deprecated;
mod property_removed;
mod property_type_changed;
mod rate_limit_changed;
mod request_alternative_added;
mod request_alternative_removed;
mod request_body_added;
mod request_body_became_optional;
mod request_body_became_required;
mod request_body_removed;
mod request_enum_value_added;
mod request_enum_value_removed;
mod request_media_type_added;
mod request_media_type_removed;
mod request_nullable_changed;
mod request_property_added;
mod request_property_became_optional;
mod request_property_became_required;
mod request_property_deprecated;
mod request_property_removed;
mod request_property_type_changed;
mod required_parameter_added;
mod response_media_type_added;
mod response_media_type_removed;
mod security_changed;
mod security_scopes_changed;
mod success_response_added;
mod success_response_removed;
mod timeout_changed;
mod traceability_changed;
mod type_renamed;

/// One rule: what a kind of change is and how it is judged.
#[derive(Clone, Copy)]
pub struct Rule {
    /// The kind it judges.
    pub kind: ChangeKind,
    /// The levels its changes get, the usual first (`breaking / info`: breaking unless the
    /// generated crate is untouched).
    pub levels: &'static [Severity],
    /// What it means, in one line.
    pub summary: &'static str,
    /// The crate bump of a change it does not call breaking (breaking is always major).
    pub bump: Semver,
    /// Judges one finding of its kind.
    pub(crate) judge: fn(&Context<'_>) -> Verdict,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("kind", &self.kind)
            .field("levels", &self.levels)
            .field("summary", &self.summary)
            .field("bump", &self.bump)
            .finish_non_exhaustive()
    }
}

/// Every rule, in [`ChangeKind::ALL`]'s order.
pub static REGISTRY: &[Rule] = &[
    operation_added::RULE,
    operation_removed::RULE,
    operation_moved::RULE,
    operation_id_changed::RULE,
    path_parameter_renamed::RULE,
    operation_deprecated::RULE,
    operation_undeprecated::RULE,
    required_parameter_added::RULE,
    parameter_added::RULE,
    parameter_removed::RULE,
    parameter_became_required::RULE,
    parameter_became_optional::RULE,
    parameter_type_changed::RULE,
    parameter_constraint_narrowed::RULE,
    parameter_constraint_widened::RULE,
    parameter_default_changed::RULE,
    parameter_deprecated::RULE,
    traceability_changed::RULE,
    success_response_removed::RULE,
    success_response_added::RULE,
    request_body_added::RULE,
    request_body_removed::RULE,
    request_body_became_required::RULE,
    request_body_became_optional::RULE,
    request_media_type_added::RULE,
    request_media_type_removed::RULE,
    request_property_added::RULE,
    request_property_removed::RULE,
    request_property_type_changed::RULE,
    request_property_became_required::RULE,
    request_property_became_optional::RULE,
    request_enum_value_added::RULE,
    request_enum_value_removed::RULE,
    request_alternative_added::RULE,
    request_alternative_removed::RULE,
    request_nullable_changed::RULE,
    request_property_deprecated::RULE,
    response_media_type_added::RULE,
    response_media_type_removed::RULE,
    property_added::RULE,
    property_removed::RULE,
    property_type_changed::RULE,
    type_renamed::RULE,
    nullable_added::RULE,
    nullable_removed::RULE,
    property_became_optional::RULE,
    property_became_required::RULE,
    property_deprecated::RULE,
    enum_value_added::RULE,
    enum_value_removed::RULE,
    alternative_added::RULE,
    alternative_removed::RULE,
    error_code_added::RULE,
    error_code_removed::RULE,
    endpoint_group_changed::RULE,
    rate_limit_changed::RULE,
    timeout_changed::RULE,
    maintenance_changed::RULE,
    security_changed::RULE,
    security_scopes_changed::RULE,
];

/// The rule of `kind`.
pub fn rule(kind: ChangeKind) -> &'static Rule {
    REGISTRY
        .iter()
        .find(|r| r.kind == kind)
        .expect("every kind has its rule (checked by `the_registry_has_one_rule_per_kind`)")
}

/// A rule's verdict on one change.
pub(crate) struct Verdict {
    pub(crate) severity: Severity,
    pub(crate) message: String,
    pub(crate) rust: String,
}

/// What a judge reads of a finding, named once for all rules.
#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    /// The finding.
    pub(crate) f: &'a Finding,
    /// Its facts.
    pub(crate) x: &'a Facts,
    /// The old value, `nothing` when none.
    pub(crate) old: &'a str,
    /// The new value, `nothing` when none.
    pub(crate) new: &'a str,
    /// The location (a JSON path in the response, `parameter:<name>`…).
    pub(crate) loc: &'a str,
    /// The parameter's name, for a parameter's change.
    pub(crate) param: &'a str,
    /// The field, variant, setter or argument concerned.
    pub(crate) member: &'a str,
    /// The Rust type holding it.
    pub(crate) owner: &'a str,
    /// Rust types before and after.
    pub(crate) rust_old: &'a str,
    /// See `rust_old`.
    pub(crate) rust_new: &'a str,
    /// "field `Owner::member`".
    pub(crate) field: &'a str,
    /// The generated method.
    pub(crate) method: &'a str,
}

/// Each kind with the severity it usually has and what it means, for `--rules` and the docs.
pub fn describe(kind: ChangeKind) -> (String, &'static str) {
    let rule = rule(kind);
    let levels: Vec<&str> = rule.levels.iter().map(|l| l.as_str()).collect();
    (levels.join(" / "), rule.summary)
}

/// The crate bump one change needs: breaking → major; otherwise its rule's (additions and
/// deprecations → minor).
pub fn bump(kind: ChangeKind, severity: Severity) -> Semver {
    if severity == Severity::Breaking {
        return Semver::Major;
    }
    rule(kind).bump
}

/// Judges one finding.
pub(crate) fn judge(f: &Finding) -> Change {
    let x = &f.facts;
    let loc = f.location.as_str();
    let field = format!(
        "field `{}::{}`",
        x.owner.as_deref().unwrap_or("?"),
        x.member.as_deref().unwrap_or("?")
    );
    let context = Context {
        f,
        x,
        old: f.old.as_deref().unwrap_or("nothing"),
        new: f.new.as_deref().unwrap_or("nothing"),
        loc,
        param: x.parameter.as_deref().unwrap_or(loc),
        member: x.member.as_deref().unwrap_or("?"),
        owner: x.owner.as_deref().unwrap_or("?"),
        rust_old: x.rust_old.as_deref().unwrap_or("?"),
        rust_new: x.rust_new.as_deref().unwrap_or("?"),
        field: &field,
        method: &x.method,
    };
    let Verdict {
        severity,
        message,
        rust,
    } = (rule(f.kind).judge)(&context);
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
    fn the_registry_has_one_rule_per_kind() {
        let kinds: Vec<ChangeKind> = REGISTRY.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            ChangeKind::ALL,
            "REGISTRY in ChangeKind::ALL's order"
        );
        for rule in REGISTRY {
            let id = rule.kind.id();
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{id}"
            );
            assert_eq!(ChangeKind::from_id(id), Some(rule.kind));
            assert!(!rule.summary.is_empty() && !rule.levels.is_empty(), "{id}");
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
