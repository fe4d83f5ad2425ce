//! The structural walk: operations matched, then their parameters, success bodies, error
//! codes and limits compared. It records *what* changed and the facts the rules need to say
//! what that does to the generated crate; how bad a change is belongs to [`super::rules`].

use std::collections::{HashMap, HashSet};

use super::{ChangeKind, OperationRef};
use crate::diagnostic::escape_pointer_token;
use crate::model::naming::type_ident;
use crate::model::{Api, EndpointGroup, Field, Operation, OptionLocation, OptionParam, TypeDef, TypeKind, TypeRef, Variant};

/// Response types are finite (the normalizer cuts recursive schemas), but a bound keeps a
/// pathological spec from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// A change found by the walk, not yet judged.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) kind: ChangeKind,
    pub(crate) operation: OperationRef,
    pub(crate) location: String,
    pub(crate) old: Option<String>,
    pub(crate) new: Option<String>,
    pub(crate) facts: Facts,
}

/// What the rules need to describe the effect on the generated crate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// The generated method, `client.v3().insee_unites_legales()` (the old one for removals).
    pub(crate) method: String,
    /// Its request builder, `InseeUnitesLegalesRequest`.
    pub(crate) builder: String,
    /// The Rust type holding the field or variant concerned.
    pub(crate) owner: Option<String>,
    /// The field, variant, setter or argument concerned.
    pub(crate) member: Option<String>,
    /// Rust types before and after, where a type is concerned.
    pub(crate) rust_old: Option<String>,
    /// See `rust_old`.
    pub(crate) rust_new: Option<String>,
    /// Whether the field is an `Option` before and after.
    pub(crate) optional: (bool, bool),
    /// A path parameter (positional argument) rather than a builder setter.
    pub(crate) positional: bool,
    /// The Rust item outlives the change: an error code still listed by another operation
    /// (removal) or already listed (addition); an enum value respelled under the same variant.
    pub(crate) known_elsewhere: bool,
    /// The crate-level effect (an `ErrorCode` variant added or removed) was already reported
    /// for another operation.
    pub(crate) reported_before: bool,
    /// An error code's variant name stands for another code before or after (codes renumbered).
    pub(crate) name_reused: bool,
    /// A removed operation was deprecated before.
    pub(crate) was_deprecated: bool,
    /// The name before a rename: the generated method, or a path parameter.
    pub(crate) old_name: Option<String>,
    /// Enum values removed or added, for constraint changes.
    pub(crate) values: Vec<String>,
}

/// Every change between two models, operation by operation (sorted by path, then method).
pub(crate) fn compare(old: &Api, new: &Api) -> Vec<Finding> {
    let mut walker = Walker { old: Side::new(old), new: Side::new(new), clean: HashSet::new(), codes_reported: HashSet::new(), out: Vec::new() };
    let mut pairings = match_operations(&old.operations, &new.operations);
    pairings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    for pairing in pairings {
        match pairing {
            Pairing::Matched { old, new, moved } => walker.operation(old, new, moved),
            Pairing::Removed(op) => {
                let mut f = finding(ChangeKind::OperationRemoved, op, "", Some(route(op)), None);
                f.facts.was_deprecated = op.deprecated;
                walker.out.push(f);
                // Codes only this operation listed leave `ErrorCode` with it.
                walker.error_codes(op, &op.error_codes, &[], true);
            }
            Pairing::Added(op) => {
                walker.out.push(finding(ChangeKind::OperationAdded, op, "", None, Some(route(op))));
                walker.error_codes(op, &[], &op.error_codes, true);
            }
        }
    }
    walker.out
}

enum Pairing<'a> {
    Matched { old: &'a Operation, new: &'a Operation, moved: bool },
    Removed(&'a Operation),
    Added(&'a Operation),
}

impl Pairing<'_> {
    fn sort_key(&self) -> (&str, &str) {
        let op = match self {
            Pairing::Matched { new, .. } => new,
            Pairing::Removed(op) | Pairing::Added(op) => op,
        };
        (op.path.as_str(), op.http_method.as_str())
    }
}

/// Pairs operations: same method and path, then same method and path with parameter names
/// erased, then same x-operationId (a move). What is left was removed or added.
fn match_operations<'a>(old: &'a [Operation], new: &'a [Operation]) -> Vec<Pairing<'a>> {
    let keys: [fn(&Operation) -> String; 3] = [
        |o| format!("{} {}", o.http_method, o.path),
        |o| format!("{} {}", o.http_method, erase_parameter_names(&o.path)),
        |o| o.id.clone(),
    ];
    let mut old_left: Vec<Option<&Operation>> = old.iter().map(Some).collect();
    let mut new_left: Vec<Option<&Operation>> = new.iter().map(Some).collect();
    let mut out = Vec::new();
    for (pass, key) in keys.iter().enumerate() {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, op) in new_left.iter().enumerate() {
            if let Some(op) = op {
                index.entry(key(op)).or_default().push(i);
            }
        }
        for slot in old_left.iter_mut() {
            let Some(o) = *slot else { continue };
            let Some(candidates) = index.get_mut(&key(o)) else { continue };
            if candidates.is_empty() {
                continue;
            }
            let i = candidates.remove(0);
            if let Some(n) = new_left.get_mut(i).and_then(Option::take) {
                out.push(Pairing::Matched { old: o, new: n, moved: pass == 2 });
                *slot = None;
            }
        }
    }
    out.extend(old_left.into_iter().flatten().map(Pairing::Removed));
    out.extend(new_left.into_iter().flatten().map(Pairing::Added));
    out
}

/// `/v3/x/{siren}/y` → `/v3/x/{}/y`.
pub(crate) fn erase_parameter_names(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push(c);
            }
            '}' => {
                inside = false;
                out.push(c);
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// One spec's named types and error codes, indexed.
struct Side<'a> {
    types: HashMap<&'a str, &'a TypeDef>,
    codes: HashMap<&'a str, &'a str>,
}

impl<'a> Side<'a> {
    fn new(api: &'a Api) -> Side<'a> {
        Side {
            types: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            codes: api.error_codes.iter().map(|c| (c.code.as_str(), c.rust_name.as_str())).collect(),
        }
    }

    fn shape<'t>(&self, ty: &'t TypeRef) -> Shape<'t>
    where
        'a: 't,
    {
        match ty {
            TypeRef::Named(name) => match self.types.get(name.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Struct(fields)) => Shape::Struct(name, fields),
                Some(TypeKind::Enum(variants)) => Shape::Enum(name, variants),
                None => Shape::Missing,
            },
            TypeRef::Array(inner) => Shape::Array(inner),
            other => Shape::Prim(other),
        }
    }

    /// A short, name-free description: `string`, `date`, `object`, `enum`, `array<object>`.
    fn describe(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "string".into(),
            TypeRef::Integer => "integer".into(),
            TypeRef::Number => "number".into(),
            TypeRef::Boolean => "boolean".into(),
            TypeRef::Date => "date".into(),
            TypeRef::DateTime => "date-time".into(),
            TypeRef::Any => "any".into(),
            TypeRef::Array(inner) => format!("array<{}>", self.describe(inner)),
            TypeRef::Named(name) => match self.types.get(name.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Struct(_)) => "object".into(),
                Some(TypeKind::Enum(_)) => "enum".into(),
                None => "unknown".into(),
            },
        }
    }
}

enum Shape<'t> {
    Prim(&'t TypeRef),
    Struct(&'t str, &'t [Field]),
    Enum(&'t str, &'t [Variant]),
    Array(&'t TypeRef),
    Missing,
}

struct Walker<'a> {
    old: Side<'a>,
    new: Side<'a>,
    /// Pairs of named types already compared without a finding: their subtrees are skipped.
    clean: HashSet<(&'a str, &'a str)>,
    /// Error codes whose `ErrorCode` variant was reported added or removed.
    codes_reported: HashSet<String>,
    out: Vec<Finding>,
}

impl<'a> Walker<'a> {
    fn operation(&mut self, o: &'a Operation, n: &'a Operation, moved: bool) {
        let push = |w: &mut Self, kind, location: &str, old: Option<String>, new: Option<String>| {
            w.out.push(finding(kind, n, location, old, new));
        };
        if moved {
            push(self, ChangeKind::OperationMoved, "", Some(route(o)), Some(route(n)));
        }
        if o.id != n.id {
            let mut f = finding(ChangeKind::OperationIdChanged, n, "", Some(o.id.clone()), Some(n.id.clone()));
            f.facts.old_name = Some(method_path(o));
            self.out.push(f);
        }
        match (o.deprecated, n.deprecated) {
            (false, true) => push(self, ChangeKind::OperationDeprecated, "", Some("false".into()), Some("true".into())),
            (true, false) => push(self, ChangeKind::OperationUndeprecated, "", Some("true".into()), Some("false".into())),
            _ => {}
        }
        self.path_params(o, n);
        self.options(o, n);
        if o.traceability != n.traceability {
            let text = |t: bool| if t { "required" } else { "not required" }.to_string();
            push(self, ChangeKind::TraceabilityChanged, "", Some(text(o.traceability)), Some(text(n.traceability)));
        }
        match (&o.success, &n.success) {
            (Some(a), Some(b)) => self.body(n, a, b, "", 0),
            (Some(a), None) => {
                let mut f = finding(ChangeKind::SuccessResponseRemoved, n, "/", Some(self.old.describe(a)), None);
                f.facts.rust_old = Some(rust_type(a));
                self.out.push(f);
            }
            (None, Some(b)) => {
                let mut f = finding(ChangeKind::SuccessResponseAdded, n, "/", None, Some(self.new.describe(b)));
                f.facts.rust_new = Some(rust_type(b));
                self.out.push(f);
            }
            (None, None) => {}
        }
        self.error_codes(n, &o.error_codes, &n.error_codes, false);
        if o.group != n.group {
            push(self, ChangeKind::EndpointGroupChanged, "", Some(group_name(o.group).into()), Some(group_name(n.group).into()));
        }
        if o.rate_limit_per_minute != n.rate_limit_per_minute {
            let text = |l: u32| format!("{l}/min");
            push(self, ChangeKind::RateLimitChanged, "", Some(text(o.rate_limit_per_minute)), Some(text(n.rate_limit_per_minute)));
        }
        if o.timeout_ms != n.timeout_ms {
            let text = |t: u64| format!("{t} ms");
            push(self, ChangeKind::TimeoutChanged, "", Some(text(o.timeout_ms)), Some(text(n.timeout_ms)));
        }
        if o.maintenance != n.maintenance {
            let text = |m: &Option<(String, String)>| m.as_ref().map(|(from, to)| format!("{from}-{to}"));
            push(self, ChangeKind::MaintenanceChanged, "", text(&o.maintenance), text(&n.maintenance));
        }
    }

    /// Path parameters are positional arguments: compared by position, since their names
    /// may change (`{siren}` → `{siren_or_rna}`) without changing the route.
    fn path_params(&mut self, o: &Operation, n: &Operation) {
        for i in 0..o.path_params.len().max(n.path_params.len()) {
            let (kind, param, old, new, old_name) = match (o.path_params.get(i), n.path_params.get(i)) {
                (Some(a), Some(b)) if a.identifier != b.identifier => (
                    ChangeKind::ParameterTypeChanged,
                    b,
                    Some(a.identifier.clone()),
                    Some(b.identifier.clone()),
                    Some(a.name.clone()).filter(|name| *name != b.name),
                ),
                (Some(a), None) => (ChangeKind::ParameterRemoved, a, Some(a.identifier.clone()), None, None),
                (None, Some(b)) => (ChangeKind::RequiredParameterAdded, b, None, Some(b.identifier.clone()), None),
                _ => continue,
            };
            let mut f = finding(kind, n, &format!("parameter:{}", param.name), old.clone(), new.clone());
            f.facts.positional = true;
            f.facts.old_name = old_name;
            f.facts.member = Some(param.rust_name.clone());
            f.facts.rust_old = old;
            f.facts.rust_new = new;
            self.out.push(f);
        }
    }

    /// Query and header parameters: setters of the request builder, matched by name.
    fn options(&mut self, o: &Operation, n: &Operation) {
        for a in &o.options {
            let location = format!("parameter:{}", a.name);
            let Some(b) = n.options.iter().find(|b| same_param(a, b)) else {
                let mut f = finding(ChangeKind::ParameterRemoved, n, &location, Some(param_text(a)), None);
                f.facts.member = Some(a.rust_name.clone());
                self.out.push(f);
                continue;
            };
            let mut found = Vec::new();
            match (a.required, b.required) {
                (false, true) => found.push((ChangeKind::ParameterBecameRequired, Some("optional".into()), Some("required".into()), vec![])),
                (true, false) => found.push((ChangeKind::ParameterBecameOptional, Some("required".into()), Some("optional".into()), vec![])),
                _ => {}
            }
            if a.ty != b.ty {
                found.push((ChangeKind::ParameterTypeChanged, Some(self.old.describe(&a.ty)), Some(self.new.describe(&b.ty)), vec![]));
            }
            let any = || "any value".to_string();
            let list = |values: &[String]| if values.is_empty() { any() } else { values.join(", ") };
            let removed: Vec<String> = a.allowed.iter().filter(|v| !b.allowed.contains(v)).cloned().collect();
            let added: Vec<String> = b.allowed.iter().filter(|v| !a.allowed.contains(v)).cloned().collect();
            let (old_list, new_list) = (Some(list(&a.allowed)), Some(list(&b.allowed)));
            if a.allowed.is_empty() && !b.allowed.is_empty() {
                found.push((ChangeKind::ParameterConstraintNarrowed, old_list.clone(), new_list.clone(), vec![]));
            } else if !a.allowed.is_empty() && b.allowed.is_empty() {
                found.push((ChangeKind::ParameterConstraintWidened, old_list.clone(), new_list.clone(), vec![]));
            } else {
                if !removed.is_empty() {
                    found.push((ChangeKind::ParameterConstraintNarrowed, old_list.clone(), new_list.clone(), removed));
                }
                if !added.is_empty() {
                    found.push((ChangeKind::ParameterConstraintWidened, old_list, new_list, added));
                }
            }
            for (kind, old, new, values) in found {
                let mut f = finding(kind, n, &location, old, new);
                f.facts.member = Some(b.rust_name.clone());
                f.facts.rust_old = Some(setter_type(&a.ty).into());
                f.facts.rust_new = Some(setter_type(&b.ty).into());
                f.facts.values = values;
                self.out.push(f);
            }
        }
        for b in n.options.iter().filter(|b| !o.options.iter().any(|a| same_param(a, b))) {
            let kind = if b.required { ChangeKind::RequiredParameterAdded } else { ChangeKind::ParameterAdded };
            let mut f = finding(kind, n, &format!("parameter:{}", b.name), None, Some(param_text(b)));
            f.facts.member = Some(b.rust_name.clone());
            f.facts.rust_new = Some(setter_type(&b.ty).into());
            self.out.push(f);
        }
    }

    /// Codes that left or joined an operation's examples. On a removed or added operation
    /// (`whole`), only a code that leaves or joins the whole spec is worth a line, once.
    fn error_codes(&mut self, n: &Operation, before: &[String], after: &[String], whole: bool) {
        for code in before.iter().filter(|c| !after.contains(c)) {
            let known_elsewhere = self.new.codes.contains_key(code.as_str());
            if whole && (known_elsewhere || self.codes_reported.contains(code)) {
                continue;
            }
            let mut f = finding(ChangeKind::ErrorCodeRemoved, n, &format!("error_code:{code}"), Some(code.clone()), None);
            f.facts.known_elsewhere = known_elsewhere;
            f.facts.reported_before = !known_elsewhere && !self.codes_reported.insert(code.clone());
            f.facts.member = self.old.codes.get(code.as_str()).map(|s| s.to_string());
            f.facts.name_reused = f.facts.member.as_deref().is_some_and(|name| self.new.codes.values().any(|n| *n == name));
            self.out.push(f);
        }
        for code in after.iter().filter(|c| !before.contains(c)) {
            let known_elsewhere = self.old.codes.contains_key(code.as_str());
            if whole && (known_elsewhere || self.codes_reported.contains(code)) {
                continue;
            }
            let mut f = finding(ChangeKind::ErrorCodeAdded, n, &format!("error_code:{code}"), None, Some(code.clone()));
            f.facts.known_elsewhere = known_elsewhere;
            f.facts.reported_before = !known_elsewhere && !self.codes_reported.insert(code.clone());
            f.facts.member = self.new.codes.get(code.as_str()).map(|s| s.to_string());
            f.facts.name_reused = f.facts.member.as_deref().is_some_and(|name| self.old.codes.values().any(|n| *n == name));
            self.out.push(f);
        }
    }

    /// Compares the values found at `path` in the success bodies of `op`.
    fn body(&mut self, op: &Operation, old: &'a TypeRef, new: &'a TypeRef, path: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let pair = match (old, new) {
            (TypeRef::Named(a), TypeRef::Named(b)) => Some((a.as_str(), b.as_str())),
            _ => None,
        };
        if pair.is_some_and(|p| self.clean.contains(&p)) {
            return;
        }
        let before = self.out.len();
        match (self.old.shape(old), self.new.shape(new)) {
            (Shape::Struct(on, of), Shape::Struct(nn, nf)) => {
                for f in of {
                    let location = child(path, &f.json_name);
                    match nf.iter().find(|g| g.json_name == f.json_name) {
                        Some(g) => self.field(op, nn, f, g, &location, depth),
                        None => {
                            let mut x = finding(ChangeKind::PropertyRemoved, op, &location, Some(self.old.describe(&f.ty)), None);
                            x.facts.owner = Some(on.to_string());
                            x.facts.member = Some(f.rust_name.clone());
                            x.facts.rust_old = Some(field_type(f));
                            self.out.push(x);
                        }
                    }
                }
                for g in nf.iter().filter(|g| !of.iter().any(|f| f.json_name == g.json_name)) {
                    let location = child(path, &g.json_name);
                    let mut x = finding(ChangeKind::PropertyAdded, op, &location, None, Some(self.new.describe(&g.ty)));
                    x.facts.owner = Some(nn.to_string());
                    x.facts.member = Some(g.rust_name.clone());
                    x.facts.rust_new = Some(field_type(g));
                    self.out.push(x);
                }
            }
            (Shape::Enum(on, ov), Shape::Enum(nn, nv)) => {
                // A respelled value (`d’instance` → `d'instance`) can keep its variant name.
                for v in ov.iter().filter(|v| !nv.iter().any(|w| w.value == v.value)) {
                    let mut x = finding(ChangeKind::EnumValueRemoved, op, &at(path), Some(v.value.clone()), None);
                    x.facts.owner = Some(on.to_string());
                    x.facts.member = Some(v.rust_name.clone());
                    x.facts.known_elsewhere = nv.iter().any(|w| w.rust_name == v.rust_name);
                    self.out.push(x);
                }
                for v in nv.iter().filter(|v| !ov.iter().any(|w| w.value == v.value)) {
                    let mut x = finding(ChangeKind::EnumValueAdded, op, &at(path), None, Some(v.value.clone()));
                    x.facts.owner = Some(nn.to_string());
                    x.facts.member = Some(v.rust_name.clone());
                    x.facts.known_elsewhere = ov.iter().any(|w| w.rust_name == v.rust_name);
                    self.out.push(x);
                }
            }
            (Shape::Array(a), Shape::Array(b)) => self.body(op, a, b, &child_items(path), depth + 1),
            (Shape::Prim(a), Shape::Prim(b)) if a == b => {}
            (Shape::Missing, Shape::Missing) => {}
            _ => {
                let mut x =
                    finding(ChangeKind::PropertyTypeChanged, op, &at(path), Some(self.old.describe(old)), Some(self.new.describe(new)));
                x.facts.rust_old = Some(rust_type(old));
                x.facts.rust_new = Some(rust_type(new));
                self.out.push(x);
            }
        }
        if let Some(pair) = pair.filter(|_| self.out.len() == before) {
            self.clean.insert(pair);
        }
    }

    fn field(&mut self, op: &Operation, owner: &str, f: &'a Field, g: &'a Field, location: &str, depth: usize) {
        let mut found = Vec::new();
        if !f.deprecated && g.deprecated {
            found.push((ChangeKind::PropertyDeprecated, "not deprecated", "deprecated"));
        }
        match (f.required, g.required) {
            (true, false) => found.push((ChangeKind::PropertyBecameOptional, "required", "optional")),
            (false, true) => found.push((ChangeKind::PropertyBecameRequired, "optional", "required")),
            _ => {}
        }
        match (f.nullable, g.nullable) {
            (false, true) => found.push((ChangeKind::NullableAdded, "not nullable", "nullable")),
            (true, false) => found.push((ChangeKind::NullableRemoved, "nullable", "not nullable")),
            _ => {}
        }
        for (kind, old, new) in found {
            let mut x = finding(kind, op, location, Some(old.into()), Some(new.into()));
            x.facts.owner = Some(owner.to_string());
            x.facts.member = Some(g.rust_name.clone());
            x.facts.optional = (f.optional, g.optional);
            x.facts.rust_old = Some(field_type(f));
            x.facts.rust_new = Some(field_type(g));
            self.out.push(x);
        }
        self.body(op, &f.ty, &g.ty, location, depth + 1);
    }
}

fn finding(kind: ChangeKind, op: &Operation, location: &str, old: Option<String>, new: Option<String>) -> Finding {
    Finding {
        kind,
        operation: OperationRef { method: op.http_method.clone(), path: op.path.clone(), x_operation_id: op.id.clone() },
        location: location.to_string(),
        old,
        new,
        facts: Facts {
            method: method_path(op),
            builder: format!("{}Request", type_ident(op.method_name.trim_start_matches("r#"))),
            ..Facts::default()
        },
    }
}

fn route(op: &Operation) -> String {
    format!("{} {}", op.http_method, op.path)
}

/// How the generated client exposes the operation.
fn method_path(op: &Operation) -> String {
    format!("client.{}().{}()", op.module, op.method_name)
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

fn group_name(group: EndpointGroup) -> &'static str {
    match group {
        EndpointGroup::Json => "json",
        EndpointGroup::Documents => "documents",
        EndpointGroup::Monitoring => "monitoring",
    }
}

fn child(path: &str, name: &str) -> String {
    format!("{path}/{}", escape_pointer_token(name))
}

fn child_items(path: &str) -> String {
    format!("{path}/*")
}

/// The body itself is `/`.
fn at(path: &str) -> String {
    if path.is_empty() {
        "/".into()
    } else {
        path.to_string()
    }
}

/// The Rust type the generated code uses (as the emitter spells it, shortened).
fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Date => "ApiDate".into(),
        TypeRef::DateTime => "ApiDateTime".into(),
        TypeRef::Any => "serde_json::Value".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", rust_type(inner)),
    }
}

fn field_type(f: &Field) -> String {
    if f.optional {
        format!("Option<{}>", rust_type(&f.ty))
    } else {
        rust_type(&f.ty)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_are_erased() {
        assert_eq!(erase_parameter_names("/v3/x/{siren}/y/{year}"), "/v3/x/{}/y/{}");
        assert_eq!(erase_parameter_names("/v3/x/{siren_or_rna}/y/{annee}"), "/v3/x/{}/y/{}");
        assert_eq!(erase_parameter_names("/v3/{unclosed"), "/v3/{");
        assert_eq!(erase_parameter_names("/privileges"), "/privileges");
    }
}
