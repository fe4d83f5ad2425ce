//! `apie`: the command-line companion of the `api-entreprise` client.
//!
//! - `apie decode` decodes a response body with the generated models ([`decode`]).
//! - `apie mock` serves a local stand-in of API Entreprise ([`mock`]).
//! - `apie call` calls one operation and prints the typed answer ([`call`]).
//! - `apie demo` starts the mock and calls it through the generated client ([`demo`]).
//! - `apie batch` calls one operation for every identifier of a file, resumably ([`batch`]).
//! - `apie status` shows what the open monitoring routes say about every endpoint ([`status`]).
//! - `apie completions` and `apie man` print shell completions and the man pages, made from
//!   the same definitions as `--help` ([`docs`]).
//!
//! The arguments are declared with clap; each command's options live beside the code that
//! runs it. Bad usage exits 2, as it always did (clap's own code for usage errors).

mod batch;
mod call;
mod decode;
mod demo;
mod docs;
mod mock;
mod status;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// The exit codes of every command, for `apie --help`.
const EXIT_CODES: &str = "\
Exit codes:
  0    success (decode: the body fits its model, error bodies included)
  1    decode: the body does not fit its model; mock: could not start; demo: a step failed
  2    bad usage or unreadable input; call, batch: refused before anything was sent
  3    call: the API answered an error, a body that does not fit or one too large to read;
       batch: token refused
  4    call, batch: no answer from the server (transport error, timeout, possible ban);
       status: no answer, or one that does not fit
  130  batch: interrupted by Ctrl-C (run the same command again to resume)

Every command has its own help, with examples: apie help <COMMAND>, or apie <COMMAND> --help.
Colour only on a terminal, and never when NO_COLOR is set.";

/// Calls API Entreprise through the typed client generated from its published spec: one
/// call, a batch over a file of identifiers, a decoded body, a local mock.
#[derive(Debug, Parser)]
#[command(name = "apie", version, after_help = EXIT_CODES, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands, in the order `--help` lists them.
#[derive(Debug, Subcommand)]
enum Command {
    /// Start the local mock and call it through the generated client, step by step
    #[command(after_help = demo_help())]
    Demo,
    /// Call one operation and print its typed answer as JSON
    Call(call::CallArgs),
    /// Call one operation for every identifier of a file, at the fastest safe rate, resumably
    Batch(batch::BatchArgs),
    /// Show the current status of every endpoint, or one endpoint's availability history
    Status(status::StatusArgs),
    /// Decode a recorded response body with the generated models: does it fit?
    Decode(decode::DecodeArgs),
    /// Serve a local API Entreprise with the real limits, bans and faults on demand
    Mock(mock::MockArgs),
    /// Print the shell completions of apie (bash, zsh, fish, elvish, powershell)
    Completions(docs::CompletionsArgs),
    /// Print the man page of apie, or write one page per command into a folder
    Man(docs::ManArgs),
}

/// `apie demo --help`'s closing part.
fn demo_help() -> &'static str {
    "Nothing beside the checkout is needed: without payloads the mock answers the spec's
examples, and without a token file it makes up a token. With API_ENTREPRISE_PAYLOADS naming
the staging payloads, the mock answers those too.

Example:
  apie demo
  API_ENTREPRISE_PAYLOADS=path/to/staging/payloads apie demo

Exit codes: 0 every step behaved as expected; 1 the mock did not start or a step failed;
2 bad usage."
}

/// `apie --version`: this apie's version and the specs its client was generated from, with
/// their sha256, so a report names the exact API it speaks.
fn version() -> String {
    let specs: Vec<String> = api_entreprise::mock_data::SPECS
        .iter()
        .map(|(file, sha256)| format!("{file} (sha256 {sha256})"))
        .collect();
    format!(
        "{} (client {}, generated from {})",
        env!("CARGO_PKG_VERSION"),
        api_entreprise::PLATFORM.user_agent,
        specs.join(", ")
    )
}

fn main() -> ExitCode {
    // Before the definitions that parse: clap reads each variable when its option is built.
    docs::ignore_blank_variables(&Cli::command());
    let command = Cli::command()
        .color(docs::color_choice())
        // Built once per run: the leak is the one string clap keeps to the end.
        .version(&*version().leak());
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        // Unreachable in practice (the matches come from the same definitions), but a usage
        // error all the same: clap prints it and exits 2.
        Err(e) => e.exit(),
    };
    match cli.command {
        Command::Demo => demo::run(),
        Command::Call(args) => call::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Status(args) => status::run(args),
        Command::Decode(args) => decode::run(&args),
        Command::Mock(args) => mock::run(args),
        Command::Completions(args) => docs::completions(Cli::command(), "apie", &args),
        Command::Man(args) => docs::man(Cli::command(), &args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definitions_are_consistent() {
        // clap's own checks: no clashing names, every `requires`/`conflicts_with` resolvable.
        Cli::command().debug_assert();
    }

    #[test]
    fn the_token_variable_is_declared_with_its_value_hidden() {
        let command = Cli::command();
        for name in ["call", "batch"] {
            let sub = command.find_subcommand(name).expect(name);
            let token = sub
                .get_arguments()
                .find(|a| a.get_id() == "token")
                .expect("--token");
            assert_eq!(
                token.get_env(),
                Some(std::ffi::OsStr::new(api_entreprise::platform::SECRET_ENV))
            );
            assert!(token.is_hide_env_values_set(), "{name}");
        }
    }
}
