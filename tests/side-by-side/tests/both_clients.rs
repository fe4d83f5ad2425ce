//! `api-entreprise` and `api-fictive` (a crate `apie-codegen` wrote whole from another
//! profile) in one test binary: each client is its own type over the one runtime, each is
//! called against a mock of its own API, and each operation sends its secret and reads its
//! errors the way its own spec says.

use api_fictive::runtime::{Error, PathSegment, Token};
use apie_mock::{FaultPlan, MockApi, MockConfig, MockServer};

const RECIPIENT: &str = "13002526500013";

/// The mock of API Fictive, from its crate's platform and examples.
async fn fictive_mock(faults: FaultPlan) -> MockServer {
    let api = MockApi::new(&api_fictive::PLATFORM, &api_fictive::mock_data::EXAMPLES);
    MockServer::start_with(MockConfig {
        data_dir: None,
        faults,
        ..MockConfig::for_api(api)
    })
    .await
    .expect("the fictional API's mock starts")
}

fn fictive_client(server: &MockServer, secret: &str) -> api_fictive::Client {
    api_fictive::Client::builder()
        .base_url(server.base_url())
        .token(Token::new(secret.to_owned()))
        .traceability(
            api_fictive::Traceability::new(RECIPIENT, "bourses", "AB-2024").expect("valid values"),
        )
        .build()
        .expect("client")
}

#[tokio::test]
async fn both_clients_call_their_own_mock_side_by_side() {
    let entreprise = MockServer::start_with(MockConfig {
        data_dir: None,
        ..MockConfig::default()
    })
    .await
    .expect("API Entreprise's mock starts");
    let fictive = fictive_mock(FaultPlan::none()).await;
    assert_ne!(
        api_entreprise::PLATFORM.api_name,
        api_fictive::PLATFORM.api_name
    );

    let client = api_entreprise::Client::builder()
        .base_url(entreprise.base_url())
        .token(Token::new(entreprise.staging_token()))
        .traceability(
            api_entreprise::Traceability::new("tests", RECIPIENT, "side by side").expect("valid"),
        )
        .build()
        .expect("client");
    let siren = "418166096".parse().expect("a valid SIREN");
    let answer = client.v4().insee_unites_legales(siren).await;
    assert!(
        answer.is_ok(),
        "API Entreprise through its mock: {answer:?}"
    );

    // The fictional API with a JWT: every scheme of its two specs takes it.
    let fictive_client = fictive_client(&fictive, &fictive.staging_token());
    let ine = || "1234567890A".parse::<PathSegment>().expect("a segment");
    let student = fictive_client
        .v1()
        .etudiants(ine())
        .await
        .expect("v1, key in X-Api-Key");
    assert_eq!(student.status, 200);
    let student = fictive_client
        .v3()
        .etudiants(ine())
        .await
        .expect("v3, bearer JWT");
    assert_eq!(student.status, 200);
    let diplomas = fictive_client
        .v3()
        .diplomes(ine())
        .await
        .expect("v3, key in the query");
    assert_eq!(diplomas.status, 200);
    let ping = fictive_client.v3().ping().await.expect("v3, open route");
    assert_eq!(ping.status, 200);
    // A route taking a JSON body: the body is an argument, built with its required fields.
    let body = api_fictive::nouvelle::models::InscriptionsRequestBody::new(
        "1234567890A".into(),
        "licence".into(),
    );
    let enrolled = fictive_client
        .v3()
        .inscriptions(body)
        .await
        .expect("v3, a JSON body");
    let number = enrolled
        .body
        .data
        .as_ref()
        .and_then(|d| d.numero.as_deref());
    assert_eq!(number, Some("INS-42"));
    assert_eq!(
        fictive.stats().answered_with(200),
        5,
        "{:?}",
        fictive.stats()
    );
    assert_eq!(
        entreprise.stats().answered_with(200),
        1,
        "{:?}",
        entreprise.stats()
    );
}

#[tokio::test]
async fn each_spec_of_the_fictional_api_reads_its_own_error_envelope() {
    // An API key that is no JWT: the older spec's header takes it, the newer spec's bearer
    // routes refuse it (401, a list of errors); a 500 on the older spec's route comes as one
    // error per body. Both decode into the same typed error.
    let fictive = fictive_mock(FaultPlan::parse(["500@path=/api/v2/"]).expect("a fault")).await;
    let client = fictive_client(&fictive, "une-cle-qui-n-est-pas-un-jwt");
    let ine = || "1234567890A".parse::<PathSegment>().expect("a segment");
    client
        .v1()
        .etudiants(ine())
        .await
        .expect("any key in X-Api-Key");

    let refused = client
        .v3()
        .etudiants(ine())
        .await
        .expect_err("a bearer must be a JWT");
    let Error::Api(refused) = refused else {
        panic!("an API error, got {refused:?}")
    };
    assert_eq!(refused.status, 401);
    assert!(
        refused.raw_body.starts_with(r#"{"errors":["#),
        "{}",
        refused.raw_body
    );
    assert_eq!(
        refused.first_code(),
        Some(api_fictive::PLATFORM.error_codes.invalid_token),
        "{}",
        refused.raw_body
    );

    let failed = client
        .v2()
        .etablissements("0750001A".parse::<PathSegment>().expect("a segment"))
        .await
        .expect_err("the injected 500");
    let Error::Api(failed) = failed else {
        panic!("an API error, got {failed:?}")
    };
    assert_eq!(failed.status, 500);
    assert!(
        failed.raw_body.contains(r#""erreur":"00500""#) && !failed.raw_body.contains("errors"),
        "one error per body: {}",
        failed.raw_body
    );
    assert_eq!(failed.first_code(), Some("00500"), "{}", failed.raw_body);
}

/// API Fictive counts 3 calls a second per token (its json group's own window) beside two
/// limits per IP: 5 a second and 40 a window of ten seconds. Time is scaled tenfold (the
/// mock's and the throttle's window: 1 s, so the second lasts 100 ms), two keys call at
/// once (6 a second between them): every limit binds, and none is exceeded.
#[tokio::test]
async fn a_per_second_token_limit_holds_beside_the_per_second_and_per_window_ip_limits() {
    use api_fictive::runtime::{Throttle, ThrottleConfig};
    use std::time::{Duration, Instant};

    let minute = Duration::from_secs(1);
    let api = MockApi::new(&api_fictive::PLATFORM, &api_fictive::mock_data::EXAMPLES);
    let fictive = MockServer::start_with(MockConfig {
        data_dir: None,
        minute,
        ..MockConfig::for_api(api)
    })
    .await
    .expect("the fictional API's mock starts");
    let group = api_fictive::platform::GROUP_JSON;
    let limit = |calls, secs| api_fictive::runtime::Limit {
        calls,
        window: Duration::from_secs(secs),
    };
    assert_eq!(group.limits, [limit(3, 1), limit(20, 10)]);
    assert_eq!(
        api_fictive::PLATFORM.ip_limits,
        [limit(5, 1), limit(40, 10)]
    );
    assert_eq!(api_fictive::PLATFORM.window, Duration::from_secs(10));
    let ine = || "1234567890A".parse::<PathSegment>().expect("a segment");

    // The mock enforces the per-second limit: a fourth call within its second is refused.
    let raw = reqwest_free_burst(&fictive, "cle-brute", 4).await;
    assert_eq!(raw.iter().filter(|s| **s == 429).count(), 1, "{raw:?}");
    fictive.unban_all();

    // One throttle for the process's IP, both keys' buckets in it.
    let throttle = Throttle::new(ThrottleConfig::new(&api_fictive::PLATFORM).scaled(minute));
    let client = |key: &str| throttled_client(&fictive, &throttle, key);
    // The throttle counts the token's calls in the group's own (scaled) second: a fourth
    // call that may not wait could go a scaled second after the first, not a window after.
    let probe = client("cle-sonde");
    for _ in 0..3 {
        probe.v1().etudiants(ine()).await.expect("within the limit");
    }
    let no_wait = api_fictive::runtime::CallOptions {
        max_wait: Some(Duration::ZERO),
        ..Default::default()
    };
    let refused = probe.v1().etudiants(ine()).call_options(no_wait).await;
    let Err(Error::Throttled {
        bucket, retry_at, ..
    }) = refused
    else {
        panic!("the fourth call of the second must wait: {refused:?}")
    };
    assert_eq!(bucket, "json");
    let wait = retry_at
        .duration_since(std::time::SystemTime::now())
        .unwrap_or_default();
    assert!(
        wait <= minute / 5,
        "it could go in {wait:?}: not the group's second"
    );
    let (a, b) = (client("cle-a"), client("cle-b"));
    // Past the first IP window: the raw burst's window may still be open.
    tokio::time::sleep(minute).await;
    let started = Instant::now();
    let calls = (0..25).flat_map(|_| [a.clone(), b.clone()]).map(|c| {
        let ine = ine();
        tokio::spawn(async move { c.v1().etudiants(ine).await.map(|r| r.status) })
    });
    let calls: Vec<_> = calls.collect();
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.expect("the task").expect("every call answered"));
    }
    let took = started.elapsed();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let stats = fictive.stats();
    assert_eq!(stats.rate_limited, 1, "the raw burst's only: {stats:?}");
    assert_eq!(stats.answered_with(200), 3 + 3 + 50, "{stats:?}");
    assert_eq!(stats.bans(), 0, "{stats:?}");
    // The two keys at 3 a (scaled) second each would send 6 in the IP's first second, and
    // the mock bans an IP past any of its limits: no ban, so the per-second IP limit held.
    // 50 calls at 40 a window need two IP windows (at 5 a second, ten seconds; 25 a key at 3
    // a second, nine).
    assert!(
        took >= minute,
        "50 calls in {took:?}: the IP's window limit did not bind"
    );
}

/// A client of API Fictive's mock with API key `key`, through `throttle` (shared by the
/// clients of one process).
fn throttled_client(
    server: &MockServer,
    throttle: &api_fictive::runtime::Throttle,
    key: &str,
) -> api_fictive::Client {
    api_fictive::Client::builder()
        .base_url(server.base_url())
        .token(Token::new(key.to_owned()))
        .traceability(
            api_fictive::Traceability::new(RECIPIENT, "bourses", "AB-2024").expect("valid values"),
        )
        .throttle(throttle.clone())
        .build()
        .expect("client")
}

/// `count` calls of the older spec's route with API key `key`, sent at once without the
/// client (so without its throttle): their statuses.
async fn reqwest_free_burst(server: &MockServer, key: &str, count: usize) -> Vec<u16> {
    let target = format!("/api/v1/etudiants/1234567890A?recipient={RECIPIENT}");
    let mut statuses = Vec::new();
    for _ in 0..count {
        let answer = raw_get(server, &target, &format!("x-api-key: {key}")).await;
        let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok());
        statuses.push(status.expect("an HTTP status line"));
    }
    statuses
}

/// `GET target` with one more header line, by hand (no client, no throttle): the answer as
/// received, status line first.
async fn raw_get(server: &MockServer, target: &str, header: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connects");
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: mock\r\n{header}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("answered");
    answer
}

/// A body sent as JSON must be JSON: the mock refuses another one (400) in the operation's
/// error envelope, before anything else.
#[tokio::test]
async fn a_body_that_is_no_json_is_refused_by_the_mock() {
    let fictive = fictive_mock(FaultPlan::none()).await;
    let line =
        format!("POST /api/v3/inscriptions?recipient={RECIPIENT}&cadre=bourses&dossier=AB-2024");
    let answer = raw_post_json(&fictive, &line, "{\"ine\": ").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("n'est pas du JSON"), "{answer}");
}

/// A traceability parameter checked against a list (`cadre`, declared by the newer spec's
/// routes): a value off the list is refused before any request, and the mock refuses it too.
#[tokio::test]
async fn a_listed_traceability_value_is_checked_by_the_client_and_the_mock() {
    let refused =
        api_fictive::Traceability::new(RECIPIENT, "autre", "AB-2024").expect_err("off the list");
    assert!(
        refused.to_string().contains("`bourses`, `etudes`"),
        "{refused}"
    );

    let fictive = fictive_mock(FaultPlan::none()).await;
    let target = format!("/api/v3/etudiants/1234567890A?recipient={RECIPIENT}&cadre=autre");
    let bearer = format!("Authorization: Bearer {}", fictive.staging_token());
    let answer = raw_get(&fictive, &target, &bearer).await;
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");
    assert!(answer.contains("cadre"), "{answer}");
}

/// A required JSON body: the typed builder takes it as an argument; a call made from the
/// metadata without one is refused before anything is sent, and the mock refuses one sent
/// raw without a body.
#[tokio::test]
async fn a_required_body_missing_is_refused_by_the_client_and_the_mock() {
    use api_fictive::nouvelle::operations::API_FICTIVE_V3_INSCRIPTIONS as META;
    let body = META.request_body.expect("the enrolment takes a body");
    assert!(body.required);
    assert_eq!(body.media_types, ["application/json"]);

    let fictive = fictive_mock(FaultPlan::none()).await;
    let client = fictive_client(&fictive, &fictive.staging_token());
    let request = api_fictive::runtime::Request::from_params(&META, &[]).expect("no parameters");
    let refused = client
        .execute::<serde_json::Value>(request)
        .await
        .expect_err("no body");
    assert!(
        matches!(
            refused,
            Error::Validation(api_fictive::runtime::ValidationError::RequestBodyMissing { .. })
        ),
        "{refused}"
    );
    assert_eq!(fictive.stats().requests, 0, "nothing was sent");

    let line =
        format!("POST /api/v3/inscriptions?recipient={RECIPIENT}&cadre=bourses&dossier=AB-2024");
    let answer = raw_post_json(&fictive, &line, "").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("est requis"), "{answer}");
}

/// A traceability parameter checked by a pattern (`dossier`, declared by the enrolment route
/// only): a value it does not match whole is refused before any request, the mock refuses it
/// too, and routes that do not declare it do not send it.
#[tokio::test]
async fn a_traceability_value_is_checked_against_its_pattern_by_the_client_and_the_mock() {
    for wrong in ["ab-2024", "AB-20245", "xAB-2024"] {
        let refused = api_fictive::Traceability::new(RECIPIENT, "bourses", wrong)
            .expect_err("the pattern does not match");
        assert!(
            refused
                .to_string()
                .contains("must match `[A-Z]{2}-[0-9]{4}`"),
            "{wrong}: {refused}"
        );
    }
    let fictive = fictive_mock(FaultPlan::none()).await;
    let target = format!("/api/v3/etudiants/1234567890A?recipient={RECIPIENT}&cadre=bourses");
    let bearer = format!("Authorization: Bearer {}", fictive.staging_token());
    let answer = raw_get(&fictive, &target, &bearer).await;
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "a route that does not declare it: {answer}"
    );
    let bad = "POST /api/v3/inscriptions?recipient={RECIPIENT}&cadre=bourses&dossier=ab-1";
    let request = bad.replace("{RECIPIENT}", RECIPIENT);
    let answer = raw_post_json(&fictive, &request, r#"{"ine":"1","formation":"x"}"#).await;
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");
    assert!(answer.contains("dossier"), "{answer}");
}

/// Sends `request_line` (method and target) with a JSON `body` and a bearer token, raw.
async fn raw_post_json(server: &MockServer, request_line: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let request = format!(
        "{request_line} HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.staging_token(),
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connects");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("answered");
    answer
}

/// API Fictive's open route is in a group counted per IP address (3 calls a second, whatever
/// the key, and calls without one): the mock refuses a fourth call of a second from one
/// address, and two clients with different keys sharing one throttle send twelve calls
/// without a single 429, paced into four (scaled) seconds.
#[tokio::test]
async fn a_group_counted_per_ip_holds_across_keys() {
    use api_fictive::runtime::{CountedPer, Throttle, ThrottleConfig};
    use std::time::{Duration, Instant};

    let group = api_fictive::platform::GROUP_PING;
    assert_eq!(group.counted_per, CountedPer::Ip);
    let minute = Duration::from_secs(1);
    let api = MockApi::new(&api_fictive::PLATFORM, &api_fictive::mock_data::EXAMPLES);
    let fictive = MockServer::start_with(MockConfig {
        data_dir: None,
        minute,
        ..MockConfig::for_api(api)
    })
    .await
    .expect("the fictional API's mock starts");
    let mut raw = Vec::new();
    for _ in 0..4 {
        let answer = raw_get(&fictive, "/api/v3/ping", "Accept: */*").await;
        raw.push(answer.split(' ').nth(1).unwrap_or_default().to_owned());
    }
    assert_eq!(raw.iter().filter(|s| *s == "429").count(), 1, "{raw:?}");
    fictive.unban_all();
    // Past the raw burst's (scaled) second.
    tokio::time::sleep(minute / 5).await;
    let before = fictive.stats();

    let throttle = Throttle::new(ThrottleConfig::new(&api_fictive::PLATFORM).scaled(minute));
    let client = |key: &str| throttled_client(&fictive, &throttle, key);
    let (a, b) = (client("cle-a"), client("cle-b"));
    let started = Instant::now();
    let calls: Vec<_> = (0..6)
        .flat_map(|_| [a.clone(), b.clone()])
        .map(|c| tokio::spawn(async move { c.v3().ping().await.map(|r| r.status) }))
        .collect();
    for call in calls {
        let status = call.await.expect("the task").expect("every call answered");
        assert_eq!(status, 200);
    }
    let took = started.elapsed();
    let stats = fictive.stats();
    assert_eq!(
        stats.rate_limited, before.rate_limited,
        "no 429 for the client's calls: {stats:?}"
    );
    assert_eq!(stats.bans(), 0, "{stats:?}");
    // 12 calls at 3 a (scaled, 100 ms) second: four seconds, three waited out.
    let second = api_fictive::PLATFORM.scaled_window(Duration::from_secs(1), minute);
    assert!(
        took >= second * 3,
        "12 calls in {took:?}: the group's limit did not bind"
    );
}
