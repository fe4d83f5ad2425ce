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

/// A parameter value, typed: what a generated builder hands to
/// [`Request::with_values`], and what text given by name becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A validated identifier: its text, and the SIREN of the company it
    /// designates, when there is one.
    Identifier {
        /// The text to put in the path, before percent-encoding.
        value: String,
        /// SIREN of the company looked up.
        looked_up: Option<String>,
    },
    /// Free text.
    Text(String),
    /// An integer.
    Integer(i64),
    /// A number.
    Number(f64),
    /// `true` or `false`.
    Boolean(bool),
    /// The values of an array parameter (`prenoms[]`), sent as repeated
    /// `name=value` pairs (`explode`, the OpenAPI default) or joined with
    /// commas.
    List(Vec<String>),
}

impl ParamValue {
    /// The value of a typed path identifier.
    pub fn identifier(id: &impl super::identifiers::PathParam) -> Self {
        ParamValue::Identifier {
            value: id.as_path_segment().to_owned(),
            looked_up: id.looked_up_siren().map(str::to_owned),
        }
    }

    /// The values of a list parameter.
    pub fn list<T: ToString>(items: impl IntoIterator<Item = T>) -> Self {
        ParamValue::List(items.into_iter().map(|i| i.to_string()).collect())
    }

    /// The value as sent.
    pub fn text(&self) -> String {
        match self {
            ParamValue::Identifier { value, .. } | ParamValue::Text(value) => value.clone(),
            ParamValue::Integer(i) => i.to_string(),
            ParamValue::Number(n) => n.to_string(),
            ParamValue::Boolean(b) => b.to_string(),
            ParamValue::List(items) => items.join(","),
        }
    }
}

impl From<String> for ParamValue {
    fn from(value: String) -> Self {
        ParamValue::Text(value)
    }
}

impl From<i64> for ParamValue {
    fn from(value: i64) -> Self {
        ParamValue::Integer(value)
    }
}

impl From<f64> for ParamValue {
    fn from(value: f64) -> Self {
        ParamValue::Number(value)
    }
}

impl From<bool> for ParamValue {
    fn from(value: bool) -> Self {
        ParamValue::Boolean(value)
    }
}

fn refuse(name: &str, problem: String) -> Error {
    Error::Validation(ValidationError::Parameter {
        name: name.to_owned(),
        problem,
    })
}

fn unknown_parameter(meta: &OperationMeta, name: &str) -> Error {
    let known: Vec<&str> = meta.params.iter().map(|p| p.name).collect();
    refuse(
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
    )
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
    /// What this call does inside its operation's maintenance window, instead of the
    /// client's [`ClientBuilder::on_maintenance`](super::ClientBuilder::on_maintenance).
    pub on_maintenance: Option<super::OnMaintenance>,
}

/// A call ready to be executed, built by generated operation functions.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) meta: &'static OperationMeta,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// `name=value` pairs of the `Cookie` header, values not yet encoded.
    pub(crate) cookies: Vec<(&'static str, String)>,
    pub(crate) looked_up: Option<String>,
    pub(crate) options: CallOptions,
    /// The body sent, serialized, with its media type.
    pub(crate) body: Option<(&'static str, Vec<u8>)>,
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
            cookies: Vec::new(),
            looked_up: None,
            options: CallOptions::default(),
            body: None,
        }
    }

    /// Sends `value` as the request's JSON body (`Content-Type: application/json`). A value
    /// serde cannot write as JSON (a map with non-text keys) is refused here, before
    /// anything is sent.
    pub fn json_body<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(value).map_err(|e| {
            Error::Validation(ValidationError::Parameter {
                name: "body".into(),
                problem: format!("cannot be written as JSON: {e}"),
            })
        })?;
        self.body = Some(("application/json", bytes));
        Ok(())
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
        let mut values: Vec<(&'static str, ParamValue)> = Vec::new();
        for (name, text) in params {
            let Some(param) = meta.param(name) else {
                return Err(unknown_parameter(meta, name));
            };
            let value = match param.kind {
                ParamKind::Identifier(kind) => {
                    let checked = if checksum {
                        kind.check(text)?
                    } else {
                        kind.check_without_checksum(text)?
                    };
                    ParamValue::Identifier {
                        value: checked.value,
                        looked_up: checked.looked_up_siren,
                    }
                }
                ParamKind::Integer => text
                    .trim()
                    .parse::<i64>()
                    .map(ParamValue::Integer)
                    .map_err(|_| refuse(param.name, format!("{text:?} is not an integer")))?,
                ParamKind::Number => text
                    .trim()
                    .parse::<f64>()
                    .map(ParamValue::Number)
                    .map_err(|_| refuse(param.name, format!("{text:?} is not a number")))?,
                ParamKind::Boolean => match text.as_str() {
                    "true" => ParamValue::Boolean(true),
                    "false" => ParamValue::Boolean(false),
                    _ => return Err(refuse(param.name, format!("{text:?} is not true or false"))),
                },
                ParamKind::Text => ParamValue::Text(text.clone()),
            };
            // A list parameter given several times collects its values.
            match values.iter_mut().find(|(n, _)| *n == param.name) {
                Some((_, ParamValue::List(items))) if param.repeated => items.push(value.text()),
                None if param.repeated => {
                    values.push((param.name, ParamValue::List(vec![value.text()])))
                }
                _ => values.push((param.name, value)),
            }
        }
        Self::with_values(meta, values)
    }

    /// The one place a request is assembled, for the typed builders and for
    /// [`from_params`](Self::from_params) alike: every name must be a
    /// parameter of the operation, every required one given, every value
    /// among the spec's allowed values; then the path template is expanded
    /// (each segment percent-encoded) and the query and headers are set.
    pub fn with_values(
        meta: &'static OperationMeta,
        values: Vec<(&'static str, ParamValue)>,
    ) -> Result<Self, Error> {
        for (name, _) in &values {
            if meta.param(name).is_none() {
                return Err(unknown_parameter(meta, name));
            }
        }
        let mut path = meta.path.to_owned();
        let mut request = Request::new(meta, String::new());
        let mut looked_up = None;
        for param in meta.params {
            let Some((_, value)) = values.iter().find(|(n, _)| *n == param.name) else {
                if param.required {
                    return Err(refuse(param.name, "is required".to_owned()));
                }
                continue;
            };
            let texts = match value {
                ParamValue::List(items) => items.clone(),
                other => vec![other.text()],
            };
            if !param.allowed.is_empty() {
                if let Some(bad) = texts.iter().find(|t| !param.allowed.contains(&t.as_str())) {
                    return Err(refuse(
                        param.name,
                        format!(
                            "{bad:?} is not allowed: must be one of {}",
                            param.allowed.join(", ")
                        ),
                    ));
                }
            }
            if let ParamValue::Identifier {
                looked_up: Some(siren),
                ..
            } = value
            {
                looked_up = looked_up.or(Some(siren.clone()));
            }
            match param.location {
                ParamLocation::Path => {
                    let segment = texts.join(",");
                    path = path.replace(
                        &format!("{{{}}}", param.name),
                        &encode_path_segment(&segment),
                    );
                }
                ParamLocation::Query if param.repeated && !param.explode => {
                    request.query(param.name, texts.join(","));
                }
                ParamLocation::Query => {
                    for t in texts {
                        request.query(param.name, t);
                    }
                }
                ParamLocation::Header => request.header(param.name, texts.join(",")),
                ParamLocation::Cookie => request.cookie(param.name, texts.join(",")),
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

    /// Adds a cookie: one `name=value` pair of the `Cookie` header, the value
    /// percent-encoded when sent (so it can hold no `;` nor space).
    pub fn cookie(&mut self, name: &'static str, value: impl Into<String>) {
        self.cookies.push((name, value.into()));
    }

    /// The `Cookie` header's value (`a=1; b=x%20y`), or `None` without cookies.
    pub(crate) fn cookie_header(&self) -> Option<String> {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={}", encode_path_segment(value)))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
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
