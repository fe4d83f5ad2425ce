//! Facts over the published specs of the shared test data (or `API_ENTREPRISE_SPECS`): every
//! version models without error, with every operation of the file present.

use std::path::PathBuf;

use apie_spec::load::{load_bytes, Node};

/// Operations counted straight from the YAML: methods under `paths`.
fn operations_in_yaml(root: &Node) -> usize {
    root.get("paths")
        .map(|p| {
            p.entries()
                .iter()
                .map(|(_, item)| {
                    item.entries()
                        .iter()
                        .filter(|(m, _)| {
                            ["get", "post", "put", "delete", "patch"].contains(&m.as_str())
                        })
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn every_published_version_models_with_all_its_operations() {
    let Some(dir) = apie_shared_data::spec_history() else {
        return;
    };
    let mut files: Vec<PathBuf> = apie_shared_data::spec_files(&dir);
    let v2 = dir.join("../api-entreprise-v2/api-entreprise-v2.yml");
    files.push(v2);
    assert!(
        files.len() > 50,
        "expected the spec history, found {} files",
        files.len()
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let loaded = apie_spec::model_from_str(&file.display().to_string(), &bytes)
            .unwrap_or_else(|d| panic!("{} does not model:\n{d}", file.display()));
        let root = load_bytes("spec", &bytes).unwrap();
        assert_eq!(
            loaded.api.operations.len(),
            operations_in_yaml(&root),
            "{}: operations lost",
            file.display()
        );
        let mut ids: Vec<&str> = loaded
            .api
            .operations
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            loaded.api.operations.len(),
            "{}: operation ids not unique",
            file.display()
        );
    }
    println!("{} spec versions modeled", files.len());
}

#[test]
fn latest_spec_facts() {
    let Some(dir) = apie_shared_data::spec_history() else {
        return;
    };
    let file = dir.join("latest.yml");
    let loaded = apie_spec::model_from_file(&file).unwrap_or_else(|d| panic!("{d}"));
    let api = &loaded.api;
    let count = |v: &str| {
        api.operations
            .iter()
            .filter(|o| o.version.name() == v)
            .count()
    };
    assert_eq!(api.operations.len(), 52);
    assert_eq!(
        (count("unversioned"), count("v3"), count("v4")),
        (1, 40, 11)
    );
    assert_eq!(api.operations.iter().filter(|o| o.deprecated).count(), 13);
    assert_eq!(api.error_codes.len(), 186);
    // 414 inline objects collapse to about 210 shapes; enums are types of their own here.
    let structs = api
        .types
        .iter()
        .filter(|t| matches!(t.kind, apie_spec::model::TypeKind::Struct(_)))
        .count();
    assert!((150..=260).contains(&structs), "{structs} struct shapes");
    // Every path parameter of the latest spec has a validated identifier type.
    for op in &api.operations {
        for p in &op.path_params {
            assert_ne!(
                p.identifier, "PathSegment",
                "{}: `{}` has no identifier type",
                op.id, p.name
            );
        }
        assert!(
            op.success.is_some() || op.id.contains("privileges") || op.id.contains("vrivileges"),
            "{} has no success type",
            op.id
        );
    }
    // Names are ASCII identifiers, never the accent-dropping `AdresseDuSiGe` kind.
    for t in &api.types {
        assert!(
            t.name.is_ascii() && t.name.chars().next().unwrap().is_ascii_uppercase(),
            "{}",
            t.name
        );
    }
    let group = |id: &str| {
        api.operations.iter().find(|o| o.id == id).map(|o| {
            // The tightest limit per token comes first: the operation's own, if any.
            let first = o.limits_per_token.first().map(|l| (l.calls, l.per_secs));
            (o.group.clone(), first, o.timeout_ms)
        })
    };
    let (documents, json) = ("documents".to_string(), "json".to_string());
    assert_eq!(
        group("api_entreprise_v4_dgfip_attestations_fiscales"),
        Some((documents.clone(), Some((5, 60)), 12_000))
    );
    assert_eq!(
        group("api_entreprise_v3_inpi_rne_actes_bilans"),
        Some((documents.clone(), Some((5, 60)), 12_000))
    );
    assert_eq!(
        group("api_entreprise_v4_acoss_attestations_sociales"),
        Some((documents.clone(), Some((50, 60)), 12_000))
    );
    assert_eq!(
        group("api_entreprise_v4_insee_unites_legales"),
        Some((json.clone(), Some((250, 60)), 5_000))
    );
    let warned: std::collections::BTreeSet<&str> =
        loaded.diagnostics.items().iter().map(|d| d.kind).collect();
    for kind in [
        "missing-operation-id",
        "type-date",
        "nullable-enum-without-null",
        "http-scheme-with-apikey-fields",
        "examples-without-schema",
    ] {
        assert!(warned.contains(kind), "latest.yml should warn about {kind}");
    }
}
