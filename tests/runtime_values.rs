//! Tolerant decoding of dates and of error bodies.

use api_entreprise::runtime::{
    decode_body, decode_error_body, ApiDate, ApiDateTime, ErrorBody, ErrorItem,
};
use serde::Deserialize;
use time::macros::{date, datetime};

#[derive(Debug, Deserialize)]
struct WithDate {
    date: ApiDate,
}

#[derive(Debug, Deserialize)]
struct WithDateTime {
    at: ApiDateTime,
}

fn date_of(json: &str) -> Result<ApiDate, serde_json::Error> {
    serde_json::from_str::<WithDate>(json).map(|w| w.date)
}

fn date_time_of(json: &str) -> Result<ApiDateTime, serde_json::Error> {
    serde_json::from_str::<WithDateTime>(json).map(|w| w.at)
}

#[test]
fn api_date_accepts_anything_textual() {
    // (JSON, the raw text kept, the date when valid, sent as a number)
    let cases = [
        (
            r#"{"date":"2021-03-04"}"#,
            "2021-03-04",
            Some(date!(2021 - 03 - 04)),
            false,
        ),
        (r#"{"date":"2022-02-30"}"#, "2022-02-30", None, false),
        (
            r#"{"date":"2021-03-04T10:00:00+01:00"}"#,
            "2021-03-04T10:00:00+01:00",
            None,
            false,
        ),
        (r#"{"date":""}"#, "", None, false),
        (r#"{"date":"+2021-03-04"}"#, "+2021-03-04", None, false),
        (r#"{"date":1614848400}"#, "1614848400", None, true),
        (r#"{"date":-5}"#, "-5", None, true),
        (r#"{"date":1.5}"#, "1.5", None, true),
    ];
    for (json, raw, valid, number) in cases {
        let value = date_of(json).expect(json);
        assert_eq!(
            (value.raw(), value.date(), value.is_number()),
            (raw, valid, number),
            "{json}"
        );
    }
    for json in [r#"{"date":{}}"#, r#"{"date":[]}"#, r#"{"date":true}"#] {
        assert!(date_of(json).is_err(), "{json}");
    }
}

#[test]
fn api_date_round_trips_its_text() {
    for text in ["2021-03-04", "2022-02-30", "bientôt"] {
        let value = ApiDate::parse(text);
        assert_eq!(value.raw(), text);
        assert_eq!(
            serde_json::to_string(&value).expect("json"),
            format!("\"{text}\"")
        );
    }
    // A number comes back as the same number, not as its text.
    for json in ["1614848400", "-5", "1.5"] {
        let value: ApiDate = serde_json::from_str(json).expect(json);
        assert_eq!(serde_json::to_string(&value).expect("json"), json);
    }
    assert_eq!(
        ApiDate::parse("2021-03-04").date(),
        Some(date!(2021 - 03 - 04))
    );
    assert_eq!(ApiDate::parse("2022-02-30").date(), None);
    assert_eq!(ApiDate::from(date!(2021 - 03 - 04)).raw(), "2021-03-04");
}

#[test]
fn optional_dates_accept_null() {
    #[derive(Deserialize)]
    struct Opt {
        date: Option<ApiDate>,
    }
    let parsed: Opt = serde_json::from_str(r#"{"date":null}"#).expect("null");
    assert_eq!(parsed.date, None);
}

#[test]
fn api_date_time_accepts_anything_textual() {
    let valid = date_time_of(r#"{"at":"2021-03-04T10:00:00+01:00"}"#).expect("valid");
    assert_eq!(
        valid.date_time(),
        Some(datetime!(2021-03-04 10:00:00 +01:00))
    );
    assert_eq!(
        serde_json::to_string(&valid).expect("json"),
        "\"2021-03-04T10:00:00+01:00\""
    );
    for (json, raw) in [
        (r#"{"at":"2021-03-04"}"#, "2021-03-04"),
        (r#"{"at":"2021-03-04 10:00:00"}"#, "2021-03-04 10:00:00"),
        (r#"{"at":1614848400}"#, "1614848400"),
    ] {
        let value = date_time_of(json).expect(json);
        assert_eq!(value.date_time(), None, "{json}");
        assert_eq!(value.raw(), raw);
    }
    assert!(date_time_of(r#"{"at":false}"#).is_err());
}

#[test]
fn api_date_time_keeps_the_spelling_it_was_sent_in() {
    // Valid RFC 3339 that formatting would rewrite (`.000`, `+00:00` → `Z`): the text stays.
    for text in ["2021-03-04T10:00:00.000+01:00", "2021-03-04T10:00:00+00:00"] {
        let value = ApiDateTime::parse(text);
        assert!(value.date_time().is_some(), "{text}");
        assert_eq!(
            serde_json::to_string(&value).expect("json"),
            format!("\"{text}\"")
        );
    }
    let epoch: ApiDateTime = serde_json::from_str("1614848400").expect("number");
    assert_eq!(serde_json::to_string(&epoch).expect("json"), "1614848400");
}

#[test]
fn decode_body_reports_the_failing_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        siren: String,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        data: Inner,
    }
    let err = decode_body::<Outer>(200, br#"{"data":{"siren":42}}"#).expect_err("bad type");
    assert_eq!(err.status, 200);
    assert_eq!(err.path, "data.siren");
    assert_eq!(err.raw_body, r#"{"data":{"siren":42}}"#);

    let err = decode_body::<Outer>(200, b"<html>").expect_err("not json");
    assert_eq!(err.path, ".");

    let err =
        decode_body::<Outer>(200, br#"{"data":{"siren":"1"}} trailing"#).expect_err("trailing");
    assert_eq!(err.path, ".");
}

#[test]
fn error_bodies_decode_leniently() {
    let body = r#"{"errors":[{"code":"00301","title":"Entité non trouvée","detail":"Le siren est inconnu","source":{"parameter":"siren"},"meta":{"provider":"INSEE","retry_in":60,"other":1}}]}"#;
    let err = decode_error_body(
        &api_entreprise::PLATFORM,
        &api_entreprise::platform::ERROR_ENVELOPE,
        404,
        body.as_bytes(),
    );
    assert_eq!(err.status, 404);
    assert_eq!(err.first_code(), Some("00301"));
    assert_eq!(err.errors[0].meta.provider.as_deref(), Some("INSEE"));
    assert_eq!(err.errors[0].meta.retry_in, Some(60));
    assert_eq!(err.errors[0].meta.extra.get("other"), Some(&1.into()));
    assert!(err.to_string().contains("00301"));
    assert!(err.advice().contains("not found") || err.advice().contains("no data"));

    // Numeric code, missing fields, null meta.
    let err = decode_error_body(
        &api_entreprise::PLATFORM,
        &api_entreprise::platform::ERROR_ENVELOPE,
        422,
        br#"{"errors":[{"code":1234,"meta":null}]}"#,
    );
    assert_eq!(err.first_code(), Some("1234"));
    assert_eq!(err.errors[0].title, "");

    // One unreadable item does not hide the others.
    let err = decode_error_body(
        &api_entreprise::PLATFORM,
        &api_entreprise::platform::ERROR_ENVELOPE,
        502,
        br#"{"errors":[{"code":{"x":1}},{"code":"04501","title":"t"}]}"#,
    );
    assert_eq!(err.errors.len(), 1);
    assert_eq!(err.first_code(), Some("04501"));

    // Not JSON at all.
    let err = decode_error_body(
        &api_entreprise::PLATFORM,
        &api_entreprise::platform::ERROR_ENVELOPE,
        503,
        b"<html>maintenance</html>",
    );
    assert!(err.errors.is_empty());
    assert_eq!(err.raw_body, "<html>maintenance</html>");
    assert_eq!(err.first_code(), None);

    let parsed: ErrorBody = serde_json::from_str("{}").expect("empty");
    assert_eq!(parsed.errors, Vec::<ErrorItem>::new());
}

#[test]
fn advice_depends_on_status() {
    for (status, needle) in [
        (401, "token"),
        (403, "privileges"),
        (409, "retry"),
        (429, "Retry-After"),
        (451, "diffusibles"),
        (504, "in time"),
    ] {
        let err = decode_error_body(
            &api_entreprise::PLATFORM,
            &api_entreprise::platform::ERROR_ENVELOPE,
            status,
            b"",
        );
        assert!(err.advice().contains(needle), "{status}: {}", err.advice());
    }
}

#[test]
fn another_error_envelope_is_read_where_its_profile_says() {
    use api_entreprise::runtime::ErrorEnvelope;
    // The fictional API of codegen/tests/fixtures/fictional: one error per body.
    let envelope = ErrorEnvelope {
        items: "",
        code: "/erreur",
        title: "/raison",
        detail: "/message",
        source: "/champ",
        provider: "/fournisseur",
        retry_in: "/reessayer_dans",
    };
    let body: serde_json::Value = serde_json::json!({
        "erreur": 404, "raison": "introuvable", "message": "aucun étudiant", "reessayer_dans": "30"
    });
    let items = envelope.read(&body);
    assert_eq!(items.len(), 1);
    assert_eq!(
        (
            items[0].code.as_str(),
            items[0].title.as_str(),
            items[0].detail.as_str()
        ),
        ("404", "introuvable", "aucun étudiant")
    );
    assert_eq!(items[0].meta.retry_in, Some(30));
    assert!(envelope
        .read(&serde_json::json!(["not", "an", "error"]))
        .is_empty());

    // API Entreprise's, as its profile states it: `meta`'s other fields are kept.
    let items = api_entreprise::platform::ERROR_ENVELOPE.read(&serde_json::json!({
        "errors": [{"code": "04501", "meta": {"provider": "DGFIP", "retry_in": 172800, "x": 1}}]
    }));
    assert_eq!(items[0].meta.provider.as_deref(), Some("DGFIP"));
    assert_eq!(items[0].meta.extra.get("x"), Some(&serde_json::json!(1)));
    assert!(!items[0].meta.extra.contains_key("provider"));
}
