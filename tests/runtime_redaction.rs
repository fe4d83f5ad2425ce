//! The token never appears in what the client logs or prints, even at the
//! most verbose level, including the HTTP libraries' own logs.
//!
//! One test per file: it installs the process-wide log subscriber.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api_entreprise::runtime::{OperationMeta, Request, RetryPolicy, Token};
use api_entreprise::{Client, Traceability};
use serde_json::json;
use support::jwt::jwt_expiring_in;
use support::meta::fake_operation;
use tracing_subscriber::filter::{filter_fn, LevelFilter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SIGNATURE: &str = "RECOGNISABLEsecretSIGNATURE7f3a";

const META: OperationMeta = fake_operation("redaction_probe", "/v3/probe/{siren}");

/// Everything written by the log subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn token_appears_nowhere_at_trace_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    // TRACE for every target, the client's and reqwest/hyper's (their `log`
    // records are bridged). Only the test server's own logs are left out:
    // it is the receiving end and is allowed to see the header.
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .with_filter(LevelFilter::TRACE)
                .with_filter(filter_fn(|m| !m.target().starts_with("wiremock"))),
        )
        .try_init()
        .expect("first subscriber of this test binary");

    let token = jwt_expiring_in(3600 * 24 * 10, SIGNATURE);
    let server = MockServer::start().await;
    Mock::given(path("/v3/probe/418166096"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/v3/probe/418166096"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("RateLimit-Remaining", "249")
                .set_body_json(json!({"data": {"ok": true}})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path("/v3/probe/552100554"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "errors": [{"code": "00101", "title": "Interdit", "detail": "Votre token n'est pas valide", "meta": {}}]
        })))
        .mount(&server)
        .await;

    // Builds with a warning: the token expires in 10 days.
    let client = Client::builder()
        .base_url(server.uri())
        .token(Token::new(token.clone()))
        .traceability(Traceability::new("tests", "13002526500013", "redaction").unwrap())
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let ok = client
        .execute::<serde_json::Value>(Request::new(&META, "/v3/probe/418166096".into()))
        .await
        .unwrap();
    let unauthorized = client
        .execute::<serde_json::Value>(Request::new(&META, "/v3/probe/552100554".into()))
        .await
        .unwrap_err();
    let unreachable = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token(Token::new(token.clone()))
        .traceability(Traceability::new("tests", "13002526500013", "redaction").unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .execute::<serde_json::Value>(Request::new(&META, "/v3/probe/418166096".into()))
        .await
        .unwrap_err();
    let expired = Client::builder()
        .token(Token::new(jwt_expiring_in(-60, SIGNATURE)))
        .build()
        .unwrap_err();
    // What a careless caller would log.
    tracing::error!(
        ?client,
        ?ok,
        ?unauthorized,
        %unauthorized,
        ?unreachable,
        %unreachable,
        ?expired,
        %expired,
        claims = ?client.token_claims(),
        "everything a caller might print"
    );

    let logs = captured.text();
    // The capture works and covers the call's life: the expiry warning, the
    // span, the retry, the HTTP library's own traces.
    for expected in [
        "expires in less than 30 days",
        "redaction_probe",
        "retrying",
        "remaining=249",
        "00101",
        "everything a caller might print",
    ] {
        assert!(logs.contains(expected), "missing {expected:?} in:\n{logs}");
    }
    assert!(
        logs.lines()
            .any(|l| l.contains("hyper") || l.contains("reqwest")),
        "HTTP library traces are captured too:\n{logs}"
    );
    let payload = token.split('.').nth(1).unwrap();
    for secret in [token.as_str(), SIGNATURE, payload, "Bearer "] {
        assert!(!logs.contains(secret), "{secret:?} leaked into:\n{logs}");
    }
}
