//! Schema normalization: `$ref`s expanded, types inferred or repaired, enums cleaned.

use super::{Normalizer, Property, Schema, SchemaKind, StringFormat};
use crate::diagnostic::escape_pointer_token;
use crate::load::{Node, Value};

impl Schema {
    /// A schema of the given kind with no documentation.
    pub fn plain(kind: SchemaKind, pointer: &str) -> Schema {
        Schema {
            kind,
            nullable: false,
            title: None,
            description: None,
            deprecated: false,
            pointer: pointer.to_string(),
        }
    }
}

impl Normalizer<'_> {
    /// Normalizes the schema at `node` (whose JSON pointer is `pointer`).
    pub(crate) fn schema(&mut self, node: &Node, pointer: &str) -> Schema {
        if let Some(target) = node.get("$ref").and_then(Node::as_str) {
            let target = target.to_string();
            if self.ref_stack.contains(&target) {
                // A recursive schema: the generated type stops here with an untyped value,
                // rather than expanding for ever (or a struct that contains itself).
                self.warn(
                    "recursive-schema",
                    node,
                    pointer,
                    format!(
                        "`$ref: {target}` refers back to a schema it is part of: the value \
                         there is kept untyped (serde_json::Value)"
                    ),
                );
                return Schema::plain(SchemaKind::Any, pointer);
            }
            let Some(resolved) = self.resolve_ref(&target) else {
                self.error("dangling-ref", node, pointer, super::dangling(&target));
                return Schema::plain(SchemaKind::Any, pointer);
            };
            self.ref_stack.push(target.clone());
            // Named in docs by its place: `/components/…` in the spec, `<file>#/…` elsewhere.
            let place = target.strip_prefix('#').unwrap_or(&target);
            let mut schema = self.schema(resolved, place);
            self.ref_stack.pop();
            // Siblings of `$ref` are ignored by OpenAPI 3.0, except that a description helps docs.
            if let Some(d) = node.get("description").and_then(Node::scalar_text) {
                schema.description = Some(d);
            }
            return schema;
        }
        if !matches!(node.value, Value::Map(_)) {
            // `schema: {}` is a map; anything else here is a spec error we can survive.
            if node.value != Value::Null {
                self.error(
                    "bad-schema",
                    node,
                    pointer,
                    format!("a schema must be a mapping, found {}", node.kind_name()),
                );
            }
            return Schema::plain(SchemaKind::Any, pointer);
        }
        let text = |key: &str| node.get(key).and_then(Node::scalar_text);
        let mut schema = Schema {
            kind: SchemaKind::Any,
            nullable: node
                .get("nullable")
                .and_then(Node::as_bool)
                .unwrap_or(false),
            title: text("title"),
            description: text("description"),
            deprecated: node
                .get("deprecated")
                .and_then(Node::as_bool)
                .unwrap_or(false),
            pointer: pointer.to_string(),
        };
        if let Some(all) = node.get("allOf") {
            schema.kind = self.all_of(all, pointer);
            return schema;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = node.get(key) {
                // OpenAPI 3.1's nullable: `anyOf: [{$ref: X}, {type: 'null'}]` is an optional X.
                if let Some((i, other)) = super::composition::one_besides_null(alternatives) {
                    let mut inner = self.schema(other, &format!("{pointer}/{key}/{i}"));
                    inner.nullable = true;
                    // Named where it is used, as 3.0's `allOf: [$ref], nullable: true` is.
                    inner.pointer = schema.pointer;
                    inner.title = schema.title.or(inner.title);
                    inner.description = schema.description.or(inner.description);
                    inner.deprecated |= schema.deprecated;
                    return inner;
                }
                schema.kind = self.one_of(alternatives, key, &mut schema.nullable, pointer);
                return schema;
            }
        }
        let declared = node.get("type");
        let type_name = match declared.map(|t| &t.value) {
            Some(Value::Str(t)) => Some(t.as_str()),
            Some(Value::Null) | None => None,
            // OpenAPI 3.1: `type: [string, "null"]` is a nullable string.
            Some(Value::Seq(items)) => {
                let names: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
                if names.len() != items.len() {
                    self.error(
                        "bad-schema",
                        node,
                        pointer,
                        "a list of types must hold type names only".into(),
                    );
                    return schema;
                }
                schema.nullable |= names.contains(&"null");
                let named: Vec<&str> = names.into_iter().filter(|n| *n != "null").collect();
                match named.as_slice() {
                    [] => None,
                    [one] => Some(*one),
                    several => {
                        schema.kind = self.type_union(node, several, pointer);
                        return schema;
                    }
                }
            }
            Some(_) => {
                self.error(
                    "bad-schema",
                    node,
                    pointer,
                    "`type` must be a type name or a list of them".into(),
                );
                return schema;
            }
        };
        let format = text("format");
        // OpenAPI 3.1's `const` is an enum of one value.
        let const_list = node.get("const").map(|c| Node {
            value: Value::Seq(vec![c.clone()]),
            position: c.position,
            file: c.file,
        });
        let enum_node = node.get("enum").or(const_list.as_ref());
        let type_name = match type_name {
            Some(t) => t.to_string(),
            None => {
                let inferred = if node.get("properties").is_some() {
                    "object"
                } else if node.get("items").is_some() {
                    "array"
                } else if format.is_some()
                    || enum_node
                        .is_some_and(|e| e.items().iter().all(|v| matches!(v.value, Value::Str(_))))
                {
                    "string"
                } else {
                    ""
                };
                // OpenAPI 3.1's `const` says its type by its value: nothing to repair.
                let inferred = match node.get("const").map(|c| &c.value) {
                    Some(Value::Str(_)) => "string",
                    Some(Value::Int(_)) => "integer",
                    Some(Value::Float(_)) => "number",
                    Some(Value::Bool(_)) => "boolean",
                    _ => inferred,
                };
                let has_const = node.get("const").is_some();
                if !inferred.is_empty() && !has_const {
                    self.warn(
                        "schema-without-type",
                        node,
                        pointer,
                        format!("schema has no `type`: read as {inferred}"),
                    );
                } else if !has_const
                    && node.entries().iter().any(|(k, _)| {
                        !matches!(k.as_str(), "description" | "title" | "example" | "nullable")
                    })
                {
                    self.warn(
                        "schema-without-type",
                        node,
                        pointer,
                        "schema has no `type`: kept as an untyped JSON value".into(),
                    );
                }
                inferred.to_string()
            }
        };
        // `format: string` on a number is seen on a postcode (`01000`): as an f64 the value
        // would lose its leading zero and could not be sent as written, so the format wins.
        let type_name = if type_name == "number" && format.as_deref() == Some("string") {
            self.warn(
                "number-with-string-format",
                node,
                pointer,
                "`type: number` with `format: string`: read as a string".into(),
            );
            "string".to_string()
        } else {
            type_name
        };
        schema.kind = match type_name.as_str() {
            "object" => self.object(node, pointer),
            "array" => match node.get("items") {
                Some(items) => {
                    let mut item = self.schema(items, &format!("{pointer}/items"));
                    // The spec's own example is the better witness: when it shows gaps, the
                    // server sends them (liasses fiscales `valeurs`), whatever `items` says.
                    let example_has_null = node
                        .get("example")
                        .is_some_and(|e| e.items().iter().any(|v| v.value == Value::Null));
                    if example_has_null && !item.nullable {
                        self.warn(
                            "null-in-array-example",
                            node,
                            pointer,
                            "the example has null items but `items` is not nullable: null accepted"
                                .into(),
                        );
                        item.nullable = true;
                    }
                    SchemaKind::Array(Box::new(item))
                }
                None => {
                    self.warn(
                        "array-without-items",
                        node,
                        pointer,
                        "array without `items`: items kept as untyped JSON values".into(),
                    );
                    SchemaKind::Array(Box::new(Schema::plain(SchemaKind::Any, pointer)))
                }
            },
            "string" => match enum_node {
                Some(values) => {
                    self.string_enum(values, schema.nullable, &format!("{pointer}/enum"))
                }
                None => SchemaKind::String(match format.as_deref() {
                    Some("date") => StringFormat::Date,
                    Some("date-time") => StringFormat::DateTime,
                    _ => StringFormat::Plain,
                }),
            },
            "date" => {
                self.warn(
                    "type-date",
                    node,
                    pointer,
                    "`type: date` is not an OpenAPI type: read as `type: string, format: date`"
                        .into(),
                );
                SchemaKind::String(StringFormat::Date)
            }
            "integer" => SchemaKind::Integer,
            "number" => SchemaKind::Number,
            "boolean" => SchemaKind::Boolean,
            "" => SchemaKind::Any,
            other => {
                let (kind, what) = match other {
                    "numeric" | "float" | "double" | "decimal" => (SchemaKind::Number, "number"),
                    "int" | "long" => (SchemaKind::Integer, "integer"),
                    "datetime" => (
                        SchemaKind::String(StringFormat::DateTime),
                        "a date-time string",
                    ),
                    _ => (SchemaKind::Any, "an untyped JSON value"),
                };
                self.warn(
                    "unknown-type",
                    declared.unwrap_or(node),
                    &format!("{pointer}/type"),
                    format!("`type: {other}` is not an OpenAPI type: read as {what}"),
                );
                kind
            }
        };
        schema
    }

    fn object(&mut self, node: &Node, pointer: &str) -> SchemaKind {
        let required: Vec<(String, &Node)> = node
            .get("required")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r.scalar_text().map(|t| (t, r)))
            .collect();
        let mut properties = Vec::new();
        for (name, prop) in node
            .get("properties")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let p = format!("{pointer}/properties/{}", escape_pointer_token(name));
            properties.push(Property {
                name: name.clone(),
                required: required.iter().any(|(r, _)| r == name),
                schema: self.schema(prop, &p),
            });
        }
        for (i, (name, at)) in required.iter().enumerate() {
            if !properties.iter().any(|p| &p.name == name) {
                self.warn(
                    "required-undeclared",
                    at,
                    &format!("{pointer}/required/{i}"),
                    format!("`required` names `{name}`, which is not a declared property: ignored"),
                );
            }
        }
        // An object of any keys whose values have one schema: a map. With declared
        // properties too, the struct keeps them (the extra keys are kept as undeclared).
        if properties.is_empty() {
            if let Some(values) = node.get("additionalProperties").filter(|v| {
                v.get("type").is_some() || v.get("$ref").is_some() || v.get("properties").is_some()
            }) {
                let values = self.schema(values, &format!("{pointer}/additionalProperties"));
                return SchemaKind::Map(Box::new(values));
            }
        }
        SchemaKind::Object(properties)
    }

    /// `allOf`: objects merged (a later part's property wins); a value that must be one
    /// non-object (`allOf: [$ref: AnEnum]` beside a description, or a string twice) is that
    /// type; objects mixed with other types, or two different types, stay untyped.
    fn all_of(&mut self, all: &Node, pointer: &str) -> SchemaKind {
        let mut properties: Vec<Property> = Vec::new();
        let mut objects = false;
        let mut other: Option<SchemaKind> = None;
        let mut conflict = false;
        for (i, part) in all.items().iter().enumerate() {
            let part = self.schema(part, &format!("{pointer}/allOf/{i}"));
            match part.kind {
                SchemaKind::Object(props) => {
                    objects = true;
                    for p in props {
                        properties.retain(|q| q.name != p.name);
                        properties.push(p);
                    }
                }
                // A part of constraints or words only says nothing of the type.
                SchemaKind::Any => {}
                kind => match &other {
                    None => other = Some(kind),
                    Some(seen) => conflict |= *seen != kind,
                },
            }
        }
        match other {
            None => SchemaKind::Object(properties),
            Some(kind) if !objects && !conflict => kind,
            Some(_) => {
                self.warn(
                    "untyped-composition",
                    all,
                    pointer,
                    "`allOf` of an object and another type, or of two different types, is kept as an untyped JSON value".into(),
                );
                SchemaKind::Any
            }
        }
    }

    fn string_enum(&mut self, values: &Node, nullable: bool, pointer: &str) -> SchemaKind {
        let items = values.items();
        let mut out = Vec::new();
        let mut has_null = false;
        // A YAML 1.1 writer turns the country code `NO` into `false`. When the other values
        // are two-letter codes the original is clear; elsewhere the word is kept as written.
        let country_codes = items
            .iter()
            .filter_map(Node::as_str)
            .all(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()));
        for (i, item) in items.iter().enumerate() {
            match &item.value {
                Value::Null => has_null = true,
                Value::Bool(b) => {
                    let restored = match (b, country_codes) {
                        (false, true) => "NO".to_string(),
                        _ => b.to_string(),
                    };
                    self.warn(
                        "yaml11-boolean-enum",
                        item,
                        &format!("{pointer}/{i}"),
                        format!("string enum holds the boolean `{b}`, a YAML 1.1 reading of a word: read as \"{restored}\""),
                    );
                    out.push(restored);
                }
                _ => match item.scalar_text() {
                    Some(t) => out.push(t),
                    None => self.error(
                        "bad-schema",
                        item,
                        &format!("{pointer}/{i}"),
                        "enum value that is not a scalar".into(),
                    ),
                },
            }
        }
        if nullable && !has_null {
            self.warn(
                "nullable-enum-without-null",
                values,
                pointer,
                "nullable enum does not list null among its values: null accepted".into(),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        out.retain(|v| seen.insert(v.clone()));
        SchemaKind::Enum(out)
    }
}

/// Builds a schema from an example body: every property optional, nulls untyped.
pub(crate) fn infer_from_example(value: &serde_json::Value, pointer: &str) -> Schema {
    use serde_json::Value as J;
    let kind = match value {
        J::Null => SchemaKind::Any,
        J::Bool(_) => SchemaKind::Boolean,
        J::Number(n) if n.is_i64() || n.is_u64() => SchemaKind::Integer,
        J::Number(_) => SchemaKind::Number,
        J::String(_) => SchemaKind::String(StringFormat::Plain),
        J::Array(items) => SchemaKind::Array(Box::new(match items.first() {
            Some(first) => infer_from_example(first, &format!("{pointer}/items")),
            None => Schema::plain(SchemaKind::Any, pointer),
        })),
        J::Object(map) => SchemaKind::Object(
            map.iter()
                .map(|(k, v)| Property {
                    name: k.clone(),
                    required: false,
                    schema: infer_from_example(
                        v,
                        &format!("{pointer}/properties/{}", escape_pointer_token(k)),
                    ),
                })
                .collect(),
        ),
    };
    Schema {
        nullable: true,
        ..Schema::plain(kind, pointer)
    }
}
