//! The HTTP client: checks a [`Request`], sends it and interprets the
//! answer.
//!
//! Every check that can fail without the network (token, traceability,
//! recipient) runs before anything is sent, so a mistake never costs a call
//! against the rate limit. The token only ever goes into the
//! `Authorization` header, marked sensitive, never into URLs, logs or
//! errors.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
// tokio's clock, so that tests on a paused runtime (`start_paused`) move it.
use tokio::time::Instant;

use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE,
};

use super::auth::AuthScheme;
use reqwest::{Method, Url};

use super::environment::check_base_url;
pub use super::environment::Environment;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::auth::{expiry, Expiry, Token};
use super::body::{read_limited, ReadError};
use super::clock::Clock;
use super::decoding::Decoding;
use super::errors::{
    decode_error_body, rfc3339, ConfigError, Error, RequestProblem, ValidationError,
};
use super::maintenance::{self, OnMaintenance, TimeZone};
use super::meta::OperationMeta;
use super::platform::Platform;
use super::request::{header_value, strip_unavailable, ApiResponse, RateLimitHeaders, Request};
use super::retry::{decide, Decision, RetryPolicy};
use super::throttle::{date_header, retry_after, Answer, Observed, Throttle, ThrottleSnapshot};
use super::traceability::Traceability;

/// Longest wait for a TCP and TLS connection to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Configures a [`Client`] of one platform, or of a generated client type `C` that wraps
/// one (the generated crates' `Client`: [`build`](Self::build) gives it).
pub struct ClientBuilder<C = Client> {
    platform: &'static Platform,
    environment: Environment,
    token: Option<Token>,
    traceability: Option<Traceability>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    throttle: Option<Throttle>,
    max_wait: Option<Duration>,
    on_maintenance: OnMaintenance,
    maintenance_time_zone: Option<TimeZone>,
    clock: Clock,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Token's own Debug prints `Token(***)`.
        f.debug_struct("ClientBuilder")
            .field("platform", &self.platform.api_name)
            .field("environment", &self.environment)
            .field("token", &self.token)
            .field("traceability", &self.traceability)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("throttle", &self.throttle)
            .field("max_wait", &self.max_wait)
            .field("on_maintenance", &self.on_maintenance)
            .field("maintenance_time_zone", &self.maintenance_time_zone)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// Starts configuring a client of `platform` (a generated crate's `PLATFORM`).
    pub fn new(platform: &'static Platform) -> Self {
        ClientBuilder {
            platform,
            environment: Environment::default(),
            token: None,
            traceability: None,
            timeout: None,
            retry: RetryPolicy::default(),
            throttle: None,
            max_wait: None,
            on_maintenance: OnMaintenance::default(),
            maintenance_time_zone: None,
            clock: Clock::default(),
            client: PhantomData,
        }
    }

    /// Selects the deployment (production by default).
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = env;
        self
    }

    /// Uses a custom base URL; same as `environment(Environment::Custom(url))`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::Custom(url.into()))
    }

    /// Token sent to every operation that needs one. Optional only for
    /// clients that call monitoring routes exclusively.
    pub fn token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    /// Default traceability parameters, overridable per call with
    /// [`CallOptions`](super::CallOptions).
    pub fn traceability(mut self, t: impl Into<Traceability>) -> Self {
        self.traceability = Some(t.into());
        self
    }

    /// Timeout applied to every call instead of each operation's default
    /// (a per-call timeout still wins).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// How failed calls are retried ([`RetryPolicy::default`] unless set;
    /// [`RetryPolicy::none`] disables retries).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The rate limiter to share with other clients. Unless set, every
    /// client of the process calling the same base URL shares one, with the
    /// real server's rules ([`Throttle::shared_for`]), or the fleet's of the
    /// Redis server [`Platform::redis_url_env`] names (feature `redis`,
    /// [`Throttle::from_env_or_shared`]); set one built with
    /// [`ThrottleConfig::scaled`](super::ThrottleConfig::scaled) for a mock
    /// whose minute is scaled.
    pub fn throttle(mut self, throttle: Throttle) -> Self {
        self.throttle = Some(throttle);
        self
    }

    /// Longest wait for the rate limit before a call fails with
    /// [`Error::Throttled`] instead of being sent (a per-call
    /// [`CallOptions::max_wait`](super::CallOptions::max_wait) wins).
    /// Unset, calls wait as long as the limits require.
    pub fn max_wait(mut self, d: Duration) -> Self {
        self.max_wait = Some(d);
        self
    }

    /// What a call does inside its operation's daily maintenance window
    /// ([`OperationMeta::maintenance`](super::OperationMeta::maintenance)): sent anyway
    /// ([`OnMaintenance::Send`], the default), refused before sending with
    /// [`Error::Maintenance`] ([`OnMaintenance::Fail`]), or held until the window ends
    /// ([`OnMaintenance::Wait`]). A per-call
    /// [`CallOptions::on_maintenance`](super::CallOptions::on_maintenance) wins.
    pub fn on_maintenance(mut self, mode: OnMaintenance) -> Self {
        self.on_maintenance = mode;
        self
    }

    /// The time zone the spec's maintenance windows are read in, instead of the profile's
    /// [`Platform::maintenance_time_zone`] (the spec names none).
    pub fn maintenance_time_zone(mut self, zone: TimeZone) -> Self {
        self.maintenance_time_zone = Some(zone);
        self
    }

    /// The wall clock maintenance windows are read from and waited on (the system's unless
    /// set; a [`ManualClock`](super::ManualClock) in tests).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// An expired token is refused here, before any request; one that
    /// expires within 30 days is accepted with a warning in the logs.
    pub fn build(self) -> Result<C, Error> {
        let platform = self.platform;
        let base_url = check_base_url(self.environment.base_url(platform))?;
        if let Some(token) = &self.token {
            match expiry(token, SystemTime::now(), platform.token_warn_before_expiry) {
                Expiry::Expired(at) => {
                    return Err(Error::Validation(ValidationError::TokenExpired {
                        expired_at: rfc3339(at),
                        renew_at: platform.token_renewal_url,
                    }))
                }
                Expiry::Soon(at) => tracing::warn!(
                    expires_at = %rfc3339(at),
                    "the {} token expires in less than {} days: renew it",
                    platform.api_name,
                    platform.token_warn_before_expiry.as_secs() / 86_400
                ),
                Expiry::Valid | Expiry::Unknown => {}
            }
        }
        let http = reqwest::Client::builder()
            .user_agent(platform.user_agent)
            // The API never redirects; following one could only send the
            // request somewhere unexpected.
            .redirect(reqwest::redirect::Policy::none())
            // A connection that never opens is told apart from a slow
            // answer: only the first can be a ban (see the ban breaker).
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|error| ConfigError::HttpClient { error })?;
        let throttle = match self.throttle {
            Some(throttle) => throttle,
            // `API_ENTREPRISE_REDIS_URL` shares the budget with a fleet.
            None => Throttle::from_env_or_shared(platform, &base_url)?,
        };
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                platform,
                http,
                throttle,
                max_wait: self.max_wait,
                base_url,
                token: self.token,
                traceability: self.traceability,
                timeout: self.timeout,
                retry: self.retry,
                on_maintenance: self.on_maintenance,
                maintenance_time_zone: self
                    .maintenance_time_zone
                    .unwrap_or(platform.maintenance_time_zone),
                clock: self.clock,
            }),
        }))
    }
}

/// A client of one platform's API. Cheap to clone: clones share the connection pool
/// and configuration.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    platform: &'static Platform,
    pub(crate) http: reqwest::Client,
    throttle: Throttle,
    max_wait: Option<Duration>,
    base_url: String,
    token: Option<Token>,
    traceability: Option<Traceability>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    on_maintenance: OnMaintenance,
    maintenance_time_zone: TimeZone,
    clock: Clock,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Token's own Debug already prints `Token(***)`; listing fields
        // explicitly keeps it that way if Inner ever gains a field.
        f.debug_struct("Client")
            .field("platform", &self.inner.platform.api_name)
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .field("traceability", &self.inner.traceability)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("throttle", &self.inner.throttle)
            .field("max_wait", &self.inner.max_wait)
            .field("on_maintenance", &self.inner.on_maintenance)
            .field("maintenance_time_zone", &self.inner.maintenance_time_zone)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client of `platform`.
    pub fn builder(platform: &'static Platform) -> ClientBuilder {
        ClientBuilder::new(platform)
    }

    /// The platform this client calls.
    pub fn platform(&self) -> &'static Platform {
        self.inner.platform
    }

    /// Base URL calls are sent to, without trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The rate limiter this client's calls go through (shared with the
    /// other clients of the same base URL unless one was set).
    pub fn throttle(&self) -> &Throttle {
        &self.inner.throttle
    }

    /// What the rate limiter knows now: budget per bucket, waits, 429s,
    /// the ban breaker.
    pub fn throttle_snapshot(&self) -> ThrottleSnapshot {
        self.inner.throttle.snapshot()
    }

    /// The wall clock maintenance windows are read from.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// The time zone maintenance windows are read in.
    pub fn maintenance_time_zone(&self) -> TimeZone {
        self.inner.maintenance_time_zone
    }

    /// When the maintenance window `meta` is in now ends; `None` when it is not in one.
    pub fn maintenance_until(&self, meta: &OperationMeta) -> Option<SystemTime> {
        meta.maintenance?
            .until(self.inner.clock.now(), &self.inner.maintenance_time_zone)
    }

    /// The token's claims (expiry, scopes), read locally from the JWT.
    pub fn token_claims(&self) -> Option<super::auth::TokenClaims> {
        self.inner.token.as_ref().and_then(Token::claims)
    }

    /// Validates, sends and decodes one call, retrying what the
    /// [`RetryPolicy`] allows.
    pub async fn execute<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<ApiResponse<T>, Error> {
        self.execute_built(Ok(request)).await
    }

    /// [`execute`](Self::execute) of a request as built, which may have failed (a value its
    /// parameter refuses): what a generated request builder's `send` returns.
    pub fn execute_built<T: DeserializeOwned>(
        &self,
        request: Result<Request, Error>,
    ) -> Decoding<'_, T> {
        Decoding::new(self.raw_call(request))
    }

    /// The call of [`execute_built`](Self::execute_built): not generic, so one future whatever
    /// the model (an async block in the generic function would be compiled once per model).
    fn raw_call(&self, request: Result<Request, Error>) -> super::decoding::RawCall<'_> {
        Box::pin(async move { self.execute_for_decoding(request?).await })
    }

    /// [`execute_bytes`](Self::execute_bytes), then a partial answer's placeholders made
    /// nulls before the typed decoding, so a "Donnée indisponible" in a number field is an
    /// absent value, not a decode error (the paths stay findable). Also gives the body as
    /// received when it was changed.
    async fn execute_for_decoding(
        &self,
        request: Request,
    ) -> Result<(ApiResponse<Vec<u8>>, Option<Vec<u8>>), Error> {
        let mut response = self.execute_bytes(request).await?;
        let mut original = None;
        if response.partial {
            if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&response.body) {
                response.unavailable = strip_unavailable(&mut value);
                if let (false, Ok(bytes)) =
                    (response.unavailable.is_empty(), serde_json::to_vec(&value))
                {
                    original = Some(std::mem::replace(&mut response.body, bytes));
                }
            }
        }
        Ok((response, original))
    }

    /// Like [`execute`](Self::execute), but returns the success body as
    /// received, for callers that decode it themselves.
    pub async fn execute_bytes(&self, request: Request) -> Result<ApiResponse<Vec<u8>>, Error> {
        let meta = request.meta;
        // The token never goes into the span: only what identifies the call.
        let span = tracing::info_span!(
            "api_call",
            api = self.inner.platform.api_name,
            operation = meta.operation_id,
            version = meta.version.as_str(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            attempts = tracing::field::Empty,
            remaining = tracing::field::Empty,
            throttled_ms = tracing::field::Empty,
        );
        async move {
            if meta.deprecated {
                tracing::warn!("operation {} is deprecated", meta.operation_id);
            }
            let policy = request.options.retry.as_ref().unwrap_or(&self.inner.retry);
            let idempotent = meta.method.eq_ignore_ascii_case("GET");
            let started = Instant::now();
            let deadline = request
                .options
                .max_wait
                .or(self.inner.max_wait)
                .map(|d| started + d);
            let token = self.inner.token.as_ref().filter(|_| meta.requires_token());
            let mut throttled_for = Duration::ZERO;
            let mut attempt = 1;
            let result = loop {
                // Checks run again on each attempt: the token may expire
                // while waiting. They run before the rate limit, so a
                // refused call costs no room in it.
                let (mut http_request, mut timeout) = self.prepare(&request)?;
                // After the local checks (a mistake is told first), before the rate limit
                // (a call held for maintenance takes no room in it).
                let mode = request
                    .options
                    .on_maintenance
                    .unwrap_or(self.inner.on_maintenance);
                let zone = &self.inner.maintenance_time_zone;
                let waited =
                    maintenance::gate(meta, mode, zone, &self.inner.clock, deadline).await?;
                if !waited.is_zero() {
                    // The token may have expired during the wait.
                    (http_request, timeout) = self.prepare(&request)?;
                }
                let permit = self.inner.throttle.acquire(meta, token, deadline).await?;
                throttled_for += permit.waited;
                let (result, observed) = self
                    .send(http_request, timeout, meta, meta.group.max_body)
                    .await;
                permit.record(&observed);
                let error = match result {
                    Ok(mut response) => {
                        response.throttled_for = throttled_for;
                        break Ok(response);
                    }
                    Err(error) => error,
                };
                if observed.answer.status == 429 && idempotent && attempt < policy.max_attempts {
                    // The throttle closed the bucket until the server's
                    // time: the next acquire waits for it, or fails with
                    // "try again at" when that passes the caller's deadline.
                    tracing::warn!(attempt, "429: waiting for the bucket to reopen");
                    attempt += 1;
                    continue;
                }
                match decide(policy, idempotent, &error, attempt, started.elapsed()) {
                    Decision::Retry { after, reason } => {
                        tracing::info!(
                            attempt,
                            wait_ms = after.as_millis() as u64,
                            reason,
                            error = %error,
                            "retrying"
                        );
                        tokio::time::sleep(after).await;
                        attempt += 1;
                    }
                    Decision::Stop => break Err(error),
                }
            };
            let span = tracing::Span::current();
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            span.record("attempts", attempt);
            span.record("throttled_ms", throttled_for.as_millis() as u64);
            match &result {
                Ok(r) => {
                    span.record("status", r.status);
                    if let Some(remaining) = r.rate_limit.remaining {
                        span.record("remaining", remaining);
                    }
                    tracing::debug!(status = r.status, partial = r.partial, "answer received");
                }
                Err(e) => {
                    if let Some(status) = e.status() {
                        span.record("status", status);
                    }
                    tracing::debug!(error = %e, "call failed");
                }
            }
            result
        }
        .instrument(span)
        .await
    }

    /// Runs every local check and builds the HTTP request.
    fn prepare(&self, request: &Request) -> Result<(reqwest::Request, Duration), Error> {
        let meta = request.meta;
        let op = meta.operation_id;
        let token = match (&self.inner.token, meta.requires_token()) {
            (None, true) => return Err(ConfigError::SecretNeeded { operation: op }.into()),
            (Some(token), true) => {
                let platform = self.inner.platform;
                let warn_before = platform.token_warn_before_expiry;
                if let Expiry::Expired(at) = expiry(token, SystemTime::now(), warn_before) {
                    return Err(Error::Validation(ValidationError::TokenExpired {
                        expired_at: rfc3339(at),
                        renew_at: platform.token_renewal_url,
                    }));
                }
                Some(token)
            }
            (_, false) => None,
        };
        if meta.request_body.is_some_and(|b| b.required) && request.body.is_none() {
            return Err(Error::Validation(ValidationError::RequestBodyMissing {
                operation: op,
            }));
        }
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if meta.requires_traceability() {
            let declared = || {
                let names: Vec<String> =
                    meta.traceability.iter().map(|n| format!("`{n}`")).collect();
                names.join(", ")
            };
            let t = request
                .options
                .traceability
                .as_ref()
                .or(self.inner.traceability.as_ref())
                .ok_or_else(|| {
                    Error::Validation(ValidationError::Traceability(format!(
                        "{op} needs {}: set them with ClientBuilder::traceability or CallOptions",
                        declared()
                    )))
                })?;
            for name in meta.traceability {
                let value = t.get(name).ok_or_else(|| {
                    Error::Validation(ValidationError::Traceability(format!(
                        "{op} needs `{name}`, which the traceability given does not set \
                         (it needs {})",
                        declared()
                    )))
                })?;
                pairs.push((name, value));
            }
            t.check_not_looked_up(request.looked_up.as_deref())?;
        }

        let problem = |problem| ConfigError::Request {
            operation: op,
            problem,
        };
        if !request.path.starts_with('/') {
            return Err(problem(RequestProblem::RelativePath).into());
        }
        let mut url = Url::parse(&format!("{}{}", self.inner.base_url, request.path))
            .map_err(|e| problem(RequestProblem::Url(e)))?;
        pairs.extend(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        if let (Some(token), AuthScheme::ApiKeyQuery(name)) = (token, meta.auth) {
            // The URL now holds the secret: nothing shows it (see `AuthScheme::ApiKeyQuery`).
            pairs.push((name, token.expose()));
        }
        if !pairs.is_empty() {
            // Calling query_pairs_mut at all would leave a bare `?`.
            url.query_pairs_mut().extend_pairs(pairs);
        }

        let method = Method::from_bytes(meta.method.as_bytes())
            .map_err(|_| problem(RequestProblem::Method(meta.method)))?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| problem(RequestProblem::HeaderName(name.to_string())))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| problem(RequestProblem::HeaderValue(name.to_string())))?;
            headers.append(name, value);
        }
        if let Some(cookies) = request.cookie_header() {
            // Percent-encoded pairs of names the spec gives: a bad one is a bad name.
            let value = HeaderValue::from_str(&cookies)
                .map_err(|_| problem(RequestProblem::HeaderValue("cookie".to_string())))?;
            headers.insert(COOKIE, value);
        }
        let header = match meta.auth {
            AuthScheme::Bearer => Some((AUTHORIZATION, "Bearer ")),
            AuthScheme::ApiKeyHeader(header) => Some((
                HeaderName::from_bytes(header.as_bytes())
                    .map_err(|_| problem(RequestProblem::ApiKeyHeader(header)))?,
                "",
            )),
            AuthScheme::ApiKeyQuery(_) | AuthScheme::None => None,
        };
        if let (Some(token), Some((name, prefix))) = (token, header) {
            // The message must not quote the value: it holds the token.
            let text = format!("{prefix}{}", token.expose());
            let mut value =
                HeaderValue::from_str(&text).map_err(|_| ConfigError::SecretNotHeaderSafe)?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }

        let timeout = request
            .options
            .timeout
            .or(self.inner.timeout)
            .unwrap_or(meta.timeout);
        if let Some((media_type, _)) = &request.body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
        }
        let mut http_request = reqwest::Request::new(method, url);
        *http_request.headers_mut() = headers;
        if let Some((_, bytes)) = &request.body {
            // Prepared per attempt (only idempotent calls are retried, so a POST is sent once).
            *http_request.body_mut() = Some(bytes.clone().into());
        }
        *http_request.timeout_mut() = Some(timeout);
        Ok((http_request, timeout))
    }

    /// Sends the request and turns the answer into a response or an error,
    /// with what the throttle learns from it.
    async fn send(
        &self,
        request: reqwest::Request,
        timeout: Duration,
        meta: &'static OperationMeta,
        max_body: u64,
    ) -> (Result<ApiResponse<Vec<u8>>, Error>, Observed) {
        let operation = meta.operation_id;
        let network_error = |e: reqwest::Error| {
            // Refused, reset, closed, or never connected: what a ban looks
            // like. A timeout once connected is a slow provider.
            let silent = e.is_connect() || !e.is_timeout();
            let error = if e.is_timeout() {
                Error::Timeout {
                    operation,
                    after: timeout,
                }
            } else {
                Error::Transport {
                    operation,
                    error: e.without_url(),
                }
            };
            (error, silent)
        };
        let response = match self.inner.http.execute(request).await {
            Ok(response) => response,
            Err(e) => {
                let (error, silent) = network_error(e);
                let observed = Observed {
                    silent,
                    ..Observed::default()
                };
                return (Err(error), observed);
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let rate_limit = RateLimitHeaders::from_headers(&headers);
        let date = date_header(&headers);
        let observed = Observed {
            answer: Answer {
                answered: true,
                status,
                limit: rate_limit.limit,
                remaining: rate_limit.remaining,
                reset: rate_limit.reset,
                date,
                retry_after: retry_after(&headers, date),
            },
            silent: false,
        };
        let body = match read_limited(response, max_body).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) => {
                let error = Error::BodyTooLarge {
                    operation,
                    status,
                    limit: max_body,
                };
                return (Err(error), observed);
            }
            // The server answered: a body cut short is not a ban.
            Err(ReadError::Network(e)) => return (Err(network_error(e).0), observed),
            // Unreachable without a deadline or a writer that fails; kept honest.
            Err(ReadError::TimedOut | ReadError::Write(_)) => {
                let error = Error::Timeout {
                    operation,
                    after: timeout,
                };
                return (Err(error), observed);
            }
        };

        if !(200..=299).contains(&status) {
            let mut error =
                decode_error_body(self.inner.platform, meta.error_envelope, status, &body);
            error.retry_after = observed.answer.retry_after;
            error.retry_at = error
                .retry_in()
                .or(error.retry_after)
                .and_then(|d| SystemTime::now().checked_add(d));
            return (Err(Error::Api(error)), observed);
        }
        let response = ApiResponse {
            body,
            status,
            partial: status == 206,
            unavailable: Vec::new(),
            rate_limit,
            cached: header_value(&headers, "x-response-cached"),
            cache_expires_in: header_value(&headers, "x-cache-expires-in"),
            received_at: SystemTime::now(),
            throttled_for: Duration::ZERO,
        };
        (Ok(response), observed)
    }
}

/// A decode error keeps the body as received, not the one stripped of placeholders.
/// Error text with its causes. The URL is dropped: it adds noise, and the
/// request's secret is in a header anyway, which reqwest never prints.
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
