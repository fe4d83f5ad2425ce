//! Success bodies for the mock, assembled at build time from the spec. The published spec
//! gives no whole-body example for its 200 responses, only an `example` on most properties,
//! so a body is assembled from the schema: each property's own example, else the first value
//! of its enum, else null when nullable, else an empty value of its type. A response-level
//! `example` or `examples`, when a spec has one, wins.
//!
//! Some property examples contradict their own type (`type: integer, example: '1'`,
//! `example: "null"`, a list given as the example of one item): they are brought to the
//! declared type, as the real server sends it. A `null` inside an example list is kept: the
//! spec documents such gaps (DGFIP's `valeurs`).
//!
//! This reads the YAML tree rather than the normalized document, because normalization keeps
//! the shape of a schema but not its examples.

use crate::files::SpecFiles;
use crate::load::{Node, Value as Yaml};
use serde_json::{Map, Value};

/// Deeper than this, a schema is taken as recursive and cut.
const MAX_DEPTH: usize = 24;

/// The example body of the 2xx JSON response of `method path`, if the spec has a schema or an
/// example for it.
pub(super) fn success_example(files: &SpecFiles, method: &str, path: &str) -> Option<Value> {
    let operation = files
        .root()
        .get("paths")?
        .get(path)?
        .get(&method.to_ascii_lowercase())?;
    let responses = operation.get("responses")?;
    let response = ["200", "201", "206"]
        .iter()
        .find_map(|status| responses.get(status))?;
    let response = resolve(files, response, 0)?;
    let content = response.get("content")?.get("application/json")?;
    if let Some(example) = content.get("example") {
        return Some(example.to_json());
    }
    if let Some((_, first)) = content.get("examples").and_then(|e| e.entries().first()) {
        let first = resolve(files, first, 0)?;
        return Some(first.get("value").map_or(Value::Null, Node::to_json));
    }
    let value = from_schema(files, content.get("schema")?, 0);
    // An empty object says nothing: the spec has no usable shape for this answer.
    match &value {
        Value::Object(map) if map.is_empty() => None,
        Value::Null => None,
        _ => Some(value),
    }
}

/// Follows `$ref`s (into the spec or the files it names) to the node they name.
fn resolve<'a>(root: &'a SpecFiles, node: &'a Node, depth: usize) -> Option<&'a Node> {
    match node.get("$ref").and_then(Node::as_str) {
        None => Some(node),
        Some(_) if depth > MAX_DEPTH => None,
        Some(reference) => resolve(root, root.resolve(reference)?, depth + 1),
    }
}

fn from_schema(root: &SpecFiles, schema: &Node, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let Some(schema) = resolve(root, schema, 0) else {
        return Value::Null;
    };
    if let Some(example) = example_of(schema) {
        return conform(root, schema, example.to_json(), depth);
    }
    if let Some(value) = schema.get("const") {
        return value.to_json();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(|e| e.items().iter().find(|v| v.value != Yaml::Null))
    {
        return first.to_json();
    }
    if let Some(parts) = schema.get("allOf") {
        let mut merged = Map::new();
        for part in parts.items() {
            if let Value::Object(map) = from_schema(root, part, depth + 1) {
                merged.extend(map);
            }
        }
        return Value::Object(merged);
    }
    if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| {
        let alternatives = schema.get(k)?.items();
        // Not 3.1's `{type: 'null'}` of a nullable reference: what the value is when set.
        let typed = alternatives
            .iter()
            .find(|a| a.get("type").and_then(Node::as_str) != Some("null"));
        typed.or(alternatives.first())
    }) {
        return from_schema(root, first, depth + 1);
    }
    let nullable = is_nullable(schema);
    let kind = type_of(schema);
    if kind == Some("object") || schema.get("properties").is_some() {
        let mut map = Map::new();
        if let Some(properties) = schema.get("properties") {
            for (name, property) in properties.entries() {
                map.insert(name.clone(), from_schema(root, property, depth + 1));
            }
        }
        return Value::Object(map);
    }
    if kind == Some("array") || schema.get("items").is_some() {
        let Some(items) = schema.get("items") else {
            return Value::Array(Vec::new());
        };
        // A whole list written as the example of one item.
        if let Some(list @ Value::Array(_)) = resolve(root, items, 0)
            .filter(|i| type_of(i) != Some("array"))
            .and_then(example_of)
            .map(Node::to_json)
        {
            return conform(root, schema, list, depth);
        }
        return match from_schema(root, items, depth + 1) {
            Value::Null => Value::Array(Vec::new()),
            item => Value::Array(vec![item]),
        };
    }
    if nullable {
        return Value::Null;
    }
    match kind {
        Some("integer") | Some("number") | Some("numeric") => Value::from(0),
        Some("boolean") => Value::Bool(false),
        Some("string") | Some("date") => Value::String(String::new()),
        _ => Value::Null,
    }
}

/// The type a schema declares: `type: string`, or OpenAPI 3.1's `type: [string, "null"]`.
fn type_of(schema: &Node) -> Option<&str> {
    let declared = schema.get("type")?;
    declared.as_str().or_else(|| {
        declared
            .items()
            .iter()
            .filter_map(Node::as_str)
            .find(|t| *t != "null")
    })
}

/// Whether null is allowed: OpenAPI 3.0's `nullable: true`, or 3.1's `"null"` among the types.
fn is_nullable(schema: &Node) -> bool {
    schema.get("nullable").and_then(Node::as_bool) == Some(true)
        || schema
            .get("type")
            .is_some_and(|t| t.items().iter().any(|t| t.as_str() == Some("null")))
}

/// The schema's example: OpenAPI 3.0's `example`, else the first of 3.1's `examples`.
fn example_of(schema: &Node) -> Option<&Node> {
    schema
        .get("example")
        .or_else(|| schema.get("examples").and_then(|e| e.items().first()))
}

/// `example` brought to the type `schema` declares.
fn conform(root: &SpecFiles, schema: &Node, example: Value, depth: usize) -> Value {
    let Some(schema) = resolve(root, schema, 0).filter(|_| depth <= MAX_DEPTH) else {
        return example;
    };
    if example == Value::String("null".into()) {
        return Value::Null;
    }
    match (type_of(schema), example) {
        (Some("integer"), Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map_or(Value::String(s), Value::from),
        (Some("number" | "numeric"), Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(s), Value::Number),
        (Some("string" | "date"), Value::Number(n)) => Value::String(n.to_string()),
        (Some("string" | "date"), Value::Bool(b)) => Value::String(b.to_string()),
        (Some("boolean"), Value::String(s)) if s == "true" || s == "false" => {
            Value::Bool(s == "true")
        }
        (_, Value::Array(list)) if schema.get("items").is_some() => {
            let items = schema.get("items");
            Value::Array(
                list.into_iter()
                    .map(|e| match (items, e) {
                        (_, Value::Null) => Value::Null,
                        (Some(items), e) => conform(root, items, e, depth + 1),
                        (None, e) => e,
                    })
                    .collect(),
            )
        }
        (_, Value::Object(map)) => {
            let properties = schema.get("properties");
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let v = match properties.and_then(|p| p.get(&k)) {
                            Some(property) => conform(root, property, v, depth + 1),
                            None => v,
                        };
                        (k, v)
                    })
                    .collect(),
            )
        }
        (_, example) => example,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_str;
    use serde_json::json;

    const SPEC: &str = r##"
paths:
  /v3/x/{siren}:
    get:
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    "$ref": "#/components/schemas/Data"
                  links:
                    type: object
  /v3/with_example:
    get:
      responses:
        '200':
          content:
            application/json:
              examples:
                first:
                  value: {data: {a: 1}}
  /v3/no_schema:
    get:
      responses:
        '200':
          description: OK
components:
  schemas:
    Data:
      type: object
      properties:
        siren: {type: string, example: '418166096'}
        etat: {type: string, enum: [A, F]}
        fermeture: {type: string, nullable: true}
        effectif: {type: integer}
        dirigeants:
          type: array
          items: {type: object, properties: {nom: {type: string, example: DUPONT}}}
        numero: {type: integer, example: '12'}
        radiation: {type: integer, example: 'null'}
        activites:
          type: array
          items: {type: string, example: [Production, Stockage]}
        valeurs: {type: array, items: {type: string}, example: ['1', null, 2]}
        adresse:
          allOf:
          - {type: object, properties: {rue: {type: string, example: 1 rue X}}}
          - {type: object, properties: {ville: {type: string, example: PARIS}}}
"##;

    #[test]
    fn a_body_is_assembled_from_property_examples() {
        let root = SpecFiles::single("t.yml", load_str("t.yml", SPEC).unwrap());
        let body = success_example(&root, "GET", "/v3/x/{siren}").unwrap();
        assert_eq!(
            body,
            json!({"data": {
                "siren": "418166096", "etat": "A", "fermeture": null, "effectif": 0,
                "dirigeants": [{"nom": "DUPONT"}],
                "numero": 12, "radiation": null,
                "activites": ["Production", "Stockage"],
                "valeurs": ["1", null, "2"],
                "adresse": {"rue": "1 rue X", "ville": "PARIS"}
            }, "links": {}})
        );
    }

    #[test]
    fn a_response_example_wins_and_no_schema_gives_none() {
        let root = SpecFiles::single("t.yml", load_str("t.yml", SPEC).unwrap());
        assert_eq!(
            success_example(&root, "get", "/v3/with_example"),
            Some(json!({"data": {"a": 1}}))
        );
        assert_eq!(success_example(&root, "get", "/v3/no_schema"), None);
        assert_eq!(success_example(&root, "get", "/nowhere"), None);
    }
}
