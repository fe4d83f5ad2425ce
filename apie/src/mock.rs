//! `apie mock [OPTIONS]`: serves a local API Entreprise ([`apie_mock`]) until Ctrl-C, with
//! the real server's limits and bans, and faults on demand; `apie mock --help` lists the
//! options ([`HELP`]).
//!
//! Exit codes: 0 stopped by Ctrl-C (or `--help`), 1 the server could not start (a payload or
//! token file is missing or malformed, the port is taken), 2 bad usage.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use apie_mock::{Fault, MockConfig, MockServer};

/// `apie mock --help`: the options, the fault syntax and the control routes.
const HELP: &str = "usage: apie mock [OPTIONS]
Serves a local API Entreprise on 127.0.0.1 until Ctrl-C: staging payloads and the spec's
examples, behind the real server's checks, limits and bans. Operations, examples, error
bodies and scopes are the ones this apie was built with: no spec is read.

options:
  --port N            port to listen on (default: a free one, printed)
  --data DIR          staging payloads directory, <x-operationId>/*.yaml (default: the one
                      API_ENTREPRISE_PAYLOADS names, else none: the spec's examples only).
                      The token is DIR/../tokens/default if there; else the mock makes one
                      up (every scope) and prints it. Any well-formed JWT is accepted.
  --minute-ms N       length of a rate-limit minute in ms (default 60000); bans scale with it
  --ip-limit N        requests a minute per IP, all tokens together (default 1000)
  --tolerated-429s N  429s a token may ignore in a window before its IP is banned (default 10)
  --ban-secs N        length of a ban in seconds (default 720 minutes: 12 h, or 720 s with
                      --minute-ms 1000)
  --fault SPEC        inject a fault; repeatable (see below)
  -h, --help          this text

limits and bans (as the real server):
  per token and bucket (json 250, documents 50, a few operations their own), fixed windows
  opened by the first call: past the limit, 429 + Retry-After. Per IP, --ip-limit requests a
  window, monitoring routes included: the request past it gets no answer and bans the IP. A
  token window collecting more than --tolerated-429s 429s bans its IP. A banned IP gets no
  answer at all (connections closed without a byte) until the ban ends.

fault SPEC: KIND[@every=N][@path=PREFIX]
  KIND   delay=DURATION     wait before answering
         500 … 599          that status, with an error body in the API's format
         reset              close the connection without answering
         malformed          200 with a truncated JSON body
         slow-body=DURATION the body in 10 chunks spread over DURATION
  every=N     strike the N-th, 2N-th … matching request (default: every one)
  path=PREFIX only requests whose path starts with PREFIX
  DURATION    a whole number of ms or s: 200ms, 2s
  examples: --fault 503@every=5  --fault delay=200ms@every=3@path=/v3/insee
            --fault reset@every=7  --fault malformed@every=4  --fault slow-body=2s@every=10

control routes (never counted nor refused, even while banned):
  GET /__mock/stats             what the server did, bans included (JSON)
  GET|PUT|DELETE /__mock/faults the faults; PUT a JSON list of specs or one spec a line
  GET /__mock/limits            each bucket's limit; PUT /__mock/limits/<bucket> with a number
                                changes it for windows opening later (json, documents, ip, …)
  POST /__mock/unban            lifts every ban";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve(MockConfig),
    Help,
}

pub(crate) fn run(args: &[String]) -> ExitCode {
    let config = match parse(args) {
        Ok(Command::Serve(config)) => config,
        Ok(Command::Help) => {
            // `apie mock --help | head` closes the pipe early: not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            return crate::usage(Some(&format!(
                "{problem} (apie mock --help lists the options)"
            )))
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(config))
}

async fn serve(config: MockConfig) -> ExitCode {
    let server = match MockServer::start_with(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let summary = server.summary();
    println!("apie mock listening on {}", server.base_url());
    println!(
        "{} operations of {} (as this apie was built), {} error codes from the spec's examples",
        summary.operations,
        summary.specs.join(" and "),
        summary.error_codes
    );
    match &summary.data_dir {
        Some(dir) => println!(
            "{} staging payloads from {}, else the spec's examples",
            summary.payloads,
            dir.display()
        ),
        None => println!(
            "no payloads directory (--data or {}): answering from the spec's examples",
            apie_mock::PAYLOADS_ENV
        ),
    }
    match &summary.token_file {
        // The staging token is public, but a habit of printing tokens is not one to teach.
        Some(file) => println!(
            "the token in {} is accepted, as is any well-formed JWT",
            file.display()
        ),
        // A token the mock made up opens nothing but this mock, and without it a caller
        // would have to mint a JWT by hand.
        None => println!(
            "token (made up by the mock, every scope, accepted only here; any well-formed JWT is too):\n{}",
            server.staging_token()
        ),
    }
    for warning in server.warnings() {
        eprintln!("warning: {warning}");
    }
    let faults = server.faults();
    if !faults.is_empty() {
        println!("faults: {}", faults.specs().join(", "));
    }
    println!(
        "controls: {0}/__mock/stats, {0}/__mock/faults, {0}/__mock/limits, {0}/__mock/unban",
        server.base_url()
    );
    println!("Ctrl-C stops it.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    server.shutdown().await;
    println!("apie mock stopped");
    ExitCode::SUCCESS
}

/// The options, each given at most once but `--fault`, as `--name VALUE` or `--name=VALUE`.
fn parse(args: &[String]) -> Result<Command, String> {
    let mut config = MockConfig::default();
    let mut seen: Vec<String> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--help" || arg == "-h" {
            return Ok(Command::Help);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        if !matches!(
            name,
            "--port"
                | "--data"
                | "--minute-ms"
                | "--ip-limit"
                | "--tolerated-429s"
                | "--ban-secs"
                | "--fault"
        ) {
            return Err(format!("unknown argument `{arg}`"));
        }
        if name != "--fault" && seen.iter().any(|s| s == name) {
            return Err(format!("{name} is given twice"));
        }
        seen.push(name.to_string());
        let value = match inline {
            Some(value) => value,
            None => rest
                .next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))?,
        };
        if value.is_empty() {
            return Err(format!("{name} needs a value"));
        }
        let positive =
            |what: &str| -> Result<u64, String> {
                value.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("{name} takes a positive number of {what}, not `{value}`")
                })
            };
        match name {
            "--port" => {
                config.port = value.parse().map_err(|_| {
                    format!("--port takes a port number (0 to 65535), not `{value}`")
                })?
            }
            "--data" => config.data_dir = Some(PathBuf::from(value)),
            "--minute-ms" => config.minute = Duration::from_millis(positive("milliseconds")?),
            "--ban-secs" => config.ban = Some(Duration::from_secs(positive("seconds")?)),
            "--ip-limit" | "--tolerated-429s" => {
                let n: u32 = value.parse().map_err(|_| {
                    format!("{name} takes a whole number of requests, not `{value}`")
                })?;
                if name == "--ip-limit" {
                    config.ip_limit = n;
                } else {
                    config.tolerated_429s = n;
                }
            }
            _ => {
                let fault: Fault = value.parse().map_err(|e| format!("--fault: {e}"))?;
                config.faults.faults.push(fault);
            }
        }
    }
    Ok(Command::Serve(config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use apie_mock::{FaultKind, FaultPlan};

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn config(list: &[&str]) -> MockConfig {
        match parse(&args(list)) {
            Ok(Command::Serve(config)) => config,
            other => panic!("{list:?}: {other:?}"),
        }
    }

    #[test]
    fn options_set_the_config() {
        let config = config(&[
            "--port",
            "8080",
            "--data=/tmp/payloads",
            "--minute-ms",
            "500",
        ]);
        assert_eq!(config.port, 8080);
        assert_eq!(config.data_dir, Some(PathBuf::from("/tmp/payloads")));
        assert_eq!(config.minute, Duration::from_millis(500));
        assert_eq!(parse(&[]).unwrap(), Command::Serve(MockConfig::default()));
        // Bans scale with the minute unless given.
        assert_eq!(config.ban, None);
        assert_eq!(parse(&args(&["--help"])).unwrap(), Command::Help);
        assert_eq!(parse(&args(&["--port", "1", "-h"])).unwrap(), Command::Help);
    }

    #[test]
    fn limits_bans_and_faults_set_the_config() {
        let config = config(&[
            "--ip-limit",
            "20",
            "--tolerated-429s=0",
            "--ban-secs",
            "30",
            "--fault",
            "503@every=5",
            "--fault=delay=200ms@every=3@path=/v3/insee",
            "--fault",
            "reset@every=7",
            "--fault",
            "malformed@every=4",
            "--fault",
            "slow-body=2s@every=10",
        ]);
        assert_eq!(config.ip_limit, 20);
        assert_eq!(config.tolerated_429s, 0);
        assert_eq!(config.ban, Some(Duration::from_secs(30)));
        assert_eq!(
            config.faults,
            FaultPlan::from(vec![
                Fault::new(FaultKind::Status(503)).every(5),
                Fault::new(FaultKind::Delay(Duration::from_millis(200)))
                    .every(3)
                    .on_path("/v3/insee"),
                Fault::new(FaultKind::Reset).every(7),
                Fault::new(FaultKind::Malformed).every(4),
                Fault::new(FaultKind::SlowBody(Duration::from_secs(2))).every(10),
            ])
        );
    }

    #[test]
    fn the_help_shows_every_option_and_the_fault_syntax() {
        for needle in [
            "--ip-limit",
            "--ban-secs",
            "--tolerated-429s",
            "--fault SPEC",
            "KIND[@every=N][@path=PREFIX]",
            "slow-body=DURATION",
            "/__mock/unban",
        ] {
            assert!(HELP.contains(needle), "{needle}");
        }
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        for (list, expected) in [
            (&["--port", "http"][..], "port number"),
            (&["--port", "70000"][..], "port number"),
            (&["--port"][..], "needs a value"),
            (&["--data="][..], "needs a value"),
            (&["--minute-ms", "0"][..], "positive"),
            (&["--verbose"][..], "unknown argument"),
            // The spec is compiled in: nothing to point at.
            (&["--spec", "a.yml"][..], "unknown argument"),
            (&["--spec-v2", "b.yml"][..], "unknown argument"),
            (&["extra"][..], "unknown argument"),
            (&["--port", "1", "--port", "2"][..], "twice"),
            (&["--ip-limit", "many"][..], "whole number"),
            (&["--ip-limit", "-1"][..], "whole number"),
            (&["--ban-secs", "0"][..], "positive"),
            (&["--fault"][..], "needs a value"),
            (&["--fault", "teapot"][..], "unknown kind"),
            (&["--fault", "503@every=0"][..], "positive"),
            (&["--fault", "delay=soon"][..], "not a duration"),
            (&["--fault", "reset@sometimes"][..], "unknown option"),
        ] {
            let problem = parse(&args(list)).unwrap_err();
            assert!(problem.contains(expected), "{list:?}: {problem}");
        }
    }
}
