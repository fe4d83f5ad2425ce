//! Stage 1, load, for a spec split over files: the spec and every local file its `$ref`s
//! name (`common.yml#/components/schemas/Siren`, `./schemas/siren.yaml`), each loaded once
//! with positions.
//!
//! Every `$ref` of every file is rewritten, in the loaded trees (the files are never
//! touched), to one canonical form that [`SpecFiles::resolve`] reads from anywhere: `#/…`
//! for the spec itself, `<key>#/…` for another file, where the key is the file's path from
//! the spec's folder with `/` separators (`schemas/siren.yaml`, `../common/ids.yml`). A `#/…`
//! written inside another file points into that file, and becomes `<its key>#/…`. Each node
//! remembers its file ([`Node::file`]), so a diagnostic names the file and line it is on.
//!
//! Remote references (`https://…`) are refused with an error: a build fetches nothing;
//! download the file beside the spec and name it by its path.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use crate::load::{load_bytes, Node, Value};

/// The most files one spec may pull in through its `$ref`s.
pub const MAX_FILES: usize = 256;

/// Which loaded file a node is in: 0 is the spec itself, then the referenced files in the
/// order they were first named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u16);

impl FileId {
    /// The spec itself.
    pub const ROOT: FileId = FileId(0);
}

/// Why the file a `$ref` names was not loaded (said in an `external-ref` diagnostic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum RefProblem {
    /// `https://…`: a build fetches nothing.
    #[error("remote references are not fetched: download the file beside the spec and name it by its path")]
    Remote,
    /// The spec already pulls in [`MAX_FILES`].
    #[error("more than {MAX_FILES} files are referenced: not loaded")]
    TooManyFiles,
    /// The file cannot be read (the reader's message).
    #[error("{0}")]
    Unreadable(String),
    /// The file is not YAML or JSON (the loader's diagnostic).
    #[error("{0}")]
    Unparsable(String),
}

/// A spec and the files its `$ref`s name, loaded.
#[derive(Debug, Clone)]
pub struct SpecFiles {
    /// The name of each file as diagnostics give it (the spec's as given, the others as the
    /// spec's folder joined with their key), by [`FileId`].
    names: Vec<String>,
    /// Each file's key (its path from the spec's folder; the spec's is its file name), by
    /// [`FileId`].
    keys: Vec<String>,
    /// Each file's tree, by [`FileId`].
    trees: Vec<Node>,
}

impl SpecFiles {
    /// A spec with no other file (its `$ref`s to other files are left as written, and
    /// resolve to nothing).
    pub fn single(name: &str, root: Node) -> SpecFiles {
        let own = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        SpecFiles {
            names: vec![name.to_string()],
            keys: vec![own.unwrap_or_default()],
            trees: vec![root],
        }
    }

    /// Loads the spec `name` (whose bytes are `bytes`) and every local file its `$ref`s name,
    /// read with `read` from the path the spec's folder and the reference give. Every
    /// problem is a diagnostic: a file that cannot be read or parsed, a remote reference,
    /// more than [`MAX_FILES`] files.
    pub fn load(
        name: &str,
        bytes: &[u8],
        read: &dyn Fn(&Path) -> Result<Vec<u8>, Diagnostics>,
    ) -> Result<SpecFiles, Diagnostics> {
        let root = load_bytes(name, bytes).map_err(one)?;
        let mut files = SpecFiles::single(name, root);
        let base = Path::new(name)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        let mut diagnostics = Diagnostics::default();
        // Files are appended as they are first named; each is walked once, in turn.
        let mut next = 0;
        while next < files.trees.len() {
            let id = FileId(next as u16);
            let mut tree = std::mem::replace(&mut files.trees[next], null_node());
            let mut named = Vec::new();
            canonicalize(&mut tree, id, &files.keys[next], &mut named);
            files.trees[next] = tree;
            for (reference, position) in named {
                if let Err(problem) = files.add(&base, &reference, read) {
                    diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        kind: "external-ref",
                        file: files.names[next].clone(),
                        position,
                        pointer: String::new(),
                        message: format!("`$ref: {}`: {problem}", reference.written),
                    });
                }
            }
            next += 1;
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        Ok(files)
    }

    /// Loads the file a canonical reference names, unless it is loaded already.
    fn add(
        &mut self,
        base: &Path,
        reference: &Named,
        read: &dyn Fn(&Path) -> Result<Vec<u8>, Diagnostics>,
    ) -> Result<(), RefProblem> {
        let Some(key) = &reference.key else {
            return Err(RefProblem::Remote);
        };
        if self.keys.contains(key) {
            return Ok(());
        }
        if self.trees.len() >= MAX_FILES {
            return Err(RefProblem::TooManyFiles);
        }
        let path = base.join(key);
        let name = path.display().to_string();
        let bytes = read(&path).map_err(|d| RefProblem::Unreadable(first_message(&d)))?;
        let mut tree =
            load_bytes(&name, &bytes).map_err(|d| RefProblem::Unparsable(d.to_string()))?;
        set_file(&mut tree, FileId(self.trees.len() as u16));
        self.names.push(name);
        self.keys.push(key.clone());
        self.trees.push(tree);
        Ok(())
    }

    /// The spec's own tree.
    pub fn root(&self) -> &Node {
        &self.trees[0]
    }

    /// The name diagnostics give the file `id`.
    pub fn name(&self, id: FileId) -> &str {
        self.names.get(id.0 as usize).map_or("", String::as_str)
    }

    /// The paths of the files besides the spec, as read (a build reruns when one changes).
    pub fn referenced_paths(&self) -> Vec<PathBuf> {
        self.names[1..].iter().map(PathBuf::from).collect()
    }

    /// The node a canonical reference names (`#/components/…`, `<key>#/…`, `<key>`), if any.
    pub fn resolve(&self, reference: &str) -> Option<&Node> {
        let (key, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let index = if key.is_empty() {
            0
        } else {
            self.keys.iter().position(|k| k == key)?
        };
        if !fragment.is_empty() && !fragment.starts_with('/') {
            // A plain-name fragment (`#Siren`, JSON Schema's anchors) is not read.
            return None;
        }
        let mut node = &self.trees[index];
        for token in fragment.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Map(_) => node.get(&token)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// A reference to another file met while walking a tree.
struct Named {
    /// As the spec wrote it.
    written: String,
    /// The file's key; `None` for a remote reference, which is refused.
    key: Option<String>,
}

/// Rewrites every `$ref` under `node` (in the file `id`, whose key is `own_key`) to its
/// canonical form, and collects the other files they name with the position of each.
fn canonicalize(node: &mut Node, id: FileId, own_key: &str, named: &mut Vec<(Named, Position)>) {
    match &mut node.value {
        Value::Map(entries) => {
            for (key, value) in entries.iter_mut() {
                match &mut value.value {
                    Value::Str(written) if key == "$ref" => {
                        let (rewritten, file) = match canonical(written, id, own_key) {
                            Target::Spec => continue,
                            Target::Remote => (None, None),
                            Target::File { canonical, key } => (Some(canonical), Some(key)),
                        };
                        let as_written = match rewritten {
                            Some(rewritten) => std::mem::replace(written, rewritten),
                            None => written.clone(),
                        };
                        let named_here = Named {
                            written: as_written,
                            key: file,
                        };
                        named.push((named_here, value.position));
                    }
                    _ => canonicalize(value, id, own_key, named),
                }
            }
        }
        Value::Seq(items) => {
            for item in items {
                canonicalize(item, id, own_key, named);
            }
        }
        _ => {}
    }
}

/// Where a `$ref` points.
enum Target {
    /// Into the spec itself, written `#/…`: kept as written.
    Spec,
    /// Into a file (the spec's too, when named by its path), by its canonical form.
    File { canonical: String, key: String },
    /// A URL: refused.
    Remote,
}

/// Where `written`, found in the file `id` whose key is `own_key`, points.
fn canonical(written: &str, id: FileId, own_key: &str) -> Target {
    let (file, fragment) = written.split_once('#').unwrap_or((written, ""));
    if file.contains("://") {
        return Target::Remote;
    }
    let key = if file.is_empty() {
        if id == FileId::ROOT {
            return Target::Spec;
        }
        own_key.to_string()
    } else {
        let own_folder = Path::new(own_key).parent().unwrap_or(Path::new(""));
        lexical_key(&own_folder.join(file))
    };
    Target::File {
        canonical: format!("{key}#{fragment}"),
        key,
    }
}

/// `a/./b/../c.yml` → `a/c.yml`; `..` past the start is kept (`../common.yml`).
fn lexical_key(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else {
                    parts.push("..".into());
                }
            }
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => {
                parts.clear();
                parts.push(String::new());
            }
        }
    }
    parts.join("/")
}

/// Marks every node under `node` as being in the file `id`.
fn set_file(node: &mut Node, id: FileId) {
    node.file = id;
    match &mut node.value {
        Value::Map(entries) => entries.iter_mut().for_each(|(_, v)| set_file(v, id)),
        Value::Seq(items) => items.iter_mut().for_each(|v| set_file(v, id)),
        _ => {}
    }
}

fn null_node() -> Node {
    Node {
        value: Value::Null,
        position: Position::default(),
        file: FileId::ROOT,
    }
}

fn one(diagnostic: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(diagnostic);
    all
}

fn first_message(diagnostics: &Diagnostics) -> String {
    diagnostics
        .items()
        .first()
        .map_or_else(|| "cannot be read".into(), |d| d.message.clone())
}
