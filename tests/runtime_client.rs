//! End-to-end behaviour of `Client::execute` against a mock server.

use std::time::Duration;

use api_entreprise::runtime::{
    ApiVersion, BaseUrlError, CallOptions, ConfigError, Environment, Error, OperationMeta,
    PathParam, Request, SecretProblem, SecretSource, Siren, Token, ValidationError,
};
use api_entreprise::{Client, Traceability};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::scripted::{Reply, Scripted};

const TOKEN: &str = "SECRET-TOKEN-123";
const DINUM_SIRET: &str = "13002526500013";
const LOOKED_UP: &str = "418166096";

const META: OperationMeta = OperationMeta {
    operation_id: "test_operation",
    version: ApiVersion::Versioned {
        number: 3,
        name: "v3",
    },
    method: "GET",
    path: "/v3/test/{siren}",
    summary: "Fake operation for tests",
    group: &api_entreprise::platform::GROUP_JSON,
    own_limit: None,
    timeout: Duration::from_secs(10),
    deprecated: false,
    maintenance: None,
    auth: api_entreprise::runtime::AuthScheme::Bearer,
    error_envelope: &api_entreprise::platform::ERROR_ENVELOPE,
    traceability: &["context", "recipient", "object"],
    params: &[],
    request_body: None,
};

const PING: OperationMeta = OperationMeta {
    operation_id: "ping",
    version: ApiVersion::Unversioned,
    method: "GET",
    path: "/ping",
    summary: "Monitoring",
    group: &api_entreprise::platform::GROUP_MONITORING,
    own_limit: None,
    timeout: Duration::from_secs(10),
    deprecated: false,
    maintenance: None,
    auth: api_entreprise::runtime::AuthScheme::None,
    error_envelope: &api_entreprise::platform::ERROR_ENVELOPE,
    traceability: &[],
    params: &[],
    request_body: None,
};

#[derive(Debug, Deserialize, PartialEq)]
struct Body {
    data: Data,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Data {
    siren: String,
}

fn traceability() -> Traceability {
    Traceability::new("aides publiques", DINUM_SIRET, "dossier 42 & co").expect("valid")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token(Token::new(TOKEN.to_owned()))
        .traceability(traceability())
        .build()
        .expect("client")
}

/// What generated code would emit for `/v3/test/{siren}`.
fn request(siren: &str) -> Request {
    let siren: Siren = siren.parse().expect("siren");
    let path = format!(
        "/v3/test/{}",
        api_entreprise::runtime::encode_path_segment(siren.as_path_segment())
    );
    let mut request = Request::new(&META, path);
    request.looked_up(siren.looked_up_siren());
    request
}

fn test_path() -> String {
    format!("/v3/test/{LOOKED_UP}")
}

fn assert_no_token<E: std::fmt::Debug + std::fmt::Display>(err: &E) {
    assert!(!format!("{err}").contains(TOKEN), "Display leaks the token");
    assert!(!format!("{err:?}").contains(TOKEN), "Debug leaks the token");
}

#[tokio::test]
async fn successful_call_sends_everything_and_reads_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(test_path()))
        .and(header("Authorization", format!("Bearer {TOKEN}").as_str()))
        .and(query_param("context", "aides publiques"))
        .and(query_param("recipient", DINUM_SIRET))
        .and(query_param("object", "dossier 42 & co"))
        .and(query_param("extra", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"siren": LOOKED_UP}}))
                .insert_header("RateLimit-Limit", "250")
                .insert_header("RateLimit-Remaining", "249")
                .insert_header("RateLimit-Reset", "1700000000")
                .insert_header("X-Response-Cached", "true")
                .insert_header("X-Cache-Expires-in", "3600"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let mut request = request(LOOKED_UP);
    request.query("extra", 1);
    let response = client(&server)
        .execute::<Body>(request)
        .await
        .expect("success");
    assert_eq!(response.body.data.siren, LOOKED_UP);
    assert_eq!(response.status, 200);
    assert!(!response.partial);
    assert_eq!(response.rate_limit.limit, Some(250));
    assert_eq!(response.rate_limit.remaining, Some(249));
    assert_eq!(response.rate_limit.reset, Some(1_700_000_000));
    assert_eq!(response.cached, Some(true));
    assert_eq!(response.cache_expires_in, Some(3600));
}

#[tokio::test]
async fn partial_content_is_flagged() {
    let server = MockServer::start().await;
    Mock::given(path(test_path()))
        .respond_with(ResponseTemplate::new(206).set_body_json(json!({"data": {"siren": "x"}})))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .execute::<Body>(request(LOOKED_UP))
        .await
        .expect("partial");
    assert!(response.partial);
    assert_eq!(response.status, 206);
    assert_eq!(response.rate_limit.limit, None);
}

#[tokio::test]
async fn error_status_gives_api_error_with_code() {
    let server = MockServer::start().await;
    Mock::given(path(test_path()))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "errors": [{"code": "00301", "title": "Entité non trouvée", "detail": "Inconnu", "source": null, "meta": {"provider": "INSEE"}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .execute::<Body>(request(LOOKED_UP))
        .await
        .expect_err("404");
    assert_no_token(&err);
    assert_eq!(err.status(), Some(404));
    let Error::Api(api) = err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.first_code(), Some("00301"));
    assert_eq!(api.errors[0].meta.provider.as_deref(), Some("INSEE"));
}

// On tokio's paused clock, against a server on the test's runtime: the client
// waits out Retry-After before each retry (12 s twice), in no real time.
#[tokio::test(start_paused = true)]
async fn rate_limited_answer_carries_retry_after() {
    let server =
        Scripted::start(vec![Reply::new(429, json!({})).header("Retry-After", "12")]).await;
    let client = Client::builder()
        .base_url(&server.url)
        .token(Token::new(TOKEN.to_owned()))
        .traceability(traceability())
        .build()
        .expect("client");
    let started = tokio::time::Instant::now();
    let err = client
        .execute::<Body>(request(LOOKED_UP))
        .await
        .expect_err("429");
    let Error::Api(api) = err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.retry_after, Some(Duration::from_secs(12)));
    assert!(api.errors.is_empty());
    // Every attempt waited for the bucket to reopen: never sooner.
    let attempts = server.received() as u32;
    assert!(attempts >= 2, "{attempts}");
    assert!(
        started.elapsed() >= Duration::from_secs(12) * (attempts - 1),
        "{:?} for {attempts} attempts",
        started.elapsed()
    );
}

#[tokio::test]
async fn unexpected_body_gives_decode_error_with_path() {
    let server = MockServer::start().await;
    Mock::given(path(test_path()))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    Mock::given(path("/v3/test/130025265"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"siren": 42}})))
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client
        .execute::<Body>(request(LOOKED_UP))
        .await
        .expect_err("html");
    assert_no_token(&err);
    let Error::Decode(decode) = err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(decode.path, ".");
    assert_eq!(decode.raw_body, "<html>oops</html>");

    // The traceability recipient is DINUM, so look up another company here.
    let options = CallOptions {
        traceability: Some(
            Traceability::new("ctx", "41816609600069", "obj")
                .expect("valid")
                .into(),
        ),
        ..CallOptions::default()
    };
    let mut req = request("130025265");
    req.options(options);
    let Err(Error::Decode(decode)) = client.execute::<Body>(req).await else {
        panic!("expected Error::Decode");
    };
    assert_eq!(decode.path, "data.siren");
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(path(test_path()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"siren": LOOKED_UP}}))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let mut req = request(LOOKED_UP);
    req.options(CallOptions {
        timeout: Some(Duration::from_millis(200)),
        ..CallOptions::default()
    });
    let err = client(&server)
        .execute::<Body>(req)
        .await
        .expect_err("timeout");
    assert_no_token(&err);
    match err {
        Error::Timeout { operation, after } => {
            assert_eq!(operation, "test_operation");
            assert_eq!(after, Duration::from_millis(200));
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn validation_failures_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    // No token.
    let no_token = Client::builder()
        .base_url(server.uri())
        .traceability(traceability())
        .build()
        .expect("client");
    let err = no_token
        .execute::<Body>(request(LOOKED_UP))
        .await
        .expect_err("no token");
    assert!(
        matches!(&err, Error::Config(ConfigError::SecretNeeded { operation }) if *operation == META.operation_id),
        "{err:?}"
    );

    // No traceability.
    let no_trace = Client::builder()
        .base_url(server.uri())
        .token(Token::new(TOKEN.to_owned()))
        .build()
        .expect("client");
    let err = no_trace
        .execute::<Body>(request(LOOKED_UP))
        .await
        .expect_err("no traceability");
    assert!(
        matches!(&err, Error::Validation(ValidationError::Traceability(m)) if m.contains("recipient")),
        "{err:?}"
    );
    assert_no_token(&err);

    // Recipient is the company looked up.
    let err = client(&server)
        .execute::<Body>(request("130025265"))
        .await
        .expect_err("recipient is the company");
    assert!(
        matches!(&err, Error::Validation(ValidationError::Traceability(_))),
        "{err:?}"
    );
    assert_no_token(&err);

    // An invalid identifier converts into the client error with `?`.
    let err: Error = "130025266".parse::<Siren>().expect_err("checksum").into();
    assert!(matches!(
        err,
        Error::Validation(ValidationError::Identifier(_))
    ));
    server.verify().await;
}

#[tokio::test]
async fn monitoring_call_needs_no_token_and_sends_none() {
    let server = MockServer::start().await;
    Mock::given(path("/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "ok"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/", server.uri()))
        .build()
        .expect("client");
    let response = client
        .execute::<serde_json::Value>(Request::new(&PING, "/ping".to_owned()))
        .await
        .expect("ping");
    assert_eq!(response.body, json!({"status": "ok"}));

    let received = server.received_requests().await.expect("recording");
    assert_eq!(received.len(), 1);
    assert!(!received[0].headers.contains_key("authorization"));
    assert_eq!(received[0].url.query(), None);
}

#[test]
fn base_url_rules() {
    let base = |url: &str| {
        Client::builder()
            .base_url(url)
            .build()
            .map(|c| c.base_url().to_owned())
    };
    assert_eq!(
        Client::builder().build().expect("prod").base_url(),
        "https://entreprise.api.gouv.fr"
    );
    assert_eq!(
        Client::builder()
            .environment(Environment::Staging)
            .build()
            .expect("staging")
            .base_url(),
        "https://staging.entreprise.api.gouv.fr"
    );
    assert_eq!(
        base("https://proxy.example/api/").expect("https"),
        "https://proxy.example/api"
    );
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost",
        "http://[::1]:1",
        "http://127.1.2.3",
    ] {
        assert!(base(ok).is_ok(), "{ok}");
    }
    // Each refused for its own reason, which a caller can match on.
    let refused = |url| match base(url) {
        Err(Error::Config(ConfigError::BaseUrl(why))) => why,
        other => panic!("{url}: {other:?}"),
    };
    for plain in ["http://example.com", "http://10.0.0.1"] {
        assert!(
            matches!(refused(plain), BaseUrlError::PlainHttp { .. }),
            "{plain}"
        );
    }
    assert_eq!(
        refused("ftp://localhost"),
        BaseUrlError::Scheme {
            scheme: "ftp".into()
        }
    );
    assert!(matches!(refused("not a url"), BaseUrlError::Unparsable(_)));
    assert_eq!(
        refused("https://user:pass@example.com"),
        BaseUrlError::Credentials
    );
}

#[tokio::test]
async fn token_never_shows_up() {
    let server = MockServer::start().await;
    let client = client(&server);
    assert!(!format!("{client:?}").contains(TOKEN));
    assert!(format!("{client:?}").contains("***"));
    assert_eq!(format!("{:?}", Token::new(TOKEN.to_owned())), "Token(***)");
    let builder = Client::builder().token(Token::new(TOKEN.to_owned()));
    assert!(!format!("{builder:?}").contains(TOKEN));

    // Nothing listens on a port just released (wiremock pools and reuses
    // dropped servers, so their ports stay open): transport error.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let uri = format!("http://127.0.0.1:{port}");
    let offline = Client::builder()
        .base_url(uri)
        .token(Token::new(TOKEN.to_owned()))
        .traceability(traceability())
        .build()
        .expect("client");
    let err = offline
        .execute::<Body>(request(LOOKED_UP))
        .await
        .expect_err("connection refused");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    // The cause is kept as an error, its chain readable by the caller.
    assert!(std::error::Error::source(&err).is_some(), "{err:?}");
    assert_no_token(&err);

    // A token that cannot be a header value is refused without quoting it.
    let server = MockServer::start().await;
    let bad = Client::builder()
        .base_url(server.uri())
        .token(Token::new(format!("{TOKEN}\n")))
        .traceability(traceability())
        .build()
        .expect("client");
    let err = bad
        .execute::<Body>(request(LOOKED_UP))
        .await
        .expect_err("bad header");
    assert!(
        matches!(err, Error::Config(ConfigError::SecretNotHeaderSafe)),
        "{err:?}"
    );
    assert_no_token(&err);
}

#[test]
fn token_from_file_is_trimmed() {
    // Removed when the test ends, pass or fail.
    let dir = tempfile::tempdir().expect("dir");
    let dir = dir.path();
    let file = dir.join("token");
    std::fs::write(&file, format!("  {TOKEN}\n")).expect("write");
    let token = Token::from_file(&file).expect("token");
    assert_eq!(format!("{token:?}"), "Token(***)");

    std::fs::write(&file, "\n").expect("write");
    let err = Token::from_file(&file).expect_err("empty");
    assert!(matches!(
        err,
        Error::Config(ConfigError::Secret {
            from: SecretSource::File(_),
            problem: SecretProblem::Empty
        })
    ));
    let err = Token::from_file(dir.join("missing")).expect_err("missing");
    assert!(matches!(
        err,
        Error::Config(ConfigError::Secret {
            problem: SecretProblem::Unreadable(_),
            ..
        })
    ));
}

/// Each operation sends the secret where its own spec's requirement says, whatever the
/// others do: one client calls operations of every scheme.
#[tokio::test]
async fn each_operation_sends_the_secret_its_own_way() {
    use api_entreprise::runtime::AuthScheme;
    static HEADER_KEY: OperationMeta = OperationMeta {
        auth: AuthScheme::ApiKeyHeader("x-api-key"),
        path: "/v3/key",
        ..META
    };
    static QUERY_KEY: OperationMeta = OperationMeta {
        auth: AuthScheme::ApiKeyQuery("jeton"),
        path: "/v3/query",
        ..META
    };
    static OPEN: OperationMeta = OperationMeta {
        auth: AuthScheme::None,
        path: "/v3/open",
        ..META
    };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let client = client(&server);
    for meta in [&META, &HEADER_KEY, &QUERY_KEY, &OPEN] {
        let mut request = Request::new(meta, meta.path.replace("{siren}", LOOKED_UP));
        request.looked_up(Some(LOOKED_UP));
        client
            .execute::<serde_json::Value>(request)
            .await
            .expect("answered");
    }
    let received = server.received_requests().await.expect("recording");
    let sent: Vec<(Option<&str>, Option<&str>, bool)> = received
        .iter()
        .map(|r| {
            let header = |name: &str| r.headers.get(name).and_then(|v| v.to_str().ok());
            let in_query = r.url.query_pairs().any(|(k, v)| k == "jeton" && v == TOKEN);
            (header("authorization"), header("x-api-key"), in_query)
        })
        .collect();
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(
        sent,
        [
            (Some(bearer.as_str()), None, false),
            (None, Some(TOKEN), false),
            (None, None, true),
            (None, None, false),
        ]
    );

    // A key in the query is in the URL: an error of that call still never shows it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let offline = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token(Token::new(TOKEN.to_owned()))
        .traceability(traceability())
        .build()
        .expect("client");
    let mut request = Request::new(&QUERY_KEY, "/v3/query".to_owned());
    request.looked_up(Some(LOOKED_UP));
    let err = offline
        .execute::<serde_json::Value>(request)
        .await
        .expect_err("connection refused");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_no_token(&err);
}

/// A JSON request body is sent as the operation's metadata says (`POST`), with its media
/// type, beside the query's traceability parameters.
#[tokio::test]
async fn a_json_body_is_sent_with_its_media_type() {
    const POST: OperationMeta = OperationMeta {
        method: "POST",
        path: "/v3/demandes",
        operation_id: "test_post",
        ..META
    };
    let server = MockServer::start().await;
    let sent = json!({"siren": LOOKED_UP, "montant": 12});
    Mock::given(method("POST"))
        .and(path("/v3/demandes"))
        .and(header("content-type", "application/json"))
        .and(wiremock::matchers::body_json(&sent))
        .and(query_param("object", "dossier 42 & co"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"numero": "42"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = Request::new(&POST, "/v3/demandes".to_owned());
    request.json_body(&sent).expect("JSON");
    let response = client(&server)
        .execute::<serde_json::Value>(request)
        .await
        .expect("the server matched method, media type and body");
    assert_eq!(response.body["numero"], "42");
}
