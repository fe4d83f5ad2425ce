//! Stage 1, load: YAML text to a tree of nodes that remember their position.
//!
//! Built on the event parser of `libyaml-safer` (a safe Rust port of libyaml) rather than a
//! serde deserializer, because every later diagnostic must point at a line and column and
//! serde throws positions away. libyaml is also what wrote the spec (Ruby's Psych), and it
//! reads what the stricter `yaml-rust2` rejects in the published v2 spec (continuation lines
//! of a quoted scalar at the key's indentation). Scalars are resolved with the YAML 1.2 core
//! schema (`NO` stays a string, `01:00` stays a string), anchors and aliases are expanded, and
//! merge keys (`<<`) are applied, as the v2 spec relies on them.

use std::collections::HashMap;

use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};

use crate::diagnostic::{Diagnostic, Position, Severity};
use crate::files::FileId;

/// The largest file read, in bytes: the published spec is 2 MB; a file fifteen times larger
/// is not a spec of this API, and would cost memory for nothing.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The deepest nesting of mappings and sequences: the published specs nest about 30 levels.
/// Every later stage walks the tree recursively, so a bound here keeps them off the stack's
/// end.
pub const MAX_DEPTH: usize = 200;
/// The most nodes a document may expand to, aliases included: the published spec has about
/// 100 000; aliases of aliases ("billion laughs") would otherwise grow without end.
pub const MAX_NODES: usize = 5_000_000;

/// A YAML node with its position in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the node starts.
    pub position: Position,
    /// The file it is in, for a spec split over files ([`crate::files`]).
    pub file: FileId,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string (quoted, block or plain scalar that is no other type).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in source order. Keys are the scalar's text.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value, when this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean value, when this is a boolean scalar.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The entries, when this is a mapping.
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items, when this is a sequence.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// A short name of the node's kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }

    /// Scalar rendered as text (the string itself, or the number/boolean as written).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            _ => None,
        }
    }

    /// Converts to JSON (used for examples). Non-finite floats become null.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Parses YAML text into a node tree. `file` only names the source in diagnostics.
pub fn load_str(file: &str, text: &str) -> Result<Node, Diagnostic> {
    let error = |position: Position, message: String| Diagnostic {
        severity: Severity::Error,
        kind: "yaml-syntax",
        file: file.to_string(),
        position,
        pointer: String::new(),
        message,
    };
    if text.len() > MAX_BYTES {
        return Err(Diagnostic {
            kind: "too-large",
            ..error(
                Position { line: 1, column: 1 },
                format!(
                    "the file has {} bytes, more than the {MAX_BYTES} a spec may have",
                    text.len()
                ),
            )
        });
    }
    if let Some(offset) = text.find('\0') {
        return Err(error(
            position_of(text, offset),
            "a NUL byte: this is a binary file, not a YAML spec".into(),
        ));
    }
    // libyaml-safer panics ("unexpected end of input") on a block scalar that ends the file
    // without a line break (`a: |` then `  text` at the very end), where libyaml reads its
    // terminating NUL: the last line gets its line break, which moves no position.
    let terminated;
    let text = if text.is_empty() || text.ends_with('\n') {
        text
    } else {
        terminated = format!("{text}\n");
        &terminated
    };
    let mut builder = TreeBuilder::default();
    let mut input = text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    loop {
        match parser.parse() {
            Ok(event) => {
                let done = matches!(event.data, EventData::StreamEnd);
                builder.on_event(event.data, event.start_mark);
                if done || builder.error.is_some() {
                    break;
                }
            }
            Err(e) => {
                let position = e
                    .problem_mark()
                    .map_or(Position { line: 1, column: 1 }, |m| to_position(&m));
                let context = e.context().map(|c| format!(" {c}")).unwrap_or_default();
                return Err(error(
                    position,
                    format!("invalid YAML: {}{context}", e.problem()),
                ));
            }
        }
    }
    if let Some((position, message)) = builder.error {
        return Err(Diagnostic {
            kind: builder.error_kind,
            ..error(position, message)
        });
    }
    match builder.root {
        Some(node) if node.value != Value::Null => Ok(node),
        _ => Err(error(
            Position { line: 1, column: 1 },
            "the file is empty: no YAML document".into(),
        )),
    }
}

/// Parses YAML bytes, refusing what is not UTF-8 text with the position of the first bad byte.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<Node, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => load_str(file, text),
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            Err(Diagnostic {
                severity: Severity::Error,
                kind: "not-text",
                file: file.to_string(),
                position: position_of(valid, valid.len()),
                pointer: String::new(),
                message: format!(
                    "byte {} is not UTF-8: this is a binary file, not a YAML spec",
                    e.valid_up_to()
                ),
            })
        }
    }
}

fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position { line, column }
}

fn to_position(m: &Mark) -> Position {
    // libyaml counts lines and columns from 0.
    Position {
        line: m.line as usize + 1,
        column: m.column as usize + 1,
    }
}

/// A container being built: a sequence, or a mapping waiting for a key or a value.
enum Frame {
    Seq {
        anchor: Option<String>,
        position: Position,
        items: Vec<Node>,
    },
    Map {
        anchor: Option<String>,
        position: Position,
        entries: Vec<(String, Node)>,
        key: Option<Node>,
    },
}

#[derive(Default)]
struct TreeBuilder {
    stack: Vec<Frame>,
    /// Each anchored node, with the number of nodes it holds (what an alias to it adds).
    anchors: HashMap<String, (Node, usize)>,
    root: Option<Node>,
    error: Option<(Position, String)>,
    /// The diagnostic kind of `error` (`yaml-syntax` unless a limit was hit).
    error_kind: &'static str,
    /// Nodes so far, aliases expanded.
    nodes: usize,
}

impl TreeBuilder {
    /// Records a limit hit at `position` (the first error wins).
    fn limit(&mut self, position: Position, kind: &'static str, message: String) {
        if self.error.is_none() {
            self.error = Some((position, message));
            self.error_kind = kind;
        }
    }

    fn finish(&mut self, node: Node, anchor: Option<String>) {
        if let Some(anchor) = anchor {
            let size = count_nodes(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let Some(name) = k
                        .scalar_text()
                        .or_else(|| (k.value == Value::Null).then(String::new))
                    else {
                        self.error.get_or_insert((
                            k.position,
                            "a mapping key that is not a scalar".into(),
                        ));
                        return;
                    };
                    if name == "<<" {
                        merge_into(entries, node);
                    } else if let Some(slot) =
                        entries.iter_mut().find(|(existing, _)| *existing == name)
                    {
                        // A duplicate key: YAML says error, most parsers keep the last one.
                        slot.1 = node;
                    } else {
                        entries.push((name, node));
                    }
                }
            },
        }
    }
}

/// The nodes of a tree, itself included.
fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|(_, v)| 1 + count_nodes(v)).sum(),
        _ => 0,
    }
}

/// Applies a merge key: entries of the merged mapping(s) that the target lacks.
fn merge_into(entries: &mut Vec<(String, Node)>, merged: Node) {
    let sources: Vec<Node> = match merged.value {
        Value::Seq(items) => items,
        _ => vec![merged],
    };
    for source in sources {
        if let Value::Map(src) = source.value {
            for (k, v) in src {
                if !entries.iter().any(|(e, _)| *e == k) {
                    entries.push((k, v));
                }
            }
        }
    }
}

impl TreeBuilder {
    fn on_event(&mut self, event: EventData, mark: Mark) {
        let position = to_position(&mark);
        if self.error_kind.is_empty() {
            self.error_kind = "yaml-syntax";
        }
        if matches!(
            event,
            EventData::Scalar { .. }
                | EventData::SequenceStart { .. }
                | EventData::MappingStart { .. }
        ) {
            self.nodes += 1;
        }
        if self.stack.len() >= MAX_DEPTH
            && matches!(
                event,
                EventData::SequenceStart { .. } | EventData::MappingStart { .. }
            )
        {
            self.limit(
                position,
                "too-deep",
                format!("nested deeper than {MAX_DEPTH} levels: not a spec of this API"),
            );
            return;
        }
        match event {
            EventData::Scalar {
                value,
                style,
                anchor,
                ..
            } => {
                let value = if style == ScalarStyle::Plain {
                    resolve_plain(value)
                } else {
                    Value::Str(value)
                };
                self.finish(
                    Node {
                        value,
                        position,
                        file: FileId::ROOT,
                    },
                    anchor,
                );
            }
            EventData::SequenceStart { anchor, .. } => self.stack.push(Frame::Seq {
                anchor,
                position,
                items: Vec::new(),
            }),
            EventData::MappingStart { anchor, .. } => self.stack.push(Frame::Map {
                anchor,
                position,
                entries: Vec::new(),
                key: None,
            }),
            EventData::SequenceEnd | EventData::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq {
                    anchor,
                    position,
                    items,
                }) => self.finish(
                    Node {
                        value: Value::Seq(items),
                        position,
                        file: FileId::ROOT,
                    },
                    anchor,
                ),
                Some(Frame::Map {
                    anchor,
                    position,
                    entries,
                    ..
                }) => self.finish(
                    Node {
                        value: Value::Map(entries),
                        position,
                        file: FileId::ROOT,
                    },
                    anchor,
                ),
                None => {}
            },
            EventData::Alias { anchor } => match self.anchors.get(&anchor).cloned() {
                Some((node, size)) => {
                    self.nodes = self.nodes.saturating_add(size);
                    if self.nodes > MAX_NODES {
                        self.limit(
                            position,
                            "too-large",
                            format!(
                                "aliases expand the document past {MAX_NODES} nodes (aliases of \
                                 aliases?): not a spec of this API"
                            ),
                        );
                        return;
                    }
                    self.finish(node, None)
                }
                None => self.limit(
                    position,
                    "yaml-syntax",
                    format!("alias to unknown anchor `{anchor}`"),
                ),
            },
            EventData::StreamStart { .. }
            | EventData::StreamEnd
            | EventData::DocumentStart { .. }
            | EventData::DocumentEnd { .. } => {}
        }
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Int(i);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::Int(i);
        }
    }
    if is_core_float(&text) {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text)
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => all_digits(int) && all_digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && all_digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzz target `spec_bytes` (a spec cut in a block scalar): libyaml-safer
    /// panicked at the end of input instead of reading the scalar.
    #[test]
    fn a_block_scalar_at_the_very_end_of_the_file_is_read() {
        for (text, value) in [
            ("a: |\n  text", "text\n"),
            ("a: >\n  text", "text\n"),
            ("a: |-\n  two\n  lines", "two\nlines"),
            ("a:\n  - |\n    x\r", "x\n"),
        ] {
            let root = load_str("cut.yml", text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let got = root.get("a").and_then(|a| match a.items() {
                [item] => item.scalar_text(),
                _ => a.scalar_text(),
            });
            assert_eq!(got.as_deref(), Some(value), "{text:?}");
        }
    }

    #[test]
    fn hostile_documents_are_refused_with_a_position() {
        // Nesting past the bound: refused where the level too many opens.
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 5),
            "]".repeat(MAX_DEPTH + 5)
        );
        let err = load_str("deep.yml", &deep).unwrap_err();
        assert_eq!(err.kind, "too-deep", "{err}");
        assert_eq!(
            (err.position.line, err.position.column),
            (1, MAX_DEPTH + 1),
            "{err}"
        );
        // Aliases of aliases: each level ten times the one before.
        let mut laughs =
            String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for n in 1..10 {
            let refs = vec![format!("*a{}", n - 1); 10].join(", ");
            laughs.push_str(&format!("a{n}: &a{n} [{refs}]\n"));
        }
        let err = load_str("laughs.yml", &laughs).unwrap_err();
        assert_eq!(err.kind, "too-large", "{err}");
        assert!(err.position.line > 1, "{err}");
        // A file past the size bound, refused before it is parsed.
        let big = "a: b\n".repeat(MAX_BYTES / 5 + 1);
        let err = load_str("big.yml", &big).unwrap_err();
        assert_eq!(err.kind, "too-large", "{err}");
        // Within the bounds, nesting and aliases still work.
        let ok = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(load_str("ok.yml", &ok).is_ok());
        assert!(load_str("alias.yml", "a: &x [1, 2]\nb: *x\n").is_ok());
    }

    #[test]
    fn core_schema_keeps_yaml_1_1_words_as_strings() {
        let node = load_str(
            "t.yml",
            "a: NO\nb: 01:00\nc: 12\nd: 1.5\ne: ~\nf: true\ng: '12'\n",
        )
        .unwrap();
        assert_eq!(node.get("a").unwrap().value, Value::Str("NO".into()));
        assert_eq!(node.get("b").unwrap().value, Value::Str("01:00".into()));
        assert_eq!(node.get("c").unwrap().value, Value::Int(12));
        assert_eq!(node.get("d").unwrap().value, Value::Float(1.5));
        assert_eq!(node.get("e").unwrap().value, Value::Null);
        assert_eq!(node.get("f").unwrap().value, Value::Bool(true));
        assert_eq!(node.get("g").unwrap().value, Value::Str("12".into()));
    }

    #[test]
    fn positions_are_one_based() {
        let node = load_str("t.yml", "a:\n  b: x\n").unwrap();
        let b = node.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.position, Position { line: 2, column: 6 });
    }

    #[test]
    fn aliases_and_merge_keys_expand() {
        let node = load_str(
            "t.yml",
            "x: &base\n  a: 1\ny:\n  <<: *base\n  b: 2\nz: *base\n",
        )
        .unwrap();
        assert_eq!(
            node.get("y").unwrap().get("a").unwrap().value,
            Value::Int(1)
        );
        assert_eq!(
            node.get("y").unwrap().get("b").unwrap().value,
            Value::Int(2)
        );
        assert_eq!(
            node.get("z").unwrap().get("a").unwrap().value,
            Value::Int(1)
        );
    }

    #[test]
    fn broken_inputs_give_positioned_errors() {
        let e = load_str("t.yml", "a: [1, 2\n").unwrap_err();
        assert_eq!(e.kind, "yaml-syntax");
        assert!(e.position.line >= 1);
        let e = load_str("t.yml", "").unwrap_err();
        assert!(e.message.contains("empty"), "{e}");
        let e = load_bytes("t.yml", b"ab\ncd\xff\xfe").unwrap_err();
        assert_eq!(e.kind, "not-text");
        assert_eq!(e.position, Position { line: 2, column: 3 });
    }
}
