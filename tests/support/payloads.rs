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

/// One staging answer as recorded, its body left as the text the server sent.
pub struct Recorded {
    /// The payload file, for messages.
    pub file: String,
    /// The x-operationId: the name of the payload's folder.
    pub operation: String,
    /// HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

/// Every payload of the staging payloads folder `root` (`<x-operationId>/*.yaml`), in file
/// name order so that reports come out the same on every machine.
pub fn all(root: &Path) -> Vec<Recorded> {
    let mut out = Vec::new();
    for dir in sorted_entries(root).into_iter().filter(|d| d.is_dir()) {
        let operation = dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in sorted_entries(&dir)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        {
            let text = std::fs::read_to_string(&file).unwrap();
            let node = apie_spec::load::load_str(&file.display().to_string(), &text).unwrap();
            let status = match node.get("status").map(|s| &s.value) {
                Some(apie_spec::load::Value::Int(i)) => *i as u16,
                other => panic!("{}: status is {other:?}", file.display()),
            };
            let body = node
                .get("payload")
                .and_then(|p| p.as_str())
                .unwrap_or_default()
                .to_string();
            out.push(Recorded {
                file: file.display().to_string(),
                operation: operation.clone(),
                status,
                body,
            });
        }
    }
    out
}

fn sorted_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}
