//! The mock's request handling without a listener: [`MockService`] answers a request handed
//! over in-process, through the same gates and checks as a request a [`MockServer`] reads
//! from a socket (the server is this service behind an accept loop).
//!
//! [`MockServer`]: crate::MockServer

use std::net::IpAddr;
use std::sync::Arc;

use axum::http::{Request, Response};
use bytes::Bytes;

use crate::{
    bans, data, documents, faults, limits, listener, maintenance, server, stats, FaultPlan,
    LoadSummary, MockConfig, MockError, MockStats, UnknownBucket,
};

/// What a [`MockServer`](crate::MockServer) serves and how it answers, without a socket: for
/// tests (and fuzzing) that hand requests over in-process. Its limits, bans and faults are
/// its own, as a server's are.
pub struct MockService {
    pub(crate) state: Arc<server::AppState>,
    staging_token: String,
    summary: LoadSummary,
    warnings: Vec<String>,
}

impl MockService {
    /// Loads what `config` says to serve (a blocking call: it parses the compiled-in
    /// examples and reads the payloads directory); document links in answers point to
    /// `base_url`. [`MockConfig::port`] is not used: nothing listens.
    pub fn new(config: &MockConfig, base_url: &str) -> Result<MockService, MockError> {
        let located = config.locate()?;
        let data = data::load(&located, base_url, config.api)?;
        let summary = LoadSummary {
            operations: data.operations.len(),
            specs: config
                .api
                .examples
                .specs
                .iter()
                .map(|(file, _)| *file)
                .collect(),
            payloads: data.payload_count(),
            error_codes: data.catalog.len(),
            data_dir: located.data_dir,
            token_file: located.token_file,
        };
        let maintenance = maintenance::Windows::new(
            config.api.platform,
            &config.maintenance,
            config.time_zone,
            config.clock.clone(),
        )?;
        let staging_token = data.staging_token.clone();
        let warnings = data.warnings.clone();
        let state = Arc::new(server::AppState {
            data: Arc::new(data),
            limiter: limits::RateLimiter::scaled(config.minute, config.api.platform),
            ip_limits: config.ip_limits.clone(),
            tolerated_429s: config.tolerated_429s,
            bans: bans::Bans::new(config.ban_duration()),
            faults: faults::ActiveFaults::new(config.faults.clone()),
            maintenance,
            stats: stats::Counters::default(),
            cache_expires_in: config.cache_expires_in,
            pdf: documents::demo_pdf(),
        });
        Ok(MockService {
            state,
            staging_token,
            summary,
            warnings,
        })
    }

    /// Answers `request` as if it came from `peer`: the control routes, the bans and limits,
    /// the faults (delays and slow bodies wait on tokio's clock), the API's checks, the data.
    /// `None` where a server would close the connection without an answer (a banned IP, a
    /// `reset` fault).
    pub async fn answer<B>(&self, peer: IpAddr, request: Request<B>) -> Option<Response<Bytes>>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        let response = listener::handle(&self.state, peer, request).await.ok()?;
        let (parts, body) = response.into_parts();
        // The mock's bodies are in memory (a slow body only waits between its pieces).
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        Some(Response::from_parts(parts, body))
    }

    /// A token this service accepts, with the scopes of every operation (see
    /// [`MockServer::staging_token`](crate::MockServer::staging_token)).
    pub fn staging_token(&self) -> String {
        self.staging_token.clone()
    }

    /// What was loaded.
    pub fn summary(&self) -> &LoadSummary {
        &self.summary
    }

    /// Oddities met while loading, none fatal.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// What the service has done so far.
    pub fn stats(&self) -> MockStats {
        self.state.stats()
    }

    /// Sets the limit of `bucket` for the windows opening after this call (see
    /// [`MockServer::set_limit`](crate::MockServer::set_limit)).
    pub fn set_limit(&self, bucket: &str, limit: u32) -> Result<(), UnknownBucket> {
        self.state.set_limit(bucket, limit)
    }

    /// The buckets and the limits of their windows opening now: `json`, `documents`, `ip`,
    /// and each operation whose limit is its own.
    pub fn limits(&self) -> Vec<(String, u32)> {
        self.state.limits()
    }

    /// Lifts every ban and forgets what led to them; returns how many IPs were banned.
    pub fn unban_all(&self) -> usize {
        self.state.unban_all()
    }

    /// The simulated maintenance windows, each `OPERATION@HH:MM-HH:MM ZONE`.
    pub fn maintenance(&self) -> Vec<String> {
        self.state.maintenance.describe()
    }

    /// The faults in force.
    pub fn faults(&self) -> FaultPlan {
        self.state.faults.plan()
    }

    /// Replaces the faults; each one counts requests afresh from now on.
    pub fn set_faults(&self, plan: FaultPlan) {
        self.state.faults.set(plan);
    }
}

impl std::fmt::Debug for MockService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the loaded data: megabytes of payloads would drown a test's failure message.
        f.debug_struct("MockService")
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}
