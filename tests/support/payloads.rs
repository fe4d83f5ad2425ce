//! Staging payloads read from the shared test data (never copied into the repository).

use std::collections::BTreeMap;
use std::path::Path;

/// One recorded staging answer.
pub struct Payload {
    /// The request parameters it answers.
    pub params: BTreeMap<String, String>,
    /// HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: serde_json::Value,
}

/// The payload file `file` of operation `operation` in the staging payloads folder `dir`.
pub fn payload(dir: &Path, operation: &str, file: &str) -> Payload {
    let path = dir.join(operation).join(file);
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
