//! `apie-mock`: a local stand-in of API Entreprise, for demos, this workspace's tests and
//! downstream crates' tests, with no network.
//!
//! It serves every operation the `api-entreprise` client was built with (v3/v4, legacy v2,
//! `/privileges`, the open monitoring routes), from what the client's build emitted for it
//! (the `mock-data` feature: example bodies, error catalogue) and the client's own metadata
//! and scope table, so the mock and the client cannot disagree; it reads no spec. It checks
//! what the real server checks, in its order:
//!
//! 1. the bearer token (`401`, codes `00101` / `00103`); any well-formed JWT is accepted,
//!    signatures are not verified, an `exp` in the past is refused;
//! 2. the rate limit, per token and endpoint group, in fixed one-minute windows (`429`,
//!    `00429`, `Retry-After`), with `RateLimit-Limit/Remaining/Reset` on every answer (the
//!    monitoring routes, which count only per IP, show their IP's window);
//! 3. the token's scopes, from the client's scope table (`403`, `00100`);
//! 4. the traceability parameters `context`, `recipient`, `object` (`422`, every missing one
//!    in one body);
//! 5. then it answers: the staging payload recorded for exactly these parameters (when given
//!    a payloads directory); else, when a path identifier is malformed by the client's own
//!    rules, `422` with the spec's code for that identifier; else the spec's success example;
//!    else the operation's 404 example.
//!
//! Before all that, every request counts against its IP, as on the real server (see
//! [Limits and bans](#limits-and-bans)), and a request body sent as JSON must be JSON (`400`;
//! `413` past 1 MiB).
//!
//! Error bodies are the spec's own examples, word for word. Document links in answers point
//! to the mock itself (`/mock-files/<name>`, a small PDF), so documents download offline.
//!
//! ```no_run
//! # async fn demo() -> Result<(), apie_mock::MockError> {
//! // The spec's examples alone; `MockConfig { data_dir: Some(…), .. }` adds staging payloads.
//! let server = apie_mock::MockServer::start().await?;
//! let url = format!(
//!     "{}/v3/insee/sirene/unites_legales/552049447?context=test&recipient=13002526500013&object=test",
//!     server.base_url()
//! );
//! // … call `url` with `Authorization: Bearer {server.staging_token()}` …
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! [`MockService`] is the same handling without a socket: a request handed over in-process
//! gets what a server would answer (`None` where it would close the connection), for tests
//! and fuzzing that want no network.
//!
//! # Limits and bans
//!
//! As the real server, with every duration in the mock's minutes ([`MockConfig::minute`]):
//!
//! - per token (or per IP, for a group the profile counts so) and bucket: one bucket a limit
//!   of the operation's group (`json` 250, `documents` 50; `json[1]` for a group's second
//!   limit), each in its own window (a minute, a second), and one for an operation's own
//!   limit (DGFIP's fiscal certificate's 5), counted beside its group's as the client counts
//!   it; fixed windows opened by the first call: past a limit, `429` with `Retry-After`
//!   (seconds to the window's end, at least 1);
//! - per IP, all tokens together and the monitoring routes included (they count only there):
//!   each of [`MockConfig::ip_limits`] (1000 a minute) in its own window (bucket `ip`, `ip[1]`
//!   for a second limit). The request past one gets no answer, and bans the IP;
//! - a (token, bucket) window that collects more than [`MockConfig::tolerated_429s`] (10)
//!   429s bans its IP: the refused call past the tolerance gets no answer;
//! - a ban lasts [`MockConfig::ban`], by default twelve hours of mock minutes (720 ×
//!   `minute`). A banned IP gets no answer at all: its new connections are closed before a
//!   byte is written, and requests on connections already open close them. Clients see a
//!   transport error, not an HTTP status.
//!
//! The limits of windows opening later, the bans and the faults change at run time:
//! [`MockServer::set_limit`], [`MockServer::unban_all`], [`MockServer::set_faults`], and
//! [`MockServer::stats`] says what happened.
//!
//! # Faults
//!
//! [`FaultPlan`]: delays, 5xx statuses with error bodies, connection resets, truncated JSON,
//! slow bodies, each on every N-th request, optionally of a path prefix. Spec strings read
//! `KIND[@every=N][@path=PREFIX]`: `503@every=5`, `delay=200ms@every=3`, `reset@every=7`,
//! `malformed@every=4`, `slow-body=2s@every=10`, `502@path=/v3/insee` (see [`Fault`]).
//! Faulted requests count against the limits as others do.
//!
//! # Control routes
//!
//! A running server (`apie mock`) is driven over HTTP under `/__mock/`. These routes are not
//! counted, faulted nor refused, even while the caller is banned, so an operator can unban:
//!
//! | Route | Does |
//! |---|---|
//! | `GET /__mock/stats` | [`MockStats`] as JSON; ban ends in epoch seconds |
//! | `GET /__mock/faults` | `{"faults": ["503@every=5", …]}` |
//! | `PUT /__mock/faults` | replaces the plan: a JSON list of specs, `{"faults": […]}`, or text, one spec a line |
//! | `DELETE /__mock/faults` | no more faults |
//! | `GET /__mock/limits` | the limit of each bucket for windows opening now |
//! | `PUT /__mock/limits/<bucket>` | body: the new limit (`ip`, a group's bucket such as `json`, or an x-operationId with its own limit) |
//! | `POST /__mock/unban` | lifts every ban: `{"unbanned": N}` |

#![deny(missing_docs)]

mod bans;
mod checks;
mod config;
mod control;
mod data;
mod documents;
mod errors;
mod faults;
mod limits;
mod listener;
pub mod maintenance;
mod monitoring;
mod routes;
mod server;
mod service;
mod stats;
mod token;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{MockApi, MockConfig, PAYLOADS_ENV};
pub use control::UnknownBucket;
pub use faults::{Fault, FaultKind, FaultPlan, FaultSpecError};
pub use maintenance::{Maintenance, MaintenanceProblem, MaintenanceSpecError};
pub use service::MockService;
pub use stats::MockStats;

/// Why the mock could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum MockError {
    /// The payloads directory is not a directory.
    PayloadsDir {
        /// The path given.
        path: PathBuf,
        /// The environment variable that named it, when the configuration did not.
        named_by_env: Option<&'static str>,
    },
    /// The token file is not a file, or cannot be read.
    TokenFile {
        /// The path given.
        path: PathBuf,
        /// Why reading it failed; `None` when it is no file at all.
        source: Option<std::io::Error>,
    },
    /// A maintenance window asked for (`--maintenance`) that the client cannot resolve.
    Maintenance {
        /// The entry as given.
        given: Maintenance,
        /// What is wrong with it.
        problem: MaintenanceProblem,
    },
    /// A staging payload file is not in the expected format.
    Payload {
        /// The payload file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The port could not be bound.
    Bind {
        /// The port asked for.
        port: u16,
        /// The system's reason.
        source: std::io::Error,
    },
    /// Loading stopped unexpectedly, or the compiled-in data is unusable (a bug).
    Internal(String),
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MockError::PayloadsDir {
                path,
                named_by_env: None,
            } => write!(
                f,
                "the payloads directory {} is not a directory",
                path.display()
            ),
            MockError::PayloadsDir {
                path,
                named_by_env: Some(var),
            } => write!(
                f,
                "{var} names {}, which is not a directory",
                path.display()
            ),
            MockError::TokenFile { path, source: None } => {
                write!(f, "the token file {} is not a file", path.display())
            }
            MockError::TokenFile {
                path,
                source: Some(e),
            } => write!(f, "{}: cannot read it: {e}", path.display()),
            MockError::Maintenance { given, problem } => match problem {
                MaintenanceProblem::UnknownOperation => write!(
                    f,
                    "--maintenance {given}: no operation {} in the client",
                    given.operation
                ),
                MaintenanceProblem::NoWindow => write!(
                    f,
                    "--maintenance {given}: the spec gives {} no maintenance window: \
                     give one (OPERATION@HH:MM-HH:MM)",
                    given.operation
                ),
            },
            MockError::Payload { path, message } => {
                write!(f, "the payload file {}: {message}", path.display())
            }
            MockError::Bind { port, source } => {
                write!(f, "cannot listen on 127.0.0.1:{port}: {source}")
            }
            MockError::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

impl std::error::Error for MockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MockError::Bind { source, .. } => Some(source),
            MockError::TokenFile {
                source: Some(source),
                ..
            } => Some(source),
            _ => None,
        }
    }
}

/// What a started server serves from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadSummary {
    /// Operations served: the client's, every spec together.
    pub operations: usize,
    /// The spec files the client, and so the mock, was built from (file names, the root
    /// spec first).
    pub specs: Vec<&'static str>,
    /// Staging payload files loaded.
    pub payloads: usize,
    /// Distinct error codes found in the spec's examples.
    pub error_codes: usize,
    /// The payloads directory, when one was given ([`MockConfig::data_dir`] or
    /// [`PAYLOADS_ENV`]); `None`: every answer comes from the spec's examples.
    pub data_dir: Option<PathBuf>,
    /// The file [`MockServer::staging_token`] was read from; `None`: the mock made the
    /// token up.
    pub token_file: Option<PathBuf>,
}

/// A running mock server, listening on 127.0.0.1. It stops on [`MockServer::shutdown`] or
/// when dropped.
pub struct MockServer {
    addr: SocketAddr,
    service: Arc<MockService>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts on a free port with [`MockConfig::default`]: the spec's examples, and the
    /// staging payloads of [`PAYLOADS_ENV`] if set.
    pub async fn start() -> Result<MockServer, MockError> {
        MockServer::start_with(MockConfig::default()).await
    }

    /// Starts with `config`. Everything is loaded before this returns; a file that cannot be
    /// used is an error naming it.
    ///
    /// The server runs as a task of the calling tokio runtime: on a current-thread runtime
    /// (`#[tokio::test]`), call it with an async client, as a blocking call would keep the
    /// server from running.
    pub async fn start_with(config: MockConfig) -> Result<MockServer, MockError> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|source| MockError::Bind {
                port: config.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind {
            port: config.port,
            source,
        })?;
        let base_url = format!("http://{addr}");
        // Parsing the compiled-in examples and reading a payloads directory (a few hundred
        // files) is CPU and disk work: off the async threads.
        let service = tokio::task::spawn_blocking(move || MockService::new(&config, &base_url))
            .await
            .map_err(|e| MockError::Internal(format!("loading stopped: {e}")))??;
        let service = Arc::new(service);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(listener::serve(listener, service.state.clone(), stopped));
        Ok(MockServer {
            addr,
            service,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address the server listens on (127.0.0.1 and its port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, to give a client as its base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A token the mock accepts, with the scopes of every operation: the one of
    /// [`MockConfig::token_file`], else the staging token beside the payloads directory
    /// (`<payloads>/../tokens/default`), else one the mock made up (an unsigned JWT with
    /// every scope of the client's table, expiring in a year; see
    /// [`LoadSummary::token_file`]). The mock also accepts any other well-formed JWT.
    pub fn staging_token(&self) -> String {
        self.service.staging_token()
    }

    /// What was loaded.
    pub fn summary(&self) -> &LoadSummary {
        self.service.summary()
    }

    /// Oddities met while loading, none fatal (a payload folder no operation has, a payload
    /// naming a parameter its operation does not take, a token file that holds no JWT).
    pub fn warnings(&self) -> &[String] {
        self.service.warnings()
    }

    /// What the server has done so far: requests, answers by status, bans, drops, faults,
    /// and the IPs banned now.
    pub fn stats(&self) -> MockStats {
        self.service.stats()
    }

    /// Sets the limit of `bucket` (`ip`, a group's bucket such as `json` or `json[1]`, or
    /// the x-operationId of an operation whose limit is its own) for the windows opening after this call. A window
    /// keeps the limit it opened with, and shows it in `RateLimit-Limit`.
    pub fn set_limit(&self, bucket: &str, limit: u32) -> Result<(), UnknownBucket> {
        self.service.set_limit(bucket, limit)
    }

    /// Lifts every ban, and forgets what led to them (the per-IP windows and the 429 tallies),
    /// so the next call is answered. Returns how many IPs were banned.
    pub fn unban_all(&self) -> usize {
        self.service.unban_all()
    }

    /// The simulated maintenance windows, each `OPERATION@HH:MM-HH:MM ZONE`.
    pub fn maintenance(&self) -> Vec<String> {
        self.service.maintenance()
    }

    /// The faults in force.
    pub fn faults(&self) -> FaultPlan {
        self.service.faults()
    }

    /// Replaces the faults; each one counts requests afresh from now on.
    pub fn set_faults(&self, plan: FaultPlan) {
        self.service.set_faults(plan);
    }

    /// Stops accepting connections and waits (up to 5 s) for the ones in flight to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the loaded data: megabytes of payloads would drown a test's failure message.
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("summary", self.service.summary())
            .finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
