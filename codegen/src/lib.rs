//! `apie-codegen`: turns the published OpenAPI spec of API Entreprise into the Rust client's
//! generated modules, and diffs spec versions on the same model.
//!
//! The pipeline reads top-down, one module a stage:
//! [`load`] (YAML with positions) → [`normalize`] (repair the published quirks, with
//! warnings) → [`model`] (operations, types, error codes, limits) → [`emit`] (quote) →
//! [`format`](mod@format) (prettyplease). [`locate`] finds the spec for `build.rs`, [`fetch`] downloads it.

#![deny(missing_docs)]

pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod fetch;
pub mod format;
pub mod load;
pub mod locate;
pub mod model;
pub mod normalize;
pub mod scopes;

use std::path::Path;

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

/// Load, normalize and model a spec given as text. `file` names it in diagnostics.
/// On error, all diagnostics of the run (warnings included) are returned.
pub fn model_from_str(file: &str, text: &[u8]) -> Result<Loaded, Diagnostics> {
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
    let api = model::build(&document, &mut diagnostics);
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
    std::fs::read(path).map_err(|e| {
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
    })
}

/// The whole pipeline on a spec given as text.
pub fn generate_from_str(file: &str, text: &[u8]) -> Result<Generated, Diagnostics> {
    let Loaded {
        api,
        mut diagnostics,
    } = model_from_str(file, text)?;
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

/// What `build.rs` calls: finds the specs ([`locate`]), generates both modules into
/// `OUT_DIR`, and tells cargo when to run again. Prints diagnostics and exits non-zero on error.
pub fn build_client() {
    if let Err(message) = try_build_client() {
        eprintln!("{message}");
        std::process::exit(1);
    }
}

fn try_build_client() -> Result<(), String> {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR")
        .map_err(|_| "CARGO_MANIFEST_DIR is not set: run from cargo".to_string())?;
    let out_dir =
        std::env::var("OUT_DIR").map_err(|_| "OUT_DIR is not set: run from cargo".to_string())?;
    println!("cargo:rerun-if-env-changed={}", locate::SPEC_ENV);
    println!("cargo:rerun-if-env-changed={}", locate::SPEC_V2_ENV);
    let specs = locate::locate(Path::new(&manifest_dir))?;
    let mut operation_ids = Vec::new();
    for (path, out_name) in [
        (&specs.main, "api_entreprise.rs"),
        (&specs.v2, "api_entreprise_v2.rs"),
    ] {
        println!("cargo:rerun-if-changed={}", path.display());
        let generated = generate_from_file(path)
            .map_err(|d| format!("the spec {} cannot be used:\n{d}", path.display()))?;
        // Repaired quirks are expected on the published spec: `apie-codegen check` lists them;
        // printing them as cargo warnings would flood every downstream build.
        let target = Path::new(&out_dir).join(out_name);
        write_if_changed(&target, &generated.code)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        operation_ids.extend(generated.api.operations.into_iter().map(|op| op.id));
    }
    println!("cargo:rerun-if-env-changed={}", locate::AUTHORIZATIONS_ENV);
    let ids: Vec<&str> = operation_ids.iter().map(String::as_str).collect();
    let table = match locate::authorizations(Path::new(&manifest_dir))? {
        Some(path) => {
            println!("cargo:rerun-if-changed={}", path.display());
            let map = scopes::load_scope_map(&path, &ids)?;
            scopes::emit_scope_table(&map, Some(&display_name(&path.display().to_string())))
        }
        None => scopes::emit_scope_table(&scopes::ScopeMap::new(), None),
    };
    let target = Path::new(&out_dir).join("api_entreprise_scopes.rs");
    write_if_changed(&target, &table)
        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    // Also rerun when a spec is downloaded into spec/.
    println!(
        "cargo:rerun-if-changed={}",
        Path::new(&manifest_dir).join("spec").display()
    );
    Ok(())
}

/// Writes only when the content differs, so an unchanged spec does not trigger a rebuild.
pub fn write_if_changed(path: &Path, content: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content)
}
