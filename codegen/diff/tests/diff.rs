//! The spec diff: one spec pair per change kind (`support/diff_cases.rs`: a small spec in the
//! published style and the edits that make each pair), each snapshotted as JSON and Markdown;
//! then every consecutive pair of the published history.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use apie_diff::format::{render, Format, Labels};
use apie_diff::{self, ChangeKind, IgnoreList, Report, Semver, Severity};
use apie_spec::model::Api;

#[path = "support/diff_cases.rs"]
mod diff_cases;

fn model_of(name: &str, text: &str) -> Api {
    match apie_spec::model_from_str(name, text.as_bytes()) {
        Ok(loaded) => loaded.api,
        Err(d) => panic!("{name} does not load:\n{d}"),
    }
}

fn model(path: &Path) -> Api {
    match apie_spec::model_from_file(path) {
        Ok(loaded) => loaded.api,
        Err(d) => panic!("{} does not load:\n{d}", path.display()),
    }
}

fn case_report(case: &str) -> Report {
    let (old, new) = diff_cases::specs(case);
    apie_diff::diff(
        &model_of(&format!("{case}/old.yml"), &old),
        &model_of(&format!("{case}/new.yml"), &new),
    )
}

/// A case's spec written to a file in `dir` (the test's own), for the command line.
fn case_file(dir: &Path, case: &str, side: &str) -> String {
    let (old, new) = diff_cases::specs(case);
    let dir = dir.join(case);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{side}.yml"));
    std::fs::write(&path, if side == "old" { old } else { new }).unwrap();
    path.display().to_string()
}

fn kinds(report: &Report) -> BTreeSet<&'static str> {
    report.changes.iter().map(|c| c.kind.id()).collect()
}

/// The kinds each case must report, exactly. Some facts come together: a route that turns
/// into a document endpoint changes group, limit and timeout at once.
const CASES: &[(&str, &[&str])] = &[
    ("no_change", &[]),
    ("operation_added", &["operation_added"]),
    ("operation_removed", &["operation_removed"]),
    ("operation_moved", &["operation_moved"]),
    ("path_parameter_renamed", &["path_parameter_renamed"]),
    // The method's name comes from the path (the types' from the route with its parameters'
    // names erased, which is the same).
    (
        "path_parameter_renamed_without_ids",
        &["path_parameter_renamed"],
    ),
    // The response type is named after the operation: a new id renames it.
    (
        "operation_id_changed",
        &["operation_id_changed", "type_renamed"],
    ),
    // A new operation whose `adresse` has another shape: both now qualify the name.
    ("type_renamed", &["operation_added", "type_renamed"]),
    ("operation_deprecated", &["operation_deprecated"]),
    ("operation_undeprecated", &["operation_undeprecated"]),
    ("required_parameter_added", &["required_parameter_added"]),
    (
        "required_cookie_parameter_added",
        &["required_parameter_added"],
    ),
    ("parameter_added", &["parameter_added"]),
    ("parameter_removed", &["parameter_removed"]),
    ("parameter_became_required", &["parameter_became_required"]),
    ("parameter_became_optional", &["parameter_became_optional"]),
    // Renamed and retyped: the same URLs, another argument type.
    (
        "parameter_type_changed",
        &["parameter_type_changed", "path_parameter_renamed"],
    ),
    (
        "parameter_constraint_narrowed",
        &["parameter_constraint_narrowed"],
    ),
    (
        "parameter_constraint_widened",
        &["parameter_constraint_widened"],
    ),
    (
        "parameter_pattern_narrowed",
        &["parameter_constraint_narrowed"],
    ),
    ("traceability_changed", &["traceability_changed"]),
    ("success_response_removed", &["success_response_removed"]),
    ("success_response_added", &["success_response_added"]),
    ("property_added", &["property_added"]),
    ("property_removed", &["property_removed"]),
    ("property_type_changed", &["property_type_changed"]),
    ("nullable_added", &["nullable_added"]),
    ("nullable_removed", &["nullable_removed"]),
    ("property_became_optional", &["property_became_optional"]),
    ("property_became_required", &["property_became_required"]),
    ("property_deprecated", &["property_deprecated"]),
    ("parameter_deprecated", &["parameter_deprecated"]),
    (
        "parameter_removed_after_deprecation",
        &["parameter_removed"],
    ),
    ("alternative_added", &["alternative_added"]),
    ("alternative_removed", &["alternative_removed"]),
    (
        "alternative_property_type_changed",
        &["property_type_changed"],
    ),
    ("property_became_one_of", &["property_type_changed"]),
    ("request_alternative_added", &["request_alternative_added"]),
    (
        "request_alternative_removed",
        &["request_alternative_removed"],
    ),
    ("enum_value_added", &["enum_value_added"]),
    ("enum_value_removed", &["enum_value_removed"]),
    ("error_code_added", &["error_code_added"]),
    ("error_code_removed", &["error_code_removed"]),
    (
        "endpoint_group_changed",
        &[
            "endpoint_group_changed",
            "property_added",
            "rate_limit_changed",
            "timeout_changed",
        ],
    ),
    (
        "rate_limit_changed",
        &["operation_id_changed", "rate_limit_changed", "type_renamed"],
    ),
    ("maintenance_changed", &["maintenance_changed"]),
    ("parameter_default_changed", &["parameter_default_changed"]),
    ("security_scopes_changed", &["security_scopes_changed"]),
    ("map_value_type_changed", &["property_type_changed"]),
    ("response_media_type_added", &["response_media_type_added"]),
    (
        "response_media_type_removed",
        &["response_media_type_removed"],
    ),
    (
        "path_parameter_enum_narrowed",
        &["parameter_constraint_narrowed"],
    ),
    (
        "parameter_maximum_lowered",
        &["parameter_constraint_narrowed"],
    ),
    (
        "parameter_minimum_lowered",
        &["parameter_constraint_widened"],
    ),
    (
        "parameter_max_length_added",
        &["parameter_constraint_narrowed"],
    ),
    ("parameter_type_specialised", &["parameter_type_changed"]),
    ("parameter_type_widened", &["parameter_type_changed"]),
    // Lifecycle: removed once deprecated (a warning), or before its sunset day (breaking).
    (
        "operation_removed_after_deprecation",
        &["operation_removed"],
    ),
    ("operation_removed_after_sunset", &["operation_removed"]),
    ("operation_removed_before_sunset", &["operation_removed"]),
    ("request_body_added", &["request_body_added"]),
    ("request_body_removed", &["request_body_removed"]),
    (
        "request_body_became_required",
        &["request_body_became_required"],
    ),
    (
        "request_body_became_optional",
        &["request_body_became_optional"],
    ),
    ("request_media_type_added", &["request_media_type_added"]),
    (
        "request_media_type_removed",
        &["request_media_type_removed"],
    ),
    ("request_property_added", &["request_property_added"]),
    (
        "request_required_property_added",
        &["request_property_added"],
    ),
    ("request_property_removed", &["request_property_removed"]),
    (
        "request_property_type_changed",
        &["request_property_type_changed"],
    ),
    (
        "request_property_became_required",
        &["request_property_became_required"],
    ),
    (
        "request_property_became_optional",
        &["request_property_became_optional"],
    ),
    ("request_enum_value_added", &["request_enum_value_added"]),
    (
        "request_enum_value_removed",
        &["request_enum_value_removed"],
    ),
    ("request_nullable_changed", &["request_nullable_changed"]),
    (
        "request_property_deprecated",
        &["request_property_deprecated"],
    ),
    (
        "timeout_changed",
        &[
            "endpoint_group_changed",
            "property_added",
            "rate_limit_changed",
            "timeout_changed",
        ],
    ),
    ("security_changed", &["security_changed"]),
    // Refinements: what the generated crate makes of some changes.
    (
        "enum_value_respelled",
        &["enum_value_added", "enum_value_removed"],
    ),
    (
        "error_code_removed_everywhere",
        &["error_code_added", "error_code_removed"],
    ),
    (
        "error_code_renumbered",
        &["error_code_added", "error_code_removed"],
    ),
    ("nullable_added_to_optional", &["nullable_added"]),
    (
        "operation_removed_with_its_codes",
        &["error_code_removed", "operation_removed"],
    ),
];

fn check_case(case: &str) {
    let expected = CASES
        .iter()
        .find(|(c, _)| *c == case)
        .map(|(_, k)| *k)
        .unwrap_or_else(|| panic!("no case {case}"));
    let report = case_report(case);
    let found = kinds(&report);
    assert_eq!(
        found,
        expected.iter().copied().collect::<BTreeSet<_>>(),
        "kinds reported for {case}"
    );
    let labels = Labels {
        old: format!("{case}/old.yml"),
        new: format!("{case}/new.yml"),
    };
    insta::assert_snapshot!(
        format!("{case}_json"),
        render(&report, Format::Json, &labels)
    );
    insta::assert_snapshot!(
        format!("{case}_markdown"),
        render(&report, Format::Markdown, &labels)
    );
}

macro_rules! cases {
    ($($case:ident)*) => {
        $( #[test] fn $case() { check_case(stringify!($case)); } )*
        /// The cases that have a test of their own.
        const TESTED: &[&str] = &[ $( stringify!($case) ),* ];
    };
}

cases! {
    no_change operation_added operation_removed operation_moved operation_id_changed operation_deprecated
    path_parameter_renamed path_parameter_renamed_without_ids
    operation_undeprecated required_parameter_added required_cookie_parameter_added parameter_added parameter_removed parameter_became_required
    parameter_became_optional parameter_type_changed parameter_constraint_narrowed parameter_constraint_widened parameter_pattern_narrowed
    traceability_changed success_response_removed success_response_added property_added property_removed
    property_type_changed nullable_added nullable_removed property_became_optional property_became_required
    property_deprecated enum_value_added enum_value_removed error_code_added error_code_removed
    endpoint_group_changed rate_limit_changed maintenance_changed security_changed timeout_changed
    operation_removed_after_deprecation operation_removed_after_sunset operation_removed_before_sunset
    parameter_type_specialised parameter_type_widened
    security_scopes_changed map_value_type_changed response_media_type_added response_media_type_removed path_parameter_enum_narrowed parameter_default_changed parameter_maximum_lowered parameter_minimum_lowered parameter_max_length_added
    request_body_added request_body_removed request_body_became_required request_body_became_optional request_media_type_added request_media_type_removed request_property_added request_required_property_added request_property_removed request_property_type_changed request_property_became_required request_property_became_optional request_enum_value_added request_enum_value_removed request_nullable_changed request_property_deprecated
    parameter_deprecated parameter_removed_after_deprecation
    alternative_added alternative_removed alternative_property_type_changed property_became_one_of request_alternative_added request_alternative_removed
    type_renamed enum_value_respelled error_code_removed_everywhere error_code_renumbered nullable_added_to_optional operation_removed_with_its_codes
}

/// Every rule of the registry has its fixture (a case named after it in
/// `support/diff_cases.rs`), its expected kinds in [`CASES`] and its test; and on its own
/// case it reports its kind at one of the levels it declares.
#[test]
fn every_rule_has_its_case() {
    assert_eq!(apie_diff::rules::REGISTRY.len(), ChangeKind::ALL.len());
    for rule in apie_diff::rules::REGISTRY {
        let id = rule.kind.id();
        assert!(TESTED.contains(&id), "rule {id} has no test (`cases!`)");
        let expected = CASES.iter().find(|(c, _)| *c == id);
        assert!(
            expected.is_some_and(|(_, kinds)| kinds.contains(&id)),
            "rule {id}: no case `{id}` in CASES expecting it"
        );
        let report = case_report(id);
        let own: Vec<_> = report
            .changes
            .iter()
            .filter(|c| c.kind == rule.kind)
            .collect();
        assert!(!own.is_empty(), "rule {id}: its case reports no {id}");
        for change in own {
            assert!(
                rule.levels.contains(&change.severity),
                "rule {id} declares {:?} but gave {:?}",
                rule.levels,
                change.severity
            );
        }
    }
}

#[test]
fn a_spec_against_itself_reports_nothing() {
    for (case, _) in CASES {
        let api = model_of(case, &diff_cases::specs(case).1);
        assert_eq!(apie_diff::diff(&api, &api).changes, vec![], "{case}");
    }
}

#[test]
fn semver_follows_the_worst_change() {
    assert_eq!(case_report("no_change").summary.semver, Semver::Patch);
    assert_eq!(
        case_report("maintenance_changed").summary.semver,
        Semver::Patch
    );
    assert_eq!(case_report("property_added").summary.semver, Semver::Minor);
    assert_eq!(
        case_report("enum_value_added").summary.semver,
        Semver::Minor
    );
    assert_eq!(
        case_report("operation_deprecated").summary.semver,
        Semver::Minor
    );
    assert_eq!(
        case_report("property_removed").summary.semver,
        Semver::Major
    );
    assert_eq!(
        case_report("enum_value_removed").summary.semver,
        Semver::Major
    );
}

#[test]
fn an_added_enum_value_is_not_breaking_for_the_crate() {
    let report = case_report("enum_value_added");
    let change = &report.changes[0];
    assert_eq!(change.severity, Severity::Warning);
    assert!(
        change.rust.contains("Other(String)") && change.rust.contains("not breaking"),
        "{}",
        change.rust
    );
    assert_eq!(change.location, "/data/etat_administratif");
}

#[test]
fn refinements_follow_the_generated_crate() {
    // `C` → `c` keeps the variant `C`: a warning, not a removal from the crate.
    let respelled = case_report("enum_value_respelled");
    assert!(
        respelled
            .changes
            .iter()
            .all(|c| c.severity == Severity::Warning),
        "{:#?}",
        respelled.changes
    );
    // A code gone from two operations removes one `ErrorCode` variant: breaking once.
    let gone = case_report("error_code_removed_everywhere");
    let removed: Vec<Severity> = gone
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::ErrorCodeRemoved)
        .map(|c| c.severity)
        .collect();
    assert_eq!(removed, [Severity::Breaking, Severity::Info]);
    // Renumbered: `ErrorCode::NotFound` now stands for another code; it still compiles.
    let renumbered = case_report("error_code_renumbered");
    assert!(
        !renumbered.has_at_least(Severity::Breaking),
        "{:#?}",
        renumbered.changes
    );
    // An optional field that becomes nullable tells absent from null: `Option<Option<T>>`,
    // a new type for code reading it.
    let nullable = case_report("nullable_added_to_optional");
    assert_eq!(nullable.changes[0].severity, Severity::Breaking);
    assert!(
        nullable.changes[0]
            .rust
            .contains("becomes `Option<Option<i64>>`"),
        "{}",
        nullable.changes[0].rust
    );
    // A code only a removed operation listed leaves the crate with it.
    let removed_op = case_report("operation_removed_with_its_codes");
    assert_eq!(removed_op.changes[1].new, None);
    assert_eq!(removed_op.changes[1].old.as_deref(), Some("05001"));
}

#[test]
fn renaming_a_path_parameter_is_not_a_removal() {
    let report = case_report("parameter_type_changed");
    let [renamed, change] = report.changes.as_slice() else {
        panic!("{:#?}", report.changes)
    };
    // Said once as a rename (same URLs), once as the argument's new type.
    assert_eq!(renamed.kind, ChangeKind::PathParameterRenamed);
    assert_eq!(renamed.severity, Severity::Info);
    assert_eq!(change.location, "parameter:siren_or_rna");
    assert_eq!(
        (change.old.as_deref(), change.new.as_deref()),
        (Some("Siren"), Some("SirenOrRna"))
    );
}

#[test]
fn array_items_are_located_with_a_star() {
    let report = case_report("property_removed");
    assert_eq!(
        report.changes[0].location,
        "/data/etablissements/*/effectif"
    );
}

#[test]
fn ignore_file_silences_by_rule_and_by_operation() {
    let report = case_report("endpoint_group_changed");
    let all = report.changes.len();
    let ignore = IgnoreList::parse("# limits move with the group\nrate_limit_changed\ntimeout_changed api_entreprise_v3_insee_unites_legales\n")
        .expect("valid ignore file");
    let left = report.clone().without(&ignore);
    assert_eq!(left.changes.len(), all - 2);
    assert!(
        !kinds(&left).contains("rate_limit_changed") && !kinds(&left).contains("timeout_changed")
    );
    let other_op = IgnoreList::parse("timeout_changed some_other_operation").expect("valid");
    assert_eq!(report.without(&other_op).changes.len(), all);
    assert!(IgnoreList::parse("no_such_rule").is_err());
    assert!(IgnoreList::parse("property_removed op extra").is_err());
}

#[test]
fn formats_are_complete() {
    let report = case_report("endpoint_group_changed");
    let labels = Labels {
        old: "old.yml".into(),
        new: "new.yml".into(),
    };
    let text = render(&report, Format::Text, &labels);
    assert!(text.contains("crate bump: minor"), "{text}");
    let github = render(&report, Format::Github, &labels);
    assert_eq!(github.lines().count(), report.changes.len() + 1);
    assert!(github.lines().all(|l| l.starts_with("::error title=")
        || l.starts_with("::warning title=")
        || l.starts_with("::notice title=")));
    let json: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Json, &labels)).expect("valid JSON");
    assert_eq!(json["summary"]["total"], report.changes.len());
    assert_eq!(json["changes"][0]["operation"]["method"], "GET");
}

fn code(exit: std::process::ExitCode) -> String {
    format!("{exit:?}")
}

#[test]
fn cli_exit_codes() {
    // Removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-diff-cases-")
        .tempdir()
        .unwrap();
    let arg =
        |case: &str, side: &str| case_file(scratch.path(), case, side.trim_end_matches(".yml"));
    let run = |old: String, new: String, format: Format, fail_on: Severity| {
        let options = apie_diff::cli::DiffOptions {
            old,
            new,
            format,
            fail_on,
            ignore: None,
        };
        code(apie_diff::cli::run(&options))
    };
    let breaking = Severity::Breaking;
    let (ok, changes, bad) = (code(0.into()), code(1.into()), code(2.into()));
    let case = |name: &str| (arg(name, "old.yml"), arg(name, "new.yml"));
    let (old, new) = case("no_change");
    assert_eq!(run(old, new, Format::Text, breaking), ok);
    let (old, new) = case("property_removed");
    assert_eq!(run(old, new, Format::Json, breaking), changes);
    // A warning fails only with --fail-on warning.
    let (old, new) = case("operation_deprecated");
    assert_eq!(run(old.clone(), new.clone(), Format::Text, breaking), ok);
    assert_eq!(run(old, new, Format::Text, Severity::Warning), changes);
    let (old, _) = case("no_change");
    assert_eq!(
        run(old, "/nonexistent/spec.yml".into(), Format::Text, breaking),
        bad
    );
    let not_a_spec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("Cargo.toml")
        .display()
        .to_string();
    assert_eq!(
        run(not_a_spec.clone(), not_a_spec, Format::Text, breaking),
        bad
    );
}

#[test]
fn specs_are_read_from_git_revisions_or_files() {
    let Err(read) = apie_diff::source::load("HEAD:Cargo.toml") else {
        panic!("Cargo.toml is not a spec")
    };
    assert_ne!(read.items()[0].kind, "unreadable", "{read}");
    let Err(missing) = apie_diff::source::load("no-such-revision-xyz:spec.yml") else {
        panic!("no such revision")
    };
    assert_eq!(missing.items()[0].kind, "unreadable", "{missing}");
}

#[test]
fn every_consecutive_pair_of_the_history_diffs() {
    let Some(dir) = apie_shared_data::spec_history() else {
        return;
    };
    let files = apie_shared_data::spec_files(&dir);
    assert!(
        files.len() > 1,
        "no spec history in {} (set API_ENTREPRISE_SPECS)",
        dir.display()
    );
    let apis: Vec<Api> = files.iter().map(|f| model(f)).collect();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    for (i, pair) in apis.windows(2).enumerate() {
        let report = apie_diff::diff(&pair[0], &pair[1]);
        let same_model = pair[0].operations == pair[1].operations
            && pair[0].types == pair[1].types
            && pair[0].error_codes == pair[1].error_codes;
        if same_model {
            assert_eq!(
                report.changes,
                vec![],
                "{} → {}: same model, yet changes",
                files[i].display(),
                files[i + 1].display()
            );
        }
        for c in &report.changes {
            *by_kind.entry(c.kind.id()).or_default() += 1;
        }
        let name = |p: &Path| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let s = &report.summary;
        lines.push(format!(
            "{} -> {}: {} changes ({} breaking, {} warning, {} info), {}{}",
            name(&files[i]),
            name(&files[i + 1]),
            s.total(),
            s.breaking,
            s.warning,
            s.info,
            s.semver.as_str(),
            if same_model { ", same model" } else { "" }
        ));
    }
    println!("{}", lines.join("\n"));
    println!("counts by kind over {} pairs:", apis.len() - 1);
    for (kind, n) in &by_kind {
        println!("  {kind:<30} {n}");
    }
}

#[test]
fn with_the_names_lock_the_history_reports_only_the_renames_a_regeneration_makes() {
    let Some(dir) = apie_shared_data::spec_history() else {
        return;
    };
    let files = apie_shared_data::spec_files(&dir);
    let mut renamed = 0;
    let mut vanished = Vec::new();
    for pair in files.windows(2) {
        let (old, new) = (pair[0].display().to_string(), pair[1].display().to_string());
        let old = apie_diff::source::load(&old).unwrap().api;
        let lock = apie_spec::model::names_lock::NamesLock::from_types(&old.types);
        let locked = apie_diff::source::load_with_lock(&new, &lock).unwrap().api;
        let names: BTreeSet<&str> = locked
            .types
            .iter()
            .flat_map(|t| {
                std::iter::once(t.name.as_str()).chain(t.aliases.iter().map(|a| a.name.as_str()))
            })
            .collect();
        for change in apie_diff::diff(&old, &locked).changes {
            if change.kind != ChangeKind::TypeRenamed {
                continue;
            }
            renamed += 1;
            // Only a split may rename: the old name lives on at its other places.
            let old_name = change.old.clone().unwrap_or_default();
            if !names.contains(old_name.as_str()) {
                vanished.push(format!("{new}: {} {old_name}", change.location));
            }
        }
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "type_renamed over the history with the names lock: {renamed}, each a split"
    );
    assert!(
        vanished.is_empty(),
        "names gone while their places remain: {vanished:#?}"
    );
    assert!(renamed < 40, "{renamed}");
}

/// Renaming `{siren}` costs nothing where the spec names the operation; where its id is
/// made of the path, the id and its constant change with it, which code naming them sees.
#[test]
fn a_path_parameter_rename_breaks_only_names_made_of_the_path() {
    let named = case_report("path_parameter_renamed");
    let [change] = named.changes.as_slice() else {
        panic!("{:#?}", named.changes)
    };
    assert_eq!(change.severity, Severity::Info);
    let unnamed = case_report("path_parameter_renamed_without_ids");
    let [change] = unnamed.changes.as_slice() else {
        panic!("{:#?}", unnamed.changes)
    };
    assert_eq!(change.severity, Severity::Breaking);
    assert!(change.rust.contains("_NUMERO_"), "{}", change.rust);
    // Not also reported as a new x-operationId: the spec has none.
    assert!(!kinds(&unnamed).contains("operation_id_changed"));
}
