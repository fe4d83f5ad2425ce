//! `apie-codegen`'s command line, declared with clap: the help of every command, its
//! examples and exit codes, and the completions and man pages made from the same
//! definitions.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use apie_codegen_cli::render::Format;
use clap::{ColorChoice, Parser, Subcommand};
use clap_complete::Shell;

/// The exit codes of every command, for `apie-codegen --help`.
const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the spec (or profile) has errors, diagnostics printed; diff: changes at or above --fail-on
  2  bad usage, or an input/output failure

Every command has its own help, with examples: apie-codegen help <COMMAND>.
Colour only on a terminal, and never when NO_COLOR is set.";

/// Generates the typed API Entreprise client from its published spec, checks and fetches
/// specs, and tells what a new spec version changes.
#[derive(Debug, Parser)]
#[command(name = "apie-codegen", version, after_help = EXIT_CODES, arg_required_else_help = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands, in the order `--help` lists them.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write the files build.rs writes (rustfmt-clean) and print a summary
    Generate(GenerateArgs),
    /// Validate a spec and print its diagnostics
    Check(CheckArgs),
    /// Put the specs into spec/ and record their sha256
    Fetch(FetchArgs),
    /// Fetch, validate, diff, regenerate, bump the version and write the changelog, in one step
    Update(UpdateArgs),
    /// What a new spec version changes, for the generated crate (OLD/NEW: file or REV:PATH)
    Diff(DiffArgs),
    /// Print the shell completions of apie-codegen (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print the man page of apie-codegen, or write one page per command into a folder
    Man(ManArgs),
}

/// `apie-codegen generate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Without --spec, the specs are those the build uses: the profile's, or the profile's
<PREFIX>_SPEC / <PREFIX>_SPEC_V2 variables (API_ENTREPRISE_SPEC and API_ENTREPRISE_SPEC_V2
for API Entreprise), read as build.rs reads them.

Examples:
  apie-codegen generate --out target/generated
  apie-codegen generate --out generated-client/generated --update-locks   # after a spec change
  apie-codegen generate --spec new-openapi.yml --out /tmp/gen
  apie-codegen generate --profile codegen/tests/fixtures/fictional/profile.yml --out /tmp/fictive
  apie-codegen generate --profile codegen/tests/fixtures/fictional/profile.yml --crate \
      --out tests/api-fictive --runtime-path ../../runtime   # a whole crate

Diagnostics of a spec or profile that cannot be used go to stderr as text, or to stdout with
--format json|github.

Exit codes: 0 generated; 1 the spec or profile has errors (nothing generated); 2 bad usage
or a file that cannot be written.")]
pub(crate) struct GenerateArgs {
    /// The platform profile (default: spec/profile.yml of the workspace)
    #[arg(long, value_name = "FILE", env = apie_codegen::config::PROFILE_ENV)]
    pub(crate) profile: Option<PathBuf>,
    /// The profile's first spec (v3/v4 for API Entreprise) from this file
    #[arg(long, value_name = "FILE", env = "API_ENTREPRISE_SPEC")]
    pub(crate) spec: Option<PathBuf>,
    /// The profile's second spec (the legacy v2 for API Entreprise) from this file
    #[arg(long = "spec-v2", value_name = "FILE", env = "API_ENTREPRISE_SPEC_V2")]
    pub(crate) spec_v2: Option<PathBuf>,
    /// Write into this folder (with --crate: the crate's folder)
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
    /// Write a whole crate into --out, from the profile's `package` section: Cargo.toml,
    /// README.md, src/lib.rs, and the modules into src/generated/
    #[arg(long = "crate")]
    pub(crate) whole_crate: bool,
    /// Also write the crate's lib.rs alone to this file, from the profile's `package`
    /// section (a crate whose manifest is its own, as api-entreprise)
    #[arg(long, value_name = "FILE", conflicts_with = "whole_crate")]
    pub(crate) lib: Option<PathBuf>,
    /// With --crate: depend on apie-runtime from this folder, relative to the crate's
    /// (default: from crates.io)
    #[arg(long, value_name = "PATH", requires = "whole_crate")]
    pub(crate) runtime_path: Option<String>,
    /// Leave the files as prettyplease writes them, without passing them through rustfmt
    #[arg(long)]
    pub(crate) no_rustfmt: bool,
    /// Write each spec's names lock (spec/<stem>.names.lock) with the names this generation
    /// gave: what a maintainer does after changing the pinned spec; review its diff
    #[arg(long)]
    pub(crate) update_locks: bool,
    /// How diagnostics are printed
    #[arg(long, value_enum, default_value_t, value_name = "FORMAT")]
    pub(crate) format: Format,
}

/// `apie-codegen check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  apie-codegen check --spec spec/api-entreprise.yml
  apie-codegen check --spec new.yml --format github     # annotations in a GitHub workflow
  apie-codegen check --spec new.yml --format json | jq -r .kind | sort | uniq -c

Text: each diagnostic with its line and a caret, grouped per file, the counts at the end; on
stdout when the spec is usable (warnings), else on stderr. JSON (one object a line: severity,
kind, file, line, column, pointer, message) and GitHub annotations go to stdout, the summary
to stderr.

Exit codes: 0 usable (warnings at most); 1 the spec has errors or cannot be read; 2 bad usage.")]
pub(crate) struct CheckArgs {
    /// The spec to check
    #[arg(long, value_name = "FILE", env = "API_ENTREPRISE_SPEC")]
    pub(crate) spec: PathBuf,
    /// How diagnostics are printed
    #[arg(long, value_enum, default_value_t, value_name = "FORMAT")]
    pub(crate) format: Format,
}

/// `apie-codegen fetch`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Downloads go through curl, from the addresses in spec/sources.txt; each file is checked to be
a usable spec before spec/ is touched, then recorded in spec/record.txt (file sha256 date
origin).

Examples:
  apie-codegen fetch
  apie-codegen fetch --from path/to/mirror             # an offline mirror
  apie-codegen fetch --from latest.yml --dest /tmp/spec

Exit codes: 0 fetched; 2 bad usage, a failed download or a spec that is not usable.")]
pub(crate) struct FetchArgs {
    /// A mirror folder (api-entreprise/latest.yml, api-entreprise-v2/api-entreprise-v2.yml)
    /// or one v3/v4 spec file, instead of downloading
    #[arg(long, value_name = "PATH")]
    pub(crate) from: Option<PathBuf>,
    /// Where the specs go (default: spec/ of the workspace)
    #[arg(long, value_name = "DIR")]
    pub(crate) dest: Option<PathBuf>,
}

/// `apie-codegen update`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  apie-codegen update                                   # from the addresses in spec/sources.txt
  apie-codegen update --from new-openapi.yml
  apie-codegen update --check                           # a scheduled CI job: is there a new version?

Steps: fetch the new spec (or take the file), validate it, diff it against the pinned one
(types named by the names lock), regenerate generated-client/generated and the names locks,
update spec/record.txt, bump the client's version by the diff's verdict (below 1.0: breaking
bumps the minor number, anything else the patch) and write a CHANGELOG.md entry from the diff,
breaking changes first. Everything is prepared aside: nothing is written if a step fails.

Exit codes: 0 updated, or already up to date; 1 a step failed (nothing written); 2 bad usage;
3 with --check, a new spec version is there (nothing written)")]
pub(crate) struct UpdateArgs {
    /// A spec file or a mirror folder (api-entreprise/latest.yml, api-entreprise-v2/…),
    /// instead of downloading
    #[arg(long, value_name = "PATH")]
    pub(crate) from: Option<PathBuf>,
    /// Do everything but write: print the verdict and the changelog entry
    #[arg(long)]
    pub(crate) check: bool,
    /// The workspace to update (default: this one)
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
}

/// `apie-codegen diff`: parsed here, once, into the diff crate's typed options
/// ([`DiffArgs::options`]).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
OLD and NEW are spec files, or REV:PATH read with `git show`.

Examples:
  apie-codegen diff HEAD~1:spec/api-entreprise.yml spec/api-entreprise.yml --format github
  apie-codegen diff old.yml new.yml --format markdown --fail-on warning --ignore diff-ignore.txt
  apie-codegen diff --rules

Exit codes: 0 no change at or above --fail-on; 1 such changes; 2 bad usage or a spec that
cannot be read.")]
pub(crate) struct DiffArgs {
    /// The spec before
    #[arg(value_name = "OLD", required_unless_present = "rules")]
    pub(crate) old: Option<String>,
    /// The spec after
    #[arg(value_name = "NEW", required_unless_present = "rules")]
    pub(crate) new: Option<String>,
    /// Output format
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) format: ReportFormat,
    /// Lowest severity that makes the exit code 1
    #[arg(long, value_name = "SEVERITY", value_enum, default_value_t = FailOn::Breaking)]
    pub(crate) fail_on: FailOn,
    /// Rules to silence: one rule id, or `rule_id x_operation_id`, a line; # comments
    #[arg(long, value_name = "FILE")]
    pub(crate) ignore: Option<PathBuf>,
    /// List the rule ids with their usual severity
    #[arg(long, conflicts_with_all = ["old", "new", "format", "fail_on", "ignore"])]
    pub(crate) rules: bool,
}

/// `diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ReportFormat {
    /// Plain text, one change a paragraph
    Text,
    /// A Markdown table, for a pull request comment
    Markdown,
    /// The stable JSON report
    Json,
    /// GitHub workflow commands (annotations)
    Github,
}

/// `diff --fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FailOn {
    /// Breaking changes only
    Breaking,
    /// Warnings and breaking changes
    Warning,
    /// Any change
    Info,
}

impl DiffArgs {
    /// The diff crate's options; `None` for `--rules`, which compares nothing.
    pub(crate) fn options(&self) -> Option<apie_diff::cli::DiffOptions> {
        let (Some(old), Some(new)) = (&self.old, &self.new) else {
            return None;
        };
        Some(apie_diff::cli::DiffOptions {
            old: old.clone(),
            new: new.clone(),
            format: match self.format {
                ReportFormat::Text => apie_diff::format::Format::Text,
                ReportFormat::Markdown => apie_diff::format::Format::Markdown,
                ReportFormat::Json => apie_diff::format::Format::Json,
                ReportFormat::Github => apie_diff::format::Format::Github,
            },
            fail_on: match self.fail_on {
                FailOn::Breaking => apie_diff::Severity::Breaking,
                FailOn::Warning => apie_diff::Severity::Warning,
                FailOn::Info => apie_diff::Severity::Info,
            },
            ignore: self.ignore.clone(),
        })
    }
}

/// `apie-codegen completions SHELL`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  apie-codegen completions bash > ~/.local/share/bash-completion/completions/apie-codegen
  apie-codegen completions zsh > ~/.zfunc/_apie-codegen

Exit codes: 0 printed; 2 bad usage.")]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: Shell,
}

/// `apie-codegen man [--out DIR]`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  apie-codegen man | man -l -
  apie-codegen man --out target/man    # apie-codegen.1, apie-codegen-check.1 …

Exit codes: 0 written; 2 bad usage or a folder that cannot be written.")]
pub(crate) struct ManArgs {
    /// Write apie-codegen.1 and one page per command into DIR instead of printing
    /// apie-codegen.1
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

/// Prints the completions of `command`.
pub(crate) fn completions(mut command: clap::Command, args: &CompletionsArgs) -> ExitCode {
    clap_complete::generate(
        args.shell,
        &mut command,
        "apie-codegen",
        &mut std::io::stdout(),
    );
    ExitCode::SUCCESS
}

/// Prints the man page of `command`, or writes every page into `--out`.
pub(crate) fn man(command: clap::Command, args: &ManArgs) -> ExitCode {
    let written = match &args.out {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
            .map_err(|e| format!("cannot write the man pages into {}: {e}", dir.display())),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .and_then(|()| std::io::stdout().write_all(&page))
                .map_err(|e| format!("cannot print the man page: {e}"))
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Whether `stream` may get colour: a terminal, and `NO_COLOR` not set to a non-empty value
/// (<https://no-color.org>).
pub(crate) fn color_on(stream: &impl IsTerminal) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && stream.is_terminal()
}

/// clap's colour: never unless both streams may get it (clap alone would also colour a pipe
/// when `CLICOLOR_FORCE` is set).
pub(crate) fn color_choice() -> ColorChoice {
    if color_on(&std::io::stdout()) && color_on(&std::io::stderr()) {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn diff_arguments_are_parsed_once_into_typed_options() {
        let parse = |list: &[&str]| {
            let argv = ["apie-codegen", "diff"].iter().chain(list).copied();
            match Cli::try_parse_from(argv).map(|c| c.command) {
                Ok(Command::Diff(args)) => Ok(args.options()),
                Ok(other) => panic!("{other:?}"),
                Err(e) => Err(e.to_string()),
            }
        };
        let options = parse(&[
            "a.yml",
            "HEAD:b.yml",
            "--format",
            "github",
            "--fail-on=warning",
        ])
        .unwrap()
        .expect("a diff");
        assert_eq!(
            (options.old.as_str(), options.new.as_str()),
            ("a.yml", "HEAD:b.yml")
        );
        assert_eq!(options.format, apie_diff::format::Format::Github);
        assert_eq!(options.fail_on, apie_diff::Severity::Warning);
        let defaults = parse(&["a", "b"]).unwrap().expect("a diff");
        assert_eq!(
            (defaults.format, defaults.fail_on, defaults.ignore),
            (
                apie_diff::format::Format::Text,
                apie_diff::Severity::Breaking,
                None
            )
        );
        assert!(parse(&["--rules"]).unwrap().is_none());
        assert!(parse(&["a.yml"]).unwrap_err().contains("<NEW>"));
        assert!(parse(&["a", "b", "--format", "yaml"])
            .unwrap_err()
            .contains("markdown"));
        assert!(parse(&["a", "b", "--rules"]).is_err());
    }
}
