//! What the mock serves and how: ports, data, specs, the length of a rate-limit minute, the
//! per-IP limit, bans and faults.
//!
//! Every path is optional: what is not given is located the way the client's `build.rs`
//! locates the spec ([`apie_spec::locate`]), from the current directory and its ancestors,
//! so a downstream crate's tests find `../shared` beside their checkout without setup.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use apie_spec::locate;

use crate::bans::BAN_MINUTES;
use crate::faults::FaultPlan;
use crate::MockError;

/// Environment variable naming the directory of staging payloads
/// (`<x-operationId>/*.yaml` files).
pub const PAYLOADS_ENV: &str = "API_ENTREPRISE_PAYLOADS";

/// The staging payloads, seen from a workspace root.
const PAYLOADS_MIRROR: &str = "../shared/staging/payloads";
/// The staging token, seen from the payloads directory.
const TOKEN_FROM_PAYLOADS: &str = "../tokens/default";
/// The scope map, seen from the payloads directory.
const AUTHORIZATIONS_FROM_PAYLOADS: &str = "../data/siade_authorizations.yml";

/// How the mock server is set up. [`Default`] locates everything and enforces the real API's
/// rules: a real minute, 1000 requests a minute per IP, bans of twelve hours, no fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockConfig {
    /// Port to listen on, on 127.0.0.1; 0 lets the system pick a free one.
    pub port: u16,
    /// Directory of staging payloads (`<x-operationId>/*.yaml`). `None`: the
    /// `API_ENTREPRISE_PAYLOADS` variable, else `../shared/staging/payloads` from the current
    /// directory or one of its ancestors, else no payloads (the spec's examples only).
    pub data_dir: Option<PathBuf>,
    /// The v3/v4 spec file. `None`: located like the client's build does.
    pub spec: Option<PathBuf>,
    /// The legacy v2 spec file (with the monitoring routes). `None`: located likewise.
    pub spec_v2: Option<PathBuf>,
    /// The staging token file, whose token [`MockServer::staging_token`] hands out.
    /// `None`: `../tokens/default` beside the payloads directory, if there.
    ///
    /// [`MockServer::staging_token`]: crate::MockServer::staging_token
    pub token_file: Option<PathBuf>,
    /// The scope map (`siade_authorizations.yml`). `None`: `../data/siade_authorizations.yml`
    /// beside the payloads directory, if there. Without one, any valid token reaches every
    /// operation.
    pub authorizations: Option<PathBuf>,
    /// Length of a rate-limit window. The API counts per minute; tests shorten it.
    pub minute: Duration,
    /// Value of the `X-Cache-Expires-in` header, in seconds.
    pub cache_expires_in: u64,
    /// Requests a minute per IP, all tokens and routes together (the monitoring routes count
    /// only here). The request past it is not answered and bans the IP.
    pub ip_limit: u32,
    /// 429s a (token, bucket) window may collect: the next refused call of that window is
    /// not answered and bans the IP. A client waiting `Retry-After` gets one 429 a window.
    pub tolerated_429s: u32,
    /// How long a ban lasts. `None`: twelve hours in the mock's minutes (720 × `minute`), so
    /// shortening the minute shortens bans alike.
    pub ban: Option<Duration>,
    /// Faults injected from the start; [`MockServer::set_faults`] changes them.
    ///
    /// [`MockServer::set_faults`]: crate::MockServer::set_faults
    pub faults: FaultPlan,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            port: 0,
            data_dir: None,
            spec: None,
            spec_v2: None,
            token_file: None,
            authorizations: None,
            minute: api_entreprise::platform::WINDOW,
            cache_expires_in: 3600,
            ip_limit: api_entreprise::platform::IP_LIMIT,
            tolerated_429s: api_entreprise::platform::TOLERATED_429S,
            ban: None,
            faults: FaultPlan::none(),
        }
    }
}

/// Every file the mock reads, once located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub spec: PathBuf,
    pub spec_v2: PathBuf,
    /// `None` when not given and not found: the mock then answers from the spec alone.
    pub data_dir: Option<PathBuf>,
    pub token_file: Option<PathBuf>,
    pub authorizations: Option<PathBuf>,
}

impl MockConfig {
    /// How long a ban lasts: [`MockConfig::ban`], else 720 of the mock's minutes.
    pub(crate) fn ban_duration(&self) -> Duration {
        self.ban.unwrap_or(self.minute * BAN_MINUTES)
    }

    /// Resolves every path, from the environment and the current directory.
    pub(crate) fn locate(&self) -> Result<Located, MockError> {
        let roots = search_roots();
        self.locate_from(
            &roots,
            std::env::var_os(locate::SPEC_ENV),
            std::env::var_os(locate::SPEC_V2_ENV),
            std::env::var_os(PAYLOADS_ENV),
        )
    }

    /// [`MockConfig::locate`] with the search roots and the environment given.
    fn locate_from(
        &self,
        roots: &[PathBuf],
        spec_env: Option<OsString>,
        spec_v2_env: Option<OsString>,
        payloads_env: Option<OsString>,
    ) -> Result<Located, MockError> {
        let (spec, spec_v2) = match (&self.spec, &self.spec_v2) {
            (Some(main), Some(v2)) => (main.clone(), v2.clone()),
            (given_main, given_v2) => {
                let found = locate_specs(roots, spec_env, spec_v2_env)?;
                (
                    given_main.clone().unwrap_or(found.main),
                    given_v2.clone().unwrap_or(found.v2),
                )
            }
        };
        for (what, path) in [("spec", &spec), ("v2 spec", &spec_v2)] {
            if !path.is_file() {
                return Err(MockError::Config(format!(
                    "the {what} {} is not a file",
                    path.display()
                )));
            }
        }
        let data_dir = match &self.data_dir {
            Some(dir) if dir.is_dir() => Some(dir.clone()),
            Some(dir) => {
                return Err(MockError::Config(format!(
                    "the payloads directory {} is not a directory",
                    dir.display()
                )))
            }
            None => locate_payloads(roots, payloads_env)?,
        };
        let beside =
            |given: &Option<PathBuf>, relative: &str| -> Result<Option<PathBuf>, MockError> {
                match given {
                    Some(path) if path.is_file() => Ok(Some(path.clone())),
                    Some(path) => Err(MockError::Config(format!(
                        "{} is not a file",
                        path.display()
                    ))),
                    None => Ok(data_dir
                        .as_ref()
                        .map(|dir| dir.join(relative))
                        .filter(|p| p.is_file())),
                }
            };
        Ok(Located {
            token_file: beside(&self.token_file, TOKEN_FROM_PAYLOADS)?,
            authorizations: beside(&self.authorizations, AUTHORIZATIONS_FROM_PAYLOADS)?,
            spec,
            spec_v2,
            data_dir,
        })
    }
}

/// The current directory and its ancestors: tests run from a member crate's directory, the
/// command line from anywhere in the checkout, and `../shared` sits beside the checkout.
fn search_roots() -> Vec<PathBuf> {
    let Ok(cwd) = std::env::current_dir() else {
        return vec![PathBuf::from(".")];
    };
    cwd.ancestors().map(Path::to_path_buf).collect()
}

fn locate_specs(
    roots: &[PathBuf],
    spec_env: Option<OsString>,
    spec_v2_env: Option<OsString>,
) -> Result<locate::SpecFiles, MockError> {
    let mut first_error = None;
    for root in roots {
        match locate::locate_with(root, spec_env.clone(), spec_v2_env.clone()) {
            Ok(found) => return Ok(found),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(MockError::Config(first_error.unwrap_or_else(|| {
        "no API Entreprise spec found: give one with --spec".to_string()
    })))
}

fn locate_payloads(
    roots: &[PathBuf],
    payloads_env: Option<OsString>,
) -> Result<Option<PathBuf>, MockError> {
    if let Some(value) = payloads_env.filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(value);
        return if dir.is_dir() {
            Ok(Some(dir))
        } else {
            Err(MockError::Config(format!(
                "{PAYLOADS_ENV} names {}, which is not a directory",
                dir.display()
            )))
        };
    }
    Ok(roots
        .iter()
        .map(|root| root.join(PAYLOADS_MIRROR))
        .find(|dir| dir.is_dir()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared_root() -> Option<PathBuf> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        root.join(PAYLOADS_MIRROR).is_dir().then_some(root)
    }

    #[test]
    fn finds_everything_beside_the_checkout() {
        let Some(root) = shared_root() else {
            return;
        };
        let located = MockConfig::default()
            .locate_from(&[root], None, None, None)
            .unwrap();
        assert!(located.spec.is_file() && located.spec_v2.is_file());
        assert!(located.data_dir.is_some());
        assert!(located.token_file.is_some());
        assert!(located.authorizations.is_some());
    }

    #[test]
    fn a_given_directory_that_is_not_there_is_an_error() {
        let config = MockConfig {
            data_dir: Some(PathBuf::from("/nonexistent/payloads")),
            ..MockConfig::default()
        };
        let Some(root) = shared_root() else {
            return;
        };
        let err = config.locate_from(&[root], None, None, None).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/payloads"), "{err}");
    }

    #[test]
    fn no_payloads_found_means_examples_only() {
        let Some(root) = shared_root() else {
            return;
        };
        let spec = root.join("../shared/specs/api-entreprise/latest.yml");
        let v2 = root.join("../shared/specs/api-entreprise-v2/api-entreprise-v2.yml");
        let config = MockConfig {
            spec: Some(spec),
            spec_v2: Some(v2),
            ..MockConfig::default()
        };
        let located = config
            .locate_from(&[PathBuf::from("/nonexistent")], None, None, None)
            .unwrap();
        assert_eq!(located.data_dir, None);
        assert_eq!(located.token_file, None);
    }
}
