//! Named types: inline schemas deduplicated by structure, then named by where they occur.
//!
//! Two schemas are the same type only when their shapes match (same property names, same
//! optionality, same field types, same enum values); a shared `title` never merges them.
//! A shape's name comes from the property it sits under (`adresse` → `Adresse`); when two
//! different shapes want one name, both are qualified by their nearest meaningful parents
//! (`UniteLegaleAdresse`, `InseeEtablissementsAdresse`) until the names differ.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::names_lock::{locked_names, Kept, NamesLock};
use super::naming::type_ident;
use super::{Alternative, Field, TypeAlias, TypeDef, TypeKind, TypeRef, Variant};
use crate::normalize::{Schema, SchemaKind, StringFormat};

/// Property names that say nothing about what they hold; a type is never named after them alone.
const GENERIC_SEGMENTS: &[&str] = &[
    // A request body's root: named after its operation (`InseeFooRequestBody`).
    "RequestBody",
    "Data",
    "Meta",
    "Links",
    "Attributes",
    "Item",
    "DataItem",
    "Items",
    "Value",
];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ShapeRef {
    Prim(TypeRef),
    Shape(usize),
    Array(Box<ShapeRef>),
    Map(Box<ShapeRef>),
    Nullable(Box<ShapeRef>),
}

#[derive(Debug)]
struct ShapeField {
    json_name: String,
    ty: ShapeRef,
    optional: bool,
    nullable: bool,
    required: bool,
    doc: Option<String>,
    deprecated: bool,
}

#[derive(Debug)]
enum ShapeKind {
    Struct(Vec<ShapeField>),
    Enum(Vec<String>),
    /// Labelled alternatives, in the spec's order.
    OneOf(Vec<(String, ShapeRef)>),
}

#[derive(Debug)]
struct Shape {
    kind: ShapeKind,
    doc: Option<String>,
    /// Name candidates of each place the shape occurs, with that place's JSON pointer.
    occurrences: Vec<(Vec<String>, String)>,
    /// The places it occurs, as the names lock records them (method, route, JSON path).
    places: BTreeSet<String>,
    /// The earliest API version the shape occurs in (`V2` < `V3` < `V4`).
    first_version: String,
}

/// Collects shapes while the operations are read, then names them.
#[derive(Debug, Default)]
pub(crate) struct TypeRegistry {
    shapes: Vec<Shape>,
    by_key: HashMap<String, usize>,
    /// The roots handed out by `register`, to be turned into `TypeRef`s once names exist.
    roots: Vec<ShapeRef>,
}

/// A handle to a registered type reference, resolved by [`TypeRegistry::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RootId(pub(crate) usize);

impl TypeRegistry {
    /// Registers the schema found at the place `context` names (operation name, then the
    /// property names leading to it, `*` for array items); `place` is that body's place for
    /// the names lock (`GET /v3/x/{}#`), its properties' places are under it.
    pub(crate) fn register(&mut self, schema: &Schema, context: &[String], place: &str) -> RootId {
        let r = self.shape_ref(schema, context, place);
        self.roots.push(r);
        RootId(self.roots.len() - 1)
    }

    fn shape_ref(&mut self, schema: &Schema, context: &[String], place: &str) -> ShapeRef {
        match &schema.kind {
            SchemaKind::Object(props) if props.is_empty() => ShapeRef::Prim(TypeRef::Any),
            SchemaKind::Object(props) => {
                let mut fields = Vec::with_capacity(props.len());
                for p in props {
                    let mut ctx = context.to_vec();
                    ctx.push(p.name.clone());
                    let escaped = p.name.replace('~', "~0").replace('/', "~1");
                    let ty = self.shape_ref(&p.schema, &ctx, &format!("{place}/{escaped}"));
                    fields.push(ShapeField {
                        json_name: p.name.clone(),
                        ty,
                        optional: !p.required || p.schema.nullable,
                        nullable: p.schema.nullable,
                        required: p.required,
                        doc: doc_of(&p.schema),
                        deprecated: p.schema.deprecated,
                    });
                }
                let mut parts: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{}:{}:{:?}", f.json_name, f.optional, f.ty))
                    .collect();
                parts.sort();
                self.intern(
                    format!("struct{{{}}}", parts.join(",")),
                    ShapeKind::Struct(fields),
                    schema,
                    context,
                    place,
                )
            }
            SchemaKind::Enum(values) if values.is_empty() => ShapeRef::Prim(TypeRef::String),
            SchemaKind::Enum(values) => {
                let mut sorted = values.clone();
                sorted.sort();
                self.intern(
                    format!("enum{sorted:?}"),
                    ShapeKind::Enum(values.clone()),
                    schema,
                    context,
                    place,
                )
            }
            SchemaKind::OneOf(alternatives) => {
                let mut shapes = Vec::with_capacity(alternatives.len());
                for alternative in alternatives {
                    let mut ctx = context.to_vec();
                    ctx.push(alternative_segment(alternative, context));
                    let at = format!("{place}({})", alternative.label);
                    let ty = self.shape_ref(&alternative.schema, &ctx, &at);
                    let ty = if alternative.schema.nullable {
                        ShapeRef::Nullable(Box::new(ty))
                    } else {
                        ty
                    };
                    shapes.push((alternative.label.clone(), ty));
                }
                let parts: Vec<String> = shapes.iter().map(|(l, t)| format!("{l}:{t:?}")).collect();
                self.intern(
                    format!("oneof[{}]", parts.join(",")),
                    ShapeKind::OneOf(shapes),
                    schema,
                    context,
                    place,
                )
            }
            SchemaKind::Array(items) => {
                let mut ctx = context.to_vec();
                ctx.push("*".into());
                let item = self.shape_ref(items, &ctx, &format!("{place}/*"));
                ShapeRef::Array(Box::new(if items.nullable {
                    ShapeRef::Nullable(Box::new(item))
                } else {
                    item
                }))
            }
            SchemaKind::Map(values) => {
                let mut ctx = context.to_vec();
                ctx.push("*".into());
                let value = self.shape_ref(values, &ctx, &format!("{place}/{{}}"));
                ShapeRef::Map(Box::new(if values.nullable {
                    ShapeRef::Nullable(Box::new(value))
                } else {
                    value
                }))
            }
            SchemaKind::String(StringFormat::Plain) => ShapeRef::Prim(TypeRef::String),
            SchemaKind::String(StringFormat::Date) => ShapeRef::Prim(TypeRef::Date),
            SchemaKind::String(StringFormat::DateTime) => ShapeRef::Prim(TypeRef::DateTime),
            SchemaKind::Integer => ShapeRef::Prim(TypeRef::Integer),
            SchemaKind::Number => ShapeRef::Prim(TypeRef::Number),
            SchemaKind::Boolean => ShapeRef::Prim(TypeRef::Boolean),
            SchemaKind::Any => ShapeRef::Prim(TypeRef::Any),
        }
    }

    fn intern(
        &mut self,
        key: String,
        kind: ShapeKind,
        schema: &Schema,
        context: &[String],
        place: &str,
    ) -> ShapeRef {
        let occurrence = (candidates(context), schema.pointer.clone());
        let version = context
            .first()
            .and_then(|c| c.split_once('@'))
            .map_or("", |(_, v)| v)
            .to_string();
        if let Some(&id) = self.by_key.get(&key) {
            let shape = &mut self.shapes[id];
            shape.occurrences.push(occurrence);
            shape.places.insert(place.to_string());
            if version < shape.first_version {
                shape.first_version = version;
            }
            if shape.doc.is_none() {
                shape.doc = doc_of(schema);
            }
            return ShapeRef::Shape(id);
        }
        self.shapes.push(Shape {
            kind,
            doc: doc_of(schema),
            occurrences: vec![occurrence],
            places: BTreeSet::from([place.to_string()]),
            first_version: version,
        });
        self.by_key.insert(key, self.shapes.len() - 1);
        ShapeRef::Shape(self.shapes.len() - 1)
    }

    /// Names every shape, keeping the names `lock` gives their places, and returns the named
    /// types (sorted by name) and the resolved roots.
    pub(crate) fn finish(self, lock: &NamesLock) -> (Vec<TypeDef>, Vec<TypeRef>) {
        let kept = locked_names(
            lock,
            &self
                .shapes
                .iter()
                .map(|s| s.places.clone())
                .collect::<Vec<_>>(),
            &self
                .shapes
                .iter()
                .map(|s| s.occurrences.len())
                .collect::<Vec<_>>(),
        );
        let names = self.assign_names(&kept);
        let resolve = |r: &ShapeRef| to_type_ref(r, &names);
        let mut types: Vec<TypeDef> = self
            .shapes
            .iter()
            .enumerate()
            .map(|(id, shape)| {
                let kind = match &shape.kind {
                    ShapeKind::Struct(fields) => TypeKind::Struct(struct_fields(fields, &resolve)),
                    ShapeKind::Enum(values) => TypeKind::Enum(enum_variants(values)),
                    ShapeKind::OneOf(shapes) => TypeKind::OneOf(alternatives(shapes, &resolve)),
                };
                let mut occurrences: Vec<String> =
                    shape.occurrences.iter().map(|(_, p)| p.clone()).collect();
                occurrences.sort();
                occurrences.dedup();
                TypeDef {
                    name: names[id].clone(),
                    doc: shape.doc.clone(),
                    kind,
                    occurrences,
                    places: shape.places.iter().cloned().collect(),
                    aliases: kept[id]
                        .aliases
                        .iter()
                        .map(|(name, places)| TypeAlias {
                            name: name.clone(),
                            places: places.clone(),
                        })
                        .collect(),
                }
            })
            .collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        let roots = self.roots.iter().map(resolve).collect();
        (types, roots)
    }

    fn assign_names(&self, kept: &[Kept]) -> Vec<String> {
        // Names of the lock still in use, aliases included, are out of reach of other shapes.
        let reserved: BTreeSet<&str> = kept
            .iter()
            .flat_map(|k| k.name.iter().chain(k.aliases.iter().map(|(a, _)| a)))
            .map(String::as_str)
            .collect();
        let fresh: Vec<usize> = (0..self.shapes.len())
            .filter(|&id| kept[id].name.is_none())
            .collect();
        let chains: Vec<&Vec<String>> = self.shapes.iter().map(preferred_chain).collect();
        let mut level = vec![0usize; chains.len()];
        let name_at =
            |id: usize, level: &[usize]| chains[id][level[id].min(chains[id].len() - 1)].clone();
        loop {
            let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for &id in &fresh {
                groups.entry(name_at(id, &level)).or_default().push(id);
            }
            let mut advanced = false;
            let mut stuck = Vec::new();
            for (group_name, ids) in &groups {
                let is_reserved = reserved.contains(group_name.as_str());
                if ids.len() < 2 && !is_reserved {
                    continue;
                }
                // The shape found in strictly more places keeps the name, so an edit that splits
                // one operation off a shared shape renames only that operation's type; between
                // equals, the one from the earliest version keeps it, so a new API version never
                // renames the types of the versions before it.
                let rank = |id: usize| {
                    let shape = &self.shapes[id];
                    (
                        shape.occurrences.len(),
                        std::cmp::Reverse(shape.first_version.as_str()),
                    )
                };
                let best = ids.iter().map(|&id| rank(id)).max();
                let keeper = match ids.iter().filter(|&&id| Some(rank(id)) == best).count() {
                    // A locked name is kept by its shape: none of these.
                    1 if !is_reserved => ids.iter().copied().find(|&id| Some(rank(id)) == best),
                    _ => None,
                };
                let movable: Vec<usize> = ids
                    .iter()
                    .copied()
                    .filter(|&id| Some(id) != keeper && level[id] + 1 < chains[id].len())
                    .collect();
                if movable.is_empty() {
                    // Who keeps the name: the keeper, else the first (none when the lock holds
                    // it); the others get suffixes.
                    let first = if is_reserved {
                        None
                    } else {
                        Some(keeper.unwrap_or(ids[0]))
                    };
                    stuck.push(
                        ids.iter()
                            .copied()
                            .filter(|&id| Some(id) != first)
                            .collect::<Vec<_>>(),
                    );
                }
                for id in movable {
                    level[id] += 1;
                    advanced = true;
                }
            }
            if !advanced {
                let mut names: Vec<String> = (0..chains.len())
                    .map(|id| kept[id].name.clone().unwrap_or_else(|| name_at(id, &level)))
                    .collect();
                let mut used: BTreeSet<String> = names.iter().cloned().collect();
                used.extend(reserved.iter().map(|r| r.to_string()));
                // Same place, different shapes: only possible when one spec path holds two
                // schemas (a v3 and a v4 route sharing a name), or when the lock keeps the name
                // for another shape; tell them apart by kind, then order, never reaching a name
                // already given.
                for ids in stuck {
                    let base_of: Vec<(usize, String)> =
                        ids.iter().map(|&id| (id, names[id].clone())).collect();
                    let mut n = 0;
                    for (id, base) in base_of {
                        loop {
                            let suffix = match self.shapes[id].kind {
                                ShapeKind::Enum(_) if n == 0 => "Kind".to_string(),
                                _ => format!("Variant{}", n + 2),
                            };
                            n += 1;
                            let candidate = format!("{base}{suffix}");
                            if used.insert(candidate.clone()) {
                                names[id] = candidate;
                                break;
                            }
                        }
                    }
                }
                return names;
            }
        }
    }
}

/// The occurrence whose own name is the most common among the shape's places names it;
/// ties go to the alphabetically first chain, so the choice does not depend on order.
fn preferred_chain(shape: &Shape) -> &Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (chain, _) in &shape.occurrences {
        *counts.entry(chain[0].as_str()).or_default() += 1;
    }
    shape
        .occurrences
        .iter()
        .map(|(chain, _)| chain)
        .min_by(|a, b| {
            counts[b[0].as_str()]
                .cmp(&counts[a[0].as_str()])
                .then_with(|| a.cmp(b))
        })
        .expect("a shape has at least one occurrence")
}

/// Names for a place, shortest first: the property's own name, then qualified by each
/// meaningful ancestor up to the operation, then by the operation's version.
fn candidates(context: &[String]) -> Vec<String> {
    let (operation, rest) = context
        .split_first()
        .map_or(("Anonymous", &[][..]), |(o, r)| (o.as_str(), r));
    let mut segments: Vec<String> = Vec::new();
    for seg in rest {
        if seg == "*" {
            match segments.last_mut() {
                Some(last) => last.push_str("Item"),
                None => segments.push("Item".into()),
            }
        } else {
            segments.push(type_ident(seg));
        }
    }
    let (op_name, version) = split_version(operation);
    let base = segments.pop().unwrap_or_else(|| "Response".into());
    let qualifiers: Vec<&String> = segments
        .iter()
        .rev()
        .filter(|s| !GENERIC_SEGMENTS.contains(&s.as_str()))
        .collect();
    let mut out = Vec::new();
    let mut name = base.clone();
    if !GENERIC_SEGMENTS.contains(&base.as_str()) && base != "Response" {
        out.push(name.clone());
    }
    for q in qualifiers {
        name = format!("{q}{name}");
        out.push(name.clone());
    }
    name = format!("{op_name}{name}");
    out.push(name.clone());
    out.push(format!("{name}{version}"));
    out.retain(|n| !super::naming::PRELUDE_NAMES.contains(&n.as_str()));
    out.dedup();
    out
}

/// Operation contexts are given as `ShortName@V3`.
fn split_version(operation: &str) -> (&str, &str) {
    operation.split_once('@').unwrap_or((operation, ""))
}

fn to_type_ref(r: &ShapeRef, names: &[String]) -> TypeRef {
    match r {
        ShapeRef::Prim(t) => t.clone(),
        ShapeRef::Shape(id) => TypeRef::Named(names[*id].clone()),
        ShapeRef::Array(inner) => TypeRef::Array(Box::new(to_type_ref(inner, names))),
        ShapeRef::Map(inner) => TypeRef::Map(Box::new(to_type_ref(inner, names))),
        ShapeRef::Nullable(inner) => TypeRef::Nullable(Box::new(to_type_ref(inner, names))),
    }
}

fn struct_fields(fields: &[ShapeField], resolve: &dyn Fn(&ShapeRef) -> TypeRef) -> Vec<Field> {
    // The generated struct's map of undeclared fields takes this name first.
    let mut used: Vec<String> = vec![super::naming::UNDECLARED_FIELD.into()];
    fields
        .iter()
        .map(|f| {
            let mut rust_name = super::naming::field_ident(&f.json_name);
            // `dateCreation` and `date_creation` in one object: keep both, the later one marked.
            while used.contains(&rust_name) {
                rust_name.push_str("_alt");
            }
            used.push(rust_name.clone());
            Field {
                json_name: f.json_name.clone(),
                rust_name,
                ty: resolve(&f.ty),
                optional: f.optional,
                nullable: f.nullable,
                required: f.required,
                doc: f.doc.clone(),
                deprecated: f.deprecated,
            }
        })
        .collect()
}

fn enum_variants(values: &[String]) -> Vec<Variant> {
    let mut used: Vec<String> = vec!["Other".into()];
    values
        .iter()
        .map(|v| {
            let mut rust_name = type_ident(v);
            if used.contains(&rust_name) {
                // `A` and `a`, or a value spelled `other`: keep the spec's spelling visible.
                let lower = v.chars().all(|c| !c.is_ascii_uppercase());
                rust_name.push_str(if lower { "Lower" } else { "Value" });
            }
            while used.contains(&rust_name) {
                rust_name.push('_');
            }
            used.push(rust_name.clone());
            Variant {
                value: v.clone(),
                rust_name,
            }
        })
        .collect()
}

/// The context segment an alternative's own type is named under: its label when the spec
/// named it (`PersonnePhysique`), else the parent's name and its kind (`titulaire Object`
/// → `TitulaireObject`), since `Object` alone says nothing.
fn alternative_segment(alternative: &crate::normalize::Alternative, context: &[String]) -> String {
    match context
        .last()
        .filter(|_| !alternative.named && context.len() > 1)
    {
        Some(parent) => format!("{parent} {}", alternative.label),
        None => alternative.label.clone(),
    }
}

/// The variants of a one-of type: each label's Rust name, distinct, never `Other` (the
/// generated enum's variant for a value no alternative reads).
fn alternatives(
    shapes: &[(String, ShapeRef)],
    resolve: &dyn Fn(&ShapeRef) -> TypeRef,
) -> Vec<Alternative> {
    let mut used: Vec<String> = vec!["Other".into()];
    shapes
        .iter()
        .map(|(label, ty)| {
            let mut rust_name = type_ident(label);
            while used.contains(&rust_name) {
                rust_name.push_str("Alternative");
            }
            used.push(rust_name.clone());
            Alternative {
                label: label.clone(),
                rust_name,
                ty: resolve(ty),
            }
        })
        .collect()
}

/// Title and description joined, as rustdoc.
pub(crate) fn doc_of(schema: &Schema) -> Option<String> {
    match (&schema.title, &schema.description) {
        (Some(t), Some(d)) if t.trim() != d.trim() => Some(format!("{}\n\n{}", t.trim(), d.trim())),
        (Some(t), _) => Some(t.trim().to_string()),
        (None, Some(d)) => Some(d.trim().to_string()),
        (None, None) => None,
    }
}
