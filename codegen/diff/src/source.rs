//! Where the specs to compare come from: a file, or `REV:PATH` read from git
//! (`HEAD~1:spec/api_entreprise.yml`), so CI can diff the committed spec against a new one.

use std::path::Path;
use std::process::Command;

use crate::diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use crate::Loaded;
use apie_spec::model::names_lock::NamesLock;

/// Loads and models the spec an argument names. An existing file wins over the git reading,
/// so a file whose name holds a colon still works.
pub fn load(spec: &str) -> Result<Loaded, Diagnostics> {
    load_with_lock(spec, &NamesLock::default())
}

/// [`load`], naming the types as a generation with `lock` does: the new side of a diff is
/// modelled with the old side's names, so that `type_renamed` reports only the renames a
/// regeneration would make.
pub fn load_with_lock(spec: &str, lock: &NamesLock) -> Result<Loaded, Diagnostics> {
    let path = Path::new(spec);
    let from_git = |spec: &str| match spec.split_once(':') {
        Some((rev, file)) if !rev.is_empty() && !file.is_empty() && !Path::new(spec).is_file() => {
            Some((rev.to_string(), file.to_string()))
        }
        _ => None,
    };
    // The files its `$ref`s name come from where the spec came from: the same revision.
    let read = |p: &Path| -> Result<Vec<u8>, Diagnostics> {
        let spec = p.display().to_string();
        match from_git(&spec) {
            Some((rev, file)) => {
                git_show(&rev, &file).map_err(|message| unreadable(&spec, message))
            }
            None => apie_spec::read_spec(p),
        }
    };
    let bytes = read(path)?;
    let profile = apie_spec::profile::Profile::api_entreprise();
    apie_spec::stages_with_reader(spec, &bytes, &profile, lock, &read).map(|stages| stages.loaded)
}

/// `git show REV:PATH`, in the current directory (PATH is relative to the repository root,
/// or to the current directory when it starts with `./`).
fn git_show(rev: &str, file: &str) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{rev}:{file}"))
        .output()
        .map_err(|e| format!("neither a file nor readable from git (cannot run git: {e})"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!(
            "neither a file nor readable from git: {}",
            stderr.trim()
        ))
    }
}

fn unreadable(spec: &str, message: String) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(Diagnostic {
        severity: Severity::Error,
        kind: "unreadable",
        file: spec.to_string(),
        position: Position::default(),
        pointer: String::new(),
        message,
    });
    diagnostics
}
