//! Parameters: path parameters by position, query and header parameters by name.

use super::{param_finding, Walker};
use crate::model::{Operation, OptionLocation, OptionParam, TypeRef};
use crate::ChangeKind;

impl Walker<'_> {
    /// Path parameters are positional arguments: compared by position, since their names
    /// may change (`{siren}` → `{siren_or_rna}`) without changing the route.
    pub(super) fn path_params(&mut self, o: &Operation, n: &Operation) {
        for i in 0..o.path_params.len().max(n.path_params.len()) {
            let (kind, param, old, new, old_name) =
                match (o.path_params.get(i), n.path_params.get(i)) {
                    (Some(a), Some(b)) if a.identifier == b.identifier => {
                        if let Some(kind) = pattern_change(&a.pattern, &b.pattern) {
                            let mut f = param_finding(
                                kind,
                                n,
                                &b.name,
                                a.pattern.clone(),
                                b.pattern.clone(),
                            );
                            f.facts.positional = true;
                            f.facts.member = Some(b.rust_name.clone());
                            f.facts.rust_old = Some(a.identifier.clone());
                            f.facts.rust_new = Some(b.identifier.clone());
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
                self.out.push(f);
                continue;
            };
            let mut found = Vec::new();
            match (a.required, b.required) {
                (false, true) => found.push((
                    ChangeKind::ParameterBecameRequired,
                    Some("optional".into()),
                    Some("required".into()),
                    vec![],
                )),
                (true, false) => found.push((
                    ChangeKind::ParameterBecameOptional,
                    Some("required".into()),
                    Some("optional".into()),
                    vec![],
                )),
                _ => {}
            }
            if a.ty != b.ty {
                found.push((
                    ChangeKind::ParameterTypeChanged,
                    Some(self.old.describe(&a.ty)),
                    Some(self.new.describe(&b.ty)),
                    vec![],
                ));
            }
            let any = || "any value".to_string();
            let list = |values: &[String]| {
                if values.is_empty() {
                    any()
                } else {
                    values.join(", ")
                }
            };
            let removed: Vec<String> = a
                .allowed
                .iter()
                .filter(|v| !b.allowed.contains(v))
                .cloned()
                .collect();
            let added: Vec<String> = b
                .allowed
                .iter()
                .filter(|v| !a.allowed.contains(v))
                .cloned()
                .collect();
            let (old_list, new_list) = (Some(list(&a.allowed)), Some(list(&b.allowed)));
            if a.allowed.is_empty() && !b.allowed.is_empty() {
                found.push((
                    ChangeKind::ParameterConstraintNarrowed,
                    old_list.clone(),
                    new_list.clone(),
                    vec![],
                ));
            } else if !a.allowed.is_empty() && b.allowed.is_empty() {
                found.push((
                    ChangeKind::ParameterConstraintWidened,
                    old_list.clone(),
                    new_list.clone(),
                    vec![],
                ));
            } else {
                if !removed.is_empty() {
                    found.push((
                        ChangeKind::ParameterConstraintNarrowed,
                        old_list.clone(),
                        new_list.clone(),
                        removed,
                    ));
                }
                if !added.is_empty() {
                    found.push((
                        ChangeKind::ParameterConstraintWidened,
                        old_list,
                        new_list,
                        added,
                    ));
                }
            }
            if let Some(kind) = pattern_change(&a.pattern, &b.pattern) {
                found.push((kind, a.pattern.clone(), b.pattern.clone(), vec![]));
            }
            for (kind, old, new, values) in found {
                let mut f = param_finding(kind, n, &a.name, old, new);
                f.facts.member = Some(b.rust_name.clone());
                f.facts.rust_old = Some(setter_type(&a.ty).into());
                f.facts.rust_new = Some(setter_type(&b.ty).into());
                f.facts.values = values;
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
        }
}

fn param_text(p: &OptionParam) -> String {
    let place = match p.location {
        OptionLocation::Query => "query",
        OptionLocation::Header => "header",
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
