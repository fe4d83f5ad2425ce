//! `apie-spec`: an API spec as the generator and the diff see it, with no code generation
//! in it (no syn, quote or prettyplease): a downstream tool that only reads specs compiles
//! this crate alone.
//!
//! The pipeline up to the model reads top-down, one module a stage:
//! [`load`] (YAML with positions; [`files`] for the files a spec's `$ref`s name) → [`normalize`] (repair the published quirks, with
//! warnings) → [`model`] (operations, types, error codes, limits). The [`profile`] beside
//! the spec holds what the spec does not say; [`scopes`] reads the scope map.

#![deny(missing_docs)]

pub mod diagnostic;
pub mod files;
pub mod load;
pub mod model;
pub mod normalize;
pub mod profile;
pub mod scopes;

use std::path::Path;

use diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use model::Api;
use sha2::{Digest, Sha256};

/// The model of a spec, with the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model.
    pub api: Api,
    /// Warnings (repaired quirks).
    pub diagnostics: Diagnostics,
}

/// Load, normalize and model a spec given as text, under API Entreprise's profile. `file`
/// names it in diagnostics. On error, all diagnostics of the run (warnings included) are
/// returned.
pub fn model_from_str(file: &str, text: &[u8]) -> Result<Loaded, Diagnostics> {
    model_with_profile(file, text, &profile::Profile::api_entreprise())
}

/// [`model_from_str`] under another platform profile.
pub fn model_with_profile(
    file: &str,
    text: &[u8],
    profile: &profile::Profile,
) -> Result<Loaded, Diagnostics> {
    stages_with_profile(file, text, profile).map(|stages| stages.loaded)
}

/// A spec read by every stage, each reading kept: what a consumer needs beyond the model
/// (the mock data the generator emits reads property examples, which only the YAML tree
/// keeps, and error examples, which the normalized document holds) without parsing twice.
#[derive(Debug, Clone)]
pub struct Stages {
    /// The YAML trees, with positions: the spec's and those of the files its `$ref`s name.
    pub files: files::SpecFiles,
    /// The normalized document.
    pub document: normalize::Document,
    /// The model, with the warnings of the whole run.
    pub loaded: Loaded,
}

/// [`model_with_profile`], keeping the YAML tree and the normalized document.
pub fn stages_with_profile(
    file: &str,
    text: &[u8],
    profile: &profile::Profile,
) -> Result<Stages, Diagnostics> {
    stages_with_lock(
        file,
        text,
        profile,
        &model::names_lock::NamesLock::default(),
    )
}

/// [`stages_with_profile`] keeping the type names of a names lock (the previous generation's).
///
/// A `$ref` to another file is read from the folder of `file` (a path then, not only a
/// name), through [`read_spec`]: see [`files`].
pub fn stages_with_lock(
    file: &str,
    text: &[u8],
    profile: &profile::Profile,
    lock: &model::names_lock::NamesLock,
) -> Result<Stages, Diagnostics> {
    stages_with_reader(file, text, profile, lock, &read_spec)
}

/// [`stages_with_lock`], reading the files `$ref`s name with `read` (given the path from the
/// folder of `file`): the diff reads them from git for a spec read from git.
pub fn stages_with_reader(
    file: &str,
    text: &[u8],
    profile: &profile::Profile,
    lock: &model::names_lock::NamesLock,
    read: &dyn Fn(&Path) -> Result<Vec<u8>, Diagnostics>,
) -> Result<Stages, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let files = files::SpecFiles::load(file, text, read)?;
    let (document, found) = normalize::normalize(&files);
    diagnostics.extend(found);
    let Some(document) = document else {
        return Err(diagnostics);
    };
    let api = model::build(&document, profile, lock, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Stages {
        files,
        document,
        loaded: Loaded { api, diagnostics },
    })
}

/// [`model_from_str`] on a file.
pub fn model_from_file(path: &Path) -> Result<Loaded, Diagnostics> {
    model_from_str(&path.display().to_string(), &read_spec(path)?)
}

/// Reads a spec file; failing that, an `unreadable` diagnostic. A file larger than
/// [`load::MAX_BYTES`] is refused before it is read into memory.
pub fn read_spec(path: &Path) -> Result<Vec<u8>, Diagnostics> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, &e))?;
    let mut bytes = Vec::new();
    // One byte past the bound is enough to know, whatever the file's real size.
    file.take(load::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(path, &e))?;
    if bytes.len() > load::MAX_BYTES {
        let mut d = Diagnostics::default();
        d.push(Diagnostic {
            severity: Severity::Error,
            kind: "too-large",
            file: path.display().to_string(),
            position: Position { line: 1, column: 1 },
            pointer: String::new(),
            message: format!(
                "the file is larger than the {} bytes a spec may have",
                load::MAX_BYTES
            ),
        });
        return Err(d);
    }
    Ok(bytes)
}

/// An `unreadable` diagnostic for a spec file.
pub fn unreadable(path: &Path, e: &std::io::Error) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.push(Diagnostic {
        severity: Severity::Error,
        kind: "unreadable",
        file: path.display().to_string(),
        position: Position::default(),
        pointer: String::new(),
        message: format!("cannot read the spec: {e}"),
    });
    d
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
