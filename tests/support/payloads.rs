//! Staging payloads read from ../shared (never copied into the repository).

use std::collections::BTreeMap;
use std::path::PathBuf;

/// One recorded staging answer.
pub struct Payload {
    /// The request parameters it answers.
    pub params: BTreeMap<String, String>,
    /// HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: serde_json::Value,
}

/// The staging payloads directory: `$APIE_SHARED/staging/payloads`, by default `../shared`
/// beside the checkout. Missing, the test fails saying where it looked.
pub fn dir() -> PathBuf {
    let dir = std::env::var_os("APIE_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
        .join("staging/payloads");
    assert!(
        dir.is_dir(),
        "the staging payloads are expected in {} (set APIE_SHARED)",
        dir.display()
    );
    dir
}

/// The payload file `file` of operation `operation`.
pub fn payload(operation: &str, file: &str) -> Payload {
    let path = dir().join(operation).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let node = apie_spec::load::load_str("payload", &text).unwrap();
    let params = node
        .get("params")
        .map(|p| {
            p.entries()
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.scalar_text()?)))
                .collect()
        })
        .unwrap_or_default();
    let status = node
        .get("status")
        .and_then(|s| s.scalar_text())
        .and_then(|s| s.parse().ok())
        .unwrap();
    let body = serde_json::from_str(node.get("payload").and_then(|p| p.as_str()).unwrap()).unwrap();
    Payload {
        params,
        status,
        body,
    }
}
