//! Everything the mock answers from, loaded once at start: the operations of the API's
//! platform ([`MockApi::platform`]) with the example bodies its crate's build emitted for the
//! mock ([`MockApi::examples`]), the error catalogue, the staging payloads indexed by
//! operation, the token and the client's scope table. Requests then only read memory.
//!
//! No spec is read: the mock serves exactly what the client was built from, so the two
//! cannot disagree on a route, a parameter, a limit or a scope.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use api_entreprise::runtime::{
    CountedPer, IdentifierKind, Limit, OperationExamples, OperationMeta, ParamKind, ParamLocation,
};
// The workspace's YAML loader, for the staging payload files only: never a spec.
use apie_spec::load;
use serde_json::Value;

use crate::checks::canonical;
use crate::config::{Located, MockApi};
use crate::documents::rewrite_document_urls;
use crate::errors::{parse_json, ErrorCatalog};
use crate::routes::Router;
use crate::MockError;

/// An operation as the mock serves it.
#[derive(Debug)]
pub(crate) struct MockOperation {
    /// The client's metadata of the operation: route, parameters, traceability, group, limit.
    pub meta: &'static OperationMeta,
    /// The data provider, named in the x-operationId (`insee`).
    pub provider: &'static str,
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
    pub scopes: &'static [&'static str],
    /// The rate-limit buckets its calls count in: its own limit's, then each limit of its
    /// group.
    pub buckets: Vec<MockBucket>,
}

/// One rate-limit bucket an operation's calls count in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MockBucket {
    /// Its name ([`crate::limits::WindowKey::bucket`]): an x-operationId for a limit of the
    /// operation's own, else its group's bucket (`json`, `json[1]`).
    pub name: String,
    /// Its documented limit.
    pub limit: Limit,
    /// Counted per IP address, all tokens together (and calls without one), rather than
    /// per token.
    pub per_ip: bool,
}

impl MockOperation {
    /// An operation of `platform` with no example, payload nor scope, in its group's bucket.
    pub(crate) fn new(meta: &'static OperationMeta, provider: &'static str) -> MockOperation {
        MockOperation {
            meta,
            provider,
            success: None,
            not_found: None,
            server_errors: Vec::new(),
            payloads: Vec::new(),
            scopes: &[],
            buckets: buckets(meta),
        }
    }

    /// Its path parameters, in template order, with the identifier kind that checks each.
    pub(crate) fn path_params(&self) -> impl Iterator<Item = (&'static str, IdentifierKind)> {
        self.meta
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| match p.kind {
                ParamKind::Identifier(kind) => (p.name, kind),
                // The generator types every path parameter; a plain segment otherwise.
                _ => (p.name, IdentifierKind::PathSegment),
            })
    }
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
    /// The API stood in for.
    pub api: MockApi,
    /// Every scope of its scope table: what an API key that is no JWT opens.
    pub every_scope: Vec<&'static str>,
    pub operations: Vec<MockOperation>,
    pub router: Router,
    pub catalog: ErrorCatalog,
    /// The token [`crate::MockServer::staging_token`] hands out.
    pub staging_token: String,
    /// Things loaded but odd (a payload folder no operation has): said, not fatal.
    pub warnings: Vec<String>,
}

impl Data {
    /// `operations` of `api`, routed, with `catalog`; no token (tests give theirs).
    pub(crate) fn new(api: MockApi, operations: Vec<MockOperation>, catalog: ErrorCatalog) -> Data {
        let mut router = Router::default();
        for (i, op) in operations.iter().enumerate() {
            router.add(op.meta.method, op.meta.path, i);
        }
        Data {
            api,
            every_scope: crate::token::every_scope(api.platform),
            operations,
            router,
            catalog,
            staging_token: String::new(),
            warnings: Vec::new(),
        }
    }

    /// How many payload files were loaded.
    pub(crate) fn payload_count(&self) -> usize {
        self.operations.iter().map(|o| o.payloads.len()).sum()
    }
}

/// Loads everything `located` names for `api`; `base_url` is where document links will point.
pub(crate) fn load(located: &Located, base_url: &str, api: MockApi) -> Result<Data, MockError> {
    let mut warnings = Vec::new();
    let mut payloads = match &located.data_dir {
        Some(dir) => read_payload_dir(dir, base_url)?,
        None => HashMap::new(),
    };
    let mut operations: Vec<MockOperation> = Vec::new();
    for meta in api.platform.all_operations() {
        // `find_operation` gives the root spec's operation of an id both specs have: the
        // client never calls the other, so neither does the mock.
        if operations
            .iter()
            .any(|o| o.meta.operation_id == meta.operation_id)
        {
            warnings.push(format!(
                "operation {} is in two specs; the root spec's is served",
                meta.operation_id
            ));
            continue;
        }
        let examples = api.examples.operation(meta.operation_id).ok_or_else(|| {
            MockError::Internal(format!(
                "the client's mock data has no entry for {}: a bug in apie-codegen",
                meta.operation_id
            ))
        })?;
        let mut operation = MockOperation::new(meta, examples.provider);
        parse_examples(&mut operation, examples, base_url)?;
        operation.scopes = api
            .platform
            .required_scopes(meta.operation_id)
            .unwrap_or_default();
        let mut own = payloads.remove(meta.operation_id).unwrap_or_default();
        for payload in &mut own {
            canonicalize(payload, &operation, &mut warnings);
        }
        operation.payloads = own;
        operations.push(operation);
    }
    let mut unknown: Vec<_> = payloads.into_keys().collect();
    unknown.sort();
    for id in unknown {
        warnings.push(format!(
            "payloads for {id}: the client has no operation with this x-operationId; not served"
        ));
    }
    let mut data = Data::new(api, operations, ErrorCatalog::compiled(api)?);
    data.staging_token = match &located.token_file {
        Some(path) => crate::token::read(path, &mut warnings)?,
        None => crate::token::made_up(api.platform, std::time::SystemTime::now()),
    };
    data.warnings = warnings;
    Ok(data)
}

/// The emitted JSON texts of `examples`, parsed, document links made local.
fn parse_examples(
    operation: &mut MockOperation,
    examples: &OperationExamples,
    base_url: &str,
) -> Result<(), MockError> {
    let id = examples.operation_id;
    if let Some(text) = examples.success {
        let mut body = parse_json("success", id, text)?;
        rewrite_document_urls(&mut body, base_url);
        operation.success = Some(body);
    }
    operation.not_found = examples
        .not_found
        .map(|text| parse_json("not_found", id, text))
        .transpose()?;
    operation.server_errors = examples
        .server_errors
        .iter()
        .map(|(status, text)| Ok((*status, parse_json("server_errors", id, text)?)))
        .collect::<Result<_, MockError>>()?;
    Ok(())
}

/// Operations of a group share its buckets, one a limit; one with a limit of its own (DGFIP's
/// fiscal certificate: 5 a minute) counts in a bucket of its own too, as the client does. A
/// group without limits (monitoring) counts only per IP (`crate::limits::IP_BUCKET`).
fn buckets(meta: &OperationMeta) -> Vec<MockBucket> {
    let own = meta.own_limit.map(|limit| MockBucket {
        name: meta.operation_id.to_string(),
        limit,
        per_ip: false,
    });
    let group = meta.group;
    let per_ip = group.counted_per == CountedPer::Ip;
    let of_group = group
        .limits
        .iter()
        .enumerate()
        .map(|(i, limit)| MockBucket {
            name: group.bucket_label(i),
            limit: *limit,
            per_ip,
        });
    own.into_iter().chain(of_group).collect()
}

/// Path parameters to canonical form, and a warning for a parameter the operation does not
/// take: only a request adding it to its query reaches such a payload, and the generated
/// client never sends it.
fn canonicalize(payload: &mut Payload, operation: &MockOperation, warnings: &mut Vec<String>) {
    for (name, value) in &mut payload.params {
        if let Some((_, kind)) = operation.path_params().find(|(p, _)| p == name) {
            *value = canonical(kind, value);
        } else if operation.meta.param(name).is_none() {
            warnings.push(format!(
                "{}: operation {} takes no parameter `{name}`; only a request with `{name}` in its query reaches this payload",
                payload.file.display(),
                operation.meta.operation_id
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of the test's own, removed when the guard drops (pass or fail).
    fn temp_dir() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("apie-mock-data-")
            .tempdir()
            .unwrap()
    }

    fn temp_file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_payload_file_is_read_and_its_links_made_local() {
        let dir = temp_dir();
        let path = temp_file(
            &dir,
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
        let dir = temp_dir();
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
            let path = temp_file(&dir, name, text);
            let err = read_payload(&path, "http://x").unwrap_err().to_string();
            assert!(err.contains(name), "{err}");
            assert!(err.contains(expected), "{name}: {err}");
        }
    }
}
