//! Error types of the client and decoding of response bodies.
//!
//! No error message built here may contain the token: errors only ever see
//! status codes, bodies sent by the server and static operation names.

use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::identifiers::IdentifierError;

mod config;

use super::platform::Platform;
pub use config::{BaseUrlError, ConfigError, RequestProblem, SecretProblem, SecretSource};

/// The one error type returned by the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused locally, before anything was sent.
    #[error("invalid request: {0}")]
    Validation(#[from] ValidationError),
    /// The API answered with an error status.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The API answered with a success status but a body that does not
    /// match the expected model.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// No complete answer arrived in time.
    #[error(
        "{operation}: no answer after {after:?}: the provider may be slow or down; \
         retry later, or raise the timeout (CallOptions::timeout)"
    )]
    Timeout {
        /// Operation that timed out.
        operation: &'static str,
        /// Timeout that applied to the call.
        after: Duration,
    },
    /// The request could not be sent or the answer could not be read
    /// (DNS, TLS, connection reset…).
    #[error(
        "{operation}: transport error: {} (check the network and the base URL; several in a \
         row from every endpoint may mean the IP is blocked)",
        super::client::describe(.error)
    )]
    Transport {
        /// Operation that failed.
        operation: &'static str,
        /// reqwest's error, its URL removed (it may hold an API key sent in the query); its
        /// source chain says what failed (DNS, TLS, connection reset…).
        #[source]
        error: reqwest::Error,
    },
    /// The client is not configured for this call (missing token, bad base
    /// URL…): nothing was sent.
    #[error("configuration error: {0}")]
    Config(#[from] ConfigError),
    /// The rate limit leaves no room before the deadline the caller set
    /// (`CallOptions::max_wait`, `ClientBuilder::max_wait`). Nothing was
    /// sent.
    #[error(
        "{operation}: the {bucket} rate limit leaves no room within the allowed wait: \
         try again at {}",
        rfc3339(*.retry_at)
    )]
    Throttled {
        /// Operation that was not sent.
        operation: &'static str,
        /// The bucket that is full or closed: `json`, `documents`, `ip` or
        /// an x-operationId with a limit of its own.
        bucket: String,
        /// When the call could go.
        retry_at: SystemTime,
    },
    /// Several calls in a row got no answer at all, as when API Entreprise
    /// bans an IP (12 hours, after its limits were exceeded or its 429s
    /// ignored). All traffic to the host is stopped; nothing was sent.
    #[error(
        "{operation}: {failures} calls in a row got no answer at all: possible IP ban by \
         {}; all traffic to this host is stopped until {} (check the network; \
         if it was an outage, Throttle::reset_breaker lifts the stop)",
        .api,
        rfc3339(*.until)
    )]
    PossibleBan {
        /// The API's name ([`Platform::api_name`](super::Platform::api_name)).
        api: &'static str,
        /// Operation that was not sent.
        operation: &'static str,
        /// Until when traffic is stopped.
        until: SystemTime,
        /// Calls without answer that tripped the breaker.
        failures: u32,
    },
    /// The operation's provider is in its daily maintenance window (the spec's
    /// `x-maintenances`), and the caller asked not to send into it
    /// ([`OnMaintenance::Fail`](super::OnMaintenance::Fail)), or to wait no longer than the
    /// window lasts. Nothing was sent.
    #[error(
        "{operation}: its provider is in its daily maintenance window until {}: not sent; \
         try again then",
        rfc3339(*.until)
    )]
    Maintenance {
        /// Operation that was not sent.
        operation: &'static str,
        /// When the window ends.
        until: SystemTime,
    },
    /// The answer's body (or the downloaded document) is larger than the client
    /// reads ([`GroupRules::max_body`](super::GroupRules::max_body),
    /// [`Platform::download_max_bytes`](super::Platform::download_max_bytes)): it was
    /// not read further, nor kept. The server, or a proxy on the way, is misbehaving.
    #[error(
        "{operation}: the answer (status {status}) is larger than the {limit} bytes the \
         client reads: not read further (a server or a proxy on the way is misbehaving)"
    )]
    BodyTooLarge {
        /// Operation (or download) whose answer was refused.
        operation: &'static str,
        /// HTTP status of the answer.
        status: u16,
        /// The bound, in bytes.
        limit: u64,
    },
}

impl Error {
    /// HTTP status of the answer, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl From<IdentifierError> for Error {
    fn from(e: IdentifierError) -> Self {
        Error::Validation(ValidationError::Identifier(e))
    }
}

/// Why a request was refused before being sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// A path parameter is not a valid identifier.
    #[error(transparent)]
    Identifier(#[from] IdentifierError),
    /// The traceability parameters (`context`, `recipient`, `object`) are
    /// missing or wrong.
    #[error("traceability: {0}")]
    Traceability(String),
    /// A parameter is missing, unknown or has a value the operation does
    /// not accept.
    #[error("parameter `{name}` {problem}")]
    Parameter {
        /// Name of the parameter.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The operation requires a request body and none was given.
    #[error("{operation} requires a request body, and none was given")]
    RequestBodyMissing {
        /// The operation's x-operationId.
        operation: &'static str,
    },
    /// The token's expiry date has passed; the API would answer 401.
    #[error(
        "the token expired on {expired_at}: renew it{}",
        .renew_at.map(|u| format!(" on {u}")).unwrap_or_default()
    )]
    TokenExpired {
        /// Where to renew it ([`Platform::token_renewal_url`](super::Platform::token_renewal_url)).
        renew_at: Option<&'static str>,
        /// Expiry date of the token (RFC 3339).
        expired_at: String,
    },
}

/// The errors of an answer as this client holds them (`{"errors": [...]}`,
/// what `apie decode` prints); the server's own layout is read through
/// [`ErrorEnvelope`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The errors, usually exactly one.
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

/// One error of an [`ErrorBody`]. Every field has a default so a partial
/// item still decodes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorItem {
    /// API Entreprise error code, e.g. `"00301"`; the first two digits
    /// identify the provider.
    #[serde(deserialize_with = "lenient_string")]
    pub code: String,
    /// Short title.
    #[serde(deserialize_with = "lenient_string")]
    pub title: String,
    /// Explanation, often with what to do.
    #[serde(deserialize_with = "lenient_string")]
    pub detail: String,
    /// Which parameter caused the error, when known.
    pub source: Option<Value>,
    /// Extra information (provider, retry delay…).
    #[serde(deserialize_with = "null_as_default")]
    pub meta: ErrorMeta,
}

/// `meta` object of an [`ErrorItem`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorMeta {
    /// Provider that failed (INSEE, DGFIP…), when relevant.
    #[serde(deserialize_with = "lenient_opt_string")]
    pub provider: Option<String>,
    /// Seconds to wait before retrying, when the server says so.
    #[serde(deserialize_with = "lenient_opt_i64")]
    pub retry_in: Option<i64>,
    /// Any other field.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// String, number, boolean or null, as text (null → empty); error codes
/// sometimes arrive as numbers.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(lenient_opt_string(d)?.unwrap_or_default())
}

fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other @ (Value::Number(_) | Value::Bool(_)) => Some(other.to_string()),
        other => return Err(serde::de::Error::custom(format!("unexpected {other}"))),
    })
}

/// Integer, float (truncated), numeric string or null.
fn lenient_opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        // `as` saturates on absurd values, which is fine for a delay hint.
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The API answered with an error status.
#[derive(Clone)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// Decoded errors; empty exactly when [`not_understood`](Self::not_understood) says why.
    pub errors: Vec<ErrorItem>,
    /// Why the body is not the platform's error envelope (a proxy's HTML page, an empty
    /// body, JSON of another shape); `None` when it was read. The body is in `raw_body`.
    /// Boxed: it is rare, and `Error` stays small enough to be returned everywhere.
    pub not_understood: Option<Box<BodyNotUnderstood>>,
    /// The body as received (lossily converted to UTF-8).
    pub raw_body: String,
    /// Delay from the `Retry-After` header, when present (rate limiting).
    pub retry_after: Option<Duration>,
    /// When the server says the call may succeed again: the answer's
    /// arrival plus `meta.retry_in` or `Retry-After`. Set by the client.
    pub retry_at: Option<SystemTime>,
    /// The platform that answered: its name for messages, its advice. One pointer, so
    /// that `Error` stays small.
    platform: &'static Platform,
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiError")
            .field("api", &self.platform.api_name)
            .field("status", &self.status)
            .field("errors", &self.errors)
            .field("not_understood", &self.not_understood)
            .field("raw_body", &self.raw_body)
            .field("retry_after", &self.retry_after)
            .field("retry_at", &self.retry_at)
            .finish()
    }
}

/// Equal when every field is, from the same platform.
impl PartialEq for ApiError {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.platform, other.platform)
            && self.status == other.status
            && self.errors == other.errors
            && self.not_understood == other.not_understood
            && self.raw_body == other.raw_body
            && self.retry_after == other.retry_after
            && self.retry_at == other.retry_at
    }
}

impl ApiError {
    /// Code of the first error, e.g. `"00301"`.
    pub fn first_code(&self) -> Option<&str> {
        self.errors
            .first()
            .map(|e| e.code.as_str())
            .filter(|c| !c.is_empty())
    }

    /// The longest `meta.retry_in` of the errors: how long the provider
    /// asks to wait before trying again.
    pub fn retry_in(&self) -> Option<Duration> {
        self.errors
            .iter()
            .filter_map(|e| e.meta.retry_in)
            .filter(|s| *s >= 0)
            .max()
            .map(|s| Duration::from_secs(s.unsigned_abs()))
    }

    /// Providers of the errors (INSEE, DGFIP…), in order, without repeats.
    pub fn providers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in self
            .errors
            .iter()
            .filter_map(|e| e.meta.provider.as_deref())
        {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// The errors' codes as the generated enum, for `match`.
    pub fn codes<C: for<'a> From<&'a ErrorItem>>(&self) -> Vec<C> {
        self.errors.iter().map(C::from).collect()
    }

    /// What to do about this error, in plain words.
    pub fn advice(&self) -> &'static str {
        self.platform.advice(self.status)
    }

    /// The name of the API that answered ([`Platform::api_name`](super::Platform::api_name)).
    pub fn api(&self) -> &'static str {
        self.platform.api_name
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} answered HTTP {}",
            self.platform.api_name, self.status
        )?;
        if let Some(why) = &self.not_understood {
            // Said in the message, so that a log line never reads as an error with no detail.
            write!(
                f,
                ", with a body that is not its error format ({why}; kept as received)"
            )?;
        }
        if let Some(first) = self.errors.first() {
            if !first.code.is_empty() {
                write!(f, " [{}]", first.code)?;
            }
            for part in [&first.title, &first.detail] {
                if !part.is_empty() {
                    write!(f, ": {part}")?;
                }
            }
        }
        write!(f, " ({})", self.advice())?;
        if let Some(at) = self.retry_at {
            write!(f, "; try again after {}", rfc3339(at))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Where an error answer's body stops matching the platform's error envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyNotUnderstood {
    /// JSON pointer of the part of the envelope that is missing or of another type
    /// (`/errors`, `/errors/0/code`); `""` for the whole body.
    pub pointer: String,
    /// What was expected there and what was found.
    pub problem: String,
}

impl std::fmt::Display for BodyNotUnderstood {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "at `{}`: {}", self.pointer, self.problem)
        }
    }
}

/// `2026-11-30T14:00:00Z`, or the raw epoch seconds if out of range.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    let secs = match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("epoch second {secs}"))
}

/// A success answer whose body does not match the expected model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not decode the HTTP {status} body at `{path}`: {message}")]
pub struct DecodeError {
    /// HTTP status code.
    pub status: u16,
    /// JSON path of the first value that did not fit, e.g.
    /// `"data.unite_legale.date_creation"`, or `"."` for the whole body.
    pub path: String,
    /// What did not fit.
    pub message: String,
    /// The body as received (lossily converted to UTF-8).
    pub raw_body: String,
}

/// Decodes a success body, reporting where it stops matching `T`.
pub fn decode_body<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, DecodeError> {
    // Only the decoding itself is generic: it is compiled once per model.
    let mut de = serde_json::Deserializer::from_slice(body);
    // Matches, not closures: a closure in this generic function is compiled once per model.
    let value = match T::deserialize(&mut de) {
        Ok(value) => value,
        Err(e) => return Err(decode_failure(status, body, &e, false)),
    };
    // Trailing garbage after the JSON value means the body is not what we
    // think it is, even if its beginning fitted.
    match de.end() {
        Ok(()) => Ok(value),
        Err(e) => Err(decode_failure(status, body, &e, true)),
    }
}

/// The error of a body that does not fit: where (its path, found from the error's position
/// only now that decoding failed: `json_path`; the root for what trails the value) and why.
fn decode_failure(
    status: u16,
    body: &[u8],
    error: &serde_json::Error,
    trailing: bool,
) -> DecodeError {
    DecodeError {
        status,
        path: if trailing {
            ".".to_owned()
        } else {
            super::json_path::error_path(body, error)
        },
        message: error.to_string(),
        raw_body: String::from_utf8_lossy(body).into_owned(),
    }
}

/// Where an error body holds what the client reads, as JSON pointers (the
/// platform's [`Platform::error_envelope`](super::Platform::error_envelope),
/// from the profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorEnvelope {
    /// The list of errors in the body; `""`: the body is one error.
    pub items: &'static str,
    /// The error code, in an item.
    pub code: &'static str,
    /// Its short title.
    pub title: &'static str,
    /// Its explanation.
    pub detail: &'static str,
    /// Which parameter caused it.
    pub source: &'static str,
    /// The data provider that failed.
    pub provider: &'static str,
    /// Seconds to wait before retrying.
    pub retry_in: &'static str,
}

impl ErrorEnvelope {
    /// The items of a body; a field that does not read is left empty, the
    /// rest of its item kept. A body that is not the envelope gives no item:
    /// [`try_read`](Self::try_read) says why.
    pub fn read(&self, body: &Value) -> Vec<ErrorItem> {
        self.try_read(body).unwrap_or_default()
    }

    /// The items of a body, or where it is not the envelope: no error list (or no
    /// error object, for a platform whose body is one error), or no error in it with a
    /// code. A code is what makes an object an error of this API: without the check,
    /// `{"foo": 1}` would read as one error with every field empty.
    pub fn try_read(&self, body: &Value) -> Result<Vec<ErrorItem>, BodyNotUnderstood> {
        let not_understood = |pointer: &str, problem: String| BodyNotUnderstood {
            pointer: pointer.to_owned(),
            problem,
        };
        let items: Vec<&Value> = if self.items.is_empty() {
            if !body.is_object() {
                let found = json_kind(body);
                return Err(not_understood(
                    "",
                    format!("expected an error object, found {found}"),
                ));
            }
            vec![body]
        } else {
            match body.pointer(self.items) {
                Some(Value::Array(items)) if items.is_empty() => {
                    return Err(not_understood(
                        self.items,
                        "the list of errors is empty".into(),
                    ))
                }
                Some(Value::Array(items)) => items.iter().collect(),
                Some(other) => {
                    let found = json_kind(other);
                    return Err(not_understood(
                        self.items,
                        format!("expected a list of errors, found {found}"),
                    ));
                }
                None => return Err(not_understood(self.items, "no list of errors".into())),
            }
        };
        let read: Vec<ErrorItem> = items
            .into_iter()
            // An item that is no object, or whose code is an object or a list, is not an
            // error of this API: dropped, so that it does not hide the others.
            .filter(|item| {
                item.is_object()
                    && !matches!(
                        item.pointer(self.code),
                        Some(Value::Object(_) | Value::Array(_))
                    )
            })
            .map(|item| self.item(item))
            .collect();
        if read.iter().all(|item| item.code.is_empty()) {
            // The first item's code: where a reader of the body would look first.
            let at = if self.items.is_empty() {
                self.code.to_owned()
            } else {
                format!("{}/0{}", self.items, self.code)
            };
            let problem = if self.items.is_empty() {
                "the error has no code"
            } else {
                "no error of the list has a code"
            };
            return Err(not_understood(&at, problem.into()));
        }
        Ok(read)
    }

    fn item(&self, item: &Value) -> ErrorItem {
        let text = |pointer: &str| item.pointer(pointer).and_then(scalar_text);
        // The other fields beside `provider` (API Entreprise's `meta`) are kept.
        let mut extra = serde_json::Map::new();
        if let Some((parent, _)) = self.provider.rsplit_once('/') {
            if let Some(Value::Object(map)) = item.pointer(parent).filter(|_| !parent.is_empty()) {
                let leaf = |p: &str| {
                    p.strip_prefix(parent)
                        .map(|l| l.trim_start_matches('/').to_owned())
                };
                let known = [leaf(self.provider), leaf(self.retry_in)];
                extra = map
                    .iter()
                    .filter(|(k, _)| !known.iter().any(|l| l.as_deref() == Some(k.as_str())))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
            }
        }
        ErrorItem {
            code: text(self.code).unwrap_or_default(),
            title: text(self.title).unwrap_or_default(),
            detail: text(self.detail).unwrap_or_default(),
            source: item.pointer(self.source).filter(|v| !v.is_null()).cloned(),
            meta: ErrorMeta {
                provider: text(self.provider),
                retry_in: item.pointer(self.retry_in).and_then(|v| match v {
                    // `as` saturates on absurd values, which is fine for a delay hint.
                    Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                }),
                extra,
            },
        }
    }
}

/// `a string`, `an object`…: what a JSON value is, for messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A scalar as text (codes sometimes arrive as numbers); `None` for null,
/// arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

/// Interprets an error answer of `platform`, where `envelope` says (the operation's
/// [`OperationMeta::error_envelope`](super::OperationMeta::error_envelope)).
/// Never fails: when the body is not the envelope, `errors` is empty,
/// `not_understood` says why and `raw_body` keeps what was received.
pub fn decode_error_body(
    platform: &'static Platform,
    envelope: &ErrorEnvelope,
    status: u16,
    body: &[u8],
) -> ApiError {
    let read = if body.iter().all(u8::is_ascii_whitespace) {
        Err(BodyNotUnderstood {
            pointer: String::new(),
            problem: "the body is empty".to_owned(),
        })
    } else {
        serde_json::from_slice::<Value>(body)
            .map_err(|e| BodyNotUnderstood {
                pointer: String::new(),
                problem: format!("not JSON ({e})"),
            })
            .and_then(|value| envelope.try_read(&value))
    };
    let (errors, not_understood) = match read {
        Ok(errors) => (errors, None),
        Err(why) => (Vec::new(), Some(Box::new(why))),
    };
    ApiError {
        status,
        errors,
        not_understood,
        raw_body: String::from_utf8_lossy(body).into_owned(),
        retry_after: None,
        retry_at: None,
        platform,
    }
}
