//! Why a client, a throttle or a call cannot work as configured: typed, so a caller can match
//! on what went wrong (a secret missing, a base URL refused…) instead of reading text. Nothing
//! was sent when one of these is returned.

use std::path::PathBuf;
use std::time::Duration;

/// What is wrong with the configuration ([`Error::Config`](super::Error::Config)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not one the client may send a secret to.
    #[error("invalid base URL: {0}")]
    BaseUrl(#[from] BaseUrlError),
    /// The secret (token or API key) could not be read.
    #[error("{from} {problem}")]
    Secret {
        /// Where it was looked for.
        from: SecretSource,
        /// What was wrong with it.
        problem: SecretProblem,
    },
    /// The operation sends a secret and the client has none.
    #[error("{operation}: this operation needs a token (ClientBuilder::token)")]
    SecretNeeded {
        /// The operation called.
        operation: &'static str,
    },
    /// The secret holds characters an HTTP header cannot carry (never quoted: it is the
    /// secret).
    #[error("the token contains characters not allowed in a header")]
    SecretNotHeaderSafe,
    /// A request could not be built from the operation's metadata and parameters.
    #[error("{operation}: {problem}")]
    Request {
        /// The operation called.
        operation: &'static str,
        /// What could not be built.
        problem: RequestProblem,
    },
    /// The HTTP client could not be created (TLS roots, proxy settings…).
    #[error("cannot create the HTTP client: {}", super::super::client::describe(.error))]
    HttpClient {
        /// reqwest's error.
        #[source]
        error: reqwest::Error,
    },
    /// A Redis URL is set but the client was built without the `redis` feature.
    #[error(
        "{var} is set, but this build of the client has no `redis` feature: its calls would \
         not share the fleet's budget"
    )]
    RedisFeatureMissing {
        /// The environment variable naming the Redis server.
        var: String,
    },
    /// A shared throttle times every bucket by one window, and this platform counts some
    /// limit in another.
    #[error(
        "a shared throttle counts every bucket in one window length, and {api}'s {bucket} \
         counts in {window:?} windows against {platform_window:?} for the others: use \
         Throttle::new for this platform"
    )]
    MixedWindows {
        /// The API.
        api: &'static str,
        /// The group or operation whose limit counts in another window.
        bucket: &'static str,
        /// That limit's window.
        window: Duration,
        /// The platform's.
        platform_window: Duration,
    },
    /// The Redis server of a shared throttle cannot be used.
    #[error("{}{message}", .var.as_ref().map(|v| format!("{v}: ")).unwrap_or_default())]
    Redis {
        /// The environment variable it was named by, when it was.
        var: Option<String>,
        /// What the Redis client said.
        message: String,
    },
    /// A file could not be created, written or renamed.
    #[error("{}: {error}", .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The system's error.
        #[source]
        error: std::io::Error,
    },
    /// The writer given a download refused the document's bytes.
    #[error("cannot write the downloaded document: {error}")]
    DocumentWrite {
        /// The writer's error.
        #[source]
        error: std::io::Error,
    },
}

/// Why a base URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BaseUrlError {
    /// Not a URL.
    #[error("{0}")]
    Unparsable(#[from] url::ParseError),
    /// It holds a user name or password.
    #[error("the base URL must not contain credentials")]
    Credentials,
    /// It holds a query or a fragment.
    #[error("the base URL must not contain a query or a fragment")]
    QueryOrFragment,
    /// Plain HTTP to a host that is not the local machine: the secret would travel in clear.
    #[error("plain http:// is only allowed for loopback hosts, not {host:?}: use https://")]
    PlainHttp {
        /// The host.
        host: String,
    },
    /// Neither `https` nor `http`.
    #[error("unsupported base URL scheme {scheme:?}: use https://")]
    Scheme {
        /// The scheme given.
        scheme: String,
    },
}

/// Where a secret was looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable.
    EnvVar(String),
    /// A file.
    File(PathBuf),
}

impl std::fmt::Display for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSource::EnvVar(var) => write!(f, "{var}"),
            SecretSource::File(path) => write!(f, "token file {}", path.display()),
        }
    }
}

/// What was wrong with a secret's source (never its content).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretProblem {
    /// The variable is not set.
    #[error("is not set")]
    NotSet,
    /// The variable is not UTF-8.
    #[error("is not valid UTF-8")]
    NotUnicode,
    /// Blank once trimmed.
    #[error("is empty")]
    Empty,
    /// The file could not be read.
    #[error("cannot be read: {0}")]
    Unreadable(#[source] std::io::Error),
}

/// What of a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestProblem {
    /// The path does not start with `/`.
    #[error("path must start with '/'")]
    RelativePath,
    /// The base URL and the path make no URL.
    #[error("cannot build the URL: {0}")]
    Url(#[from] url::ParseError),
    /// The metadata's method is not an HTTP method.
    #[error("invalid HTTP method {0:?}")]
    Method(&'static str),
    /// A header name given is not one.
    #[error("invalid header name {0:?}")]
    HeaderName(String),
    /// A header value holds characters a header cannot carry.
    #[error("invalid value for header {0}")]
    HeaderValue(String),
    /// The spec's API key header is not a header name.
    #[error("the spec's API key header {0:?} is not a valid header name")]
    ApiKeyHeader(&'static str),
}
