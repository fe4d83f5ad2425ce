//! Helpers shared by the mock's integration tests. Those that need the staging payloads read
//! them from `$APIE_SHARED/staging/payloads` (default: `../shared` beside the checkout) and
//! give the directory to the mock: the mock itself looks for nothing.

#![allow(dead_code)]

use std::time::Duration;

use apie_mock::{MockConfig, MockServer};
use serde_json::Value;

/// A SIRET with a valid Luhn key, used as `recipient` (it is also a payload's SIRET: the mock,
/// like staging, does not refuse that).
pub const RECIPIENT: &str = "13002526500013";

/// Valid traceability parameters.
pub const TRACE: &str = "context=test&recipient=13002526500013&object=test";

/// The default configuration with the staging payloads (and so the staging token beside
/// them) when the shared test data is there (CI requires it), else on the mock's embedded
/// examples and made-up token: these tests hold on both.
#[track_caller]
pub fn config() -> MockConfig {
    MockConfig {
        data_dir: apie_shared_data::if_there("staging/payloads"),
        ..MockConfig::default()
    }
}

/// A server with the staging payloads and `minute` as the rate-limit window.
pub async fn start(minute: Duration) -> MockServer {
    MockServer::start_with(MockConfig { minute, ..config() })
        .await
        .unwrap_or_else(|e| panic!("the mock did not start: {e}"))
}

/// A server with the staging payloads.
pub async fn start_default() -> MockServer {
    start(Duration::from_secs(60)).await
}

/// An HTTP client that does not keep connections, so shutting a server down is immediate.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("a client")
}

/// The status, headers and JSON body of a GET.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The header's value as text; "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The codes of `errors[]`.
    pub fn codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|e| e["code"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// GETs `path_and_query` on `server`, with `token` as bearer when given.
pub async fn get(server: &MockServer, path_and_query: &str, token: Option<&str>) -> Reply {
    let mut request = http().get(format!("{}{path_and_query}", server.base_url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{path_and_query}: the body is not JSON ({e}): {text}"));
    Reply {
        status,
        headers,
        body,
    }
}

/// The token the server accepts: the staging token it found beside the payloads, or the one
/// it made when it serves its embedded examples.
pub fn staging_token(server: &MockServer) -> String {
    let summary = server.summary();
    assert!(
        summary.data_dir.is_none() || summary.token_file.is_some(),
        "the staging token beside the payloads: {summary:?}"
    );
    server.staging_token()
}

/// An unsigned-looking JWT (HS256 header, signature not checked by the mock) with `payload`.
pub fn jwt(payload: &Value) -> String {
    format!(
        "{}.{}.{}",
        base64url(br#"{"alg":"HS256"}"#),
        base64url(payload.to_string().as_bytes()),
        base64url(b"not-a-real-signature")
    )
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads one staging payload file's `params`, `status` and `payload` (JSON), with the
/// workspace's own YAML loader.
pub fn read_payload_file(path: &std::path::Path) -> (Vec<(String, String)>, u16, Value) {
    let text = std::fs::read_to_string(path).expect("readable");
    let root = apie_spec::load::load_str(&path.display().to_string(), &text).expect("YAML");
    let params = root
        .get("params")
        .map(|p| {
            p.entries()
                .iter()
                .map(|(k, v)| (k.clone(), v.scalar_text().expect("a scalar param")))
                .collect()
        })
        .unwrap_or_default();
    let status = match root.get("status").map(|s| &s.value) {
        Some(apie_spec::load::Value::Int(n)) => *n as u16,
        other => panic!("{}: status {other:?}", path.display()),
    };
    let body = serde_json::from_str(
        root.get("payload")
            .and_then(|p| p.as_str())
            .expect("payload"),
    )
    .expect("JSON payload");
    (params, status, body)
}

/// A server with `config`.
pub async fn start_with(config: MockConfig) -> MockServer {
    MockServer::start_with(config)
        .await
        .unwrap_or_else(|e| panic!("the mock did not start: {e}"))
}

/// A JWT of its own (`sub` = `name`) with the scope of INSEE's legal units: each `name` is
/// another token, with its own windows.
pub fn token(name: &str) -> String {
    jwt(&serde_json::json!({"sub": name, "scopes": ["unites_legales_etablissements_insee"]}))
}

/// INSEE's legal unit 552049447, a JSON route answered from a staging payload.
pub fn insee_path() -> String {
    format!("/v3/insee/sirene/unites_legales/552049447?{TRACE}")
}

/// The status of a GET, or `None` when the connection was closed without an answer.
pub async fn status_or_none(
    client: &reqwest::Client,
    server: &MockServer,
    path_and_query: &str,
    token: Option<&str>,
) -> Option<u16> {
    let mut request = client.get(format!("{}{path_and_query}", server.base_url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    match request.send().await {
        Ok(response) => Some(response.status().as_u16()),
        Err(e) => {
            // A timeout would be a mock that hangs, not one that closes: not the same bug.
            assert!(!e.is_timeout(), "{path_and_query}: {e}");
            None
        }
    }
}

/// A valid value of each identifier kind.
pub fn sample(kind: api_entreprise::runtime::IdentifierKind) -> &'static str {
    use api_entreprise::runtime::IdentifierKind as K;
    match kind {
        K::Siren | K::SirenOrRna | K::SirenOrSiretOrRna => "418166096",
        K::Siret | K::SiretOrEori => "41816609600002",
        K::Rna | K::SiretOrRna => "W123456789",
        K::Eori => "FR41816609600002",
        K::Year => "2023",
        K::Month => "06",
        _ => "x",
    }
}
