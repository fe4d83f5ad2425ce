//! What `apie` says about itself beyond `--help`: shell completions and man pages, generated
//! from the same clap definitions, so they never disagree with the help; and the terminal
//! rules every command follows (colour, blank variables).

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ColorChoice;
use clap_complete::Shell;

/// `apie completions SHELL`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  apie completions bash > ~/.local/share/bash-completion/completions/apie
  apie completions zsh > ~/.zfunc/_apie
  apie completions fish > ~/.config/fish/completions/apie.fish

Exit codes: 0 printed; 2 bad usage.")]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: Shell,
}

/// `apie man [--out DIR]`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  apie man | man -l -
  apie man --out target/man    # apie.1, apie-call.1, apie-batch.1 …

Exit codes: 0 written; 2 bad usage or a folder that cannot be written.")]
pub(crate) struct ManArgs {
    /// Write apie.1 and one page per command (apie-call.1 …) into DIR instead of printing
    /// apie.1
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

/// Prints the completions of `command`, called `bin` on the command line.
pub(crate) fn completions(
    mut command: clap::Command,
    bin: &str,
    args: &CompletionsArgs,
) -> ExitCode {
    clap_complete::generate(args.shell, &mut command, bin, &mut std::io::stdout());
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

/// Colour only when both standard streams are terminals and `NO_COLOR` is not set (to any
/// non-empty value, as <https://no-color.org> says). clap alone would also colour a pipe when
/// `CLICOLOR_FORCE` is set; a help text in a file full of escape codes helps nobody.
pub(crate) fn color_choice() -> ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if no_color || !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal() {
        ColorChoice::Never
    } else {
        ColorChoice::Auto
    }
}

/// Unsets every variable an option of `command` reads that is set to a blank value: a blank
/// `API_ENTREPRISE_CONTEXT=` has always meant "not set" for `apie`, whereas clap would hand
/// the empty text to the option. Called first thing in `main`, before any thread exists and
/// before the command that parses is built (clap reads a variable when its option is built).
pub(crate) fn ignore_blank_variables(command: &clap::Command) {
    let mut names: Vec<OsString> = Vec::new();
    let mut pending = vec![command];
    while let Some(command) = pending.pop() {
        names.extend(
            command
                .get_arguments()
                .filter_map(|a| a.get_env().map(|n| n.to_os_string())),
        );
        pending.extend(command.get_subcommands());
    }
    for name in names {
        let blank = std::env::var_os(&name).is_some_and(|v| v.to_string_lossy().trim().is_empty());
        if blank {
            std::env::remove_var(&name);
        }
    }
}
