//! What the mock serves and how: ports, data, the length of a rate-limit minute, the per-IP
//! limit, bans, faults and maintenance windows.
//!
//! The operations, their example bodies and the error catalogue are compiled in: they come
//! from the build of the API's crate ([`MockApi`]: its `PLATFORM` and `mock_data::EXAMPLES`;
//! API Entreprise's by default), so the mock reads no spec. The only
//! files it reads are the ones it is given: a staging payloads directory (or the one
//! `API_ENTREPRISE_PAYLOADS` names) and a token file. Nothing is searched for: a mock that
//! answers differently depending on what lies around the current directory is a flaky test.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use api_entreprise::runtime::{Clock, Examples, Limit, Platform, TimeZone};

use crate::faults::FaultPlan;
use crate::maintenance::Maintenance;
use crate::MockError;

/// Environment variable naming the directory of staging payloads
/// (`<x-operationId>/*.yaml` files), read when [`MockConfig::data_dir`] is `None`.
pub const PAYLOADS_ENV: &str = "API_ENTREPRISE_PAYLOADS";

/// The staging token, seen from the payloads directory.
const TOKEN_FROM_PAYLOADS: &str = "../tokens/default";

/// The API a mock stands in for: the platform and the specs' examples of its generated
/// crate (`PLATFORM` and `mock_data::EXAMPLES`, the latter behind its `mock-data` feature).
/// One mock serves any API of the platform; [`Default`] is API Entreprise's.
#[derive(Clone, Copy)]
pub struct MockApi {
    /// Its operations, limits, auth, error envelopes, scopes.
    pub platform: &'static Platform,
    /// What its specs say by example.
    pub examples: &'static Examples,
}

impl MockApi {
    /// The API of a generated crate: `MockApi::new(&api_fictive::PLATFORM,
    /// &api_fictive::mock_data::EXAMPLES)`.
    pub const fn new(platform: &'static Platform, examples: &'static Examples) -> MockApi {
        MockApi { platform, examples }
    }
}

impl Default for MockApi {
    /// API Entreprise, from the `api-entreprise` crate.
    fn default() -> Self {
        MockApi::new(
            &api_entreprise::PLATFORM,
            &api_entreprise::mock_data::EXAMPLES,
        )
    }
}

impl std::fmt::Debug for MockApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MockApi")
            .field(&self.platform.api_name)
            .finish()
    }
}

impl PartialEq for MockApi {
    /// The same values: both are `static`s of a generated crate.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.platform, other.platform) && std::ptr::eq(self.examples, other.examples)
    }
}

impl Eq for MockApi {}

/// How the mock server is set up. [`Default`] stands in for API Entreprise
/// ([`MockConfig::for_api`] for another API): it serves the compiled-in examples (plus the
/// payloads `API_ENTREPRISE_PAYLOADS` names, if set) and enforces the real API's rules: a real
/// minute, 1000 requests a minute per IP, bans of twelve hours, no fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockConfig {
    /// The API it stands in for.
    pub api: MockApi,
    /// Port to listen on, on 127.0.0.1; 0 lets the system pick a free one.
    pub port: u16,
    /// Directory of staging payloads (`<x-operationId>/*.yaml`). `None`: the directory
    /// `API_ENTREPRISE_PAYLOADS` names, else no payloads: every operation answers from the
    /// spec's examples the client was built from.
    pub data_dir: Option<PathBuf>,
    /// The token file, whose token [`MockServer::staging_token`] hands out. `None`:
    /// `../tokens/default` beside the payloads directory, if there; else the mock makes up
    /// a token with every scope.
    ///
    /// [`MockServer::staging_token`]: crate::MockServer::staging_token
    pub token_file: Option<PathBuf>,
    /// Length of a rate-limit window. The API counts per minute; tests shorten it.
    pub minute: Duration,
    /// Value of the `X-Cache-Expires-in` header, in seconds.
    pub cache_expires_in: u64,
    /// The limits per IP, all tokens and routes together (the monitoring routes count only
    /// here), each in a window of its own on the platform's time (scaled as `minute` scales
    /// the platform's window). The request past one is not answered and bans the IP.
    pub ip_limits: Vec<Limit>,
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
    /// Maintenance windows simulated: inside one, the operation answers 503
    /// ([`crate::maintenance`]).
    pub maintenance: Vec<Maintenance>,
    /// The time zone the windows are read in: the platform's
    /// [`maintenance_time_zone`](Platform::maintenance_time_zone) unless set.
    pub time_zone: TimeZone,
    /// The wall clock the windows are read from: the system's, or a test's
    /// [`ManualClock`](api_entreprise::runtime::ManualClock) shared with its client.
    pub clock: Clock,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig::for_api(MockApi::default())
    }
}

impl MockConfig {
    /// A mock of `api` with its platform's rules: its window, per-IP limits, tolerated 429s,
    /// bans and maintenance time zone.
    pub fn for_api(api: MockApi) -> MockConfig {
        let platform = api.platform;
        MockConfig {
            api,
            port: 0,
            data_dir: None,
            token_file: None,
            minute: platform.window,
            cache_expires_in: 3600,
            ip_limits: platform.ip_limits.to_vec(),
            tolerated_429s: platform.tolerated_429s,
            ban: None,
            faults: FaultPlan::none(),
            maintenance: Vec::new(),
            time_zone: platform.maintenance_time_zone,
            clock: Clock::system(),
        }
    }
}

/// The files the mock reads, once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    /// `None` when none was given: the mock then answers from the examples alone.
    pub data_dir: Option<PathBuf>,
    /// `None`: the mock makes up its token.
    pub token_file: Option<PathBuf>,
}

impl MockConfig {
    /// How long a ban lasts: [`MockConfig::ban`], else the platform's ban in the mock's
    /// windows (720 for API Entreprise's twelve hours of one-minute windows), so that
    /// `--minute-ms` scales bans with the windows.
    pub(crate) fn ban_duration(&self) -> Duration {
        let platform = self.api.platform;
        let windows = platform.ban.as_secs() / platform.window.as_secs().max(1);
        let windows = u32::try_from(windows).unwrap_or(u32::MAX);
        self.ban.unwrap_or(self.minute * windows)
    }

    /// Resolves the paths, from the configuration and the environment.
    pub(crate) fn locate(&self) -> Result<Located, MockError> {
        self.locate_with(std::env::var_os(PAYLOADS_ENV))
    }

    /// [`MockConfig::locate`] with the environment's value given.
    fn locate_with(&self, payloads_env: Option<OsString>) -> Result<Located, MockError> {
        let data_dir = match (&self.data_dir, payloads_env.filter(|v| !v.is_empty())) {
            (Some(dir), _) if dir.is_dir() => Some(dir.clone()),
            (Some(dir), _) => {
                return Err(MockError::PayloadsDir {
                    path: dir.clone(),
                    named_by_env: None,
                })
            }
            (None, Some(value)) => {
                let dir = PathBuf::from(value);
                if !dir.is_dir() {
                    return Err(MockError::PayloadsDir {
                        path: dir,
                        named_by_env: Some(PAYLOADS_ENV),
                    });
                }
                Some(dir)
            }
            (None, None) => None,
        };
        let token_file = match &self.token_file {
            Some(path) if path.is_file() => Some(path.clone()),
            Some(path) => {
                return Err(MockError::TokenFile {
                    path: path.clone(),
                    source: None,
                })
            }
            None => data_dir
                .as_ref()
                .map(|dir| dir.join(TOKEN_FROM_PAYLOADS))
                .filter(|p| p.is_file()),
        };
        Ok(Located {
            data_dir,
            token_file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    /// A payloads folder laid out like the staging data, with a token beside it, made for
    /// this test run: these tests need nothing beside the checkout.
    /// The folder is removed when the returned guard drops (pass or fail).
    fn payloads_dir() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::Builder::new()
            .prefix("apie-mock-config-")
            .tempdir()
            .unwrap();
        let dir = root.path().join("payloads");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(root.path().join("tokens")).unwrap();
        std::fs::write(
            root.path().join("tokens/default"),
            "header.payload.signature\n",
        )
        .unwrap();
        (root, dir)
    }

    #[test]
    fn the_token_is_found_beside_the_given_payloads() {
        let (_root, dir) = payloads_dir();
        let config = MockConfig {
            data_dir: Some(dir.clone()),
            ..MockConfig::default()
        };
        let located = config.locate_with(None).unwrap();
        assert_eq!(located.data_dir, Some(dir));
        assert!(located.token_file.is_some_and(|t| t.is_file()));
    }

    #[test]
    fn the_variable_names_the_payloads_when_none_is_given() {
        let (_root, dir) = payloads_dir();
        let from_env = MockConfig::default()
            .locate_with(Some(dir.clone().into_os_string()))
            .unwrap();
        assert_eq!(from_env.data_dir, Some(dir.clone()));
        // A given directory wins over the variable.
        let given = MockConfig {
            data_dir: Some(dir.clone()),
            ..MockConfig::default()
        };
        let err = given
            .locate_with(Some(OsString::from("/nonexistent/payloads")))
            .map(|l| l.data_dir);
        assert_eq!(err.unwrap(), Some(dir));
        let bad = MockConfig::default()
            .locate_with(Some(OsString::from("/nonexistent/payloads")))
            .unwrap_err();
        assert!(
            bad.to_string().contains(PAYLOADS_ENV) && bad.to_string().contains("/nonexistent"),
            "{bad}"
        );
    }

    #[test]
    fn nothing_given_means_examples_and_a_made_up_token() {
        let located = MockConfig::default().locate_with(None).unwrap();
        assert_eq!(located.data_dir, None);
        assert_eq!(located.token_file, None);
        // An empty variable is no directory.
        let empty = MockConfig::default()
            .locate_with(Some(OsString::new()))
            .unwrap();
        assert_eq!(empty.data_dir, None);
    }

    #[test]
    fn given_paths_that_are_not_there_are_errors_naming_them() {
        let dir = MockConfig {
            data_dir: Some(PathBuf::from("/nonexistent/payloads")),
            ..MockConfig::default()
        };
        let err = dir.locate_with(None).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/payloads"), "{err}");
        let token = MockConfig {
            token_file: Some(PathBuf::from("/nonexistent/token")),
            ..MockConfig::default()
        };
        let err = token.locate_with(None).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/token"), "{err}");
    }
}
