//! `mock_request` inputs are raw HTTP/1.1 requests (`GET /v3/…?context=… HTTP/1.1`, header
//! lines, a blank line, a body), read with httparse as hyper reads them off the wire, and
//! answered by the mock in-process ([`apie_mock::MockService`]): routes, path parameters,
//! query strings, the token header, the control routes and their bodies.
//!
//! One service for every input, as loading it costs far more than an answer; what an input
//! may change (faults, bans, limits) is put back after each, and limits are lifted so that
//! the answers do not depend on how many inputs came before.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::LazyLock;

use apie_mock::{FaultPlan, MockConfig, MockService};

static SERVICE: LazyLock<MockService> = LazyLock::new(|| {
    // The staging payloads when the shared data is there: their lookup by parameters is
    // request handling too.
    let data_dir = std::env::var_os("APIE_SHARED")
        .map(|dir| std::path::PathBuf::from(dir).join("staging/payloads"))
        .filter(|dir| dir.is_dir());
    let config = MockConfig {
        data_dir,
        // No limit per IP: the properties are of the answers, not of bans.
        ip_limits: Vec::new(),
        tolerated_429s: u32::MAX,
        ..MockConfig::default()
    };
    let service = MockService::new(&config, "http://127.0.0.1:1").expect("the mock's data");
    lift_limits(&service);
    service
});

/// A current-thread runtime on a paused clock: a delay fault or a slow body costs no time.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a tokio runtime")
});

fn lift_limits(service: &MockService) {
    for (bucket, _) in service.limits() {
        let _ = service.set_limit(&bucket, u32::MAX);
    }
}

/// The request `data` stands for, or `None` when hyper would refuse it before the mock
/// sees it (not a request line, a header name or value no HTTP request can have).
pub fn request(data: &[u8]) -> Option<http::Request<axum::body::Body>> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Request::new(&mut headers);
    let body_at = match parsed.parse(data).ok()? {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial => return None,
    };
    let mut builder = http::Request::builder()
        .method(parsed.method?)
        .uri(parsed.path?);
    for header in parsed.headers.iter() {
        builder = builder.header(header.name, header.value);
    }
    builder
        .body(axum::body::Body::from(data[body_at..].to_vec()))
        .ok()
}

/// Answers the request of `data`, if it is one.
pub fn run(data: &[u8]) {
    let Some(request) = request(data) else {
        return;
    };
    let service = &*SERVICE;
    RUNTIME.block_on(service.answer(IpAddr::V4(Ipv4Addr::LOCALHOST), request));
    service.set_faults(FaultPlan::none());
    service.unban_all();
    lift_limits(service);
}
