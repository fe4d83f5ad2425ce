//! Property tests of the mock's request handling ([`MockService`], what the server runs for
//! each request): random methods, paths built from the operations' routes with odd segments,
//! query strings with odd pairs and escapes, and odd token headers. The fuzz target
//! `mock_request` (`fuzz/`) does the same coverage-guided on raw requests; this runs in every
//! `cargo test`. The property: no panic, every request is answered (no limit is reached and
//! no fault is set), never with a 5xx, and with a JSON body (a PDF under `/mock-files/`).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::LazyLock;

use apie_mock::{MockConfig, MockService};
use axum::body::Body;
use axum::http::Request;
use proptest::prelude::*;

static SERVICE: LazyLock<MockService> = LazyLock::new(|| {
    let config = MockConfig {
        data_dir: None,
        // No limit per IP: the properties are of the answers, not of bans.
        ip_limits: Vec::new(),
        tolerated_429s: u32::MAX,
        ..MockConfig::default()
    };
    let service = MockService::new(&config, "http://127.0.0.1:1").expect("the mock's data");
    for (bucket, _) in service.limits() {
        service
            .set_limit(&bucket, u32::MAX)
            .expect("a known bucket");
    }
    service
});

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("552049447".to_string()),
        Just("13002526500013".to_string()),
        Just("%2F..%2F".to_string()),
        Just("%FF%FE".to_string()),
        Just("%".to_string()),
        Just(String::new()),
        "[a-z0-9_.~-]{0,16}",
        "[0-9]{0,20}",
    ]
}

fn pair() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("context"),
        Just("recipient"),
        Just("object"),
        Just("endpoint"),
        Just("period"),
        Just("year"),
        Just("prenoms[]"),
        Just(""),
    ];
    let value = prop_oneof![
        Just("13002526500013".to_string()),
        Just("%E9%".to_string()),
        Just("+".to_string()),
        "[a-zA-Z0-9%+=&;]{0,12}",
    ];
    (name, value).prop_map(|(n, v)| format!("{n}={v}"))
}

fn authorization() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("Bearer".to_string())),
        Just(Some("Bearer a.b.c".to_string())),
        Just(Some("bearer eyJ.eyJ.x".to_string())),
        Just(Some(format!("Bearer {}", SERVICE.staging_token()))),
        "[ -~]{0,60}".prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2048,
        // Found cases are turned into tests by hand; no files written beside the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_request_gets_an_answer_that_is_not_a_server_error(
        method in prop_oneof![Just("GET"), Just("POST"), Just("HEAD"), Just("DELETE"), Just("PATCH")],
        route in any::<usize>(),
        segments in proptest::collection::vec(segment(), 0..8),
        query in proptest::collection::vec(pair(), 0..6),
        authorization in authorization(),
    ) {
        let service = &*SERVICE;
        let operations: Vec<_> = api_entreprise::all_operations().collect();
        // A real route with its parameters filled by odd segments, or odd segments alone.
        let mut path = operations[route % operations.len()].path.to_string();
        for (i, segment) in segments.iter().enumerate() {
            match path.find('{') {
                Some(start) => {
                    let end = path[start..].find('}').map_or(path.len(), |e| start + e + 1);
                    path.replace_range(start..end, segment);
                }
                None if i % 2 == 0 => path = format!("/{}", segments.join("/")),
                None => path.push_str(&format!("/{segment}")),
            }
        }
        let target = format!("{path}?{}", query.join("&"));
        let mut request = Request::builder().method(method).uri(target.as_str());
        if let Some(value) = &authorization {
            request = request.header("authorization", value.as_str());
        }
        // What hyper would refuse never reaches the mock.
        let Ok(request) = request.body(Body::empty()) else {
            return Ok(());
        };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
        let answer = runtime.block_on(service.answer(IpAddr::V4(Ipv4Addr::LOCALHOST), request));
        let Some(answer) = answer else {
            return Err(TestCaseError::fail(format!("{method} {target}: no answer")));
        };
        let status = answer.status().as_u16();
        prop_assert!(status < 500, "{method} {target}: HTTP {status}");
        if !path.starts_with("/mock-files/") && method != "HEAD" {
            let body: Result<serde_json::Value, _> = serde_json::from_slice(answer.body());
            prop_assert!(body.is_ok(), "{method} {target}: not JSON: {:?}", answer.body());
        }
    }
}
