//! `apie-codegen fetch`: puts the spec files into `spec/` and records what was taken.
//!
//! Downloads go through the `curl` command rather than an HTTP crate: this crate is a build
//! dependency of the client, and an HTTP stack would be compiled by every downstream build
//! for a command run by hand once in a while.

use std::path::{Path, PathBuf};
use std::process::Command;

use apie_spec::sha256_hex;

/// Official download addresses, one `file address` pair a line; `#` starts a comment.
pub const SOURCES_FILE: &str = "sources.txt";
/// What was fetched: one `file sha256 date origin` line per spec.
pub const RECORD_FILE: &str = "record.txt";

/// One fetched spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Where it was written.
    pub path: PathBuf,
    /// Its sha256.
    pub sha256: String,
    /// Where it came from.
    pub origin: String,
}

/// Fetches both specs into `spec_dir`, from `from` (a mirror folder laid out like
/// the project's shared specs folder: `api-entreprise/latest.yml` and
/// `api-entreprise-v2/api-entreprise-v2.yml`, or one v3/v4 spec file) or else from the addresses in `sources.txt`.
///
/// Each file is first written next to its target as `<name>.part` and validated there; the
/// specs in `spec_dir` are replaced only once every fetched file is a usable spec, so a bad
/// download leaves the spec the build relies on (and its record) as it was.
pub fn fetch(spec_dir: &Path, from: Option<&Path>, today: &str) -> Result<Vec<Fetched>, String> {
    std::fs::create_dir_all(spec_dir)
        .map_err(|e| format!("cannot create {}: {e}", spec_dir.display()))?;
    let mut staged = Vec::new();
    let result = stage_all(spec_dir, from, &mut staged).and_then(|()| {
        staged.iter().try_for_each(Staged::validate)?;
        // All validated: only now is anything in `spec_dir` replaced.
        staged
            .iter()
            .map(Staged::commit)
            .collect::<Result<Vec<_>, _>>()
    });
    // Whatever went wrong, no `.part` file stays behind (after a commit none is left).
    for s in &staged {
        let _ = std::fs::remove_file(&s.partial);
    }
    let fetched = result?;
    record(spec_dir, &fetched, today)?;
    Ok(fetched)
}

/// Writes every file to fetch to its `.part` file, pushing each as soon as it exists on
/// disk so that the caller can clean it up if a later one fails.
fn stage_all(spec_dir: &Path, from: Option<&Path>, staged: &mut Vec<Staged>) -> Result<(), String> {
    // The names the build reads them under: the profile's spec files (the current API, then
    // the legacy v2 one).
    let profile = apie_spec::profile::Profile::api_entreprise();
    let main_file = profile.specs[0].file.as_str();
    let v2_file = profile.specs.get(1).map(|s| s.file.as_str());
    match from {
        Some(src) if src.is_file() => staged.push(copy(src, &spec_dir.join(main_file))?),
        Some(src) if src.is_dir() => {
            let main = src.join("api-entreprise").join("latest.yml");
            let v2 = src.join("api-entreprise-v2").join("api-entreprise-v2.yml");
            if !main.is_file() {
                return Err(format!(
                    "{} has no api-entreprise/latest.yml: not a spec mirror",
                    src.display()
                ));
            }
            staged.push(copy(&main, &spec_dir.join(main_file))?);
            if let (true, Some(v2_file)) = (v2.is_file(), v2_file) {
                staged.push(copy(&v2, &spec_dir.join(v2_file))?);
            }
        }
        Some(src) => return Err(format!("{} does not exist", src.display())),
        None => {
            for (file, url) in sources(spec_dir)? {
                staged.push(download(&url, &spec_dir.join(file))?);
            }
        }
    }
    Ok(())
}

/// A fetched file waiting in its `.part` file to be validated and moved over its target.
struct Staged {
    /// The temporary file, in the target's directory so that the final rename is atomic.
    partial: PathBuf,
    /// What it becomes once committed.
    fetched: Fetched,
}

impl Staged {
    /// The `.part` file for `dest`, next to it: a rename never crosses file systems.
    fn partial_for(dest: &Path) -> PathBuf {
        let mut name = dest.file_name().unwrap_or_default().to_os_string();
        name.push(".part");
        dest.with_file_name(name)
    }

    /// A download that is not a usable spec must not replace what the build relies on.
    fn validate(&self) -> Result<(), String> {
        let bytes = std::fs::read(&self.partial)
            .map_err(|e| format!("cannot read {}: {e}", self.partial.display()))?;
        // Diagnostics name the target rather than the `.part` file, which is gone by the time
        // the user reads them.
        apie_spec::model_from_str(&self.fetched.path.display().to_string(), &bytes)
            .map(drop)
            .map_err(|d| {
                format!(
                    "{} (from {}) was fetched but is not a usable spec, so no spec was replaced:\n{d}",
                    self.fetched.path.display(),
                    self.fetched.origin
                )
            })
    }

    /// Moves the `.part` file over its target.
    fn commit(&self) -> Result<Fetched, String> {
        std::fs::rename(&self.partial, &self.fetched.path)
            .map_err(|e| format!("cannot write {}: {e}", self.fetched.path.display()))?;
        Ok(self.fetched.clone())
    }
}

fn sources(spec_dir: &Path) -> Result<Vec<(String, String)>, String> {
    let path = spec_dir.join(SOURCES_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once(char::is_whitespace)
                .map(|(f, u)| (f.to_string(), u.trim().to_string()))
        })
        .collect())
}

fn copy(src: &Path, dest: &Path) -> Result<Staged, String> {
    let bytes = std::fs::read(src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    let partial = Staged::partial_for(dest);
    std::fs::write(&partial, &bytes).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        format!("cannot write {}: {e}", partial.display())
    })?;
    Ok(Staged {
        partial,
        fetched: Fetched {
            path: dest.to_path_buf(),
            sha256: sha256_hex(&bytes),
            origin: src.display().to_string(),
        },
    })
}

fn download(url: &str, dest: &Path) -> Result<Staged, String> {
    let partial = Staged::partial_for(dest);
    let status = Command::new("curl")
        .args([
            "--fail",
            "--silent",
            "--show-error",
            "--location",
            "--max-time",
            "120",
            "--output",
        ])
        .arg(&partial)
        .arg(url)
        .status()
        .map_err(|e| format!("cannot run curl to download {url}: {e}"))?;
    if !status.success() {
        let _ = std::fs::remove_file(&partial);
        return Err(format!(
            "downloading {url} failed ({status}); for an offline mirror use `fetch --from PATH`"
        ));
    }
    let bytes = std::fs::read(&partial).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        format!("cannot read {}: {e}", partial.display())
    })?;
    Ok(Staged {
        partial,
        fetched: Fetched {
            path: dest.to_path_buf(),
            sha256: sha256_hex(&bytes),
            origin: url.to_string(),
        },
    })
}

fn record(spec_dir: &Path, fetched: &[Fetched], today: &str) -> Result<(), String> {
    let path = spec_dir.join(RECORD_FILE);
    let mut text = String::from("# Spec files the client is built from: file sha256 date origin. Written by `apie-codegen fetch`.\n");
    let names: Vec<String> = fetched
        .iter()
        .filter_map(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    // The files not fetched this time keep their lines (the scope map, a v2 left as it was).
    if let Ok(old) = std::fs::read_to_string(&path) {
        for line in old
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let file = line.split_whitespace().next().unwrap_or_default();
            if !names.iter().any(|n| n == file) {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    for f in fetched {
        let name = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        text.push_str(&format!("{name} {} {today} {}\n", f.sha256, f.origin));
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm): std has no calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
