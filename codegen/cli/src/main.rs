//! `apie-codegen`: generate, check, fetch (and diff) API Entreprise specs.
//!
//! Exit codes: 0 success; 1 the spec has errors (diagnostics printed); 2 bad usage or an
//! input/output failure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apie_spec::diagnostic::Diagnostics;
use apie_spec::model::{self, Api};

const USAGE: &str = "usage:
  apie-codegen generate [--profile FILE] [--spec FILE] [--spec-v2 FILE] --out DIR
                                                                     write the files build.rs writes (rustfmt-clean) and print a summary
  apie-codegen check --spec FILE                                     validate a spec and print its diagnostics
  apie-codegen fetch [--from PATH] [--dest DIR]                      put the specs into spec/ and record their sha256
  apie-codegen diff OLD NEW [--format text|markdown|json|github] [--fail-on breaking|warning] [--ignore FILE]
                                                                     what a new spec version changes (OLD/NEW: file or REV:PATH)

Without --spec, the specs are those the build uses: the profile's (spec/profile.yml), or $API_ENTREPRISE_SPEC / $API_ENTREPRISE_SPEC_V2.
Exit codes: 0 ok, 1 the spec has errors (diff: changes at or above --fail-on), 2 bad usage or I/O failure.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    // `diff` takes positional OLD NEW: it parses its own arguments.
    if command == "diff" {
        return apie_diff::cli::run(rest);
    }
    let flags = match Flags::parse(rest) {
        Ok(flags) => flags,
        Err(message) => return usage_error(&message),
    };
    match command.as_str() {
        "generate" => generate(&flags),
        "check" => check(&flags),
        "fetch" => fetch(&flags),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => usage_error(&format!("unknown command `{other}`")),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

/// `--name value` pairs.
struct Flags(BTreeMap<String, String>);

impl Flags {
    fn parse(args: &[String]) -> Result<Flags, String> {
        let mut map = BTreeMap::new();
        let mut it = args.iter().peekable();
        while let Some(arg) = it.next() {
            let Some(name) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument `{arg}`"));
            };
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                // A flag followed by another flag (or nothing) is a switch, like --no-rustfmt.
                None => match it.next_if(|next| !next.starts_with("--")) {
                    Some(value) => (name.to_string(), value.clone()),
                    None => (name.to_string(), String::new()),
                },
            };
            map.insert(name, value);
        }
        Ok(Flags(map))
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        self.0
            .get(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }
}

fn workspace_root() -> PathBuf {
    // Run through cargo the manifest dir is codegen/cli/; installed, the current directory.
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(|d| PathBuf::from(d).join("../.."))
        .filter(|d| d.join("spec").is_dir())
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::canonicalize(&root).unwrap_or(root)
}

fn generate(flags: &Flags) -> ExitCode {
    let Some(out) = flags.path("out") else {
        return usage_error("generate needs --out DIR");
    };
    let started = std::time::Instant::now();
    let mut config = apie_codegen::Config::new();
    config
        .out_dir(&out)
        .rustfmt(!flags.0.contains_key("no-rustfmt"))
        .profile(
            flags
                .path("profile")
                .unwrap_or_else(|| workspace_root().join("spec").join("profile.yml")),
        );
    if let Some(spec) = flags.path("spec") {
        config.spec_file(0, spec);
    }
    if let Some(spec) = flags.path("spec-v2") {
        config.spec_file(1, spec);
    }
    match config.compile() {
        Ok(compiled) => {
            for (spec, generated, target) in &compiled.specs {
                print_summary(spec, &generated.api, &generated.diagnostics);
                println!("  wrote {}", target.display());
            }
            println!(
                "wrote {} files into {} in {:.0?}",
                compiled.files.len(),
                out.display(),
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e @ (apie_codegen::Error::Spec { .. } | apie_codegen::Error::Profile { .. })) => {
            eprintln!("{e}");
            eprintln!("nothing generated");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn print_summary(spec: &Path, api: &Api, diagnostics: &Diagnostics) {
    println!("{} — {} {}", spec.display(), api.title, api.spec_version);
    let mut per_version: BTreeMap<model::ApiVersion, (usize, usize)> = BTreeMap::new();
    for op in &api.operations {
        let entry = per_version.entry(op.version).or_default();
        entry.0 += 1;
        entry.1 += usize::from(op.deprecated);
    }
    for (version, (count, deprecated)) in per_version {
        let version = version.name();
        println!("  {version}: {count} operations ({deprecated} deprecated)");
    }
    println!(
        "  {} types, {} error codes",
        api.types.len(),
        api.error_codes.len()
    );
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics.items() {
        *kinds.entry(d.kind).or_default() += 1;
    }
    let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    println!(
        "  {} warnings{}",
        diagnostics.warning_count(),
        if list.is_empty() {
            String::new()
        } else {
            format!(": {}", list.join(", "))
        }
    );
}

fn check(flags: &Flags) -> ExitCode {
    let Some(spec) = flags.path("spec") else {
        return usage_error("check needs --spec FILE");
    };
    match apie_spec::model_from_file(&spec) {
        Ok(loaded) => {
            print!("{}", loaded.diagnostics);
            print_summary(&spec, &loaded.api, &loaded.diagnostics);
            println!("ok: no errors");
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!(
                "{}: {} error(s), {} warning(s)",
                spec.display(),
                diagnostics.error_count(),
                diagnostics.warning_count()
            );
            ExitCode::from(1)
        }
    }
}

fn fetch(flags: &Flags) -> ExitCode {
    let dest = flags
        .path("dest")
        .unwrap_or_else(|| workspace_root().join("spec"));
    match apie_codegen_cli::fetch::fetch(
        &dest,
        flags.path("from").as_deref(),
        &apie_codegen_cli::fetch::today(),
    ) {
        Ok(fetched) => {
            for f in fetched {
                println!("{} sha256 {} from {}", f.path.display(), f.sha256, f.origin);
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
