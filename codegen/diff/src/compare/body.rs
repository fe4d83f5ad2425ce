//! Success bodies, walked by JSON path from each operation's root: type names are never
//! compared, since the generator names types after where they occur.

use std::collections::HashMap;

use super::{finding, Walker};
use crate::diagnostic::escape_pointer_token;
use crate::model::{Alternative, Api, Field, Operation, TypeDef, TypeKind, TypeRef, Variant};
use crate::ChangeKind;

/// Response types are finite (the normalizer cuts recursive schemas), but a bound keeps a
/// pathological spec from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// One spec's named types and error codes, indexed.
pub(super) struct Side<'a> {
    types: HashMap<&'a str, &'a TypeDef>,
    /// Error code → its `ErrorCode` variant name.
    pub(super) codes: HashMap<&'a str, &'a str>,
}

impl<'a> Side<'a> {
    pub(super) fn new(api: &'a Api) -> Side<'a> {
        Side {
            types: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            codes: api
                .error_codes
                .iter()
                .map(|c| (c.code.as_str(), c.rust_name.as_str()))
                .collect(),
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
                Some(TypeKind::OneOf(alternatives)) => Shape::OneOf(name, alternatives),
                None => Shape::Missing,
            },
            TypeRef::Array(inner) => Shape::Array(inner),
            TypeRef::Map(inner) => Shape::Map(inner),
            // Items becoming nullable is not reported; the item's own shape is compared.
            TypeRef::Nullable(inner) => self.shape(inner),
            other => Shape::Prim(other),
        }
    }

    /// A short, name-free description: `string`, `date`, `object`, `enum`, `array<object>`.
    pub(super) fn describe(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "string".into(),
            TypeRef::Integer => "integer".into(),
            TypeRef::Number => "number".into(),
            TypeRef::Boolean => "boolean".into(),
            TypeRef::Date => "date".into(),
            TypeRef::DateTime => "date-time".into(),
            TypeRef::Any => "any".into(),
            TypeRef::Array(inner) => format!("array<{}>", self.describe(inner)),
            TypeRef::Map(inner) => format!("map<{}>", self.describe(inner)),
            TypeRef::Nullable(inner) => self.describe(inner),
            // The profile's choice, compared by name like a primitive.
            TypeRef::Runtime(name) => format!("runtime type {name}"),
            TypeRef::Named(name) => match self.types.get(name.as_str()).map(|t| &t.kind) {
                Some(TypeKind::Struct(_)) => "object".into(),
                Some(TypeKind::Enum(_)) => "enum".into(),
                Some(TypeKind::OneOf(alternatives)) => {
                    let each: Vec<String> =
                        alternatives.iter().map(|a| self.describe(&a.ty)).collect();
                    format!("one of {}", each.join(" | "))
                }
                None => "unknown".into(),
            },
        }
    }
}

enum Shape<'t> {
    Prim(&'t TypeRef),
    Struct(&'t str, &'t [Field]),
    Enum(&'t str, &'t [Variant]),
    OneOf(&'t str, &'t [Alternative]),
    Array(&'t TypeRef),
    Map(&'t TypeRef),
    Missing,
}

impl<'a> Walker<'a> {
    /// Compares the values found at `path` in the success bodies of `op`.
    pub(super) fn body(
        &mut self,
        op: &Operation,
        old: &'a TypeRef,
        new: &'a TypeRef,
        path: &str,
        depth: usize,
    ) {
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
        if let Some((a, b)) = pair.filter(|(a, b)| a != b) {
            let same_kind = matches!(
                (self.old.shape(old), self.new.shape(new)),
                (Shape::Struct(..), Shape::Struct(..))
                    | (Shape::Enum(..), Shape::Enum(..))
                    | (Shape::OneOf(..), Shape::OneOf(..))
            );
            if same_kind {
                let f = finding(
                    ChangeKind::TypeRenamed,
                    op,
                    &at(path),
                    Some(a.to_string()),
                    Some(b.to_string()),
                );
                self.out.push(f);
            }
        }
        match (self.old.shape(old), self.new.shape(new)) {
            (Shape::Struct(on, of), Shape::Struct(nn, nf)) => {
                for f in of {
                    let location = child(path, &f.json_name);
                    match nf.iter().find(|g| g.json_name == f.json_name) {
                        Some(g) => self.field(op, nn, f, g, &location, depth),
                        None => {
                            let mut x = finding(
                                ChangeKind::PropertyRemoved,
                                op,
                                &location,
                                Some(self.old.describe(&f.ty)),
                                None,
                            );
                            x.facts.owner = Some(on.to_string());
                            x.facts.member = Some(f.rust_name.clone());
                            x.facts.rust_old = Some(field_type(f));
                            self.out.push(x);
                        }
                    }
                }
                for g in nf
                    .iter()
                    .filter(|g| !of.iter().any(|f| f.json_name == g.json_name))
                {
                    let location = child(path, &g.json_name);
                    let mut x = finding(
                        ChangeKind::PropertyAdded,
                        op,
                        &location,
                        None,
                        Some(self.new.describe(&g.ty)),
                    );
                    x.facts.owner = Some(nn.to_string());
                    x.facts.member = Some(g.rust_name.clone());
                    x.facts.rust_new = Some(field_type(g));
                    x.facts.required = g.required;
                    self.out.push(x);
                }
            }
            (Shape::Enum(on, ov), Shape::Enum(nn, nv)) => {
                // A respelled value (`d’instance` → `d'instance`) can keep its variant name.
                for v in ov.iter().filter(|v| !nv.iter().any(|w| w.value == v.value)) {
                    let mut x = finding(
                        ChangeKind::EnumValueRemoved,
                        op,
                        &at(path),
                        Some(v.value.clone()),
                        None,
                    );
                    x.facts.owner = Some(on.to_string());
                    x.facts.member = Some(v.rust_name.clone());
                    x.facts.known_elsewhere = nv.iter().any(|w| w.rust_name == v.rust_name);
                    self.out.push(x);
                }
                for v in nv.iter().filter(|v| !ov.iter().any(|w| w.value == v.value)) {
                    let mut x = finding(
                        ChangeKind::EnumValueAdded,
                        op,
                        &at(path),
                        None,
                        Some(v.value.clone()),
                    );
                    x.facts.owner = Some(nn.to_string());
                    x.facts.member = Some(v.rust_name.clone());
                    x.facts.known_elsewhere = ov.iter().any(|w| w.rust_name == v.rust_name);
                    self.out.push(x);
                }
            }
            (Shape::OneOf(on, oa), Shape::OneOf(nn, na)) => {
                self.alternatives(op, (on, oa), (nn, na), path, depth)
            }
            (Shape::Array(a), Shape::Array(b)) => {
                self.body(op, a, b, &child_items(path), depth + 1)
            }
            // A map's values, whatever their keys (`additionalProperties`), at `/*`.
            (Shape::Map(a), Shape::Map(b)) => self.body(op, a, b, &child_items(path), depth + 1),
            (Shape::Prim(a), Shape::Prim(b)) if a == b => {}
            (Shape::Missing, Shape::Missing) => {}
            _ => {
                let mut x = finding(
                    ChangeKind::PropertyTypeChanged,
                    op,
                    &at(path),
                    Some(self.old.describe(old)),
                    Some(self.new.describe(new)),
                );
                x.facts.rust_old = Some(rust_type(old));
                x.facts.rust_new = Some(rust_type(new));
                self.out.push(x);
            }
        }
        if let Some(pair) = pair.filter(|_| self.out.len() == before) {
            self.clean.insert(pair);
        }
    }

    /// Alternatives are matched by label (a `$ref`'s target, a title, a kind), each pair
    /// compared at `path(Label)`.
    fn alternatives(
        &mut self,
        op: &Operation,
        (on, oa): (&str, &'a [Alternative]),
        (nn, na): (&str, &'a [Alternative]),
        path: &str,
        depth: usize,
    ) {
        for a in oa {
            match na.iter().find(|b| b.label == a.label) {
                Some(b) => {
                    let location = format!("{}({})", at(path), a.label);
                    self.body(op, &a.ty, &b.ty, &location, depth + 1);
                }
                None => {
                    let mut x = finding(
                        ChangeKind::AlternativeRemoved,
                        op,
                        &at(path),
                        Some(a.label.clone()),
                        None,
                    );
                    x.facts.owner = Some(on.to_string());
                    x.facts.member = Some(a.rust_name.clone());
                    self.out.push(x);
                }
            }
        }
        for b in na.iter().filter(|b| !oa.iter().any(|a| a.label == b.label)) {
            let mut x = finding(
                ChangeKind::AlternativeAdded,
                op,
                &at(path),
                None,
                Some(b.label.clone()),
            );
            x.facts.owner = Some(nn.to_string());
            x.facts.member = Some(b.rust_name.clone());
            self.out.push(x);
        }
    }

    fn field(
        &mut self,
        op: &Operation,
        owner: &str,
        f: &'a Field,
        g: &'a Field,
        location: &str,
        depth: usize,
    ) {
        let mut found = Vec::new();
        if !f.deprecated && g.deprecated {
            found.push((
                ChangeKind::PropertyDeprecated,
                "not deprecated",
                "deprecated",
            ));
        }
        match (f.required, g.required) {
            (true, false) => {
                found.push((ChangeKind::PropertyBecameOptional, "required", "optional"))
            }
            (false, true) => {
                found.push((ChangeKind::PropertyBecameRequired, "optional", "required"))
            }
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
            x.facts.nullable = g.nullable;
            self.out.push(x);
        }
        self.body(op, &f.ty, &g.ty, location, depth + 1);
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

/// The Rust type the generated code uses: named once, in the model.
pub(super) fn rust_type(ty: &TypeRef) -> String {
    crate::model::naming::rust_type_text(ty)
}

fn field_type(f: &Field) -> String {
    crate::model::naming::field_type_path(f, "", "")
}
