//! `apie-codegen diff OLD NEW [--format F] [--fail-on S] [--ignore FILE]`.

use std::process::ExitCode;

use super::format::{render, Format, Labels};
use super::{rules, ChangeKind, IgnoreList, Severity};

/// The command's help.
pub const USAGE: &str = "usage: apie-codegen diff OLD NEW [--format text|markdown|json|github] [--fail-on breaking|warning|info] [--ignore FILE]
       apie-codegen diff --rules

OLD and NEW are spec files, or REV:PATH read with `git show` (e.g. HEAD~1:spec/api_entreprise.yml).
--format    output format (default text)
--fail-on   lowest severity that makes the exit code 1 (default breaking)
--ignore    file of rules to silence: one rule id, or `rule_id x_operation_id`, per line; # comments
--rules     list the rule ids with their usual severity
Exit codes: 0 no change at or above --fail-on, 1 such changes, 2 bad usage or a spec that cannot be read.";

#[derive(Debug)]
struct Options {
    old: String,
    new: String,
    format: Format,
    fail_on: Severity,
    ignore: Option<String>,
}

#[derive(Debug)]
enum Command {
    Help,
    Rules,
    Diff(Options),
}

/// Runs the command on its arguments (those after `diff`) and returns the exit code.
pub fn run(args: &[String]) -> ExitCode {
    match parse(args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Rules) => {
            for kind in ChangeKind::ALL {
                let (severity, what) = rules::describe(*kind);
                println!("{:<30} {:<26} {what}", kind.id(), severity);
            }
            ExitCode::SUCCESS
        }
        Ok(Command::Diff(options)) => diff(&options),
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut positional = Vec::new();
    let (mut format, mut fail_on, mut ignore) = (Format::Text, Severity::Breaking, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let Some(flag) = arg.strip_prefix("--") else {
            positional.push(arg.clone());
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        match name {
            "help" => return Ok(Command::Help),
            "rules" => return Ok(Command::Rules),
            "format" | "fail-on" | "ignore" => {}
            _ => return Err(format!("unknown option `--{name}`")),
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .ok_or_else(|| format!("--{name} needs a value"))?,
        };
        match name {
            "format" => {
                format = Format::from_id(&value).ok_or_else(|| {
                    format!("unknown format `{value}` (text, markdown, json, github)")
                })?
            }
            "fail-on" => {
                fail_on = Severity::from_id(&value).ok_or_else(|| {
                    format!("unknown severity `{value}` (breaking, warning, info)")
                })?
            }
            _ => ignore = Some(value),
        }
    }
    if positional.iter().any(|a| a == "-h") {
        return Ok(Command::Help);
    }
    let mut positional = positional.into_iter();
    match (positional.next(), positional.next(), positional.next()) {
        (Some(old), Some(new), None) => Ok(Command::Diff(Options {
            old,
            new,
            format,
            fail_on,
            ignore,
        })),
        (_, _, Some(extra)) => Err(format!("unexpected argument `{extra}`")),
        _ => Err("diff needs two specs: OLD NEW".into()),
    }
}

fn diff(options: &Options) -> ExitCode {
    let ignore = match &options.ignore {
        None => IgnoreList::default(),
        Some(file) => match std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|t| IgnoreList::parse(&t))
        {
            Ok(list) => list,
            Err(message) => {
                eprintln!("error: ignore file {file}: {message}");
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
    ("request-body-ignored", "request bodies"),
    ("cookie-parameter-ignored", "cookie parameters"),
    ("untyped-composition", "oneOf/anyOf schemas (kept untyped)"),
    ("type-union", "schemas of several types (kept untyped)"),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_flags_in_both_spellings() {
        let Ok(Command::Diff(o)) = parse(&args(&[
            "a.yml",
            "--format=json",
            "b.yml",
            "--fail-on",
            "warning",
        ])) else {
            panic!("expected a diff command");
        };
        assert_eq!(
            (o.old.as_str(), o.new.as_str(), o.format, o.fail_on),
            ("a.yml", "b.yml", Format::Json, Severity::Warning)
        );
    }

    #[test]
    fn rejects_bad_usage() {
        assert!(parse(&args(&["a.yml"])).is_err());
        assert!(parse(&args(&["a", "b", "c"])).is_err());
        assert!(parse(&args(&["a", "b", "--format", "html"])).is_err());
        assert!(parse(&args(&["a", "b", "--fail-on"])).is_err());
        assert!(parse(&args(&["a", "b", "--color"])).is_err());
    }
}
