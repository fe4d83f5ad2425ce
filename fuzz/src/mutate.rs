//! Structure-aware mutations of a pinned spec (the current one, or the legacy v2 one, ten
//! times smaller, so ten times more executions a second): a [`Plan`] (drawn by `arbitrary` from the
//! fuzzer's bytes) deletes keys, swaps types, breaks or loops `$ref`s, nests deeply, puts in
//! huge numbers and odd names, then edits the text (bytes that are not UTF-8, a cut). The
//! spec is read once into JSON; each plan works on a copy, written back as JSON text, which
//! the YAML loader reads as it reads YAML.

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use serde_json::{Map, Value};

const PINNED: &[u8] = include_bytes!("../../spec/api-entreprise.yml");
const LEGACY: &[u8] = include_bytes!("../../spec/api-entreprise-v2.yml");

/// The pinned spec, and the JSON pointer of each of its nodes, the `$ref`s apart.
struct Pinned {
    tree: Value,
    nodes: Vec<String>,
    refs: Vec<String>,
}

static SPEC: LazyLock<Pinned> = LazyLock::new(|| pinned("api-entreprise.yml", PINNED));
static LEGACY_SPEC: LazyLock<Pinned> = LazyLock::new(|| pinned("api-entreprise-v2.yml", LEGACY));

fn pinned(file: &str, text: &[u8]) -> Pinned {
    let root = apie_codegen::load::load_bytes(file, text).expect("a pinned spec");
    let tree = root.to_json();
    let (mut nodes, mut refs) = (Vec::new(), Vec::new());
    collect(&tree, &mut String::new(), &mut nodes, &mut refs);
    Pinned { tree, nodes, refs }
}

fn collect(value: &Value, at: &mut String, nodes: &mut Vec<String>, refs: &mut Vec<String>) {
    nodes.push(at.clone());
    let len = at.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push('/');
                at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                if key == "$ref" {
                    refs.push(at.clone());
                }
                collect(child, at, nodes, refs);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push_str(&format!("/{i}"));
                collect(child, at, nodes, refs);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// The kinds of value a node can be swapped for.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true`.
    Bool,
    /// `-1`.
    Number,
    /// `"object"`, a word the spec gives meaning to.
    Text,
    /// `[1, null]`.
    List,
    /// `{}`.
    Object,
}

/// How a `$ref` is broken.
#[derive(Debug, Clone, Arbitrary)]
pub enum BrokenRef {
    /// To a schema that does not exist.
    Dangling,
    /// To the schema holding it.
    ToItself,
    /// To another `$ref`'s target, which points back: a cycle of two.
    Cycle(u32),
    /// To another file.
    External,
    /// Any text.
    Text(String),
}

/// One change to the tree. Each `u32` picks a node (modulo their number).
#[derive(Debug, Clone, Arbitrary)]
pub enum Mutation {
    /// Removes a key (or an item).
    Delete(u32),
    /// Replaces a node by a value of another kind.
    Swap(u32, Kind),
    /// Renames a key: odd names make odd Rust identifiers.
    Rename(u32, String),
    /// Replaces a node by a string.
    Text(u32, String),
    /// Breaks a `$ref`.
    BreakRef(u32, BrokenRef),
    /// Wraps a node in `depth` levels of objects (or lists) of one property.
    Nest(u32, u16, bool),
    /// Replaces a node by a number no type holds.
    Huge(u32, u8),
    /// Copies a node over another.
    Copy(u32, u32),
}

/// Edits of the JSON text once written.
#[derive(Debug, Clone, Arbitrary)]
pub enum Edit {
    /// Bytes inserted at an offset (modulo the length), UTF-8 or not.
    Insert(u32, Vec<u8>),
    /// A byte that is never UTF-8 (0xFF) over the one at an offset.
    NotUtf8(u32),
    /// The text cut at an offset.
    Cut(u32),
}

/// What one fuzz input does to the pinned spec.
#[derive(Debug, Clone, Arbitrary)]
pub struct Plan {
    /// Whether it changes the legacy v2 spec rather than the current one.
    pub legacy: bool,
    /// The changes to the tree, in order.
    pub mutations: Vec<Mutation>,
    /// Then the edits of the text, in order.
    pub edits: Vec<Edit>,
}

/// Numbers past what `u64`, `i64` or `f64` hold, written into the text in place of a marker.
const HUGE: [&str; 6] = [
    "1e999",
    "-1e999",
    "184467440737095516160000000000",
    "-0.0000000000000000000000000000000000000000000000001e-400",
    "123456789012345678901234567890.5",
    "0e99999999999999",
];

/// The marker [`Mutation::Huge`] leaves, as serde_json writes it.
fn marker(i: usize) -> String {
    format!("\u{1}huge{i}\u{1}")
}

/// The pinned spec's text after `plan`.
pub fn apply(plan: &Plan) -> Vec<u8> {
    let spec = if plan.legacy { &*LEGACY_SPEC } else { &*SPEC };
    let mut tree = spec.tree.clone();
    let node = |i: u32| &spec.nodes[i as usize % spec.nodes.len()];
    // At most a few of each, so that an input stays about one spec's work.
    for mutation in plan.mutations.iter().take(16) {
        match mutation {
            Mutation::Delete(i) => delete(&mut tree, node(*i)),
            Mutation::Swap(i, kind) => set(&mut tree, node(*i), swapped(*kind)),
            Mutation::Rename(i, name) => rename(&mut tree, node(*i), name),
            Mutation::Text(i, text) => set(&mut tree, node(*i), Value::from(text.as_str())),
            Mutation::BreakRef(i, how) => {
                if spec.refs.is_empty() {
                    continue;
                }
                let at = &spec.refs[*i as usize % spec.refs.len()];
                let target = broken_ref(spec, at, how);
                set(&mut tree, at, Value::from(target));
            }
            Mutation::Nest(i, depth, list) => {
                let at = node(*i);
                let Some(inner) = tree.pointer(at).cloned() else {
                    continue;
                };
                let mut value = inner;
                for _ in 0..(*depth % 400) {
                    value = if *list {
                        Value::Array(vec![value])
                    } else {
                        let mut properties = Map::new();
                        properties.insert("a".to_string(), value);
                        let mut object = Map::new();
                        object.insert("type".to_string(), Value::from("object"));
                        object.insert("properties".to_string(), Value::Object(properties));
                        Value::Object(object)
                    };
                }
                set(&mut tree, at, value);
            }
            Mutation::Huge(i, which) => {
                let which = usize::from(*which) % HUGE.len();
                set(&mut tree, node(*i), Value::from(marker(which)));
            }
            Mutation::Copy(from, to) => {
                if let Some(value) = tree.pointer(node(*from)).cloned() {
                    set(&mut tree, node(*to), value);
                }
            }
        }
    }
    let mut text = serde_json::to_string(&tree).unwrap_or_default();
    for (i, huge) in HUGE.iter().enumerate() {
        let written = serde_json::to_string(&marker(i)).unwrap_or_default();
        text = text.replace(&written, huge);
    }
    let mut bytes = text.into_bytes();
    for edit in plan.edits.iter().take(8) {
        let at = |offset: u32| offset as usize % (bytes.len() + 1);
        match edit {
            Edit::Insert(offset, inserted) => {
                let at = at(*offset);
                bytes.splice(at..at, inserted.iter().copied().take(256));
            }
            Edit::NotUtf8(offset) => {
                let at = at(*offset);
                if at < bytes.len() {
                    bytes[at] = 0xff;
                }
            }
            Edit::Cut(offset) => bytes.truncate(at(*offset)),
        }
    }
    bytes
}

fn swapped(kind: Kind) -> Value {
    match kind {
        Kind::Null => Value::Null,
        Kind::Bool => Value::Bool(true),
        Kind::Number => Value::from(-1),
        Kind::Text => Value::from("object"),
        Kind::List => Value::Array(vec![Value::from(1), Value::Null]),
        Kind::Object => Value::Object(Map::new()),
    }
}

fn broken_ref(spec: &Pinned, at: &str, how: &BrokenRef) -> String {
    // `/components/schemas/X/…/$ref` is inside the schema `X`.
    let holder = || {
        let rest = at.strip_prefix("/components/schemas/")?;
        Some(format!("#/components/schemas/{}", rest.split('/').next()?))
    };
    match how {
        BrokenRef::Dangling => "#/components/schemas/NoSuchSchema".to_string(),
        BrokenRef::ToItself => holder().unwrap_or_else(|| "#".to_string()),
        BrokenRef::Cycle(other) => {
            // This ref to where another one points, whose target becomes a ref here.
            let other = &spec.refs[*other as usize % spec.refs.len()];
            let target = spec.tree.pointer(other).and_then(Value::as_str);
            target.map_or_else(|| "#/".to_string(), str::to_string)
        }
        BrokenRef::External => "other-file.yml#/components/schemas/X".to_string(),
        BrokenRef::Text(text) => text.clone(),
    }
}

/// The parent's pointer and the last segment of `at`.
fn parent(at: &str) -> Option<(&str, String)> {
    let (parent, last) = at.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn set(tree: &mut Value, at: &str, value: Value) {
    if let Some(slot) = tree.pointer_mut(at) {
        *slot = value;
    }
}

fn delete(tree: &mut Value, at: &str) {
    let Some((parent, key)) = parent(at) else {
        return;
    };
    match tree.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        _ => {}
    }
}

fn rename(tree: &mut Value, at: &str, name: &str) {
    let Some((parent, key)) = parent(at) else {
        return;
    };
    if let Some(Value::Object(map)) = tree.pointer_mut(parent) {
        if let Some(value) = map.remove(&key) {
            map.insert(name.to_string(), value);
        }
    }
}
