//! Downloading the documents (PDF, ZIP) that document endpoints point to.
//!
//! A document endpoint answers JSON with a `document_url` valid for
//! `expires_in` seconds. The link is checked before anything is sent, the
//! body is streamed chunk by chunk (a balance sheet ZIP can be large), and
//! the token is never sent: the link is pre-signed and may point to another
//! host, which must not receive the bearer.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use reqwest::Url;

use super::body::{copy_limited, read_limited, ReadError};
use super::client::Client;
use super::errors::{decode_error_body, rfc3339, ConfigError, Error, ValidationError};

/// Label of downloads in errors, in place of an operation id.
const DOWNLOAD: &str = "document download";

/// A document's download link and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLink {
    /// The `document_url` of the answer.
    pub url: String,
    /// Arrival of the answer plus its `expires_in`, when it had one.
    pub expires_at: Option<SystemTime>,
}

impl DocumentLink {
    /// A link received at `received_at`, valid `expires_in` seconds.
    pub fn new(url: &str, expires_in: Option<i64>, received_at: SystemTime) -> Self {
        let expires_at = expires_in
            .and_then(|s| received_at.checked_add(Duration::from_secs(s.max(0).unsigned_abs())));
        Self {
            url: url.to_owned(),
            expires_at,
        }
    }

    /// Whether the link has expired at `now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

impl Client {
    /// Streams the document to `out`, returning the number of bytes
    /// written. `timeout` bounds the whole download (the platform's documents timeout,
    /// [`GroupRules::timeout`](super::GroupRules::timeout), when `None`).
    ///
    /// Refused before sending: an expired link, a non-`https` URL (except
    /// towards loopback, for mock servers). The token is not sent. A document
    /// larger than [`Platform::download_max_bytes`](super::Platform::download_max_bytes)
    /// stops the download with [`Error::BodyTooLarge`].
    pub async fn download_document(
        &self,
        link: &DocumentLink,
        out: &mut impl Write,
        timeout: Option<Duration>,
    ) -> Result<u64, Error> {
        if let Some(at) = link
            .expires_at
            .filter(|_| link.is_expired(SystemTime::now()))
        {
            return Err(Error::Validation(ValidationError::Parameter {
                name: "document_url".into(),
                problem: format!(
                    "expired at {}: call the endpoint again for a fresh link",
                    rfc3339(at)
                ),
            }));
        }
        let url = check_link(&link.url)?;
        let platform = self.platform();
        let timeout = timeout.unwrap_or(platform.download_group.timeout);
        let deadline = Instant::now() + timeout;
        let timed_out = || Error::Timeout {
            operation: DOWNLOAD,
            after: timeout,
        };
        let network = |e: reqwest::Error| {
            if e.is_timeout() {
                timed_out()
            } else {
                Error::Transport {
                    operation: DOWNLOAD,
                    error: e.without_url(),
                }
            }
        };
        let response = self
            .inner
            .http
            .get(url)
            .timeout(timeout)
            .send()
            .await
            .map_err(network)?;
        let status = response.status().as_u16();
        let too_large = |limit| Error::BodyTooLarge {
            operation: DOWNLOAD,
            status,
            limit,
        };
        let failed = |e: ReadError, limit| match e {
            ReadError::TooLarge => too_large(limit),
            ReadError::Network(e) => network(e),
            ReadError::TimedOut => timed_out(),
            ReadError::Write(e) => write_error(e),
        };
        if !response.status().is_success() {
            // An error answer is read as the download group's answers are.
            let limit = platform.download_group.max_body;
            let body = read_limited(response, limit)
                .await
                .map_err(|e| failed(e, limit))?;
            let envelope = &platform.error_envelope;
            return Err(Error::Api(decode_error_body(
                platform, envelope, status, &body,
            )));
        }
        let limit = platform.download_max_bytes;
        let written = copy_limited(response, out, limit, Some(deadline))
            .await
            .map_err(|e| failed(e, limit))?;
        out.flush().map_err(write_error)?;
        Ok(written)
    }

    /// Downloads the document into `path`. The bytes go to a `.part` file
    /// renamed at the end, so a failed download never leaves a truncated
    /// document under the final name, nor destroys an existing one.
    pub async fn download_document_to_file(
        &self,
        link: &DocumentLink,
        path: &Path,
        timeout: Option<Duration>,
    ) -> Result<u64, Error> {
        let mut part = path.as_os_str().to_owned();
        part.push(".part");
        let part = std::path::PathBuf::from(part);
        let io = |error: std::io::Error, p: &Path| {
            Error::Config(ConfigError::File {
                path: p.to_owned(),
                error,
            })
        };
        let mut file = std::fs::File::create(&part).map_err(|e| io(e, &part))?;
        let result = self.download_document(link, &mut file, timeout).await;
        drop(file);
        match result {
            Ok(n) => {
                std::fs::rename(&part, path).map_err(|e| io(e, path))?;
                Ok(n)
            }
            Err(e) => {
                // Best effort: the error to report is the download's.
                let _ = std::fs::remove_file(&part);
                Err(e)
            }
        }
    }
}

/// The link as a URL, if it is one the client may follow.
/// The error of a writer that refused the document's bytes.
fn write_error(e: std::io::Error) -> Error {
    Error::Config(ConfigError::DocumentWrite { error: e })
}

fn check_link(raw: &str) -> Result<Url, Error> {
    let refuse = |problem: String| {
        Error::Validation(ValidationError::Parameter {
            name: "document_url".into(),
            problem,
        })
    };
    let url = Url::parse(raw).map_err(|e| refuse(format!("is not a URL: {e}")))?;
    match super::environment::check_base_url(url.origin().ascii_serialization().as_str()) {
        Ok(_) => Ok(url),
        Err(_) => Err(refuse(format!(
            "must be https:// (http:// only on loopback), not {}://",
            url.scheme()
        ))),
    }
}
