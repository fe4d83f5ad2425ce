//! `apie-codegen diff OLD NEW [--format F] [--fail-on S] [--ignore FILE]`: the command's
//! work, on options the command line parsed once (`apie-codegen`, with clap).

use std::path::PathBuf;
use std::process::ExitCode;

use super::format::{render, Format, Labels};
use super::{rules, ChangeKind, IgnoreList, Severity};

/// What `apie-codegen diff` compares and how it reports.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// The spec before: a file, or `REV:PATH` read with `git show`.
    pub old: String,
    /// The spec after, the same way.
    pub new: String,
    /// The output format.
    pub format: Format,
    /// The lowest severity that makes the exit code 1.
    pub fail_on: Severity,
    /// A file of rules to silence.
    pub ignore: Option<PathBuf>,
}

/// Prints every rule: its id, the levels it gives, what it means (`diff --rules`).
pub fn print_rules() -> ExitCode {
    for kind in ChangeKind::ALL {
        let (severity, what) = rules::describe(*kind);
        println!("{:<30} {:<26} {what}", kind.id(), severity);
    }
    ExitCode::SUCCESS
}

/// Runs the diff and prints its report: exit code 0 without a change at or above
/// `fail_on`, 1 with one, 2 for a spec or ignore file that cannot be read.
pub fn run(options: &DiffOptions) -> ExitCode {
    let ignore = match &options.ignore {
        None => IgnoreList::default(),
        Some(file) => match std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|t| IgnoreList::parse(&t).map_err(|e| e.to_string()))
        {
            Ok(list) => list,
            Err(message) => {
                eprintln!("error: ignore file {}: {message}", file.display());
                return ExitCode::from(2);
            }
        },
    };
    let old = super::source::load(&options.old);
    // The new side named as the old side's regeneration would name it (the names lock):
    // `type_renamed` is then a rename a user would meet, not the model's own reshuffle.
    let new = match &old {
        Ok(old) => super::source::load_with_lock(
            &options.new,
            &apie_spec::model::names_lock::NamesLock::from_types(&old.api.types),
        ),
        Err(_) => super::source::load(&options.new),
    };
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for (spec, result) in [(&options.old, old), (&options.new, new)] {
                if let Err(diagnostics) = result {
                    eprint!("{diagnostics}");
                    eprintln!(
                        "{spec}: cannot be read as a spec ({} error(s))",
                        diagnostics.error_count()
                    );
                }
            }
            return ExitCode::from(2);
        }
    };
    // What the model leaves out is not compared: said on every run, on stderr so that the
    // report on stdout stays what its format says.
    for (spec, loaded) in [(&options.old, &old), (&options.new, &new)] {
        if let Some(notice) = not_compared(&loaded.diagnostics) {
            eprintln!("{spec}: not compared: {notice}");
        }
    }
    let report = super::diff(&old.api, &new.api).without(&ignore);
    let labels = Labels {
        old: options.old.clone(),
        new: options.new.clone(),
    };
    print!("{}", render(&report, options.format, &labels));
    if report.has_at_least(options.fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The diagnostics that mean a part of the spec is not in the model, so not compared: what
/// the generated client cannot send or type.
const NOT_COMPARED: &[(&str, &str)] = &[
    (
        "non-json-response",
        "non-JSON success bodies (their schemas)",
    ),
    (
        "untyped-composition",
        "allOf of an object and another type, empty oneOf/anyOf (kept untyped)",
    ),
    (
        "type-union",
        "type lists naming object or array (kept untyped)",
    ),
    (
        "unsupported-security-scheme",
        "security schemes the client cannot send",
    ),
];

/// `3 request bodies (request-body-ignored), 1 cookie parameters (…)`, or `None` when the
/// model holds the whole spec.
fn not_compared(diagnostics: &apie_spec::diagnostic::Diagnostics) -> Option<String> {
    let parts: Vec<String> = NOT_COMPARED
        .iter()
        .filter_map(|(kind, what)| {
            let count = diagnostics
                .items()
                .iter()
                .filter(|d| d.kind == *kind)
                .count();
            (count > 0).then(|| format!("{count} {what} ({kind})"))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}
