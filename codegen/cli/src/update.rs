//! `apie-codegen update`: the maintainer's update in one step. Fetch the new spec (or take a
//! file), validate it, diff it against the pinned one, regenerate the shipped code and the
//! names locks, update `spec/record.txt`, bump the client's version by the diff's verdict and
//! write a `CHANGELOG.md` entry from the diff, breaking changes first.
//!
//! Everything is prepared in a scratch copy of `spec/` and of the generated code; the
//! checkout is written only once every step has succeeded, so a failed step leaves it as it
//! was. `--check` does everything but write.

use std::path::{Path, PathBuf};

use apie_diff::format::{markdown, Labels};
use apie_diff::{Report, Semver};
use apie_spec::model::names_lock::NamesLock;

/// Where the generated code ships, from the workspace root.
pub const GENERATED_DIR: &str = "generated-client/generated";
/// The changelog, at the workspace root.
pub const CHANGELOG: &str = "CHANGELOG.md";
/// The client's package, whose version the update bumps.
pub const CLIENT_PACKAGE: &str = "api-entreprise";

/// What an update found (and, without `--check`, wrote).
#[derive(Debug)]
pub struct Outcome {
    /// The diff between the pinned spec and the new one, names kept by the lock.
    pub report: Report,
    /// The client's version before.
    pub old_version: String,
    /// Its version after (the same when nothing changed).
    pub new_version: String,
    /// Whether the new spec differs from the pinned one at all (its bytes).
    pub changed: bool,
    /// The changelog entry (empty when nothing changed).
    pub changelog_entry: String,
}

/// Runs the update on the workspace at `root` from `from` (a spec file or a mirror folder;
/// `None`: the addresses of `spec/sources.txt`), writing nothing when `check` is set or when
/// a step fails.
pub fn update(
    root: &Path,
    from: Option<&Path>,
    check: bool,
    today: &str,
) -> Result<Outcome, String> {
    let spec_dir = root.join("spec");
    let scratch = Scratch::new()?;
    let staged_spec = scratch.path.join("spec");
    copy_dir(&spec_dir, &staged_spec)?;
    // Fetch validates each file before it replaces the staged one.
    crate::fetch::fetch(&staged_spec, from, today)?;

    let profile = apie_spec::profile::load_file(&staged_spec.join("profile.yml"))
        .map_err(|d| format!("the profile cannot be used:\n{d}"))?
        .profile;
    let main_file = &profile.specs[0].file;
    let lock_path = spec_dir.join(apie_codegen::config::lock_file_name(main_file));
    let lock = match std::fs::read_to_string(&lock_path) {
        Ok(text) => NamesLock::parse(&text).map_err(|e| format!("{}: {e}", lock_path.display()))?,
        Err(_) => NamesLock::default(),
    };
    let old_bytes = read(&spec_dir.join(main_file))?;
    let new_bytes = read(&staged_spec.join(main_file))?;
    let model = |name: &str, bytes: &[u8]| {
        apie_spec::stages_with_lock(name, bytes, &profile.for_spec(0), &lock)
            .map(|s| s.loaded.api)
            .map_err(|d| format!("{name} cannot be used:\n{d}"))
    };
    let old = model(&format!("pinned {main_file}"), &old_bytes)?;
    let new = model(&format!("new {main_file}"), &new_bytes)?;
    let report = apie_diff::diff(&old, &new);

    let manifest_path = root.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
    let old_version = package_version(&manifest).ok_or_else(|| {
        format!(
            "{}: no version of the package {CLIENT_PACKAGE}",
            manifest_path.display()
        )
    })?;
    let changed = old_bytes != new_bytes;
    if !changed {
        return Ok(Outcome {
            report,
            new_version: old_version.clone(),
            old_version,
            changed,
            changelog_entry: String::new(),
        });
    }
    let new_version = bump(&old_version, report.summary.semver)?;
    let entry = changelog_entry(&report, &new_version, today, main_file);

    // Regenerate from the staged files: the code and the locks, as `generate --update-locks`.
    let staged_generated = scratch.path.join("generated");
    apie_codegen::Config::new()
        .profile(staged_spec.join("profile.yml"))
        .out_dir(&staged_generated)
        .rustfmt(true)
        .update_locks(true)
        .compile()
        .map_err(|e| format!("regenerating failed: {e}"))?;

    let outcome = Outcome {
        report,
        old_version: old_version.clone(),
        new_version: new_version.clone(),
        changed,
        changelog_entry: entry.clone(),
    };
    if check {
        return Ok(outcome);
    }
    // Every step succeeded: only now is the checkout written.
    let changelog_path = root.join(CHANGELOG);
    let changelog = std::fs::read_to_string(&changelog_path).unwrap_or_else(|_| {
        "# Changelog\n\nEach entry is written by `apie-codegen update` from the spec diff.\n".into()
    });
    let new_manifest = set_package_version(&manifest, &new_version);
    let members = version_requirements(root, &old_version, &new_version)?;
    let lock_file = root.join("Cargo.lock");
    let cargo_lock = std::fs::read_to_string(&lock_file)
        .ok()
        .map(|text| set_lock_version(&text, &old_version, &new_version));
    copy_dir(&staged_spec, &spec_dir)?;
    let generated = root.join(GENERATED_DIR);
    copy_dir(&staged_generated, &generated)?;
    write(&manifest_path, &new_manifest)?;
    for (path, text) in members {
        write(&path, &text)?;
    }
    if let Some(text) = cargo_lock {
        write(&lock_file, &text)?;
    }
    write(&changelog_path, &insert_entry(&changelog, &entry))?;
    Ok(outcome)
}

/// A scratch folder removed when dropped.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new() -> Result<Scratch, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!("apie-update-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(Scratch { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Copies the files of `from` (not its subfolders: `spec/` and the generated code have none)
/// into `to`, following links (the embedded profile is one).
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() {
            let target = to.join(entry.file_name());
            std::fs::copy(&path, &target).map_err(|e| {
                format!(
                    "cannot copy {} to {}: {e}",
                    path.display(),
                    target.display()
                )
            })?;
        }
    }
    Ok(())
}

/// The version of the client's `[package]` in the root manifest.
fn package_version(manifest: &str) -> Option<String> {
    let package = manifest_section(manifest, "[package]")?;
    if !package
        .lines()
        .any(|l| l.trim() == format!("name = \"{CLIENT_PACKAGE}\""))
    {
        return None;
    }
    package.lines().find_map(|l| {
        l.trim()
            .strip_prefix("version = \"")
            .and_then(|v| v.strip_suffix('"'))
            .map(str::to_string)
    })
}

/// The text of a manifest section, up to the next one.
fn manifest_section<'m>(manifest: &'m str, header: &str) -> Option<&'m str> {
    let start = manifest.find(&format!("\n{header}\n")).map(|i| i + 1)?;
    let rest = &manifest[start + header.len()..];
    let end = rest.find("\n[").map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

/// The manifest with the `[package]` version replaced.
fn set_package_version(manifest: &str, version: &str) -> String {
    let Some(start) = manifest.find("\n[package]\n") else {
        return manifest.to_string();
    };
    let (head, tail) = manifest.split_at(start);
    let mut done = false;
    let tail: Vec<String> = tail
        .split_inclusive('\n')
        .map(|line| {
            if !done && line.trim_start().starts_with("version = \"") {
                done = true;
                format!("version = \"{version}\"\n")
            } else {
                line.to_string()
            }
        })
        .collect();
    format!("{head}{}", tail.concat())
}

/// The workspace members' manifests whose `api-entreprise = { … version = "OLD" … }`
/// requirement must follow the bump, rewritten.
fn version_requirements(
    root: &Path,
    old: &str,
    new: &str,
) -> Result<Vec<(PathBuf, String)>, String> {
    let mut out = Vec::new();
    for member in ["mock", "apie"] {
        let path = root.join(member).join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let rewritten: String = text
            .split_inclusive('\n')
            .map(|line| {
                if line.starts_with(&format!("{CLIENT_PACKAGE} =")) {
                    line.replace(
                        &format!("version = \"{old}\""),
                        &format!("version = \"{new}\""),
                    )
                } else {
                    line.to_string()
                }
            })
            .collect();
        if rewritten != text {
            out.push((path, rewritten));
        }
    }
    Ok(out)
}

/// `Cargo.lock` with the client's entry at its new version.
fn set_lock_version(lock: &str, old: &str, new: &str) -> String {
    lock.replace(
        &format!("name = \"{CLIENT_PACKAGE}\"\nversion = \"{old}\""),
        &format!("name = \"{CLIENT_PACKAGE}\"\nversion = \"{new}\""),
    )
}

/// The next version by the diff's verdict, as cargo reads semver: below 1.0 a breaking change
/// bumps the minor number and anything else the patch number.
pub fn bump(version: &str, verdict: Semver) -> Result<String, String> {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("version {version} is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("version {version} is not MAJOR.MINOR.PATCH"));
    };
    Ok(match (major, verdict) {
        (0, Semver::Major) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Semver::Major) => format!("{}.0.0", major + 1),
        (_, Semver::Minor) => format!("{major}.{}.0", minor + 1),
        (_, Semver::Patch) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// The changelog entry: the version, date and verdict, then the diff in Markdown, whose
/// changes come breaking first.
fn changelog_entry(report: &Report, version: &str, today: &str, spec: &str) -> String {
    let mut sorted = report.clone();
    // Breaking changes first, then warnings, then the rest, each group in the diff's order.
    sorted
        .changes
        .sort_by_key(|c| std::cmp::Reverse(c.severity));
    let labels = Labels {
        old: format!("pinned {spec}"),
        new: format!("{spec} of {today}"),
    };
    let body = markdown(&sorted, &labels).replacen("## ", "### ", 1);
    format!(
        "## {version} — {today}\n\nThe spec changed ({}, {} breaking): crate bump {}.\n\n{body}\n",
        spec,
        report.summary.breaking,
        report.summary.semver.as_str()
    )
}

/// The changelog with `entry` above the previous entries (after the title and its lines).
fn insert_entry(changelog: &str, entry: &str) -> String {
    match changelog.find("\n## ") {
        Some(i) => format!("{}\n{entry}{}", &changelog[..i + 1], &changelog[i + 1..]),
        None => format!("{}\n\n{entry}", changelog.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_as_cargo_reads_them() {
        assert_eq!(bump("0.1.0", Semver::Major).unwrap(), "0.2.0");
        assert_eq!(bump("0.1.0", Semver::Minor).unwrap(), "0.1.1");
        assert_eq!(bump("1.2.3", Semver::Major).unwrap(), "2.0.0");
        assert_eq!(bump("1.2.3", Semver::Minor).unwrap(), "1.3.0");
        assert_eq!(bump("1.2.3", Semver::Patch).unwrap(), "1.2.4");
        assert!(bump("1.2", Semver::Patch).is_err());
    }

    #[test]
    fn the_manifest_and_lock_follow_the_bump() {
        let manifest = "[workspace]\nmembers = []\n\n[package]\nname = \"api-entreprise\"\nversion = \"0.1.0\"\n\n[dependencies]\nx = { version = \"0.1.0\" }\n";
        assert_eq!(package_version(manifest).as_deref(), Some("0.1.0"));
        let bumped = set_package_version(manifest, "0.2.0");
        assert_eq!(package_version(&bumped).as_deref(), Some("0.2.0"));
        assert!(bumped.contains("x = { version = \"0.1.0\" }"), "{bumped}");
        let lock = "[[package]]\nname = \"api-entreprise\"\nversion = \"0.1.0\"\n[[package]]\nname = \"x\"\nversion = \"0.1.0\"\n";
        let lock = set_lock_version(lock, "0.1.0", "0.2.0");
        assert!(
            lock.contains("api-entreprise\"\nversion = \"0.2.0\"")
                && lock.contains("\"x\"\nversion = \"0.1.0\"")
        );
    }

    #[test]
    fn entries_go_above_the_previous_ones() {
        let log = "# Changelog\n\nintro\n\n## 0.1.1 — 2026-01-01\n\nold\n";
        let out = insert_entry(log, "## 0.2.0 — 2026-02-01\n\nnew\n");
        assert!(
            out.find("0.2.0").unwrap() < out.find("0.1.1").unwrap(),
            "{out}"
        );
        assert!(out.starts_with("# Changelog\n\nintro\n"), "{out}");
    }
}
