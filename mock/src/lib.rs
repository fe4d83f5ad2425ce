//! `apie-mock`: a local stand-in of API Entreprise, for demos, this workspace's tests and
//! downstream crates' tests, with no network.
//!
//! It serves every operation of the published specs (v3/v4, legacy v2, `/privileges`, the
//! open monitoring routes) and checks what the real server checks, in its order:
//!
//! 1. the bearer token (`401`, codes `00101` / `00103`); any well-formed JWT is accepted,
//!    signatures are not verified, an `exp` in the past is refused;
//! 2. the rate limit, per token and endpoint group, in fixed one-minute windows (`429`,
//!    `00429`, `Retry-After`), with `RateLimit-Limit/Remaining/Reset` on every answer;
//! 3. the token's scopes, when the scope map is found (`403`, `00100`);
//! 4. the traceability parameters `context`, `recipient`, `object` (`422`, every missing one
//!    in one body);
//! 5. then it answers: the staging payload recorded for exactly these parameters; else, when a
//!    path identifier is malformed by the client's own rules, `422` with the spec's code for
//!    that identifier; else the spec's success example; else the operation's 404 example.
//!
//! Error bodies are the spec's own examples, word for word. Document links in answers point
//! to the mock itself (`/mock-files/<name>`, a small PDF), so documents download offline.
//!
//! ```no_run
//! # async fn demo() -> Result<(), apie_mock::MockError> {
//! let server = apie_mock::MockServer::start().await?;
//! let url = format!(
//!     "{}/v3/insee/sirene/unites_legales/552049447?context=test&recipient=13002526500013&object=test",
//!     server.base_url()
//! );
//! // … call `url` with `Authorization: Bearer {server.staging_token()}` …
//! server.shutdown().await;
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod checks;
mod config;
mod data;
mod documents;
mod errors;
mod examples;
mod limits;
mod monitoring;
mod routes;
mod server;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{MockConfig, PAYLOADS_ENV};

/// Why the mock could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum MockError {
    /// A file or directory is missing or unusable (not found, not a file, unreadable).
    Config(String),
    /// A spec file could not be loaded into the model.
    Spec {
        /// The spec file.
        path: PathBuf,
        /// What is wrong, with positions.
        message: String,
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
    /// Loading stopped unexpectedly (a bug in the mock).
    Internal(String),
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MockError::Config(message) => write!(f, "{message}"),
            MockError::Spec { path, message } => {
                write!(f, "the spec {} cannot be used: {message}", path.display())
            }
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
            _ => None,
        }
    }
}

/// What a started server loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadSummary {
    /// Operations served, both specs together.
    pub operations: usize,
    /// Staging payload files loaded.
    pub payloads: usize,
    /// Distinct error codes found in the spec's examples.
    pub error_codes: usize,
    /// The payloads directory, when one was found.
    pub data_dir: Option<PathBuf>,
    /// The v3/v4 spec file.
    pub spec: PathBuf,
    /// The v2 spec file.
    pub spec_v2: PathBuf,
}

/// A running mock server, listening on 127.0.0.1. It stops on [`MockServer::shutdown`] or
/// when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    staging_token: Option<String>,
    summary: LoadSummary,
    warnings: Vec<String>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts on a free port with the located specs and staging payloads
    /// ([`MockConfig::default`]).
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
        // Reading and modelling two specs is a few hundred milliseconds of CPU: off the
        // async threads.
        let located_config = config.clone();
        let (located, data) = tokio::task::spawn_blocking(move || {
            let located = located_config.locate()?;
            let data = data::load(&located, &base_url)?;
            Ok::<_, MockError>((located, data))
        })
        .await
        .map_err(|e| MockError::Internal(format!("loading stopped: {e}")))??;
        let summary = LoadSummary {
            operations: data.operations.len(),
            payloads: data.payload_count(),
            error_codes: data.catalog.len(),
            data_dir: located.data_dir,
            spec: located.spec,
            spec_v2: located.spec_v2,
        };
        let staging_token = data.staging_token.clone();
        let warnings = data.warnings.clone();
        let state = Arc::new(server::AppState {
            data: Arc::new(data),
            limiter: limits::RateLimiter::new(config.minute),
            cache_expires_in: config.cache_expires_in,
            pdf: documents::demo_pdf(),
        });
        let app = axum::Router::new()
            .fallback(server::handle)
            .with_state(state)
            .into_make_service_with_connect_info::<SocketAddr>();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                // A dropped sender stops the server as a sent signal does.
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                eprintln!("apie mock: the server stopped: {e}");
            }
        });
        Ok(MockServer {
            addr,
            staging_token,
            summary,
            warnings,
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

    /// The staging token (`../tokens/default` beside the payloads), if found. The mock also
    /// accepts any other well-formed JWT.
    pub fn staging_token(&self) -> Option<String> {
        self.staging_token.clone()
    }

    /// What was loaded.
    pub fn summary(&self) -> &LoadSummary {
        &self.summary
    }

    /// Oddities met while loading, none fatal (a payload folder no operation has, a payload
    /// naming a parameter its operation does not take).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
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

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
