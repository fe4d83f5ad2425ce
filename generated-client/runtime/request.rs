//! What generated code hands to [`Client::execute`](super::Client::execute),
//! and what it gets back.

use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::HeaderMap;

use super::errors::{Error, ValidationError};
use super::meta::{OperationMeta, ParamKind, ParamLocation};
use super::traceability::Traceability;

/// Everything but RFC 3986 unreserved characters gets encoded, so a value
/// can never introduce `/`, `?`, `#` or `%` sequences into the path.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment (every byte except unreserved
/// characters `A-Z a-z 0-9 - . _ ~`).
pub fn encode_path_segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

/// Per-call settings overriding those of the client.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Traceability parameters for this call only.
    pub traceability: Option<Traceability>,
    /// Timeout for this call only.
    pub timeout: Option<Duration>,
    /// Retry policy for this call only.
    pub retry: Option<super::retry::RetryPolicy>,
    /// Longest wait for the rate limit for this call only; past it the call
    /// fails with [`Error::Throttled`] ("try again at T") without being
    /// sent. `Some(Duration::ZERO)` fails fast.
    pub max_wait: Option<Duration>,
}

/// A call ready to be executed, built by generated operation functions.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) meta: &'static OperationMeta,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) looked_up: Option<String>,
    pub(crate) options: CallOptions,
}

impl Request {
    /// Starts a request for `meta`; `path` is already expanded and
    /// percent-encoded and starts with `/`.
    pub fn new(meta: &'static OperationMeta, path: String) -> Self {
        Self {
            meta,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            looked_up: None,
            options: CallOptions::default(),
        }
    }

    /// Builds a request from parameters given by name, as text: what a
    /// caller that only knows the operation at run time (the command line)
    /// uses instead of the typed builder. Every value goes through the same
    /// checks as the typed builder's (identifiers, allowed values, numbers),
    /// and a missing required or unknown parameter is refused, all before
    /// anything is sent.
    pub fn from_params(
        meta: &'static OperationMeta,
        params: &[(String, String)],
    ) -> Result<Self, Error> {
        Self::build_from_params(meta, params, true)
    }

    /// [`from_params`](Self::from_params) for the staging environment: SIREN
    /// and SIRET only need their digits, as staging's fictitious companies
    /// (`000000001`…) fail the Luhn check.
    pub fn from_params_without_checksum(
        meta: &'static OperationMeta,
        params: &[(String, String)],
    ) -> Result<Self, Error> {
        Self::build_from_params(meta, params, false)
    }

    fn build_from_params(
        meta: &'static OperationMeta,
        params: &[(String, String)],
        checksum: bool,
    ) -> Result<Self, Error> {
        let refuse = |name: &str, problem: String| {
            Error::Validation(ValidationError::Parameter {
                name: name.to_owned(),
                problem,
            })
        };
        for (name, _) in params {
            if meta.param(name).is_none() {
                let known: Vec<&str> = meta.params.iter().map(|p| p.name).collect();
                return Err(refuse(
                    name,
                    format!(
                        "{} has no such parameter (it takes: {})",
                        meta.operation_id,
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
        }
        let mut path = meta.path.to_owned();
        let mut request = Request::new(meta, String::new());
        let mut looked_up = None;
        for param in meta.params {
            let Some((_, value)) = params.iter().find(|(n, _)| n == param.name) else {
                if param.required {
                    return Err(refuse(param.name, "is required".to_owned()));
                }
                continue;
            };
            if !param.allowed.is_empty() && !param.allowed.contains(&value.as_str()) {
                return Err(refuse(
                    param.name,
                    format!("must be one of: {}", param.allowed.join(", ")),
                ));
            }
            let value = match param.kind {
                ParamKind::Identifier(kind) => {
                    let checked = if checksum {
                        kind.check(value)?
                    } else {
                        kind.check_without_checksum(value)?
                    };
                    looked_up = looked_up.or(checked.looked_up_siren);
                    checked.value
                }
                ParamKind::Integer if value.trim().parse::<i64>().is_err() => {
                    return Err(refuse(param.name, format!("{value:?} is not an integer")))
                }
                ParamKind::Number if value.trim().parse::<f64>().is_err() => {
                    return Err(refuse(param.name, format!("{value:?} is not a number")))
                }
                ParamKind::Boolean if !matches!(value.as_str(), "true" | "false") => {
                    return Err(refuse(
                        param.name,
                        format!("{value:?} is not true or false"),
                    ))
                }
                _ => value.clone(),
            };
            match param.location {
                ParamLocation::Path => {
                    path =
                        path.replace(&format!("{{{}}}", param.name), &encode_path_segment(&value));
                }
                ParamLocation::Query => request.query(param.name, value),
                ParamLocation::Header => request.header(param.name, value),
            }
        }
        request.path = path;
        request.looked_up(looked_up.as_deref());
        Ok(request)
    }

    /// Adds a query parameter (encoded when the URL is built). Traceability
    /// parameters are added by the client, not here.
    pub fn query(&mut self, name: &'static str, value: impl ToString) {
        self.query.push((name, value.to_string()));
    }

    /// Adds a request header.
    pub fn header(&mut self, name: &'static str, value: impl Into<String>) {
        self.headers.push((name, value.into()));
    }

    /// Records the SIREN of the company looked up, so the client can refuse
    /// a `recipient` belonging to it.
    pub fn looked_up(&mut self, siren: Option<&str>) {
        self.looked_up = siren.map(str::to_owned);
    }

    /// Sets per-call options.
    pub fn options(&mut self, options: CallOptions) {
        self.options = options;
    }

    /// Static description of the operation.
    pub fn meta(&self) -> &'static OperationMeta {
        self.meta
    }

    /// Expanded path, without base URL nor query.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// A successful answer with its decoded body and useful headers.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse<T> {
    /// Decoded body.
    pub body: T,
    /// HTTP status (2xx).
    pub status: u16,
    /// `true` on 206: some providers failed and part of the data is
    /// missing.
    pub partial: bool,
    /// On a 206, the JSON paths (`data.effectif`, `data.adresse.code_postal`)
    /// whose value was the placeholder "Donnée indisponible". They are
    /// decoded as absent (`None`), so a placeholder in a number field does
    /// not fail the whole answer.
    pub unavailable: Vec<String>,
    /// Rate-limit counters sent with the answer.
    pub rate_limit: RateLimitHeaders,
    /// `X-Response-Cached`: whether the answer came from the API's cache.
    pub cached: Option<bool>,
    /// `X-Cache-Expires-in`: seconds before the cached answer expires.
    pub cache_expires_in: Option<u64>,
    /// When the answer arrived: the start of `expires_in` delays, such as a
    /// document link's.
    pub received_at: std::time::SystemTime,
    /// Time the call waited for the rate limit before being sent, all
    /// attempts together.
    pub throttled_for: Duration,
}

impl<T> ApiResponse<T> {
    /// The document link of a document endpoint's answer: `url` is the
    /// body's `document_url`, `expires_in` its `expires_in`, counted from
    /// this answer's arrival.
    pub fn document_link(&self, url: &str, expires_in: Option<i64>) -> super::DocumentLink {
        super::DocumentLink::new(url, expires_in, self.received_at)
    }

    /// Transforms the body, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            body: f(self.body),
            status: self.status,
            partial: self.partial,
            unavailable: self.unavailable,
            rate_limit: self.rate_limit,
            cached: self.cached,
            cache_expires_in: self.cache_expires_in,
            received_at: self.received_at,
            throttled_for: self.throttled_for,
        }
    }
}

/// `RateLimit-*` headers of an answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// `RateLimit-Limit`: calls allowed in the current window.
    pub limit: Option<u32>,
    /// `RateLimit-Remaining`: calls left in the current window.
    pub remaining: Option<u32>,
    /// `RateLimit-Reset`: when the window resets, in epoch seconds.
    pub reset: Option<i64>,
}

impl RateLimitHeaders {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        Self {
            limit: header_value(headers, "ratelimit-limit"),
            remaining: header_value(headers, "ratelimit-remaining"),
            reset: header_value(headers, "ratelimit-reset"),
        }
    }
}

/// Parses a header; absent or malformed values are `None` because these
/// headers are informative and must not fail a successful call.
pub(crate) fn header_value<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The placeholder API Entreprise puts in fields a provider could not fill.
const UNAVAILABLE: &str = "donnée indisponible";

/// Replaces every "Donnée indisponible" string in `value` by `null` and
/// returns the JSON paths where it was found, in document order. The client
/// does this on every 206 before decoding; callers holding a raw body can
/// too.
pub fn strip_unavailable(value: &mut serde_json::Value) -> Vec<String> {
    fn walk(value: &mut serde_json::Value, path: &mut String, found: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) if s.trim().to_lowercase() == UNAVAILABLE => {
                found.push(if path.is_empty() {
                    ".".to_owned()
                } else {
                    path.clone()
                });
                *value = serde_json::Value::Null;
            }
            serde_json::Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                    walk(child, path, found);
                    path.truncate(len);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(child, path, found);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, &mut String::new(), &mut found);
    found
}
