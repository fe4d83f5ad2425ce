//! One request path: `Request::with_values` (what typed builders call) and
//! `Request::from_params` (calls by name) check and assemble alike, arrays included.

mod support;

use api_entreprise::runtime::{
    IdentifierKind, OperationMeta, ParamKind, ParamLocation, ParamMeta, ParamValue, Request, Siren,
    Token, ValidationError,
};
use api_entreprise::{Client, Error, Traceability};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PARAMS: &[ParamMeta] = &[
    ParamMeta {
        name: "siren",
        location: ParamLocation::Path,
        required: true,
        kind: ParamKind::Identifier(IdentifierKind::Siren),
        allowed: &[],
        repeated: false,
        explode: true,
    },
    ParamMeta {
        name: "prenoms[]",
        location: ParamLocation::Query,
        required: false,
        kind: ParamKind::Text,
        allowed: &[],
        repeated: true,
        explode: true,
    },
    ParamMeta {
        name: "codes",
        location: ParamLocation::Query,
        required: false,
        kind: ParamKind::Text,
        allowed: &["a", "b"],
        repeated: true,
        explode: false,
    },
    ParamMeta {
        name: "session",
        location: ParamLocation::Cookie,
        required: false,
        kind: ParamKind::Text,
        allowed: &[],
        repeated: false,
        explode: true,
    },
    ParamMeta {
        name: "langue",
        location: ParamLocation::Cookie,
        required: false,
        kind: ParamKind::Text,
        allowed: &[],
        repeated: false,
        explode: true,
    },
];

static OP: OperationMeta = OperationMeta {
    params: PARAMS,
    ..support::meta::fake_operation("request_probe", "/v3/probe/{siren}")
};

async fn sent_query(request: Request) -> String {
    let received = sent(request).await;
    received.url.query().unwrap_or_default().to_owned()
}

/// The request the server received.
async fn sent(request: Request) -> wiremock::Request {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/probe/418166096"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token(Token::new("t".to_owned()))
        .traceability(Traceability::new("ctx", "13002526500013", "obj").unwrap())
        .build()
        .unwrap();
    client
        .execute::<serde_json::Value>(request)
        .await
        .expect("sent");
    let mut received = server.received_requests().await.unwrap();
    received.remove(0)
}

/// Cookie parameters travel in one `Cookie` header, each value percent-encoded (a `;` or a
/// space in a value cannot start another cookie), typed or given by name alike; none, no
/// header.
#[tokio::test]
async fn cookie_parameters_are_sent_in_one_cookie_header() {
    let siren: Siren = "418166096".parse().unwrap();
    let cookie = |request: &wiremock::Request| {
        (request.headers.get_all("cookie").iter())
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let typed = Request::with_values(
        &OP,
        vec![
            ("siren", ParamValue::identifier(&siren)),
            ("session", ParamValue::Text("a b;c=d".into())),
            ("langue", ParamValue::Text("fr".into())),
        ],
    )
    .unwrap();
    let received = sent(typed).await;
    assert_eq!(cookie(&received), ["session=a%20b%3Bc%3Dd; langue=fr"]);
    assert_eq!(
        received.url.query(),
        Some(TRACEABILITY_ONLY),
        "no cookie in the URL"
    );
    let by_name = Request::from_params(
        &OP,
        &[
            ("siren".into(), "418166096".into()),
            ("langue".into(), "fr".into()),
        ],
    )
    .unwrap();
    assert_eq!(cookie(&sent(by_name).await), ["langue=fr"]);
    let without = Request::from_params(&OP, &[("siren".into(), "418166096".into())]).unwrap();
    assert!(cookie(&sent(without).await).is_empty());
}

/// The query of a call that sets no query parameter: the traceability parameters alone.
const TRACEABILITY_ONLY: &str = "context=ctx&recipient=13002526500013&object=obj";

#[tokio::test]
async fn arrays_are_sent_as_repeated_pairs_or_joined() {
    let siren: Siren = "418166096".parse().unwrap();
    let typed = Request::with_values(
        &OP,
        vec![
            ("siren", ParamValue::identifier(&siren)),
            ("prenoms[]", ParamValue::list(["Jean", "Marie"])),
            ("codes", ParamValue::list(["a", "b"])),
        ],
    )
    .unwrap();
    assert_eq!(typed.path(), "/v3/probe/418166096");
    let query = sent_query(typed).await;
    assert!(
        query.contains("prenoms%5B%5D=Jean&prenoms%5B%5D=Marie"),
        "explode: one pair per value: {query}"
    );
    assert!(
        query.contains("codes=a%2Cb"),
        "explode false: joined: {query}"
    );

    // By name, a repeated parameter given twice collects both values.
    let by_name = Request::from_params(
        &OP,
        &[
            ("siren".into(), "418166096".into()),
            ("prenoms[]".into(), "Jean".into()),
            ("prenoms[]".into(), "Marie".into()),
        ],
    )
    .unwrap();
    let query = sent_query(by_name).await;
    assert!(
        query.contains("prenoms%5B%5D=Jean&prenoms%5B%5D=Marie"),
        "{query}"
    );
}

#[test]
fn typed_and_named_values_meet_the_same_checks() {
    let siren: Siren = "418166096".parse().unwrap();
    let refused = |r: Result<Request, Error>| match r {
        Err(Error::Validation(ValidationError::Parameter { name, problem })) => (name, problem),
        other => panic!("expected a refused parameter, got {other:?}"),
    };
    let (name, problem) = refused(Request::with_values(
        &OP,
        vec![
            ("siren", ParamValue::identifier(&siren)),
            ("codes", ParamValue::list(["a", "z"])),
        ],
    ));
    assert_eq!(name, "codes");
    assert!(problem.contains("\"z\""), "{problem}");
    let (name, _) = refused(Request::from_params(
        &OP,
        &[
            ("siren".into(), "418166096".into()),
            ("codes".into(), "z".into()),
        ],
    ));
    assert_eq!(name, "codes");
    let (name, _) = refused(Request::with_values(&OP, vec![]));
    assert_eq!(name, "siren", "a required parameter is required either way");
    let (name, _) = refused(Request::with_values(
        &OP,
        vec![
            ("siren", ParamValue::identifier(&siren)),
            ("nope", ParamValue::from(true)),
        ],
    ));
    assert_eq!(name, "nope");
}
