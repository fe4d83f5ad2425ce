//! Stage 2, normalize: the loaded YAML to a [`Document`], repairing each published quirk
//! with a warning. The input tree is never edited; what cannot be handled is an error
//! diagnostic, and the stage goes on so that one run reports every problem.
//!
//! Quirks repaired here (the diagnostic kind in parentheses):
//! - no `operationId`: the 200 response's `x-operationId`, else method + path (`missing-operation-id`);
//! - `type: date` (`type-date`), unknown types such as `numeric` (`unknown-type`);
//! - nullable enums whose values omit null (`nullable-enum-without-null`);
//! - an http security scheme carrying apiKey fields (`http-scheme-with-apikey-fields`);
//! - `required` naming undeclared properties (`required-undeclared`);
//! - schemas without a type (`schema-without-type`);
//! - enum values that a YAML 1.1 writer turned into booleans (`NO` → `false`) (`yaml11-boolean-enum`);
//! - a response with examples but no schema (`examples-without-schema`);
//! - `type: number` with `format: string`, a postcode such as `01000` (`number-with-string-format`).
//!
//! OpenAPI 3.1's spellings are read as their 3.0 twins: `type: [T, "null"]` and
//! `anyOf`/`oneOf` of a schema and `{type: 'null'}` as nullable, `const` as an enum of one
//! value, `examples` as `example`. `oneOf`/`anyOf` of several schemas and `type` lists of
//! several scalars are [`SchemaKind::OneOf`] (a list of non-scalars is kept untyped:
//! `type-union`).
//!
//! Request bodies are read (media types, schemas, `required`): the generated client sends a
//! JSON one, and the diff compares them all; one without a JSON schema (a form, a file) gets
//! `request-body-ignored`. Cookie parameters are read as the others, and sent in the
//! `Cookie` header.

mod body;
mod composition;
mod document;
mod schema;
mod security;

pub use document::*;

use crate::diagnostic::{escape_pointer_token, Diagnostic, Diagnostics, Position, Severity};
use crate::files::{FileId, SpecFiles};
use crate::load::{Node, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A parameter schema's bounds and default; a bound that is not a number is left out.
fn bounds(schema: &Node) -> Bounds {
    let text = |key: &str| schema.get(key).and_then(Node::scalar_text);
    let number = |key: &str| text(key).and_then(|t| t.parse::<f64>().ok());
    let count = |key: &str| text(key).and_then(|t| t.parse::<u64>().ok());
    Bounds {
        minimum: number("minimum").or_else(|| number("exclusiveMinimum")),
        maximum: number("maximum").or_else(|| number("exclusiveMaximum")),
        min_length: count("minLength"),
        max_length: count("maxLength"),
        min_items: count("minItems"),
        max_items: count("maxItems"),
        default: text("default"),
    }
}

/// `YYYY-MM-DD` with a month and a day that can be.
fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    matches!(parts[..], [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2)
        && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u8>().unwrap_or(0)))
}

/// Normalizes a loaded spec (with the files its `$ref`s name). Errors are in the returned
/// diagnostics; the document is returned whenever the file is an OpenAPI document at all.
pub fn normalize(files: &SpecFiles) -> (Option<Document>, Diagnostics) {
    let mut n = Normalizer {
        files,
        root: files.root(),
        diagnostics: Diagnostics::default(),
        ref_stack: Vec::new(),
    };
    let document = n.document();
    (document, n.diagnostics)
}

/// Walks the tree; holds the diagnostics and the `$ref`s being expanded (to stop cycles).
pub(crate) struct Normalizer<'a> {
    files: &'a SpecFiles,
    root: &'a Node,
    diagnostics: Diagnostics,
    ref_stack: Vec<String>,
}

impl<'a> Normalizer<'a> {
    pub(crate) fn warn(&mut self, kind: &'static str, node: &Node, pointer: &str, message: String) {
        self.report(
            Severity::Warning,
            kind,
            (node.file, node.position),
            pointer,
            message,
        );
    }

    pub(crate) fn error(
        &mut self,
        kind: &'static str,
        node: &Node,
        pointer: &str,
        message: String,
    ) {
        self.report(
            Severity::Error,
            kind,
            (node.file, node.position),
            pointer,
            message,
        );
    }

    fn report(
        &mut self,
        severity: Severity,
        kind: &'static str,
        (file, position): (FileId, Position),
        pointer: &str,
        message: String,
    ) {
        self.diagnostics.push(Diagnostic {
            severity,
            kind,
            file: self.files.name(file).to_string(),
            position,
            pointer: pointer.to_string(),
            message,
        });
    }

    fn document(&mut self) -> Option<Document> {
        let root = self.root;
        if !matches!(root.value, Value::Map(_)) {
            self.error(
                "not-openapi",
                root,
                "",
                format!(
                    "expected an OpenAPI document (a mapping), found {}",
                    root.kind_name()
                ),
            );
            return None;
        }
        match root.get("openapi").and_then(Node::scalar_text) {
            Some(v) if v.starts_with("3.") => {}
            Some(v) => {
                self.error(
                    "not-openapi",
                    root,
                    "/openapi",
                    format!("OpenAPI version {v} is not supported (3.0.x or 3.1.x expected)"),
                );
                return None;
            }
            None => {
                let what = if root.get("swagger").is_some() {
                    "a Swagger 2 document"
                } else {
                    "no `openapi` field"
                };
                self.error(
                    "not-openapi",
                    root,
                    "",
                    format!("not an OpenAPI 3 document: {what}"),
                );
                return None;
            }
        }
        let info = root.get("info");
        let text = |key: &str| {
            info.and_then(|i| i.get(key))
                .and_then(Node::scalar_text)
                .unwrap_or_default()
        };
        let (title, version) = (text("title"), text("version"));
        let schemes = self.security_schemes();
        let servers = root
            .get("servers")
            .map(|list| {
                list.items()
                    .iter()
                    .filter_map(|s| {
                        let url = s.get("url").and_then(Node::scalar_text)?;
                        let description = s
                            .get("description")
                            .and_then(Node::scalar_text)
                            .unwrap_or_default();
                        Some((url, description))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // No `security` anywhere: no secret (OpenAPI's reading).
        let root_auth = self
            .requirement(root.get("security"), "/security", &schemes)
            .unwrap_or_default();
        let mut operations = Vec::new();
        match root.get("paths") {
            Some(paths) if matches!(paths.value, Value::Map(_)) => {
                for (path, item) in paths.entries() {
                    let item_pointer = format!("/paths/{}", escape_pointer_token(path));
                    let item = self.deref(item, &item_pointer);
                    for (method, op) in item.entries() {
                        if !METHODS.contains(&method.as_str()) {
                            continue;
                        }
                        let pointer = format!("{item_pointer}/{method}");
                        if let Some(op) =
                            self.operation(path, method, op, item, &pointer, (&schemes, &root_auth))
                        {
                            operations.push(op);
                        }
                    }
                }
            }
            Some(other) => self.error(
                "not-openapi",
                other,
                "/paths",
                format!("`paths` must be a mapping, found {}", other.kind_name()),
            ),
            None => self.error(
                "not-openapi",
                root,
                "",
                "no `paths`: there are no operations".into(),
            ),
        }
        self.unique_ids(&mut operations);
        Some(Document {
            file: self.files.name(FileId::ROOT).to_string(),
            title,
            version,
            operations,
            servers,
        })
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        op: &'a Node,
        item: &'a Node,
        pointer: &str,
        (schemes, root_auth): (&security::Schemes, &security::Requirement),
    ) -> Option<Operation> {
        if !matches!(op.value, Value::Map(_)) {
            self.error(
                "bad-operation",
                op,
                pointer,
                format!("an operation must be a mapping, found {}", op.kind_name()),
            );
            return None;
        }
        let text = |key: &str| op.get(key).and_then(Node::scalar_text);
        // How the ignored-part warnings name the operation: its id may not be known yet.
        let label = format!("{} {path}", method.to_ascii_uppercase());
        let mut parameters = Vec::new();
        // Path-level parameters first; an operation-level one of the same name and place wins.
        for (source, base) in [
            (
                item,
                pointer.rsplit_once('/').map_or("", |p| p.0).to_string(),
            ),
            (op, pointer.to_string()),
        ] {
            for (i, p) in source
                .get("parameters")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some(param) = self.parameter(p, &format!("{base}/parameters/{i}")) {
                    parameters.retain(|q: &Parameter| {
                        !(q.name == param.name && q.location == param.location)
                    });
                    parameters.push(param);
                }
            }
        }
        let request_body = op
            .get("requestBody")
            .map(|body| self.request_body(body, &format!("{pointer}/requestBody"), &label));
        let mut responses = Vec::new();
        for (status, r) in op.get("responses").map(Node::entries).unwrap_or_default() {
            let rp = format!("{pointer}/responses/{}", escape_pointer_token(status));
            responses.push(self.response(status, r, &rp));
        }
        let spec_id = op
            .get("operationId")
            .and_then(Node::as_str)
            .map(str::to_string)
            .or_else(|| self.x_operation_id(op, pointer))
            .filter(|id| {
                // Every Rust name of the operation comes from its words: an id without any
                // (`""`, `"--"`) would name nothing.
                let named = !crate::model::naming::words(id).is_empty();
                if !named {
                    self.warn(
                        "unusable-operation-id",
                        op,
                        pointer,
                        format!("operation id `{id}` has no letter or digit: named from method and path"),
                    );
                }
                named
            });
        let id_from_route = spec_id.is_none();
        let id = spec_id.unwrap_or_else(|| {
            let id = fallback_id(method, path);
            self.warn(
                "missing-operation-id",
                op,
                pointer,
                format!("no operationId nor x-operationId: named `{id}` from method and path"),
            );
            id
        });
        let maintenance = op.get("x-maintenances").and_then(|m| {
            let from = m.get("from_hour").and_then(Node::scalar_text)?;
            let to = m.get("to_hour").and_then(Node::scalar_text)?;
            Some(Maintenance { from, to })
        });
        let sunset = op.get("x-sunset").and_then(|node| {
            let text = node.scalar_text()?;
            let day = is_iso_date(&text);
            if !day {
                self.warn(
                    "bad-sunset",
                    node,
                    &format!("{pointer}/x-sunset"),
                    format!("`x-sunset: {text}` is not a date YYYY-MM-DD: ignored"),
                );
            }
            day.then_some(text)
        });
        let auth = self
            .requirement(op.get("security"), &format!("{pointer}/security"), schemes)
            .unwrap_or_else(|| root_auth.clone());
        let (auth, scopes) = (auth.auth, auth.scopes);
        Some(Operation {
            id,
            id_from_route,
            method: method.to_string(),
            path: path.to_string(),
            summary: text("summary"),
            description: text("description"),
            deprecated: op
                .get("deprecated")
                .and_then(Node::as_bool)
                .unwrap_or(false),
            parameters,
            responses,
            request_body,
            scopes,
            sunset,
            maintenance,
            auth,
            pointer: pointer.to_string(),
            position: op.position,
        })
    }

    /// The spec names operations through the 200 response's `x-operationId`.
    fn x_operation_id(&mut self, op: &Node, pointer: &str) -> Option<String> {
        let responses = op.get("responses")?;
        let (status, id) = responses.entries().iter().find_map(|(status, r)| {
            r.get("x-operationId")
                .and_then(Node::as_str)
                .map(|id| (status.clone(), id.to_string()))
        })?;
        self.warn(
            "missing-operation-id",
            op,
            pointer,
            format!("no operationId: named `{id}` from the {status} response's x-operationId"),
        );
        Some(id)
    }

    fn unique_ids(&mut self, operations: &mut [Operation]) {
        let mut seen = std::collections::BTreeSet::new();
        for op in operations.iter_mut() {
            if !seen.insert(op.id.clone()) {
                let id = fallback_id(&op.method, &op.path);
                let message = format!("operation id `{}` is used twice: this one is named `{id}` from method and path", op.id);
                self.report(
                    Severity::Warning,
                    "duplicate-operation-id",
                    (FileId::ROOT, op.position),
                    &op.pointer,
                    message,
                );
                op.id = id.clone();
                op.id_from_route = true;
                seen.insert(id);
            }
        }
    }

    /// Normalizes one parameter of the operation named `operation` (method and path).
    fn parameter(&mut self, node: &'a Node, pointer: &str) -> Option<Parameter> {
        let node = self.deref(node, pointer);
        let name = node.get("name").and_then(Node::scalar_text);
        let location = match node.get("in").and_then(Node::as_str) {
            Some("path") => Some(ParamLocation::Path),
            Some("query") => Some(ParamLocation::Query),
            Some("header") => Some(ParamLocation::Header),
            Some("cookie") => Some(ParamLocation::Cookie),
            _ => {
                self.error(
                    "bad-parameter",
                    node,
                    pointer,
                    "parameter without a valid `in` (path, query, header, cookie)".into(),
                );
                return None;
            }
        };
        let (Some(name), Some(location)) = (name, location) else {
            if location.is_some() {
                self.error(
                    "bad-parameter",
                    node,
                    pointer,
                    "parameter without a `name`".into(),
                );
            }
            return None;
        };
        let schema_node = node.get("schema").map(|s| self.deref(s, pointer));
        let pattern = schema_node
            .and_then(|s| s.get("pattern"))
            .and_then(Node::scalar_text);
        let bounds = schema_node.map(bounds).unwrap_or_default();
        let schema = match node.get("schema") {
            Some(s) => self.schema(s, &format!("{pointer}/schema")),
            None => Schema::plain(SchemaKind::String(StringFormat::Plain), pointer),
        };
        Some(Parameter {
            name,
            location,
            required: location == ParamLocation::Path
                || node
                    .get("required")
                    .and_then(Node::as_bool)
                    .unwrap_or(false),
            description: node.get("description").and_then(Node::scalar_text),
            schema,
            pattern,
            bounds,
            explode: node.get("explode").and_then(Node::as_bool).unwrap_or(true),
            deprecated: node
                .get("deprecated")
                .and_then(Node::as_bool)
                .unwrap_or(false),
        })
    }

    fn response(&mut self, status: &str, node: &'a Node, pointer: &str) -> Response {
        let node = self.deref(node, pointer);
        let entries = node.get("content").map(Node::entries).unwrap_or_default();
        let media_types: Vec<String> = entries.iter().map(|(media, _)| media.clone()).collect();
        // The JSON body, else one of any media type (`*/*`), which a JSON client reads too.
        let json = entries
            .iter()
            .find(|(media, _)| media.contains("json"))
            .or_else(|| entries.iter().find(|(media, _)| media == "*/*"))
            .map(|(media, n)| (media.clone(), n));
        if json.is_none() && status.starts_with('2') {
            // An XML (or other) body the JSON client cannot read: said, not dropped unseen.
            if let Some((media, content)) = entries.iter().find(|(_, n)| n.get("schema").is_some())
            {
                self.warn(
                    "non-json-response",
                    content,
                    &format!("{pointer}/content/{}", escape_pointer_token(media)),
                    format!("the {status} response's body is `{media}`, not JSON: left untyped, its schema not compared"),
                );
            }
        }
        let mut examples = Vec::new();
        let mut schema = None;
        if let Some((media, content)) = json {
            let content_pointer = format!("{pointer}/content/{}", escape_pointer_token(&media));
            for (name, ex) in content
                .get("examples")
                .map(Node::entries)
                .unwrap_or_default()
            {
                let ex = self.deref(
                    ex,
                    &format!("{content_pointer}/examples/{}", escape_pointer_token(name)),
                );
                if let Some(value) = ex.get("value") {
                    examples.push(Example {
                        name: name.clone(),
                        value: value.to_json(),
                    });
                }
            }
            if let Some(value) = content.get("example") {
                examples.push(Example {
                    name: "example".into(),
                    value: value.to_json(),
                });
            }
            schema = match content.get("schema") {
                Some(s) => Some(self.schema(s, &format!("{content_pointer}/schema"))),
                None if !examples.is_empty() => {
                    let error_examples = examples.iter().all(|e| e.value.get("errors").is_some());
                    let what = if error_examples {
                        "read as the standard error body"
                    } else {
                        "schema inferred from the first example"
                    };
                    self.warn(
                        "examples-without-schema",
                        content,
                        &content_pointer,
                        format!("response has examples but no schema: {what}"),
                    );
                    (!error_examples)
                        .then(|| schema::infer_from_example(&examples[0].value, &content_pointer))
                }
                None => None,
            };
        }
        Response {
            status: status.to_string(),
            description: node.get("description").and_then(Node::scalar_text),
            schema,
            examples,
            media_types,
        }
    }

    /// Follows a `$ref` (`#/components/...`, or into another file), reporting dangling ones.
    pub(crate) fn deref(&mut self, node: &'a Node, pointer: &str) -> &'a Node {
        let mut current = node;
        for _ in 0..16 {
            let Some(target) = current.get("$ref").and_then(Node::as_str) else {
                return current;
            };
            match self.resolve_ref(target) {
                Some(next) => current = next,
                None => {
                    self.error("dangling-ref", current, pointer, dangling(target));
                    return current;
                }
            }
        }
        self.error(
            "ref-cycle",
            node,
            pointer,
            "a chain of `$ref`s that does not end".into(),
        );
        node
    }

    /// The node a (canonical, [`crate::files`]) `$ref` names.
    pub(crate) fn resolve_ref(&self, target: &str) -> Option<&'a Node> {
        self.files.resolve(target)
    }
}

/// What a `$ref` naming nothing gets: the file it was looked for in.
fn dangling(target: &str) -> String {
    match target.split_once('#') {
        Some((file, _)) if !file.is_empty() => {
            format!("`$ref: {target}` points to nothing in `{file}`")
        }
        _ => format!("`$ref: {target}` points to nothing in this file"),
    }
}

/// `get /v3/insee/{siren}` → `get_v3_insee_siren`.
fn fallback_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for part in path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        id.push('_');
        id.push_str(&part.to_ascii_lowercase());
    }
    id
}
