//! `apie-codegen`: generate, check, fetch (and diff) API Entreprise specs.
//!
//! Exit codes: 0 success; 1 the spec has errors (diagnostics printed); 2 bad usage or an
//! input/output failure (clap's own code for usage errors).

mod cli;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apie_codegen_cli::render::{self, Format};
use apie_spec::diagnostic::Diagnostics;
use apie_spec::model::{self, Api};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use cli::{CheckArgs, Cli, Command, FetchArgs, GenerateArgs, UpdateArgs};

fn main() -> ExitCode {
    let matches = Cli::command().color(cli::color_choice()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match cli.command {
        Command::Generate(args) => {
            // A spec named by the variable is left to the generator, which reads the variable
            // of the profile it builds (`<PREFIX>_SPEC`) and names it when its file is missing.
            let from_env = |id: &str| {
                matches
                    .subcommand_matches("generate")
                    .and_then(|m| m.value_source(id))
                    == Some(ValueSource::EnvVariable)
            };
            let explicit = Explicit {
                spec: !from_env("spec"),
                spec_v2: !from_env("spec_v2"),
            };
            generate(&args, explicit)
        }
        Command::Check(args) => check(&args),
        Command::Fetch(args) => fetch(&args),
        Command::Update(args) => update(&args),
        Command::Diff(args) => match args.options() {
            Some(options) => apie_diff::cli::run(&options),
            None => apie_diff::cli::print_rules(),
        },
        Command::Completions(args) => cli::completions(Cli::command(), &args),
        Command::Man(args) => cli::man(Cli::command(), &args),
    }
}

/// Which specs of `generate` were given on the command line rather than by a variable.
#[derive(Debug, Clone, Copy)]
struct Explicit {
    spec: bool,
    spec_v2: bool,
}

fn workspace_root() -> PathBuf {
    // Run through cargo the manifest dir is codegen/cli/; installed, the current directory.
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(|d| PathBuf::from(d).join("../.."))
        .filter(|d| d.join("spec").is_dir())
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// Prints `diagnostics` in `format`: text on `to_stderr`'s stream, machine formats on stdout
/// (where CI reads them, whatever the outcome).
fn print_diagnostics(diagnostics: &Diagnostics, format: Format, to_stderr: bool) {
    if diagnostics.items().is_empty() && format == Format::Text {
        return;
    }
    let on_stderr = to_stderr && format == Format::Text;
    let color = format == Format::Text
        && if on_stderr {
            cli::color_on(&std::io::stderr())
        } else {
            cli::color_on(&std::io::stdout())
        };
    let text = render::render(diagnostics.items(), format, color);
    // A closed pipe (`| head`) is not worth a panic.
    let _ = if on_stderr {
        std::io::stderr().write_all(text.as_bytes())
    } else {
        std::io::stdout().write_all(text.as_bytes())
    };
}

/// Writes the crate's lib.rs (`generate --lib`), through rustfmt when asked.
fn write_lib(
    path: &std::path::Path,
    profile: &apie_codegen::profile::Profile,
    rustfmt: bool,
) -> Result<(), apie_codegen::Error> {
    let file = apie_codegen::config::lib_file(profile)?;
    let text = match rustfmt {
        true => apie_codegen::format::rustfmt(&file.text).unwrap_or(file.text),
        false => file.text,
    };
    std::fs::write(path, text).map_err(|source| apie_codegen::Error::Write {
        path: path.to_owned(),
        source,
    })
}

fn generate(args: &GenerateArgs, explicit: Explicit) -> ExitCode {
    let started = std::time::Instant::now();
    let mut config = apie_codegen::Config::new();
    // A variable set to nothing names no file, as build.rs reads it.
    let profile = args.profile.clone().filter(|p| !p.as_os_str().is_empty());
    let modules_dir = match args.whole_crate {
        true => args.out.join(apie_codegen::config::GENERATED_DIR),
        false => args.out.clone(),
    };
    config
        .out_dir(&modules_dir)
        .rustfmt(!args.no_rustfmt)
        .update_locks(args.update_locks)
        .profile(profile.unwrap_or_else(|| workspace_root().join("spec").join("profile.yml")));
    if let Some(spec) = args.spec.as_ref().filter(|_| explicit.spec) {
        config.spec_file(0, spec);
    }
    if let Some(spec) = args.spec_v2.as_ref().filter(|_| explicit.spec_v2) {
        config.spec_file(1, spec);
    }
    match config.compile() {
        Ok(compiled) => {
            for (spec, generated, target) in &compiled.specs {
                print_summary(spec, &generated.api, &generated.diagnostics);
                println!("  wrote {}", target.display());
            }
            if let Some(path) = &args.lib {
                match write_lib(path, &compiled.profile, !args.no_rustfmt) {
                    Ok(()) => println!("  wrote {}", path.display()),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            if args.whole_crate {
                let runtime = match &args.runtime_path {
                    Some(path) => apie_codegen::config::RuntimeDependency::Path(path.clone()),
                    None => apie_codegen::config::RuntimeDependency::Registry,
                };
                let written = apie_codegen::config::write_package(
                    &args.out,
                    &compiled.profile,
                    &runtime,
                    !args.no_rustfmt,
                );
                match written {
                    Ok(files) => files
                        .iter()
                        .for_each(|f| println!("  wrote {}", f.display())),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            println!(
                "wrote {} files into {} in {:.0?}",
                compiled.files.len(),
                args.out.display(),
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(apie_codegen::Error::Spec { path, diagnostics }) => {
            eprintln!("the spec {} cannot be used:", path.display());
            print_diagnostics(&diagnostics, args.format, true);
            eprintln!("nothing generated");
            ExitCode::from(1)
        }
        Err(apie_codegen::Error::Profile { path, diagnostics }) => {
            eprintln!("the platform profile {} cannot be used:", path.display());
            print_diagnostics(&diagnostics, args.format, true);
            eprintln!("nothing generated");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The summary of a generated spec, on stdout.
fn print_summary(spec: &Path, api: &Api, diagnostics: &Diagnostics) {
    println!("{}", summary(spec, api, diagnostics));
}

/// The spec's operations, types and warnings in a few lines.
fn summary(spec: &Path, api: &Api, diagnostics: &Diagnostics) -> String {
    let mut lines = vec![format!(
        "{} — {} {}",
        spec.display(),
        api.title,
        api.spec_version
    )];
    let mut per_version: BTreeMap<model::ApiVersion, (usize, usize)> = BTreeMap::new();
    for op in &api.operations {
        let entry = per_version.entry(op.version).or_default();
        entry.0 += 1;
        entry.1 += usize::from(op.deprecated);
    }
    for (version, (count, deprecated)) in per_version {
        let version = version.name();
        lines.push(format!(
            "  {version}: {count} operations ({deprecated} deprecated)"
        ));
    }
    lines.push(format!(
        "  {} types, {} error codes",
        api.types.len(),
        api.error_codes.len()
    ));
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics.items() {
        *kinds.entry(d.kind).or_default() += 1;
    }
    let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    lines.push(format!(
        "  {} warnings{}",
        diagnostics.warning_count(),
        if list.is_empty() {
            String::new()
        } else {
            format!(": {}", list.join(", "))
        }
    ));
    lines.join("\n")
}

fn check(args: &CheckArgs) -> ExitCode {
    let spec = &args.spec;
    if spec.as_os_str().is_empty() {
        // Only a variable set to nothing gets here: clap requires the option otherwise.
        eprintln!("error: check needs --spec FILE (API_ENTREPRISE_SPEC is empty)");
        return ExitCode::from(2);
    }
    let machine = args.format != Format::Text;
    match apie_spec::model_from_file(spec) {
        Ok(loaded) => {
            print_diagnostics(&loaded.diagnostics, args.format, false);
            let summary = summary(spec, &loaded.api, &loaded.diagnostics);
            if machine {
                eprintln!("{summary}\nok: no errors");
            } else {
                println!("{summary}\nok: no errors");
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, args.format, true);
            if machine {
                let counts = render::counts(diagnostics.items());
                eprintln!("{}: {counts}", spec.display());
            }
            ExitCode::from(1)
        }
    }
}

fn update(args: &UpdateArgs) -> ExitCode {
    let root = args.root.clone().unwrap_or_else(workspace_root);
    let today = apie_codegen_cli::fetch::today();
    match apie_codegen_cli::update::update(&root, args.from.as_deref(), args.check, &today) {
        Ok(outcome) if !outcome.changed => {
            println!("the pinned spec is up to date: nothing to do");
            ExitCode::SUCCESS
        }
        Ok(outcome) => {
            let s = &outcome.report.summary;
            println!(
                "new spec: {} changes ({} breaking, {} warning, {} info), crate bump {}: {} → {}",
                s.total(),
                s.breaking,
                s.warning,
                s.info,
                s.semver.as_str(),
                outcome.old_version,
                outcome.new_version
            );
            print!("{}", outcome.changelog_entry);
            if args.check {
                println!("--check: nothing written");
                ExitCode::from(3)
            } else {
                println!(
                    "updated spec/, {}, Cargo.toml and {}",
                    apie_codegen_cli::update::GENERATED_DIR,
                    apie_codegen_cli::update::CHANGELOG
                );
                ExitCode::SUCCESS
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("nothing written");
            ExitCode::from(1)
        }
    }
}

fn fetch(args: &FetchArgs) -> ExitCode {
    let dest = args
        .dest
        .clone()
        .unwrap_or_else(|| workspace_root().join("spec"));
    match apie_codegen_cli::fetch::fetch(
        &dest,
        args.from.as_deref(),
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
