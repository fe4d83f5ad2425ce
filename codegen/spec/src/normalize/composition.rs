//! `oneOf` and `anyOf` of several schemas, and `type` lists of several scalars: one of the
//! alternatives, each labelled so that the generated enum can name its variants.
//!
//! `anyOf` is read as `oneOf`: the generated decoder takes the first alternative that reads
//! the value, which is what a caller of either wants. `{type: 'null'}` among the
//! alternatives makes the whole value nullable rather than an alternative of its own.

use super::{Alternative, Normalizer, Schema, SchemaKind, StringFormat};
use crate::load::{Node, Value};

impl Normalizer<'_> {
    /// The alternatives of `list` (the value of `key`, `oneOf` or `anyOf`).
    pub(super) fn one_of(
        &mut self,
        list: &Node,
        key: &str,
        nullable: &mut bool,
        pointer: &str,
    ) -> SchemaKind {
        let mut alternatives: Vec<Alternative> = Vec::new();
        for (i, item) in list.items().iter().enumerate() {
            if is_null(item) {
                *nullable = true;
                continue;
            }
            let schema = self.schema(item, &format!("{pointer}/{key}/{i}"));
            let (label, named) = match item.get("$ref").and_then(Node::as_str) {
                Some(target) => (ref_name(target), true),
                None => match &schema.title {
                    Some(title) => (title.clone(), true),
                    None => (kind_label(&schema.kind).to_string(), false),
                },
            };
            alternatives.push(Alternative {
                label: unique(&alternatives, label),
                named,
                schema,
            });
        }
        if alternatives.is_empty() {
            self.warn(
                "untyped-composition",
                list,
                pointer,
                format!("`{key}` lists no schema: kept as an untyped JSON value"),
            );
            return SchemaKind::Any;
        }
        SchemaKind::OneOf(alternatives)
    }

    /// `type: [string, integer]`: one of the scalars; a list naming `object` or `array` is
    /// kept untyped (`type-union`), since the other keys are shared by every alternative.
    pub(super) fn type_union(&mut self, node: &Node, names: &[&str], pointer: &str) -> SchemaKind {
        let mut alternatives: Vec<Alternative> = Vec::new();
        for name in names {
            let kind = match *name {
                "string" => SchemaKind::String(StringFormat::Plain),
                "integer" => SchemaKind::Integer,
                "number" => SchemaKind::Number,
                "boolean" => SchemaKind::Boolean,
                _ => {
                    self.warn(
                        "type-union",
                        node,
                        pointer,
                        format!(
                            "`type` lists {}: kept as an untyped JSON value",
                            names.join(", ")
                        ),
                    );
                    return SchemaKind::Any;
                }
            };
            let label = kind_label(&kind).to_string();
            alternatives.push(Alternative {
                label: unique(&alternatives, label),
                named: false,
                schema: Schema::plain(kind, &format!("{pointer}/type")),
            });
        }
        SchemaKind::OneOf(alternatives)
    }
}

/// The alternative of `alternatives` (a `oneOf`/`anyOf` list) that is not `{type: 'null'}`,
/// with its index, when there are exactly two and one is: OpenAPI 3.1's way of writing a
/// nullable reference.
pub(super) fn one_besides_null(alternatives: &Node) -> Option<(usize, &Node)> {
    match alternatives.items() {
        [a, b] if is_null(b) && !is_null(a) => Some((0, a)),
        [a, b] if is_null(a) && !is_null(b) => Some((1, b)),
        _ => None,
    }
}

/// `{type: 'null'}` (or `type: ['null']`): OpenAPI 3.1's null, an alternative of none.
fn is_null(node: &Node) -> bool {
    match node.get("type").map(|t| &t.value) {
        Some(Value::Str(t)) => t == "null",
        Some(Value::Seq(types)) => types.iter().all(|t| t.as_str() == Some("null")),
        _ => false,
    }
}

/// The name a `$ref` points at: its last pointer token (`#/components/schemas/Siren` →
/// `Siren`), else the file's stem (`personne.yml` → `personne`).
fn ref_name(target: &str) -> String {
    let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
    match fragment.rsplit('/').next().filter(|t| !t.is_empty()) {
        Some(token) => token.replace("~1", "/").replace("~0", "~"),
        None => std::path::Path::new(file).file_stem().map_or_else(
            || "Alternative".into(),
            |s| s.to_string_lossy().into_owned(),
        ),
    }
}

/// An alternative without a name is labelled by what it is.
fn kind_label(kind: &SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Object(_) => "Object",
        SchemaKind::Array(_) => "List",
        SchemaKind::Map(_) => "Map",
        SchemaKind::String(_) | SchemaKind::Enum(_) => "Text",
        SchemaKind::OneOf(_) => "OneOf",
        SchemaKind::Integer => "Integer",
        SchemaKind::Number => "Number",
        SchemaKind::Boolean => "Boolean",
        SchemaKind::Any => "Value",
    }
}

/// `label`, or `label2`, `label3` … when an earlier alternative has it.
fn unique(earlier: &[Alternative], label: String) -> String {
    let taken = |l: &str| earlier.iter().any(|a| a.label.eq_ignore_ascii_case(l));
    if !taken(&label) {
        return label;
    }
    (2..)
        .map(|n| format!("{label}{n}"))
        .find(|l| !taken(l))
        .expect("a free label")
}
