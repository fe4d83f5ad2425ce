//! Property tests of the client's decode (`api_entreprise::decode_any`, what `apie decode`
//! and every call use) for every operation: random bytes, random JSON, and the spec's own
//! example bodies with values swapped for others of any kind. The fuzz target `decode`
//! (`fuzz/`) does the same coverage-guided; this runs in every `cargo test`. The property:
//! no panic, a success status gives a value or a decode error with its JSON path, and any
//! other status the API's error (an error body the envelope cannot read says why).

use api_entreprise::runtime::Error;
use proptest::prelude::*;
use serde_json::Value;

/// Every x-operationId the client knows.
fn operations() -> Vec<&'static str> {
    api_entreprise::all_operations()
        .map(|o| o.operation_id)
        .collect()
}

fn check(operation: &str, status: u16, body: &[u8]) -> Result<(), TestCaseError> {
    let decoded = api_entreprise::decode_any(operation, status, body);
    let Some(decoded) = decoded else {
        return Err(TestCaseError::fail(format!("{operation} not found")));
    };
    match (status, decoded) {
        (200..=299, Ok(_) | Err(Error::Decode(_))) => Ok(()),
        (200..=299, Err(other)) => Err(TestCaseError::fail(format!("a 2xx gave {other}"))),
        (_, Err(Error::Api(e))) => {
            prop_assert_eq!(e.status, status);
            Ok(())
        }
        (_, other) => Err(TestCaseError::fail(format!("HTTP {status} gave {other:?}"))),
    }
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        Just(Value::from("2024-02-30")),
        Just(Value::from(u64::MAX)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("data".to_string()),
                    Just("errors".to_string()),
                    Just("meta".to_string()),
                    Just("links".to_string()),
                    Just("code".to_string()),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const STATUSES: [u16; 10] = [200, 206, 400, 401, 403, 404, 422, 429, 502, 503];

/// The spec's example success body of each operation that has one, as the mock serves it.
fn examples() -> Vec<(&'static str, Value)> {
    api_entreprise::mock_data::OPERATIONS
        .iter()
        .filter_map(|o| Some((o.operation_id, serde_json::from_str(o.success?).ok()?)))
        .collect()
}

/// `value` with the node at `pick` (in document order, modulo their number) replaced.
fn replace_node(value: &mut Value, pick: usize, with: &Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(m) => m.values().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, mut n: usize, with: &Value) -> Option<usize> {
        if n == 0 {
            *v = with.clone();
            return None;
        }
        n -= 1;
        let children: Vec<&mut Value> = match v {
            Value::Array(a) => a.iter_mut().collect(),
            Value::Object(m) => m.values_mut().collect(),
            _ => Vec::new(),
        };
        for child in children {
            n = walk(child, n, with)?;
        }
        Some(n)
    }
    let total = count(value);
    walk(value, pick % total, with);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        // Found cases are turned into tests by hand; no files written beside the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_for_every_operation(
        pick in any::<usize>(),
        status in proptest::sample::select(&STATUSES[..]),
        body in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let operations = operations();
        check(operations[pick % operations.len()], status, &body)?;
    }

    #[test]
    fn random_json_for_every_operation(
        pick in any::<usize>(),
        status in proptest::sample::select(&STATUSES[..]),
        body in json(),
    ) {
        let operations = operations();
        check(operations[pick % operations.len()], status, body.to_string().as_bytes())?;
    }

    #[test]
    fn examples_with_a_value_swapped(pick in any::<usize>(), node in any::<usize>(), with in json()) {
        let examples = examples();
        prop_assume!(!examples.is_empty());
        let (operation, mut body) = examples[pick % examples.len()].clone();
        replace_node(&mut body, node, &with);
        check(operation, 200, body.to_string().as_bytes())?;
    }
}
