//! `apie mock [OPTIONS]`: serves a local API Entreprise ([`apie_mock`]) until Ctrl-C, with
//! the real server's limits and bans, and faults on demand; `apie mock --help` lists the
//! options and details the rules ([`DETAILS`]).
//!
//! Exit codes: 0 stopped by Ctrl-C (or `--help`), 1 the server could not start (a payload or
//! token file is missing or malformed, the port is taken), 2 bad usage.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use apie_mock::{Fault, MockConfig, MockServer};

/// `apie mock --help`'s closing part: the rules, the fault syntax and the control routes.
const DETAILS: &str = "\
Operations, examples, error bodies and scopes are the ones this apie was built with: no spec
is read. The token is DIR/../tokens/default if there; else the mock makes one up (every
scope) and prints it. Any well-formed JWT is accepted.

Limits and bans (as the real server):
  per token and bucket (json 250, documents 50, a few operations their own), fixed windows
  opened by the first call: past the limit, 429 + Retry-After. Per IP, --ip-limit requests a
  window, monitoring routes included: the request past it gets no answer and bans the IP. A
  token window collecting more than --tolerated-429s 429s bans its IP. A banned IP gets no
  answer at all (connections closed without a byte) until the ban ends.

Fault SPEC: KIND[@every=N][@path=PREFIX]
  KIND   delay=DURATION     wait before answering
         500 … 599          that status, with an error body in the API's format
         reset              close the connection without answering
         malformed          200 with a truncated JSON body
         slow-body=DURATION the body in 10 chunks spread over DURATION
  every=N     strike the N-th, 2N-th … matching request (default: every one)
  path=PREFIX only requests whose path starts with PREFIX
  DURATION    a whole number of ms or s: 200ms, 2s

Maintenance SPEC: OPERATION[@HH:MM-HH:MM]
  inside the daily window, OPERATION answers 503 (before the token and limit checks);
  without times, the operation's own window from the spec (x-maintenances). Times are
  in the API's time zone (the profile's maintenance_time_zone), on the system clock; a window
  whose end is before its start crosses midnight.

Control routes (never counted nor refused, even while banned):
  GET /__mock/stats             what the server did, bans included (JSON)
  GET|PUT|DELETE /__mock/faults the faults; PUT a JSON list of specs or one spec a line
  GET /__mock/limits            each bucket's limit; PUT /__mock/limits/<bucket> with a number
                                changes it for windows opening later (json, documents, ip, …)
  POST /__mock/unban            lifts every ban

Examples:
  apie mock --port 8080 --data path/to/staging/payloads
  apie mock --minute-ms 1000 --ip-limit 20
  apie mock --fault 503@every=5 --fault delay=200ms@every=3@path=/v3/insee
  apie mock --fault reset@every=7 --fault malformed@every=4 --fault slow-body=2s@every=10
  apie mock --maintenance api_entreprise_v4_dgfip_attestations_fiscales
  apie mock --maintenance api_entreprise_v3_insee_unites_legales@22:00-02:00

Exit codes:
  0  stopped by Ctrl-C
  1  could not start: a payload or token file missing or malformed, the port taken
  2  bad usage";

/// `apie mock`: a local API Entreprise on 127.0.0.1 until Ctrl-C.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Serves a local API Entreprise on 127.0.0.1 until Ctrl-C: staging payloads and \
                  the spec's examples, behind the real server's checks, limits and bans.",
    after_help = "Examples:\n  apie mock --port 8080 --data path/to/staging/payloads\n  \
                  apie mock --fault 503@every=5\n\n\
                  Exit codes: 0 stopped by Ctrl-C; 1 could not start; 2 bad usage.\n\
                  `apie mock --help` details the limits, the fault syntax and the control routes.",
    after_long_help = DETAILS
)]
pub(crate) struct MockArgs {
    /// Port to listen on (default: a free one, printed)
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// Staging payloads directory, one folder of `*.yaml` per x-operationId (default: none, the spec's
    /// examples only)
    #[arg(long, value_name = "DIR", env = apie_mock::PAYLOADS_ENV, value_parser = non_empty_path)]
    data: Option<PathBuf>,
    /// Length of a rate-limit minute in ms (default 60000); bans scale with it
    #[arg(long, value_name = "N", value_parser = positive)]
    minute_ms: Option<u64>,
    /// Requests a minute per IP, all tokens together: the IP's one limit (default the
    /// platform's: 1000 a minute)
    #[arg(long, value_name = "N", value_parser = whole)]
    ip_limit: Option<u32>,
    /// 429s a token may ignore in a window before its IP is banned (default 10)
    #[arg(long = "tolerated-429s", value_name = "N", value_parser = whole)]
    tolerated_429s: Option<u32>,
    /// Length of a ban in seconds (default 720 minutes: 12 h, or 720 s with --minute-ms 1000)
    #[arg(long, value_name = "N", value_parser = positive)]
    ban_secs: Option<u64>,
    /// Inject a fault; repeatable (the syntax is in --help)
    #[arg(long = "fault", value_name = "SPEC", value_parser = fault)]
    faults: Vec<Fault>,
    /// Simulate a maintenance window: OPERATION answers 503 inside it; repeatable (the
    /// syntax is in --help)
    #[arg(long = "maintenance", value_name = "OPERATION[@HH:MM-HH:MM]")]
    maintenance: Vec<apie_mock::Maintenance>,
}

fn non_empty_path(text: &str) -> Result<PathBuf, String> {
    if text.is_empty() {
        return Err("needs a value".to_owned());
    }
    Ok(PathBuf::from(text))
}

fn positive(text: &str) -> Result<u64, String> {
    text.parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("expected a positive whole number, not `{text}`"))
}

fn whole(text: &str) -> Result<u32, String> {
    text.parse()
        .map_err(|_| format!("expected a whole number of requests, not `{text}`"))
}

fn fault(text: &str) -> Result<Fault, String> {
    text.parse::<Fault>().map_err(|e| e.to_string())
}

impl MockArgs {
    /// The mock's configuration: the defaults of [`MockConfig`], changed where an option says.
    fn config(self) -> MockConfig {
        let mut config = MockConfig::default();
        if let Some(port) = self.port {
            config.port = port;
        }
        config.data_dir = self.data;
        if let Some(ms) = self.minute_ms {
            config.minute = Duration::from_millis(ms);
        }
        if let Some(calls) = self.ip_limit {
            let window = config.api.platform.window;
            config.ip_limits = vec![api_entreprise::runtime::Limit { calls, window }];
        }
        if let Some(n) = self.tolerated_429s {
            config.tolerated_429s = n;
        }
        config.ban = self.ban_secs.map(Duration::from_secs);
        config.faults.faults.extend(self.faults);
        config.maintenance = self.maintenance;
        config
    }
}

/// Runs `apie mock`.
pub(crate) fn run(args: MockArgs) -> ExitCode {
    let config = args.config();
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
    let windows = server.maintenance();
    if !windows.is_empty() {
        println!("maintenance (503 inside): {}", windows.join(", "));
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

#[cfg(test)]
mod tests {
    use super::*;
    use apie_mock::{FaultKind, FaultPlan};
    use clap::Parser;

    /// `apie mock`'s options alone, as clap parses them.
    #[derive(Debug, Parser)]
    struct Mock {
        #[command(flatten)]
        args: MockArgs,
    }

    fn parse(list: &[&str]) -> Result<MockConfig, clap::Error> {
        let argv = std::iter::once("mock").chain(list.iter().copied());
        Mock::try_parse_from(argv).map(|m| m.args.config())
    }

    fn config(list: &[&str]) -> MockConfig {
        parse(list).unwrap_or_else(|e| panic!("{list:?}: {e}"))
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
        // Bans scale with the minute unless given.
        assert_eq!(config.ban, None);
    }

    #[test]
    fn no_option_keeps_the_defaults() {
        // The variable would fill --data: the test is about the options alone.
        if std::env::var_os(apie_mock::PAYLOADS_ENV).is_none() {
            assert_eq!(parse(&[]).unwrap(), MockConfig::default());
        }
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
        let one = api_entreprise::runtime::Limit {
            calls: 20,
            window: Duration::from_secs(60),
        };
        assert_eq!(config.ip_limits, [one]);
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
        use clap::CommandFactory;
        let help = Mock::command().render_long_help().to_string();
        for needle in [
            "--ip-limit",
            "--ban-secs",
            "--tolerated-429s",
            "--fault <SPEC>",
            "KIND[@every=N][@path=PREFIX]",
            "slow-body=DURATION",
            "/__mock/unban",
            apie_mock::PAYLOADS_ENV,
            "Exit codes",
        ] {
            assert!(help.contains(needle), "{needle}: {help}");
        }
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        use clap::error::ErrorKind;
        for (list, kind, expected) in [
            (
                &["--port", "http"][..],
                ErrorKind::ValueValidation,
                "--port",
            ),
            (
                &["--port", "70000"][..],
                ErrorKind::ValueValidation,
                "65535",
            ),
            (
                &["--port"][..],
                ErrorKind::InvalidValue,
                "a value is required",
            ),
            (
                &["--data="][..],
                ErrorKind::ValueValidation,
                "needs a value",
            ),
            (
                &["--minute-ms", "0"][..],
                ErrorKind::ValueValidation,
                "positive",
            ),
            (&["--verbose"][..], ErrorKind::UnknownArgument, "--verbose"),
            // The spec is compiled in: nothing to point at.
            (
                &["--spec", "a.yml"][..],
                ErrorKind::UnknownArgument,
                "--spec",
            ),
            (
                &["--spec-v2", "b.yml"][..],
                ErrorKind::UnknownArgument,
                "--spec-v2",
            ),
            (&["extra"][..], ErrorKind::UnknownArgument, "extra"),
            (
                &["--port", "1", "--port", "2"][..],
                ErrorKind::ArgumentConflict,
                "multiple times",
            ),
            (
                &["--ip-limit", "many"][..],
                ErrorKind::ValueValidation,
                "whole number",
            ),
            (&["--ip-limit", "-1"][..], ErrorKind::UnknownArgument, "-1"),
            (
                &["--ban-secs", "0"][..],
                ErrorKind::ValueValidation,
                "positive",
            ),
            (
                &["--fault"][..],
                ErrorKind::InvalidValue,
                "a value is required",
            ),
            (
                &["--fault", "teapot"][..],
                ErrorKind::ValueValidation,
                "unknown kind",
            ),
            (
                &["--fault", "503@every=0"][..],
                ErrorKind::ValueValidation,
                "positive",
            ),
            (
                &["--fault", "delay=soon"][..],
                ErrorKind::ValueValidation,
                "not a duration",
            ),
            (
                &["--fault", "reset@sometimes"][..],
                ErrorKind::ValueValidation,
                "unknown option",
            ),
        ] {
            let error = parse(list).unwrap_err();
            let text = error.to_string();
            assert_eq!(error.kind(), kind, "{list:?}: {text}");
            assert!(text.contains(expected), "{list:?}: {text}");
        }
    }
}
