//! `api-entreprise-fuzz-seed SHARED OUT`: writes the seed corpora of `decode`, `mock_request`
//! and `batch_input` into `OUT/<target>/`, from the staging payloads of `SHARED` (when it is
//! there) and from the client's own operations. The seeds are made at run time and never
//! committed: the repository keeps only the corpora the fuzzer minimised.

use std::path::{Path, PathBuf};

use apie_codegen::load::{load_bytes, Node};

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [shared, out] = args.as_slice() else {
        eprintln!("usage: api-entreprise-fuzz-seed SHARED OUT");
        std::process::exit(2);
    };
    let token = apie_mock::MockService::new(
        &apie_mock::MockConfig {
            data_dir: None,
            ..apie_mock::MockConfig::default()
        },
        "http://127.0.0.1:1",
    )
    .expect("the mock's data")
    .staging_token();
    let mut seeds = Seeds::new(out);
    let payloads = shared.join("staging/payloads");
    for payload in payload_files(&payloads) {
        let operation = payload.operation.as_str();
        let mut decode = format!("{operation} {}\n", payload.status).into_bytes();
        decode.extend_from_slice(payload.body.as_bytes());
        seeds.write("decode", &decode);
        if let Some(meta) = api_entreprise::find_operation(operation) {
            seeds.write("mock_request", &request(meta, &payload.params, &token));
        }
    }
    // Every operation with made-up identifiers: what a bare clone can seed with.
    for meta in api_entreprise::all_operations() {
        seeds.write("mock_request", &request(meta, &[], &token));
    }
    for control in [
        "GET /__mock/stats HTTP/1.1\r\n\r\n",
        "PUT /__mock/faults HTTP/1.1\r\n\r\n[\"503@every=2\", \"delay=20ms@path=/v3\"]",
        "PUT /__mock/faults HTTP/1.1\r\n\r\nmalformed@every=3\nslow-body=1s\n",
        "PUT /__mock/limits/json HTTP/1.1\r\n\r\n12",
        "POST /__mock/unban HTTP/1.1\r\n\r\n",
        "GET /mock-files/attestation.pdf HTTP/1.1\r\n\r\n",
    ] {
        seeds.write("mock_request", control.as_bytes());
    }
    // Mode byte (0 lines, 1 CSV by position, 2 CSV by the header `siren`), delimiter, file.
    for input in [
        &b"\x00,552049447\n 130025265 \n\n552049447\r\n"[..],
        b"\x01;nom;siren\nA;552049447\nB\n\"C;D\";130025265\n",
        b"\x02,\xef\xbb\xbfsiren,nom\n552049447,\"SNCF, \"\"SA\"\"\"\n",
        b"\x02\tsiren\tx\n552049447\t1\n",
        b"\x00,Soci\xe9t\xe9\n",
        b"\x00,\xff\xfe5\x005\x00",
    ] {
        seeds.write("batch_input", input);
    }
    println!("{} seeds written into {}", seeds.count, out.display());
}

/// The seed folders, each file named by its number.
struct Seeds {
    out: PathBuf,
    count: usize,
}

impl Seeds {
    fn new(out: &Path) -> Seeds {
        Seeds {
            out: out.to_path_buf(),
            count: 0,
        }
    }

    fn write(&mut self, target: &str, bytes: &[u8]) {
        let dir = self.out.join(target);
        std::fs::create_dir_all(&dir).expect("the seeds folder");
        self.count += 1;
        std::fs::write(dir.join(format!("seed-{:05}", self.count)), bytes).expect("a seed file");
    }
}

/// One staging payload file.
struct Payload {
    operation: String,
    params: Vec<(String, String)>,
    status: String,
    body: String,
}

fn payload_files(dir: &Path) -> Vec<Payload> {
    let mut found = Vec::new();
    let Ok(operations) = std::fs::read_dir(dir) else {
        eprintln!(
            "note: no staging payloads in {}: seeds from the client's operations alone",
            dir.display()
        );
        return found;
    };
    let mut operations: Vec<PathBuf> = operations.flatten().map(|e| e.path()).collect();
    operations.sort();
    for folder in operations {
        let operation = folder
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Ok(files) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut files: Vec<PathBuf> = files.flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let Ok(root) = load_bytes(&file.display().to_string(), &bytes) else {
                continue;
            };
            let text = |node: Option<&Node>| node.and_then(Node::scalar_text).unwrap_or_default();
            let params = root
                .get("params")
                .map(|p| {
                    p.entries()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.scalar_text().unwrap_or_default()))
                        .collect()
                })
                .unwrap_or_default();
            found.push(Payload {
                operation: operation.clone(),
                params,
                status: text(root.get("status")),
                body: text(root.get("payload")),
            });
        }
    }
    found
}

/// A raw request for `meta`: its path parameters from `params` (else made-up identifiers),
/// its other parameters and the traceability ones in the query, the token.
fn request(
    meta: &api_entreprise::runtime::OperationMeta,
    params: &[(String, String)],
    token: &str,
) -> Vec<u8> {
    let value = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| {
                if name.contains("siret") {
                    "13002526500013"
                } else {
                    "552049447"
                }
                .to_string()
            })
    };
    let mut path = meta.path.to_string();
    for param in meta.params {
        path = path.replace(&format!("{{{}}}", param.name), &value(param.name));
    }
    let mut query = vec![
        "context=fuzz".to_string(),
        "recipient=13002526500013".to_string(),
        "object=fuzz".to_string(),
    ];
    for (name, value) in params {
        if !meta.path.contains(&format!("{{{name}}}")) {
            query.push(format!("{name}={value}"));
        }
    }
    format!(
        "{} {path}?{} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n",
        meta.method.to_ascii_uppercase(),
        query.join("&")
    )
    .into_bytes()
}
