//! The build API, in prost-build's spirit: `build.rs` calls
//! `apie_codegen::Config::new().compile()`; `apie-codegen generate` calls the same
//! [`Config::compile`] with an output folder, so both write the same files.
//!
//! What is compiled comes from the platform profile (`spec/profile.yml` unless `APIE_PROFILE`
//! names another): its spec files, each overridable by an environment variable, and its scope
//! map. The output is one entry file, `api.rs`, that the client's `lib.rs` includes, plus one
//! file per spec, the scope table and the mock's data (`mock_data.rs`, included behind the
//! client's `mock-data` feature).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::emit::mock_data;
use crate::model::names_lock::NamesLock;
use crate::model::naming::type_ident;
use crate::profile::{self, LoadedProfile, Profile};
use crate::{format, scopes, Generated};

/// Environment variable naming the profile to build from.
pub const PROFILE_ENV: &str = "APIE_PROFILE";
/// The profile's file name in `spec/`.
pub const PROFILE_FILE: &str = "profile.yml";
/// The entry file the client includes.
pub const ENTRY_FILE: &str = "api.rs";
/// The mock's data ([`emit::mock_data`](crate::emit::mock_data)), which the entry file
/// includes behind the client's `mock-data` feature.
pub const MOCK_DATA_FILE: &str = "mock_data.rs";
/// The environment variables that change what is generated, one a line: the client's
/// `build.rs` reads it from the shipped code, to refuse them when it does not regenerate.
pub const VARIABLES_FILE: &str = "variables.txt";

/// Why a build failed. Its `Debug` is its message, so that `build.rs` can return it from
/// `main` and cargo shows the diagnostics as written.
#[derive(thiserror::Error)]
pub enum Error {
    /// Run outside cargo, with no output folder given.
    #[error("{0} is not set: run from cargo, or give Config::out_dir")]
    NotInCargo(&'static str),
    /// The profile cannot be used.
    #[error("the platform profile {path} cannot be used:\n{diagnostics}")]
    Profile {
        /// The profile file.
        path: PathBuf,
        /// What is wrong, with positions.
        diagnostics: Diagnostics,
    },
    /// An environment variable names a file that is not there.
    #[error("{var} names {path}, which is not a file{}", looked_in(tried))]
    MissingOverride {
        /// The variable.
        var: String,
        /// What it names.
        path: PathBuf,
        /// Where a relative path was looked for.
        tried: Vec<PathBuf>,
    },
    /// A spec file cannot be used.
    #[error("the spec {path} cannot be used:\n{diagnostics}")]
    Spec {
        /// The spec file.
        path: PathBuf,
        /// What is wrong, with positions.
        diagnostics: Diagnostics,
    },
    /// A names lock cannot be read.
    #[error("the names lock {path} cannot be used: {message}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// What is wrong, with its line.
        message: String,
    },
    /// The scope map cannot be read.
    #[error("the scope map cannot be used: {0}")]
    ScopeMap(String),
    /// Writing an output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Where a relative path was looked for, and how to give one that works from a dependency.
fn looked_in(tried: &[PathBuf]) -> String {
    if tried.is_empty() {
        return String::new();
    }
    let places: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
    format!(
        " (a relative path is resolved against the crate being built, then the one that \
         depends on the client: looked for {}). Give an absolute path, or set the variable in \
         `.cargo/config.toml` under `[env]` with `relative = true`",
        places.join(" and ")
    )
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

/// Settings of a client build.
#[derive(Debug, Clone, Default)]
pub struct Config {
    profile: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    rustfmt: bool,
    spec_files: Vec<(usize, PathBuf)>,
    update_locks: bool,
}

/// What a build wrote.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The profile built from.
    pub profile: Profile,
    /// Each spec, with its generated code and the file it went to.
    pub specs: Vec<(PathBuf, Generated, PathBuf)>,
    /// Every file written (or left unchanged), the entry first.
    pub files: Vec<PathBuf>,
}

impl Config {
    /// The defaults: the profile of `APIE_PROFILE`, else `spec/profile.yml` of the crate
    /// being built; output into `OUT_DIR`.
    pub fn new() -> Config {
        Config::default()
    }

    /// Builds from this profile file.
    pub fn profile(&mut self, path: impl Into<PathBuf>) -> &mut Config {
        self.profile = Some(path.into());
        self
    }

    /// Writes each spec's names lock back beside the pinned spec (`spec/<stem>.names.lock`)
    /// after generating: what the maintainer's `apie-codegen generate` does. A build script
    /// reads the locks and never writes them.
    pub fn update_locks(&mut self, on: bool) -> &mut Config {
        self.update_locks = on;
        self
    }

    /// Writes into this folder instead of `OUT_DIR` (and prints no cargo directives).
    pub fn out_dir(&mut self, path: impl Into<PathBuf>) -> &mut Config {
        self.out_dir = Some(path.into());
        self
    }

    /// Builds the `index`-th spec of the profile from this file instead (what the
    /// `<PREFIX>_SPEC` variables do for `build.rs`).
    pub fn spec_file(&mut self, index: usize, path: impl Into<PathBuf>) -> &mut Config {
        self.spec_files.push((index, path.into()));
        self
    }

    /// Passes the generated text through rustfmt (for files written for reading).
    pub fn rustfmt(&mut self, on: bool) -> &mut Config {
        self.rustfmt = on;
        self
    }

    /// Generates the client's modules. Under cargo (no [`out_dir`](Self::out_dir)), also
    /// tells cargo when to run again.
    pub fn compile(&self) -> Result<Compiled, Error> {
        let cargo = self.out_dir.is_none();
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => PathBuf::from(std::env::var_os("OUT_DIR").ok_or(Error::NotInCargo("OUT_DIR"))?),
        };
        let directive = |line: String| {
            if cargo {
                println!("cargo:{line}");
            }
        };
        directive(format!("rerun-if-env-changed={PROFILE_ENV}"));
        let profile_path = self.profile_path()?;
        directive(format!("rerun-if-changed={}", profile_path.display()));
        let loaded = profile::load_file(&profile_path).map_err(|diagnostics| Error::Profile {
            path: profile_path.clone(),
            diagnostics,
        })?;
        let dir = loaded.dir.clone().unwrap_or_default();
        std::fs::create_dir_all(&out_dir).map_err(|source| Error::Write {
            path: out_dir.clone(),
            source,
        })?;
        let mut specs = Vec::new();
        // The YAML tree and the normalized document of each spec, for the mock data: kept
        // from the run that generated its code rather than read twice.
        let mut readings = Vec::new();
        let mut files = vec![out_dir.join(ENTRY_FILE)];
        for (i, entry) in loaded.profile.specs.iter().enumerate() {
            let var = spec_env(&loaded.profile, i);
            directive(format!("rerun-if-env-changed={var}"));
            let path = match self.spec_files.iter().rev().find(|(n, _)| *n == i) {
                Some((_, p)) => p.clone(),
                None => overridable(&var, &dir.join(&entry.file))?,
            };
            directive(format!("rerun-if-changed={}", path.display()));
            let text = std::fs::read(&path).map_err(|e| Error::Spec {
                path: path.clone(),
                diagnostics: crate::unreadable(&path, &e),
            })?;
            // The lock belongs to the profile's spec entry, whichever file overrides it: a newer
            // spec keeps the names the pinned one gave.
            let lock_path = dir.join(lock_file_name(&entry.file));
            directive(format!("rerun-if-changed={}", lock_path.display()));
            let lock = read_lock(&lock_path)?;
            let (generated, root, document) = crate::generate_keeping_stages(
                &path.display().to_string(),
                &text,
                &loaded.profile,
                &lock,
            )
            .map_err(|diagnostics| Error::Spec {
                path: path.clone(),
                diagnostics,
            })?;
            if self.update_locks {
                let new = NamesLock::from_types(&generated.api.types);
                write_file(&lock_path, &new.to_text())?;
            }
            let target = out_dir.join(spec_file_name(i));
            self.write(&target, &generated.code)?;
            files.push(target.clone());
            readings.push((crate::sha256_hex(&text), root, document));
            specs.push((path, generated, target));
        }
        let mock_data = mock_data_source(&loaded.profile, &specs, &readings)?;
        let target = out_dir.join(MOCK_DATA_FILE);
        self.write(&target, &mock_data)?;
        files.push(target);
        let table = self.scope_table(&loaded, &dir, &specs, &directive)?;
        let target = out_dir.join("scopes.rs");
        self.write(&target, &table)?;
        files.push(target);
        let entry = entry_source(&loaded, &specs)?;
        self.write(&files[0], &entry)?;
        let target = out_dir.join(VARIABLES_FILE);
        write_file(&target, &variables_source(&loaded.profile))?;
        files.push(target);
        Ok(Compiled {
            profile: loaded.profile,
            specs,
            files,
        })
    }

    fn profile_path(&self) -> Result<PathBuf, Error> {
        if let Some(p) = &self.profile {
            return Ok(p.clone());
        }
        let root = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        overridable(PROFILE_ENV, &root.join("spec").join(PROFILE_FILE))
    }

    fn scope_table(
        &self,
        loaded: &LoadedProfile,
        dir: &Path,
        specs: &[(PathBuf, Generated, PathBuf)],
        directive: &dyn Fn(String),
    ) -> Result<String, Error> {
        let Some(rules) = &loaded.profile.scope_map else {
            return Ok(scopes::emit_scope_table(&scopes::ScopeMap::new(), None));
        };
        let var = loaded.profile.env_var("AUTHORIZATIONS");
        directive(format!("rerun-if-env-changed={var}"));
        let path = overridable(&var, &dir.join(&rules.file))?;
        if !path.is_file() {
            // The map is optional: without it the client says "unknown" rather than guessing.
            return Ok(scopes::emit_scope_table(&scopes::ScopeMap::new(), None));
        }
        directive(format!("rerun-if-changed={}", path.display()));
        let ids: Vec<&str> = specs
            .iter()
            .flat_map(|(_, g, _)| g.api.operations.iter().map(|o| o.id.as_str()))
            .collect();
        let map = scopes::load_scope_map(&path, &ids, &loaded.profile).map_err(Error::ScopeMap)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(scopes::emit_scope_table(&map, Some(&name)))
    }

    fn write(&self, path: &Path, code: &str) -> Result<(), Error> {
        let code = if self.rustfmt {
            format::rustfmt(code).unwrap_or_else(|e| {
                eprintln!("note: {e}; writing prettyplease's formatting");
                code.to_string()
            })
        } else {
            code.to_string()
        };
        crate::write_if_changed(path, &code).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// `mock_data.rs`, from every spec of the profile, the root one first.
fn mock_data_source(
    profile: &Profile,
    specs: &[(PathBuf, Generated, PathBuf)],
    readings: &[(String, crate::load::Node, crate::normalize::Document)],
) -> Result<String, Error> {
    let names: Vec<String> = specs
        .iter()
        .map(|(path, _, _)| crate::display_name(&path.display().to_string()))
        .collect();
    let sources: Vec<mock_data::SpecSource<'_>> = specs
        .iter()
        .zip(readings)
        .zip(&names)
        .map(
            |(((_, generated, _), (sha256, root, document)), file)| mock_data::SpecSource {
                file,
                sha256,
                root,
                document,
                api: &generated.api,
            },
        )
        .collect();
    mock_data::generate(&sources, profile).map_err(|message| {
        let path = specs.first().map(|(p, _, _)| p.clone()).unwrap_or_default();
        Error::Spec {
            diagnostics: crate::internal(&path, &message),
            path,
        }
    })
}

/// The variable overriding the `i`-th spec: `<PREFIX>_SPEC`, then `<PREFIX>_SPEC_V2` for the
/// legacy one (its module's versions), as the project always called them.
pub fn spec_env(profile: &Profile, i: usize) -> String {
    match i {
        0 => profile.env_var("SPEC"),
        1 => profile.env_var("SPEC_V2"),
        n => profile.env_var(&format!("SPEC_{n}")),
    }
}

fn spec_file_name(i: usize) -> String {
    format!("spec{i}.rs")
}

/// `api-entreprise.yml` → `api-entreprise.names.lock`.
pub fn lock_file_name(spec_file: &str) -> String {
    let stem = spec_file
        .rsplit_once('.')
        .map_or(spec_file, |(stem, _)| stem);
    format!("{stem}.names.lock")
}

/// The names lock at `path`; none there is an empty lock (a first generation).
fn read_lock(path: &Path) -> Result<NamesLock, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => NamesLock::parse(&text).map_err(|message| Error::Lock {
            path: path.to_path_buf(),
            message,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(NamesLock::default()),
        Err(source) => Err(Error::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The variables that change what [`Config::compile`] generates, one a line after a comment.
fn variables_source(profile: &Profile) -> String {
    let mut vars = vec![PROFILE_ENV.to_string()];
    vars.extend((0..profile.specs.len()).map(|i| spec_env(profile, i)));
    if profile.scope_map.is_some() {
        vars.push(profile.env_var("AUTHORIZATIONS"));
    }
    format!(
        "# @generated by apie-codegen: the variables that change the generated code.\n{}\n",
        vars.join("\n")
    )
}

/// Writes `text` to `path` as is (no formatting: it is not Rust).
fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// `var` if set, else `default`. A relative path is looked for from the current directory
/// (cargo sets it to the crate being built: this repository's root, or cargo's copy of the
/// client for a dependency), then from the crate that depends on the client: the first
/// folder with a `Cargo.toml` above the build's `OUT_DIR`, which is that crate's workspace
/// when its target folder is the default one.
fn overridable(var: &str, default: &Path) -> Result<PathBuf, Error> {
    let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) else {
        return Ok(default.to_path_buf());
    };
    let path = PathBuf::from(value);
    if path.is_file() {
        return Ok(path);
    }
    let mut tried = Vec::new();
    if path.is_relative() {
        if let Ok(here) = std::env::current_dir() {
            tried.push(here.join(&path));
        }
        if let Some(root) = depending_workspace() {
            let candidate = root.join(&path);
            if candidate.is_file() {
                return Ok(candidate);
            }
            tried.push(candidate);
        }
    }
    Err(Error::MissingOverride {
        var: var.to_string(),
        path,
        tried,
    })
}

/// The workspace of the crate being built with the client as a dependency: the first folder
/// above `OUT_DIR` that has a `Cargo.toml`.
fn depending_workspace() -> Option<PathBuf> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR")?);
    out.ancestors()
        .skip(1)
        .find(|dir| dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

/// The entry file: the platform constants, each spec's modules (the first at the root, the
/// others in their module with their top-level modules re-exported), and the functions that
/// look across all specs.
fn entry_source(
    loaded: &LoadedProfile,
    specs: &[(PathBuf, Generated, PathBuf)],
) -> Result<String, Error> {
    let main = &specs[0].1.api;
    let platform =
        format::format_tokens(crate::emit::platform::emit_platform(&loaded.profile, main))
            .map_err(|message| Error::Spec {
                path: specs[0].0.clone(),
                diagnostics: crate::internal(&specs[0].0, &message),
            })?;
    let lints = "#[allow(\n    clippy::doc_lazy_continuation,\n    clippy::doc_overindented_list_items,\n    clippy::too_long_first_doc_paragraph\n)]";
    let mut out = format!(
        "// @generated by apie-codegen from the profile (sha256 {}). Do not edit: regenerate.\n\n{platform}\n",
        loaded.sha256
    );
    // Modules of the root spec, which the others must not shadow when re-exported.
    let mut taken: BTreeSet<String> = main.modules().into_keys().collect();
    let mut variants: Vec<(String, String, String)> = Vec::new();
    for (i, (entry, (_, generated, _))) in loaded.profile.specs.iter().zip(specs).enumerate() {
        let file = spec_file_name(i);
        match &entry.module {
            None => {
                out.push_str(&format!(
                    "// The spec's prose is Markdown for a web page: its lists and long first paragraphs are not\n// written for clippy's doc lints, and rewording them would change the API's own text.\n{lints}\nmod generated_{i} {{\n    include!(\"{file}\");\n}}\n\npub use generated_{i}::*;\n\n"
                ));
                variants.push((String::from("Current"), String::new(), "root".to_string()));
            }
            Some(module) => {
                let doc = entry
                    .doc
                    .clone()
                    .unwrap_or_else(|| format!("The modules of {}.", entry.file));
                out.push_str(&format!(
                    "#[doc = {doc:?}]\n{lints}\npub mod {module} {{\n    include!(\"{file}\");\n}}\n\n"
                ));
                let exported: Vec<String> = generated
                    .api
                    .modules()
                    .into_keys()
                    .filter(|m| taken.insert(m.clone()))
                    .collect();
                // One re-export a module, under the module's feature when it has one.
                for name in &exported {
                    let feature = generated
                        .api
                        .operations
                        .iter()
                        .find(|o| &o.module == name)
                        .and_then(|o| o.feature.clone());
                    if let Some(feature) = feature {
                        out.push_str(&format!("#[cfg(feature = \"{feature}\")]\n"));
                    }
                    out.push_str(&format!("pub use {module}::{name};\n"));
                }
                if !exported.is_empty() {
                    out.push('\n');
                }
                variants.push((
                    type_ident(module),
                    format!("{module}::"),
                    format!("`{module}`"),
                ));
            }
        }
    }
    // Each spec: its variant of `AnySuccessBody`, the path to its items ("" for the root
    // spec, whose items are re-exported at the crate's root), and how docs name it.
    let enum_variants: String = variants
        .iter()
        .map(|(v, path, name)| {
            format!("    /// An operation of the {name} spec.\n    {v}({path}SuccessBody),\n")
        })
        .collect();
    let decode_arms: String = variants
        .iter()
        .map(|(v, path, _)| {
            format!("    if let Some(result) = {path}decode(operation_id, status, body) {{\n        return Some(result.map(AnySuccessBody::{v}));\n    }}\n")
        })
        .collect();
    let collect_arms: String = variants
        .iter()
        .map(|(v, _, _)| {
            format!("            AnySuccessBody::{v}(body) => runtime::Undeclared::collect_undeclared(body, path, report),\n")
        })
        .collect();
    let find_arms: Vec<String> = variants
        .iter()
        .map(|(_, path, _)| format!("{path}operations::find(operation_id)"))
        .collect();
    let all_chain: Vec<String> = variants
        .iter()
        .map(|(_, path, _)| format!("{path}operations::ALL.iter()"))
        .collect();
    out.push_str(&format!(
        "/// A decoded success body from any of the specs.\n#[derive(Debug, Clone, PartialEq, serde::Serialize)]\n#[serde(untagged)]\npub enum AnySuccessBody {{\n{enum_variants}}}\n\n\
impl runtime::Undeclared for AnySuccessBody {{\n    fn collect_undeclared(&self, path: &mut String, report: &mut runtime::UndeclaredReport) {{\n        match self {{\n{collect_arms}        }}\n    }}\n}}\n\n\
/// [`decode`] over every spec: `None` when none has that x-operationId.\npub fn decode_any(\n    operation_id: &str,\n    status: u16,\n    body: &[u8],\n) -> Option<Result<AnySuccessBody, Error>> {{\n{decode_arms}    None\n}}\n\n\
/// The operation with this x-operationId in any of the specs.\npub fn find_operation(operation_id: &str) -> Option<&'static runtime::OperationMeta> {{\n    {}\n}}\n\n\
/// Every operation of every spec, the root spec's first.\npub fn all_operations() -> impl Iterator<Item = &'static runtime::OperationMeta> {{\n    {}\n        .copied()\n}}\n\n\
mod scopes {{\n    include!(\"scopes.rs\");\n}}\n\n\
/// The scopes that open `operation_id`, any one of them sufficing (empty: none needed).\n/// `None` when the scope map was not available at build time or does not list the operation.\npub fn required_scopes(operation_id: &str) -> Option<&'static [&'static str]> {{\n    scopes::SCOPES\n        .binary_search_by(|(id, _)| (*id).cmp(operation_id))\n        .ok()\n        .map(|i| scopes::SCOPES[i].1)\n}}\n\n\
/// What the local mock of the API (`apie-mock`) serves besides staging payloads, read from the\n/// specs the client was built from: each operation's example bodies and the error catalogue,\n/// as JSON text. Behind the `mock-data` feature, since a client calling the API needs none of it.\n#[cfg(feature = \"mock-data\")]\npub mod mock_data {{\n    include!(\"{MOCK_DATA_FILE}\");\n}}\n",
        find_arms.join("\n        .or_else(|| ") + &")".repeat(find_arms.len() - 1),
        all_chain.join("\n        .chain(") + &")".repeat(all_chain.len() - 1),
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_wins_and_a_variable_naming_nothing_is_an_error() {
        // A variable only this test reads: setting it races with nothing.
        let var = "APIE_CODEGEN_TEST_OVERRIDABLE";
        let default = Path::new("spec/api-entreprise.yml");
        std::env::remove_var(var);
        assert_eq!(overridable(var, default).unwrap(), default);
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        std::env::set_var(var, &here);
        assert_eq!(overridable(var, default).unwrap(), here);
        std::env::set_var(var, "/nonexistent/spec.yml");
        let err = overridable(var, default).unwrap_err().to_string();
        assert!(
            err.contains(var) && err.contains("/nonexistent/spec.yml"),
            "{err}"
        );
        std::env::remove_var(var);
    }
}
