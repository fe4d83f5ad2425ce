//! `apie`: the command-line companion of the `api-entreprise` client.
//!
//! - `apie decode` decodes a response body with the generated models ([`decode`]).
//! - `apie mock` serves a local stand-in of API Entreprise ([`mock`]).
//! - `apie call` calls one operation and prints the typed answer ([`call`]).
//! - `apie demo` starts the mock and calls it through the generated client ([`demo`]).
//! - `apie batch` calls one operation for every identifier of a file, resumably ([`batch`]).

mod batch;
mod call;
mod decode;
mod demo;
mod mock;

use std::process::ExitCode;

const USAGE: &str = "usage:
  apie demo
      Starts the local mock and calls it through the generated client: one
      operation per API version, monitoring, privileges, the throttle refusing a
      sixth call of a 5-a-minute operation, a refused SIREN.
  apie decode --operation <x-operationId> --status <N> <FILE>
      FILE is a response body (JSON); `-` reads standard input.
      Exit codes: 0 decoded, 1 the body does not fit (or is an API error), 2 bad usage or unreadable file.
  apie mock [--port N] [--data DIR] [--spec FILE] [--spec-v2 FILE] [--minute-ms N]
            [--ip-limit N] [--ban-secs N] [--tolerated-429s N] [--fault SPEC …]
      Serves a local API Entreprise answering from staging payloads and the spec's examples,
      with the real limits, 429s and IP bans (time scaled by --minute-ms) and faults on
      demand (--fault 503@every=5, delay=200ms, reset, malformed, slow-body=2s…).
      `apie mock --help` details the rules, the fault syntax and the /__mock control routes.
  apie call --operation <x-operationId> [--param name=value …] [--base-url URL | --staging]
            [--context TEXT] [--recipient SIRET] [--object TEXT]
            [--timeout-ms N] [--download FILE] [--skip-checksum]
      Token from API_ENTREPRISE_TOKEN; traceability from the options or
      API_ENTREPRISE_CONTEXT / _RECIPIENT / _OBJECT. --download saves the answer's
      data.document_url; --skip-checksum accepts staging's fictitious SIREN/SIRET.
      Exit codes: 0 success, 2 refused before sending, 3 API error, 4 transport or timeout.
  apie batch --operation <x-operationId> --input FILE --out FILE.jsonl [--param name=value …]
             [--concurrency N] [--id-param NAME] [--column NAME|N] [--delimiter C]
             [--base-url URL | --staging] [--context TEXT] [--recipient SIRET] [--object TEXT]
             [--timeout-ms N] [--skip-checksum] [--minute-ms N]
      Calls the operation once per identifier of FILE (one per line; `-` reads standard
      input) at the fastest rate the API's limits allow, N calls in flight at most
      (default 8). The identifier goes into the operation's path parameter, or
      --id-param NAME; --param gives the others. With --column, FILE is CSV
      (--delimiter, default `,`): a NAME picks the column from the header row, a
      number N picks the N-th column counting from 1, with no header row.
      Appends one JSON line per identifier to FILE.jsonl:
        {\"identifier\": \"…\", \"status\": 200, \"body\": {…}}   (206: also \"partial\": true)
        {\"identifier\": \"…\", \"status\": 404 or null, \"error\": {\"kind\": \"api\", \"message\": \"…\", \"codes\": [\"…\"]}}
      Rerun the same command to resume: identifiers already in FILE.jsonl are skipped.
      Ctrl-C finishes the calls in flight and stops; twice quits at once.
      Token and traceability as for `apie call`. --minute-ms N counts the limits in
      windows of N ms, for a mock started with the same --minute-ms.
      Exit codes: 0 every identifier recorded (API errors included), 2 bad usage or
      unreadable input, 3 token refused (401/403), 4 no answer from the server, 130 interrupted.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((command, rest)) if command == "decode" => decode::decode(rest),
        Some((command, rest)) if command == "mock" => mock::run(rest),
        Some((command, rest)) if command == "call" => call::run(rest),
        Some((command, rest)) if command == "demo" => demo::run(rest),
        Some((command, rest)) if command == "batch" => batch::run(rest),
        Some((command, _)) if command == "--help" || command == "-h" || command == "help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => usage(None),
    }
}

/// The value after `flag` on the command line, or why there is none.
pub(crate) fn flag_value(it: &mut std::slice::Iter<String>, flag: &str) -> Result<String, String> {
    it.next()
        .cloned()
        .ok_or_else(|| format!("{flag} needs a value"))
}

/// Prints the problem and the usage; exit code 2.
pub(crate) fn usage(problem: Option<&str>) -> ExitCode {
    if let Some(p) = problem {
        eprintln!("error: {p}");
    }
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
