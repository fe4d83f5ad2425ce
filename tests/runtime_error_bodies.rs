//! An error answer's body is either the platform's error envelope, read into typed items, or
//! an `Error::Api` that says the body was not understood and keeps it as received: never an
//! error with silently empty items. The same distinction holds for `decode` and for calls.

use api_entreprise::runtime::errors::BodyNotUnderstood;
use api_entreprise::runtime::{decode_error_body, Environment, Error, Request, Token};
use api_entreprise::Client;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "SECRET-TOKEN-for-error-bodies";
const UNITES_LEGALES: &str = "api_entreprise_v3_insee_unites_legales";
const SIREN: &str = "418166096";
const ENVELOPE: &str = r#"{"errors":[{"code":"01003","title":"Entité non trouvée","detail":"Le siren est inconnu","meta":{"provider":"INSEE"}}]}"#;

/// Why `body`, answered with `status`, is not the envelope; `None` when it is.
fn why(status: u16, body: &str) -> Option<BodyNotUnderstood> {
    let error = decode_error_body(
        &api_entreprise::PLATFORM,
        &api_entreprise::platform::ERROR_ENVELOPE,
        status,
        body.as_bytes(),
    );
    assert_eq!(error.raw_body, body, "the body is kept as received");
    match &error.not_understood {
        Some(_) => assert!(error.errors.is_empty(), "{error:?}"),
        None => assert!(!error.errors.is_empty(), "{error:?}"),
    }
    error.not_understood.map(|why| *why)
}

#[test]
fn the_envelope_is_understood() {
    assert_eq!(why(404, ENVELOPE), None);
    let error = decode_error_body(
        &api_entreprise::PLATFORM,
        &api_entreprise::platform::ERROR_ENVELOPE,
        404,
        ENVELOPE.as_bytes(),
    );
    assert_eq!(error.first_code(), Some("01003"));
    assert!(
        !error.to_string().contains("not its error format"),
        "{error}"
    );
    // A numeric code is still a code; an item of another shape does not hide the others.
    assert_eq!(why(422, r#"{"errors":[{"code":1234,"meta":null}]}"#), None);
    assert_eq!(
        why(502, r#"{"errors":[{"code":{"x":1}},{"code":"04501"}]}"#),
        None
    );
}

#[test]
fn each_way_of_not_being_the_envelope_is_named_with_its_pointer() {
    for (body, pointer, problem) in [
        ("<html>Bad gateway</html>", "", "not JSON"),
        ("", "", "empty"),
        ("  \n", "", "empty"),
        (r#"{"foo": 1}"#, "/errors", "no list of errors"),
        (r#"{"errors": "boom"}"#, "/errors", "found a string"),
        (r#"{"errors": []}"#, "/errors", "empty"),
        (r#"{"errors": [1, "two"]}"#, "/errors/0/code", "no error"),
        (r#"{"errors": [{"title": "t"}]}"#, "/errors/0/code", "code"),
        (r#"["errors"]"#, "/errors", "no list of errors"),
    ] {
        let why = why(404, body).unwrap_or_else(|| panic!("{body:?} was understood"));
        assert_eq!(why.pointer, pointer, "{body:?}: {why}");
        assert!(why.problem.contains(problem), "{body:?}: {why}");
    }
}

#[test]
fn the_message_says_the_body_was_not_understood() {
    let error = decode_error_body(
        &api_entreprise::PLATFORM,
        &api_entreprise::platform::ERROR_ENVELOPE,
        404,
        br#"{"foo": 1}"#,
    );
    let text = error.to_string();
    assert!(
        text.contains("HTTP 404")
            && text.contains("not its error format")
            && text.contains("`/errors`"),
        "{text}"
    );
    // The advice for the status is still given.
    assert!(text.contains(error.advice()), "{text}");
}

#[test]
fn decode_tells_the_envelope_from_other_bodies() {
    let api = |status: u16, body: &str| match api_entreprise::decode(
        UNITES_LEGALES,
        status,
        body.as_bytes(),
    ) {
        Some(Err(Error::Api(api))) => api,
        other => panic!("{status} {body}: {other:?}"),
    };
    assert_eq!(api(404, ENVELOPE).not_understood, None);
    assert!(api(404, r#"{"foo": 1}"#).not_understood.is_some());
    assert!(api(404, "not json").not_understood.is_some());
}

#[tokio::test]
async fn a_call_answered_with_another_body_keeps_it_raw_and_never_shows_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>no such page</html>"))
        .mount(&server)
        .await;
    let meta = api_entreprise::find_operation(UNITES_LEGALES).expect("operation");
    let request =
        Request::from_params(meta, &[("siren".to_owned(), SIREN.to_owned())]).expect("request");
    let client = Client::builder()
        .environment(Environment::Custom(server.uri()))
        .token(Token::new(TOKEN.to_owned()))
        .traceability(
            api_entreprise::Traceability::new("tests", "13002526500013", "error bodies")
                .expect("traceability"),
        )
        .build()
        .expect("client");
    let error = client
        .execute::<serde_json::Value>(request)
        .await
        .expect_err("404");
    let shown = format!("{error} / {error:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let Error::Api(api) = error else {
        panic!("expected Error::Api: {shown}");
    };
    assert_eq!(api.status, 404);
    assert!(api.errors.is_empty());
    assert_eq!(api.raw_body, "<html>no such page</html>");
    let why = api.not_understood.as_ref().expect("not understood");
    assert!(why.problem.contains("not JSON"), "{why}");
    assert!(api.to_string().contains("not its error format"), "{api}");
}
