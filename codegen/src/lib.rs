//! `apie-codegen`: turns the published OpenAPI spec of API Entreprise into the Rust client's
//! generated modules, and diffs spec versions on the same model.
//!
//! The pipeline reads top-down, one module a stage:
//! [`load`] (YAML with positions) → [`normalize`] (repair the published quirks, with
//! warnings) → [`model`] (operations, types, error codes, limits) → [`emit`] (quote) →
//! [`format`](mod@format) (prettyplease). The [`profile`] beside the spec holds what the spec
//! does not say; [`Config`] is the build API `build.rs` calls; [`fetch`] downloads the spec.

#![deny(missing_docs)]

pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod fetch;
pub mod format;
pub mod load;
pub mod locate;
pub mod model;
pub mod normalize;
pub mod profile;
pub mod scopes;

use std::path::Path;

pub use config::{Compiled, Config, Error};
use diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use model::Api;

/// The model of a spec, with the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model.
    pub api: Api,
    /// Warnings (repaired quirks).
    pub diagnostics: Diagnostics,
}

/// Generated code for one spec.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source.
    pub code: String,
    /// The model it was generated from.
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
    let mut diagnostics = Diagnostics::default();
    let root = match load::load_bytes(file, text) {
        Ok(root) => root,
        Err(d) => {
            diagnostics.push(d);
            return Err(diagnostics);
        }
    };
    let (document, found) = normalize::normalize(file, &root);
    diagnostics.extend(found);
    let Some(document) = document else {
        return Err(diagnostics);
    };
    let api = model::build(&document, profile, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Loaded { api, diagnostics })
}

/// [`model_from_str`] on a file.
pub fn model_from_file(path: &Path) -> Result<Loaded, Diagnostics> {
    model_from_str(&path.display().to_string(), &read_spec(path)?)
}

/// Reads a spec file; failing that, an `unreadable` diagnostic.
fn read_spec(path: &Path) -> Result<Vec<u8>, Diagnostics> {
    std::fs::read(path).map_err(|e| unreadable(path, &e))
}

/// An `unreadable` diagnostic for a spec file.
pub(crate) fn unreadable(path: &Path, e: &std::io::Error) -> Diagnostics {
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

/// An `internal` diagnostic: emission produced tokens that do not parse, a generator bug.
pub(crate) fn internal(path: &Path, message: &str) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.push(Diagnostic {
        severity: Severity::Error,
        kind: "internal",
        file: path.display().to_string(),
        position: Position::default(),
        pointer: String::new(),
        message: format!("generated code does not parse (a bug in apie-codegen): {message}"),
    });
    d
}

/// The whole pipeline on a spec given as text, under API Entreprise's profile.
pub fn generate_from_str(file: &str, text: &[u8]) -> Result<Generated, Diagnostics> {
    generate_with_profile(file, text, &profile::Profile::api_entreprise())
}

/// The whole pipeline on a spec given as text, under a platform profile.
pub fn generate_with_profile(
    file: &str,
    text: &[u8],
    profile: &profile::Profile,
) -> Result<Generated, Diagnostics> {
    let Loaded {
        api,
        mut diagnostics,
    } = model_with_profile(file, text, profile)?;
    match format::generate_source(&api, &display_name(file), text) {
        Ok(code) => Ok(Generated {
            code,
            api,
            diagnostics,
        }),
        Err(message) => {
            // Emission produced tokens that do not parse: a generator bug, reported as such.
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                kind: "internal",
                file: file.to_string(),
                position: Position::default(),
                pointer: String::new(),
                message: format!(
                    "generated code does not parse (a bug in apie-codegen): {message}"
                ),
            });
            Err(diagnostics)
        }
    }
}

/// The whole pipeline on a spec file.
pub fn generate_from_file(path: &Path) -> Result<Generated, Diagnostics> {
    generate_from_str(&path.display().to_string(), &read_spec(path)?)
}

/// The file name without its directories, so generated headers do not depend on the machine.
fn display_name(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Writes only when the content differs, so an unchanged spec does not trigger a rebuild.
pub fn write_if_changed(path: &Path, content: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content)
}
