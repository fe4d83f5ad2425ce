//! The generator never gives a module accessor a name the runtime's `Client` already uses:
//! every public method of `impl Client` in the runtime's sources is in the generator's list
//! (`apie_spec::model::naming::RUNTIME_CLIENT_METHODS`), and the list names only real methods.

use std::collections::BTreeSet;
use std::path::Path;

use apie_spec::model::naming::{module_accessor, RUNTIME_CLIENT_METHODS};

/// `pub fn name(&self` / `pub async fn name(&self` and `pub fn builder()` inside
/// `impl Client {` blocks of the runtime's files.
fn runtime_client_methods() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
    let mut files = vec![];
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut names = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut depth_in_client: Option<usize> = None;
        let mut depth = 0usize;
        for line in text.lines() {
            let trimmed = line.trim_start();
            if depth_in_client.is_none() && trimmed.starts_with("impl Client {") {
                depth_in_client = Some(depth);
            }
            if let Some(base) = depth_in_client {
                if depth == base + 1 {
                    for prefix in ["pub fn ", "pub async fn "] {
                        if let Some(rest) = trimmed.strip_prefix(prefix) {
                            let name: String = rest
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect();
                            names.insert(name);
                        }
                    }
                }
            }
            depth += line.matches('{').count();
            depth = depth.saturating_sub(line.matches('}').count());
            if depth_in_client.is_some_and(|base| depth <= base) && trimmed.starts_with('}') {
                depth_in_client = None;
            }
        }
    }
    names
}

#[test]
fn the_generator_avoids_every_method_the_runtime_defines() {
    let runtime = runtime_client_methods();
    assert!(
        runtime.contains("execute") && runtime.contains("token_privileges"),
        "{runtime:?}"
    );
    let reserved: BTreeSet<String> = RUNTIME_CLIENT_METHODS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let missing: Vec<_> = runtime.difference(&reserved).collect();
    assert!(
        missing.is_empty(),
        "runtime Client methods the generator does not avoid: {missing:?}"
    );
    let stale: Vec<_> = reserved.difference(&runtime).collect();
    assert!(
        stale.is_empty(),
        "reserved names the runtime no longer defines: {stale:?}"
    );
    for name in &runtime {
        assert_ne!(&module_accessor(name), name);
    }
}
