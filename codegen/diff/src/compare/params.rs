//! Parameters: path parameters by position, query and header parameters by name.

use super::{missing, param_finding, Walker};
use crate::model::{Operation, OptionLocation, OptionParam, TypeRef};
use crate::ChangeKind;
use apie_spec::normalize::Bounds;

impl Walker<'_> {
    /// Path parameters are positional arguments: compared by position, since their names
    /// may change (`{siren}` → `{siren_or_rna}`) without changing the route.
    pub(super) fn path_params(&mut self, o: &Operation, n: &Operation) {
        for i in 0..o.path_params.len().max(n.path_params.len()) {
            let (kind, param, old, new, old_name) =
                match (o.path_params.get(i), n.path_params.get(i)) {
                    (Some(a), Some(b)) if a.identifier == b.identifier => {
                        let changes = constraint_changes(
                            (&a.allowed, &a.pattern, &a.bounds),
                            (&b.allowed, &b.pattern, &b.bounds),
                        );
                        for (kind, old, new, values, bound) in changes {
                            let mut f = param_finding(kind, n, &b.name, old, new);
                            f.facts.positional = true;
                            f.facts.member = Some(b.rust_name.clone());
                            f.facts.rust_old = Some(a.identifier.clone());
                            f.facts.rust_new = Some(b.identifier.clone());
                            f.facts.values = values;
                            f.facts.bound = bound;
                            self.out.push(f);
                        }
                        continue;
                    }
                    (Some(a), Some(b)) => (
                        ChangeKind::ParameterTypeChanged,
                        b,
                        Some(a.identifier.clone()),
                        Some(b.identifier.clone()),
                        Some(a.name.clone()).filter(|name| *name != b.name),
                    ),
                    (Some(a), None) => (
                        ChangeKind::ParameterRemoved,
                        a,
                        Some(a.identifier.clone()),
                        None,
                        None,
                    ),
                    (None, Some(b)) => (
                        ChangeKind::RequiredParameterAdded,
                        b,
                        None,
                        Some(b.identifier.clone()),
                        None,
                    ),
                    _ => continue,
                };
            let mut f = param_finding(kind, n, &param.name, old.clone(), new.clone());
            f.facts.positional = true;
            f.facts.old_name = old_name;
            f.facts.member = Some(param.rust_name.clone());
            f.facts.rust_old = old;
            f.facts.rust_new = new;
            self.out.push(f);
        }
    }

    /// Query and header parameters: setters of the request builder, matched by name.
    pub(super) fn options(&mut self, o: &Operation, n: &Operation) {
        for a in &o.options {
            let Some(b) = n.options.iter().find(|b| same_param(a, b)) else {
                let mut f = param_finding(
                    ChangeKind::ParameterRemoved,
                    n,
                    &a.name,
                    Some(param_text(a)),
                    None,
                );
                f.facts.member = Some(a.rust_name.clone());
                f.facts.was_deprecated = a.deprecated;
                self.out.push(f);
                continue;
            };
            let mut found = Vec::new();
            if !a.deprecated && b.deprecated {
                found.push((
                    ChangeKind::ParameterDeprecated,
                    Some("not deprecated".into()),
                    Some("deprecated".into()),
                    vec![],
                    false,
                ));
            }
            match (a.required, b.required) {
                (false, true) => found.push((
                    ChangeKind::ParameterBecameRequired,
                    Some("optional".into()),
                    Some("required".into()),
                    vec![],
                    false,
                )),
                (true, false) => found.push((
                    ChangeKind::ParameterBecameOptional,
                    Some("required".into()),
                    Some("optional".into()),
                    vec![],
                    false,
                )),
                _ => {}
            }
            if a.ty != b.ty {
                found.push((
                    ChangeKind::ParameterTypeChanged,
                    Some(self.old.describe(&a.ty)),
                    Some(self.new.describe(&b.ty)),
                    vec![],
                    false,
                ));
            }
            found.extend(constraint_changes(
                (&a.allowed, &a.pattern, &a.bounds),
                (&b.allowed, &b.pattern, &b.bounds),
            ));
            for (kind, old, new, values, bound) in found {
                let mut f = param_finding(kind, n, &a.name, old, new);
                f.facts.member = Some(b.rust_name.clone());
                f.facts.rust_old = Some(setter_type(&a.ty).into());
                f.facts.rust_new = Some(setter_type(&b.ty).into());
                f.facts.values = values;
                f.facts.bound = bound;
                self.out.push(f);
            }
        }
        for b in n
            .options
            .iter()
            .filter(|b| !o.options.iter().any(|a| same_param(a, b)))
        {
            let kind = if b.required {
                ChangeKind::RequiredParameterAdded
            } else {
                ChangeKind::ParameterAdded
            };
            let mut f = param_finding(kind, n, &b.name, None, Some(param_text(b)));
            f.facts.member = Some(b.rust_name.clone());
            f.facts.rust_new = Some(setter_type(&b.ty).into());
            self.out.push(f);
        }
    }
}

/// A change found: its kind, the old and new texts, the values concerned, and whether it is
/// a bound's (`maximum 100`).
type Found = (
    ChangeKind,
    Option<String>,
    Option<String>,
    Vec<String>,
    bool,
);

/// What a parameter accepts: its listed values, its pattern, its bounds and default.
type Accepts<'a> = (&'a [String], &'a Option<String>, &'a Bounds);

/// How what a parameter accepts changed: values listed or unlisted, the pattern, each
/// bound (a lower bound raised or an upper one lowered narrows; the reverse widens), the
/// default.
fn constraint_changes(a: Accepts<'_>, b: Accepts<'_>) -> Vec<Found> {
    use ChangeKind::{
        ParameterConstraintNarrowed as Narrowed, ParameterConstraintWidened as Widened,
    };
    let ((a_allowed, a_pattern, a_bounds), (b_allowed, b_pattern, b_bounds)) = (a, b);
    let mut found = allowed_changes(a_allowed, b_allowed);
    if let Some(kind) = pattern_change(a_pattern, b_pattern) {
        found.push((kind, a_pattern.clone(), b_pattern.clone(), vec![], false));
    }
    let count = |n: Option<u64>| n.map(|n| n as f64);
    let bounds = [
        ("minimum", a_bounds.minimum, b_bounds.minimum, true),
        ("maximum", a_bounds.maximum, b_bounds.maximum, false),
        (
            "minLength",
            count(a_bounds.min_length),
            count(b_bounds.min_length),
            true,
        ),
        (
            "maxLength",
            count(a_bounds.max_length),
            count(b_bounds.max_length),
            false,
        ),
        (
            "minItems",
            count(a_bounds.min_items),
            count(b_bounds.min_items),
            true,
        ),
        (
            "maxItems",
            count(a_bounds.max_items),
            count(b_bounds.max_items),
            false,
        ),
    ];
    for (name, old, new, lower) in bounds {
        let narrowed = match (old, new) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(o), Some(n)) if o != n => (n > o) == lower,
            _ => continue,
        };
        let text = |v: Option<f64>| {
            Some(v.map_or_else(|| format!("no {name}"), |v| format!("{name} {v}")))
        };
        let kind = if narrowed { Narrowed } else { Widened };
        found.push((kind, text(old), text(new), vec![], true));
    }
    if a_bounds.default != b_bounds.default {
        let text = |d: &Option<String>| Some(d.clone().unwrap_or_else(|| "none".into()));
        found.push((
            ChangeKind::ParameterDefaultChanged,
            text(&a_bounds.default),
            text(&b_bounds.default),
            vec![],
            false,
        ));
    }
    found
}

/// Values listed where any was taken narrows, unlisted widens; values removed from the
/// list narrow, added widen.
fn allowed_changes(a: &[String], b: &[String]) -> Vec<Found> {
    use ChangeKind::{
        ParameterConstraintNarrowed as Narrowed, ParameterConstraintWidened as Widened,
    };
    let list = |values: &[String]| {
        Some(if values.is_empty() {
            "any value".to_string()
        } else {
            values.join(", ")
        })
    };
    match (a.is_empty(), b.is_empty()) {
        (true, false) => vec![(Narrowed, list(a), list(b), vec![], false)],
        (false, true) => vec![(Widened, list(a), list(b), vec![], false)],
        _ => {
            let (removed, added) = (missing(a, b), missing(b, a));
            let mut found = Vec::new();
            if !removed.is_empty() {
                found.push((Narrowed, list(a), list(b), removed, false));
            }
            if !added.is_empty() {
                found.push((Widened, list(a), list(b), added, false));
            }
            found
        }
    }
}

/// A pattern added or changed may refuse values that passed before: narrowed (a changed
/// regex cannot be proven wider); a pattern dropped accepts more: widened.
fn pattern_change(old: &Option<String>, new: &Option<String>) -> Option<ChangeKind> {
    match (old, new) {
        (a, b) if a == b => None,
        (Some(_), None) => Some(ChangeKind::ParameterConstraintWidened),
        _ => Some(ChangeKind::ParameterConstraintNarrowed),
    }
}

fn same_param(a: &OptionParam, b: &OptionParam) -> bool {
    a.location == b.location
        && match a.location {
            OptionLocation::Query => a.name == b.name,
            OptionLocation::Header => a.name.eq_ignore_ascii_case(&b.name),
            OptionLocation::Cookie => a.name == b.name,
        }
}

fn param_text(p: &OptionParam) -> String {
    let place = match p.location {
        OptionLocation::Query => "query",
        OptionLocation::Header => "header",
        OptionLocation::Cookie => "cookie",
    };
    let need = if p.required { "required" } else { "optional" };
    format!("{place}, {need}")
}

/// What a builder setter takes (see `emit::operations::option_type`).
fn setter_type(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Integer => "i64",
        TypeRef::Number => "f64",
        TypeRef::Boolean => "bool",
        _ => "String",
    }
}
