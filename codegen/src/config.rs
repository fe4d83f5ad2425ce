//! The build API, in prost-build's spirit: `build.rs` calls
//! `apie_codegen::Config::new().compile()`; `apie-codegen generate` calls the same
//! [`Config::compile`] with an output folder, so both write the same files.
//!
//! What is compiled comes from the platform profile (`spec/profile.yml` unless `APIE_PROFILE`
//! names another): its spec files, each overridable by an environment variable, and its scope
//! map. The output is one entry file, `api.rs`, that the client's `lib.rs` includes, plus one
//! file per spec, the scope table and the mock's data (`mock_data.rs`, included behind the
//! client's `mock-data` feature).

mod package;
mod render;

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::model::names_lock::NamesLock;
use crate::profile::{self, LoadedProfile, Profile};
use crate::{format, Generated};
pub use package::{lib_file, package_files, write_package, RuntimeDependency, GENERATED_DIR};
pub use render::{render, Rendered, RenderedFile, ScopeMapSource, SpecSource};

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
    #[error("the names lock {path} cannot be used: {source}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// What is wrong, with its line.
        source: crate::model::names_lock::NamesLockError,
    },
    /// [`render`] was given another number of specs than the profile lists.
    #[error("the profile lists {expected} specs, {given} were given")]
    Sources {
        /// Specs given.
        given: usize,
        /// Specs the profile lists.
        expected: usize,
    },
    /// The scope map cannot be read.
    #[error("the scope map cannot be used:\n{0}")]
    ScopeMap(Diagnostics),
    /// Emitted code could not be formatted: a bug in apie-codegen.
    #[error("{0} (a bug in apie-codegen)")]
    Format(#[from] crate::format::FormatError),
    /// A crate was asked of a profile without a `package` section.
    #[error("the profile has no `package` section (name, version, description, license): it names no crate to write")]
    NoPackage,
    /// A whole crate was asked of a profile whose crate rebuilds its modules at build time:
    /// that needs a `build.rs` of the crate's own, which `--crate` does not write.
    #[error("the profile's `package.regenerate_feature` needs a build.rs that runs apie-codegen: write the crate's manifest and build.rs yourself and generate its lib.rs alone (`generate --lib`)")]
    RegenerateNeedsBuildScript,
    /// The generator made something that does not parse: a bug in apie-codegen.
    #[error("{0} (a bug in apie-codegen)")]
    Internal(String),
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
        let (mut sources, mut lock_paths) = (Vec::new(), Vec::new());
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
            sources.push(SpecSource { path, text, lock });
            lock_paths.push(lock_path);
        }
        let scope_map = self.scope_map(&loaded, &dir, &directive)?;
        let rendered = render(&loaded, &sources, scope_map.as_ref())?;
        for path in &rendered.referenced {
            directive(format!("rerun-if-changed={}", path.display()));
        }
        if self.update_locks {
            for (lock_path, (_, generated)) in lock_paths.iter().zip(&rendered.specs) {
                let new = NamesLock::from_types(&generated.api.types);
                write_file(lock_path, &new.to_text())?;
            }
        }
        // rustfmt is a process per file: the files are written in parallel, the largest
        // (the root spec's) bounding the time.
        let files: Vec<PathBuf> = rendered
            .files
            .iter()
            .map(|file| out_dir.join(&file.name))
            .collect();
        let written: Vec<Result<(), Error>> = std::thread::scope(|scope| {
            let handles: Vec<_> = rendered
                .files
                .iter()
                .zip(&files)
                .map(|(file, target)| {
                    scope.spawn(move || match file.rust {
                        true => self.write(target, &file.text),
                        false => write_file(target, &file.text),
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Internal("a writing thread panicked".into()))
                    })
                })
                .collect()
        });
        written.into_iter().collect::<Result<(), Error>>()?;
        let specs = rendered
            .specs
            .into_iter()
            .enumerate()
            .map(|(i, (path, generated))| {
                let file = out_dir.join(spec_file_name(&loaded.profile, i));
                (path, generated, file)
            })
            .collect();
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

    /// The scope map's file and text, when the profile has one and the file is there (the
    /// map is optional: without it the client says "unknown" rather than guessing).
    fn scope_map(
        &self,
        loaded: &LoadedProfile,
        dir: &Path,
        directive: &dyn Fn(String),
    ) -> Result<Option<ScopeMapSource>, Error> {
        let Some(rules) = &loaded.profile.scope_map else {
            return Ok(None);
        };
        let var = loaded.profile.env_var("AUTHORIZATIONS");
        directive(format!("rerun-if-env-changed={var}"));
        let path = overridable(&var, &dir.join(&rules.file))?;
        if !path.is_file() {
            return Ok(None);
        }
        directive(format!("rerun-if-changed={}", path.display()));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::ScopeMap(crate::unreadable(&path, &e)))?;
        Ok(Some(ScopeMapSource { path, text }))
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

/// The variable overriding the `i`-th spec: `<PREFIX>_SPEC`, then `<PREFIX>_SPEC_V2` for the
/// legacy one (its module's versions), as the project always called them.
pub fn spec_env(profile: &Profile, i: usize) -> String {
    match i {
        0 => profile.env_var("SPEC"),
        1 => profile.env_var("SPEC_V2"),
        n => profile.env_var(&format!("SPEC_{n}")),
    }
}

/// The generated file of spec `i`, named by what it holds: `current.rs` for the root spec
/// (its items are the crate's own), `<module>.rs` for the others (`legacy.rs`). The profile
/// refuses a module that would take another file's name.
fn spec_file_name(profile: &Profile, i: usize) -> String {
    match profile.specs.get(i).and_then(|s| s.module.as_deref()) {
        Some(module) => format!("{module}.rs"),
        None => "current.rs".to_string(),
    }
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
        Ok(text) => NamesLock::parse(&text).map_err(|source| Error::Lock {
            path: path.to_path_buf(),
            source,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(NamesLock::default()),
        Err(source) => Err(Error::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
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
