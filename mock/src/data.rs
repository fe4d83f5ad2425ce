//! Everything the mock answers from, loaded once at start: the operations of both specs with
//! their example bodies, the spec's error items, the staging payloads indexed by operation,
//! the staging token and the scope map. Requests then only read memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use apie_spec::diagnostic::{Diagnostics, Severity};
use apie_spec::load::{self, Node};
use apie_spec::model::{self, EndpointGroup, Operation};
use apie_spec::normalize::{self, Document};
use serde_json::Value;

use crate::checks::canonical;
use crate::config::Located;
use crate::documents::rewrite_document_urls;
use crate::errors::ErrorCatalog;
use crate::routes::Router;
use crate::MockError;

/// An operation as the mock serves it.
#[derive(Debug)]
pub(crate) struct MockOperation {
    /// The model of the operation, as the client is generated from.
    pub meta: Operation,
    /// The success body assembled from the spec, document links already local.
    pub success: Option<Value>,
    /// The operation's own 404 example body.
    pub not_found: Option<Value>,
    /// Its first example body for each 5xx status the spec documents (502, 504), which a
    /// status fault answers.
    pub server_errors: Vec<(u16, Value)>,
    /// Its staging payloads, in file name order.
    pub payloads: Vec<Payload>,
    /// Scopes of which the token needs one; empty when anything goes.
    pub scopes: Vec<String>,
    /// Its rate-limit bucket (see [`crate::limits::WindowKey::bucket`]).
    pub bucket: String,
}

/// One staging payload file.
#[derive(Debug, Clone)]
pub(crate) struct Payload {
    /// Where it was read, for messages.
    pub file: PathBuf,
    /// `params`, path parameters in canonical form ([`canonical`]).
    pub params: Vec<(String, String)>,
    /// `status`.
    pub status: u16,
    /// `payload`, document links already local; the file's own text when nothing changed.
    pub body: String,
}

/// All the mock knows.
#[derive(Debug)]
pub(crate) struct Data {
    pub operations: Vec<MockOperation>,
    pub router: Router,
    pub catalog: ErrorCatalog,
    pub staging_token: Option<String>,
    /// Things loaded but odd (a payload folder no operation has): said, not fatal.
    pub warnings: Vec<String>,
}

impl Data {
    /// How many payload files were loaded.
    pub(crate) fn payload_count(&self) -> usize {
        self.operations.iter().map(|o| o.payloads.len()).sum()
    }
}

/// A spec file, read three ways.
struct Spec {
    root: Node,
    document: Document,
    operations: Vec<Operation>,
}

/// Loads everything `located` names; `base_url` is where document links will point.
pub(crate) fn load(located: &Located, base_url: &str) -> Result<Data, MockError> {
    let specs = [read_spec(&located.spec)?, read_spec(&located.spec_v2)?];
    let catalog = ErrorCatalog::from_documents(&[&specs[0].document, &specs[1].document]);
    let ids: Vec<&str> = specs
        .iter()
        .flat_map(|s| s.operations.iter().map(|o| o.id.as_str()))
        .collect();
    let scopes = match &located.authorizations {
        Some(path) => read_authorizations(path, &ids)?,
        None => HashMap::new(),
    };
    let mut warnings = Vec::new();
    let mut payloads = match &located.data_dir {
        Some(dir) => read_payload_dir(dir, base_url)?,
        None => HashMap::new(),
    };
    let mut operations = Vec::new();
    let mut router = Router::default();
    for spec in &specs {
        for meta in &spec.operations {
            if operations
                .iter()
                .any(|o: &MockOperation| o.meta.id == meta.id)
            {
                warnings.push(format!(
                    "{}: operation {} is already served by the other spec; skipped",
                    spec.document.file, meta.id
                ));
                continue;
            }
            let mut success =
                crate::examples::success_example(&spec.root, &meta.http_method, &meta.path);
            if let Some(body) = &mut success {
                rewrite_document_urls(body, base_url);
            }
            let mut own = payloads.remove(&meta.id).unwrap_or_default();
            for payload in &mut own {
                canonicalize(payload, meta, &mut warnings);
            }
            router.add(&meta.http_method, &meta.path, operations.len());
            operations.push(MockOperation {
                success,
                not_found: error_example(&spec.document, meta, "404"),
                server_errors: server_error_examples(&spec.document, meta),
                payloads: own,
                scopes: scopes.get(&meta.id).cloned().unwrap_or_default(),
                bucket: bucket(meta),
                meta: meta.clone(),
            });
        }
    }
    let mut unknown: Vec<_> = payloads.into_keys().collect();
    unknown.sort();
    for id in unknown {
        warnings.push(format!(
            "payloads for {id}: no operation of the specs has this x-operationId; not served"
        ));
    }
    let staging_token = match &located.token_file {
        Some(path) => Some(read_token(path, &mut warnings)?),
        None => None,
    };
    Ok(Data {
        operations,
        router,
        catalog,
        staging_token,
        warnings,
    })
}

fn read_spec(path: &Path) -> Result<Spec, MockError> {
    let name = path.display().to_string();
    let failed = |message: String| MockError::Spec {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| failed(format!("cannot read it: {e}")))?;
    let root = load::load_bytes(&name, &bytes).map_err(|d| failed(d.to_string()))?;
    let (document, mut diagnostics) = normalize::normalize(&name, &root);
    let Some(document) = document else {
        return Err(failed(errors_only(&diagnostics)));
    };
    let api = model::build(
        &document,
        &apie_spec::profile::Profile::api_entreprise(),
        &mut diagnostics,
    );
    if diagnostics.has_errors() {
        return Err(failed(errors_only(&diagnostics)));
    }
    Ok(Spec {
        root,
        document,
        operations: api.operations,
    })
}

/// The errors of a run; the repaired quirks (warnings) are expected on the published spec.
fn errors_only(diagnostics: &Diagnostics) -> String {
    diagnostics
        .items()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The operation's first example for `status`, when the spec gives one.
fn error_example(document: &Document, meta: &Operation, status: &str) -> Option<Value> {
    responses(document, meta)?
        .iter()
        .find(|r| r.status == status)?
        .examples
        .first()
        .map(|e| e.value.clone())
}

/// The operation's first example of each 5xx status.
fn server_error_examples(document: &Document, meta: &Operation) -> Vec<(u16, Value)> {
    responses(document, meta)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            let status = r
                .status
                .parse::<u16>()
                .ok()
                .filter(|s| (500..600).contains(s))?;
            Some((status, r.examples.first()?.value.clone()))
        })
        .collect()
}

/// The documented responses of the operation.
fn responses<'a>(
    document: &'a Document,
    meta: &Operation,
) -> Option<&'a [apie_spec::normalize::Response]> {
    document
        .operations
        .iter()
        .find(|o| o.method.eq_ignore_ascii_case(&meta.http_method) && o.path == meta.path)
        .map(|o| o.responses.as_slice())
}

/// Operations at their group's limit share the group's window; one with a lower limit of its
/// own (DGFIP's fiscal certificate: 5 a minute) counts apart.
fn bucket(meta: &Operation) -> String {
    use api_entreprise::platform::{group_limit, IP_LIMIT};
    use api_entreprise::runtime::EndpointGroup as Group;
    let (name, group) = match meta.group {
        EndpointGroup::Json => ("json", Group::Json),
        EndpointGroup::Documents => ("documents", Group::Documents),
        // Never counted per token: monitoring routes count only per IP (`crate::limits::IP_BUCKET`).
        EndpointGroup::Monitoring => ("monitoring", Group::Monitoring),
    };
    if meta.rate_limit_per_minute == group_limit(group).unwrap_or(IP_LIMIT) {
        name.to_string()
    } else {
        meta.id.clone()
    }
}

/// Path parameters to canonical form, and a warning for a parameter the operation does not
/// take: only a request adding it to its query reaches such a payload, and the generated
/// client never sends it.
fn canonicalize(payload: &mut Payload, meta: &Operation, warnings: &mut Vec<String>) {
    for (name, value) in &mut payload.params {
        if let Some(p) = meta.path_params.iter().find(|p| p.name == *name) {
            *value = canonical(&p.identifier, value);
        } else if !meta.options.iter().any(|o| o.name == *name) {
            warnings.push(format!(
                "{}: operation {} takes no parameter `{name}`; only a request with `{name}` in its query reaches this payload",
                payload.file.display(),
                meta.id
            ));
        }
    }
}

/// `<dir>/<x-operationId>/*.yaml|*.yml`, by operation id, files in name order.
fn read_payload_dir(
    dir: &Path,
    base_url: &str,
) -> Result<HashMap<String, Vec<Payload>>, MockError> {
    let io = |path: &Path, e: std::io::Error| MockError::Payload {
        path: path.to_path_buf(),
        message: format!("cannot read it: {e}"),
    };
    let mut by_operation = HashMap::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let folder = entry.map_err(|e| io(dir, e))?.path();
        if !folder.is_dir() {
            continue;
        }
        let Some(id) = folder
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| io(&folder, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        let payloads = files
            .iter()
            .map(|file| read_payload(file, base_url))
            .collect::<Result<Vec<_>, _>>()?;
        by_operation.insert(id, payloads);
    }
    Ok(by_operation)
}

/// One payload file: `params` (a mapping), `status` (an HTTP status), `payload` (JSON text).
pub(crate) fn read_payload(file: &Path, base_url: &str) -> Result<Payload, MockError> {
    let failed = |message: String| MockError::Payload {
        path: file.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(file).map_err(|e| failed(format!("cannot read it: {e}")))?;
    let root =
        load::load_str(&file.display().to_string(), &text).map_err(|d| failed(d.to_string()))?;
    let mut params = Vec::new();
    if let Some(node) = root.get("params") {
        if !matches!(node.value, load::Value::Map(_) | load::Value::Null) {
            return Err(failed(format!(
                "line {}: `params` must be a mapping, found {}",
                node.position.line,
                node.kind_name()
            )));
        }
        for (name, value) in node.entries() {
            let Some(text) = value.scalar_text() else {
                return Err(failed(format!(
                    "line {}: params.{name} must be a value, found {}",
                    value.position.line,
                    value.kind_name()
                )));
            };
            params.push((name.clone(), text));
        }
    }
    let status = match root.get("status").map(|s| &s.value) {
        Some(load::Value::Int(n)) if (100..=599).contains(n) => *n as u16,
        Some(_) | None => {
            return Err(failed(
                "`status` must be an HTTP status (an integer from 100 to 599)".to_string(),
            ))
        }
    };
    let raw = match root.get("payload") {
        Some(node) => node.as_str().ok_or_else(|| {
            failed(format!(
                "line {}: `payload` must be the body's JSON text, found {}",
                node.position.line,
                node.kind_name()
            ))
        })?,
        None => return Err(failed("no `payload`: the body's JSON text".to_string())),
    };
    let body = if raw.trim().is_empty() {
        String::new()
    } else {
        let mut value: Value =
            serde_json::from_str(raw).map_err(|e| failed(format!("`payload` is not JSON: {e}")))?;
        if rewrite_document_urls(&mut value, base_url) {
            value.to_string()
        } else {
            raw.to_string()
        }
    };
    Ok(Payload {
        file: file.to_path_buf(),
        params,
        status,
        body,
    })
}

/// The scope map, read by the generator's own parser under API Entreprise's profile (one
/// parser for the client's table and the mock): operation id → scopes.
fn read_authorizations(
    path: &Path,
    operation_ids: &[&str],
) -> Result<HashMap<String, Vec<String>>, MockError> {
    let profile = apie_spec::profile::Profile::api_entreprise();
    apie_spec::scopes::load_scope_map(path, operation_ids, &profile)
        .map(|map| map.into_iter().collect())
        .map_err(MockError::Config)
}

fn read_token(path: &Path, warnings: &mut Vec<String>) -> Result<String, MockError> {
    let token = std::fs::read_to_string(path)
        .map_err(|e| MockError::Config(format!("{}: cannot read it: {e}", path.display())))?
        .trim()
        .to_string();
    if api_entreprise::runtime::Token::new(token.clone())
        .claims()
        .is_none()
    {
        warnings.push(format!(
            "{}: not a JWT; the mock will refuse it",
            path.display()
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("apie-mock-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_payload_file_is_read_and_its_links_made_local() {
        let path = temp_file(
            "ok.yaml",
            "params:\n  siren: '418166096'\n  year: 2024\nstatus: 200\npayload: |-\n  {\"data\": {\"document_url\": \"https://h/a.pdf\"}}\n",
        );
        let payload = read_payload(&path, "http://127.0.0.1:9").unwrap();
        assert_eq!(
            payload.params,
            vec![
                ("siren".to_string(), "418166096".to_string()),
                ("year".to_string(), "2024".to_string())
            ]
        );
        assert_eq!(payload.status, 200);
        assert_eq!(
            payload.body,
            r#"{"data":{"document_url":"http://127.0.0.1:9/mock-files/a.pdf"}}"#
        );
    }

    #[test]
    fn bad_payload_files_say_where_and_what() {
        for (name, text, expected) in [
            ("nostatus.yaml", "params: {}\npayload: '{}'\n", "`status`"),
            ("badjson.yaml", "status: 200\npayload: '{'\n", "not JSON"),
            (
                "params.yaml",
                "params: [a]\nstatus: 200\npayload: '{}'\n",
                "mapping",
            ),
            ("nopayload.yaml", "status: 404\n", "no `payload`"),
            ("yaml.yaml", "status: [\n", "invalid YAML"),
        ] {
            let path = temp_file(name, text);
            let err = read_payload(&path, "http://x").unwrap_err().to_string();
            assert!(err.contains(name), "{err}");
            assert!(err.contains(expected), "{name}: {err}");
        }
    }
}
