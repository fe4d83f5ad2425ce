//! `apie batch`: one operation called for every identifier of a file, as
//! fast as API Entreprise's limits allow, with one JSON line of result per
//! identifier.
//!
//! # Input
//!
//! One identifier per line; blank lines and surrounding spaces are
//! ignored. With `--column`, the input is CSV (`--delimiter`, `,` by
//! default) and the identifier is that column: a name selects it from the
//! header row, a number selects it by position counted from 1 (like
//! `cut -f`), every row then being data. An identifier listed twice is
//! called once. It goes into the operation's path parameter (or
//! `--id-param NAME`); the other parameters come from `--param`. The input is UTF-8 (a
//! byte-order mark is dropped); a line (a CSV row) longer than
//! [`MAX_LINE_BYTES`](apie::batch_input::MAX_LINE_BYTES), 8 KiB, stops the batch before
//! anything is called, with its line number.
//!
//! Every identifier is checked before the first call: one that the
//! operation would refuse (a SIREN failing its checksum…) is recorded as a
//! `validation` error without being sent, and a wrong `--param`, token or
//! traceability option stops everything before anything is sent.
//!
//! # Output
//!
//! One line per identifier, appended to `--out` as soon as its call ends:
//!
//! ```text
//! {"identifier":"552049447","status":200,"body":{…}}
//! {"identifier":"552049447","status":206,"partial":true,"unavailable":["data.effectif"],"body":{…}}
//! {"identifier":"123456789","status":null,"error":{"kind":"validation","message":"…","codes":[]}}
//! {"identifier":"130025265","status":404,"error":{"kind":"api","message":"…","codes":["01003"]}}
//! ```
//!
//! Error kinds: `validation` (refused before sending), `api` (the API
//! answered with an error status), `throttled` (429 three times in a row),
//! `timeout` and `transport` (no answer for this identifier while the
//! server answered others), `decode` (a success body that is not JSON),
//! `too_large` (an answer larger than the client reads).
//!
//! # Sharding
//!
//! `--shard I/N` (I from 1 to N) splits one input between N processes: process I takes the
//! identifiers at positions I, I+N, I+2N… of the input (counted from 1, after repeats are
//! dropped), so the N shards together make the whole input and never overlap. Each process
//! writes its own `--out` and resumes from it alone, as an unsharded batch does: the shard is
//! taken before the already-done identifiers are skipped, so a shard's share never depends
//! on how far it got.
//!
//! # Resuming
//!
//! Each line is written whole, with one write, so an interrupted batch
//! leaves complete lines. Run the same command again and the identifiers
//! already in `--out` are skipped (nothing is called twice); a truncated
//! last line, which only a crash can leave, is cut off and its identifier
//! called again. stderr says `N to do, M already done`.
//!
//! Calls that got no answer are only recorded once the server is seen
//! answering other calls; when `max(concurrency, 5)` calls in a row get no
//! answer, or the client's ban breaker trips (`Error::PossibleBan`), the
//! batch stops at once, those calls unrecorded (exit 4), and a resume
//! makes them again.
//!
//! # Pace
//!
//! Every call goes through one client, whose rate limiter keeps the calls
//! within the token's and the IP's limits (`--minute-ms` when the server
//! is a mock with a shorter minute); `--concurrency` only bounds the calls
//! in flight. When the limiter has no room for a while, the call comes
//! back unsent and the batch pauses until the window reopens, so a
//! Ctrl-C never waits for calls that are only queued. A 429 from the
//! server pauses the batch the same way, until the time the server gives,
//! and puts the identifier back in the queue (recorded as `throttled` on
//! its third 429).
//!
//! # Maintenance windows
//!
//! Inside the operation's daily maintenance window (the spec's `x-maintenances`, read in the
//! API's time zone, `platform::MAINTENANCE_TIME_ZONE`), `--maintenance wait` (the default)
//! sends nothing: the batch pauses, says so on the progress line (`… in maintenance until
//! 02:00 Europe/Paris, paused`) and resumes when the window ends; Ctrl-C still reaches it.
//! `--maintenance fail` records each identifier as a `maintenance` error instead, and
//! `send` sends into the window anyway (the provider then answers 502/503).
//!
//! # What happened
//!
//! At the end, on Ctrl-C and when stopped, stderr gets a summary: records by outcome and by
//! status, the API's error codes by count with their titles (from the spec's catalogue), the
//! time paused for the rate limit and for maintenance, and the rate achieved. `--estimate`
//! prints, before anything is called, how long the identifiers left to do will take at the
//! limits that apply (the operation's own, its group's, the IP's, per window).
//!
//! # Exit codes
//!
//! - 0: every identifier has its line, even those with an API error.
//! - 1: a bug: a call's task panicked.
//! - 2: bad usage, unreadable input or output, refused configuration
//!   (token, traceability, parameters); nothing was sent.
//! - 3: the API refused the token (401, 403): nothing more was called.
//! - 4: stopped because the server does not answer (or may have banned
//!   the IP); in-flight calls are not recorded.
//! - 130: interrupted by Ctrl-C: calls in flight were finished and
//!   recorded, the rest is left for a resume. A second Ctrl-C quits at
//!   once, without recording the calls in flight.

mod engine;
mod journal;
mod progress;
mod summary;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use api_entreprise::runtime::{
    Error, OnMaintenance, OperationMeta, ParamKind, ParamLocation, ParamMeta, Request, Throttle,
    ThrottleConfig, ValidationError,
};
use api_entreprise::Client;

use crate::call::{self, ClientArgs};
// In the library, where the fuzz target and the property tests reach it.
use apie::batch_input as input;
use engine::{Engine, Finish, Job};
use input::{Column, Shard};
use journal::{Journal, Record};

/// Bad usage, unreadable files, refused configuration.
const EXIT_USAGE: u8 = 2;
/// The API refused the token.
const EXIT_REFUSED: u8 = 3;
/// The server does not answer, or may have banned the IP.
const EXIT_NO_ANSWER: u8 = 4;
/// A bug: a call's task panicked.
const EXIT_INTERNAL: u8 = 1;
/// Interrupted by Ctrl-C, as shells report a SIGINT.
const EXIT_INTERRUPTED: u8 = 130;

/// Longest a call waits inside the client for the rate limit.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// `apie batch --help`'s closing part.
const BATCH_HELP: &str = "\
Examples:
  apie batch --operation api_entreprise_v4_insee_unites_legales --input sirens.txt \\
      --out result.jsonl
  apie batch --operation api_entreprise_v4_insee_unites_legales --input companies.csv \\
      --column siren --delimiter ';' --out result.jsonl --concurrency 4
  # two processes sharing one input, each resumable on its own output
  apie batch … --input sirens.txt --shard 1/2 --out part1.jsonl &
  apie batch … --input sirens.txt --shard 2/2 --out part2.jsonl
  # how long it will take, calling nothing
  apie batch --operation api_entreprise_v4_dgfip_attestations_fiscales --input sirens.txt \\
      --out result.jsonl --estimate

Appends one JSON line per identifier to the --out file:
  {\"identifier\": \"…\", \"status\": 200, \"body\": {…}}   (206: also \"partial\": true)
  {\"identifier\": \"…\", \"status\": 404 or null, \"error\": {\"kind\": \"api\", \"message\": \"…\", \"codes\": [\"…\"]}}
Run the same command again to resume: identifiers already in the output are skipped, and a
truncated last line is redone. Ctrl-C finishes the calls in flight and stops; twice quits at
once. Token and traceability as for `apie call`. Inside the operation's daily maintenance
window the batch pauses until it ends (--maintenance). At the end (and on Ctrl-C) a summary:
statuses, error codes with their titles, time paused for the limits and for maintenance, rate.

Exit codes:
  0    every identifier recorded (API errors included)
  1    a bug: a call's task panicked
  2    bad usage, unreadable input or output, refused configuration: nothing was sent
  3    the API refused the token (401/403): nothing more was called
  4    no answer from the server, or a possible IP ban: the calls in flight are not recorded
  130  interrupted by Ctrl-C: run the same command again to do the rest";

/// `apie batch`: what the command line asked for.
#[derive(Debug, clap::Args)]
#[command(after_help = BATCH_HELP)]
pub(crate) struct BatchArgs {
    /// The options shared with `apie call`.
    #[command(flatten)]
    call: ClientArgs,
    /// The identifiers, one per line (or CSV with --column), UTF-8, lines of at most 8 KiB;
    /// `-` reads standard input
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// The results, one JSON line per identifier: appended to, and resumed from
    #[arg(long, value_name = "FILE.jsonl")]
    out: PathBuf,
    /// Calls in flight at most (the rate itself is the API's limits)
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = at_least_one)]
    concurrency: usize,
    /// The parameter the identifiers go into (default: the operation's one path parameter
    /// not given by --param)
    #[arg(long, value_name = "NAME")]
    id_param: Option<String>,
    /// Read FILE as CSV and take this column: a NAME from the header row, or a number N
    /// counting from 1 (every row is then data)
    #[arg(long, value_name = "NAME|N", value_parser = Column::parse)]
    column: Option<Column>,
    /// The CSV delimiter: one character, or `tab` (default `,`)
    #[arg(long, value_name = "C", requires = "column", value_parser = input::parse_delimiter)]
    delimiter: Option<u8>,
    /// Take only shard I of N (I from 1 to N): the identifiers at positions I, I+N, I+2N… of
    /// the input, for N processes splitting one input, each with its own --out
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// Count the limits in windows of N ms, for a mock started with the same --minute-ms
    #[arg(long, value_name = "N", value_parser = minute)]
    minute_ms: Option<Duration>,
    /// Share the limits with every process using this Redis server (redis://host:port/):
    /// several batches, on one machine or several behind one address, never add up to more
    /// than the API allows
    #[arg(long, value_name = "URL", env = REDIS_ENV.as_str())]
    redis: Option<String>,
    /// Inside the operation's daily maintenance window (the spec's, in the API's time zone):
    /// `wait` pauses the batch until it ends and resumes, `fail` records each identifier as
    /// a `maintenance` error without sending, `send` sends anyway
    #[arg(long, value_name = "MODE", default_value = "wait", value_parser = call::on_maintenance)]
    maintenance: OnMaintenance,
    /// Print how long the input will take at the limits that apply, and call nothing
    #[arg(long)]
    estimate: bool,
    /// Look at the API's status first (the open monitoring route) and warn if the operation
    /// is down; with --estimate, the only call made
    #[arg(long)]
    check_status: bool,
}

/// The variable naming the fleet's Redis server (`API_ENTREPRISE_REDIS_URL`), from the
/// platform's prefix as the client reads it.
static REDIS_ENV: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| api_entreprise::PLATFORM.redis_url_env());

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{text}: expected a number from 1")),
    }
}

fn minute(text: &str) -> Result<Duration, String> {
    match text.parse::<u64>() {
        Ok(ms) if ms >= 1 => Ok(Duration::from_millis(ms)),
        _ => Err(format!("{text}: expected milliseconds, from 1")),
    }
}

/// Runs `apie batch`.
pub(crate) fn run(args: BatchArgs) -> ExitCode {
    if args.check_status {
        check_status(&args);
    }
    if args.estimate {
        return estimate(&args);
    }
    let (plan, mut journal) = match prepare(&args) {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_INTERNAL);
        }
    };
    let out = args.out.display().to_string();
    let mut engine = Engine {
        client: plan.client,
        journal: &mut journal,
        concurrency: args.concurrency,
        wait_maintenance: args.maintenance == OnMaintenance::Wait,
        summary: plan.summary,
    };
    let finish = runtime.block_on(engine.run(plan.jobs));
    // Leaves a blocked provider call behind rather than waiting for it.
    runtime.shutdown_background();
    match finish {
        Finish::Done => {
            eprintln!("done: every identifier has its line in {out}");
            ExitCode::SUCCESS
        }
        Finish::Interrupted => {
            eprintln!("interrupted: rerun the same command to do the rest");
            ExitCode::from(EXIT_INTERRUPTED)
        }
        Finish::Stopped { code, message } => {
            eprintln!("error: {message}");
            eprintln!("stopped: rerun the same command to resume");
            ExitCode::from(code)
        }
    }
}

/// `apie batch --check-status`: a warning on stderr when the operation is down; never stops
/// the batch (an unknown operation is left for the batch's own error).
fn check_status(args: &BatchArgs) {
    let Ok(meta) = call::find_operation(&args.call.operation) else {
        return;
    };
    let client = match Client::builder()
        .environment(args.call.environment())
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("warning: --check-status: {e}");
            return;
        }
    };
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(crate::status::warn_if_down(&client, meta)),
        Err(e) => eprintln!("warning: --check-status: cannot start the async runtime: {e}"),
    }
}

/// The input's identifiers, this process's share of them when `--shard` splits the input,
/// and how many the whole input holds: read the same way for a run and for `--estimate`.
fn read_share(args: &BatchArgs) -> Result<(input::Identifiers, usize), String> {
    let mut identifiers = input::read(
        &args.input,
        args.column.as_ref(),
        args.delimiter.unwrap_or(b','),
    )?;
    let total = identifiers.list.len();
    if let Some(shard) = args.shard {
        identifiers.list = shard.take(identifiers.list);
    }
    Ok((identifiers, total))
}

/// `apie batch --estimate`: the identifiers read as for a run (shard and resume included),
/// and how long they will take; nothing is called.
fn estimate(args: &BatchArgs) -> ExitCode {
    let estimated = (|| {
        let meta = call::find_operation(&args.call.operation).map_err(|e| e.to_string())?;
        let (identifiers, _) = read_share(args)?;
        let resumed = Journal::resume(&args.out)?;
        let to_do = identifiers
            .list
            .iter()
            .filter(|id| !resumed.done.contains(*id))
            .count();
        let window = args.minute_ms.unwrap_or(api_entreprise::platform::WINDOW);
        Ok::<_, String>(summary::estimate(meta, to_do, window))
    })();
    match estimated {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// The calls to make, ready.
struct Plan {
    client: Client,
    jobs: Vec<Job>,
    /// The summary so far: the identifiers refused before sending.
    summary: summary::Summary,
}

/// Everything that can fail before the first call: the operation, the
/// identifiers, the output, the client, every request.
fn prepare(args: &BatchArgs) -> Result<(Plan, Journal), String> {
    let meta = call::find_operation(&args.call.operation).map_err(|e| e.to_string())?;
    let id_param = identifier_param(meta, args.id_param.as_deref(), &args.call.params)?;
    let (identifiers, total) = read_share(args)?;
    if let Some(shard) = args.shard {
        eprintln!(
            "shard {shard}: {} of the input's {total} identifiers",
            identifiers.list.len()
        );
    }
    let mut builder = call::client_builder(meta, &args.call).map_err(|e| e.to_string())?;
    if let Some(timeout) = args.call.timeout_ms {
        builder = builder.timeout(timeout);
    }
    // Waits for the rate limit longer than this come back as
    // `Error::Throttled` (nothing sent) and the batch pauses itself, so
    // Ctrl-C never has to wait for calls that are only queued.
    builder = builder.max_wait(MAX_WAIT);
    // Waiting is the engine's (a paused batch still hears Ctrl-C): the client refuses at once.
    builder = builder.on_maintenance(match args.maintenance {
        OnMaintenance::Send => OnMaintenance::Send,
        OnMaintenance::Fail | OnMaintenance::Wait => OnMaintenance::Fail,
    });
    // The real limits, counted in the mock's shorter minutes when --minute-ms says so.
    let real = ThrottleConfig::new(&api_entreprise::PLATFORM);
    let rules = match args.minute_ms {
        Some(minute) => real.scaled(minute),
        None => real,
    };
    if let Some(url) = args.redis.as_deref().filter(|u| !u.trim().is_empty()) {
        let redis = api_entreprise::runtime::throttle::RedisConfig::new(url.trim());
        // The URL may carry the server's password: it is not printed.
        let shared = Throttle::redis_with(rules, redis).map_err(|e| format!("--redis: {e}"))?;
        eprintln!("sharing the limits with the fleet through Redis");
        builder = builder.throttle(shared);
    } else if args.minute_ms.is_some() {
        builder = builder.throttle(Throttle::new(rules));
    }
    let client = builder.build().map_err(|e| e.to_string())?;

    let resumed = Journal::resume(&args.out)?;
    if let Some(line) = &resumed.dropped {
        eprintln!(
            "{}: cut off an incomplete last line ({line}…): its identifier will be called again",
            args.out.display()
        );
    }
    let (done, to_do): (Vec<String>, Vec<String>) = identifiers
        .list
        .into_iter()
        .partition(|id| resumed.done.contains(id));
    let repeated = if identifiers.repeated > 0 {
        format!(" ({} repeated identifiers dropped)", identifiers.repeated)
    } else {
        String::new()
    };
    eprintln!(
        "{} to do, {} already done{repeated}",
        to_do.len(),
        done.len()
    );

    // Every request is built before anything is written or sent, so a
    // mistake in the shared parameters stops the batch cleanly.
    let mut jobs = Vec::with_capacity(to_do.len());
    let mut refused = Vec::new();
    for identifier in to_do {
        match request_for(meta, id_param, &args.call, &identifier)? {
            Ok(request) => jobs.push(Job::new(identifier, request)),
            Err(error) => refused.push(Record::failure(identifier, &error)),
        }
    }
    let mut journal = Journal::open(&args.out, &resumed)?;
    if !refused.is_empty() {
        eprintln!(
            "{} identifiers refused before sending (recorded as validation errors)",
            refused.len()
        );
    }
    let mut summary = summary::Summary::default();
    for record in &refused {
        journal.append(record)?;
        summary.count(record);
    }
    Ok((
        Plan {
            client,
            jobs,
            summary,
        },
        journal,
    ))
}

/// The parameter the identifiers go into: `--id-param`, else the one path
/// parameter not given by `--param`.
fn identifier_param(
    meta: &'static OperationMeta,
    named: Option<&str>,
    params: &[(String, String)],
) -> Result<&'static ParamMeta, String> {
    let op = meta.operation_id;
    let names = |list: &mut dyn Iterator<Item = &ParamMeta>| {
        let names: Vec<&str> = list.map(|p| p.name).collect();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    };
    let given = |name: &str| params.iter().any(|(n, _)| n == name);
    // Checked here, not only when the first request is built: a batch with
    // nothing left to do still says its command line is wrong.
    if let Some((name, _)) = params.iter().find(|(n, _)| meta.param(n).is_none()) {
        return Err(format!(
            "--param {name}: {op} has no such parameter (it takes: {})",
            names(&mut meta.params.iter())
        ));
    }
    let param = match named {
        Some(name) => meta.param(name).ok_or_else(|| {
            format!(
                "--id-param {name}: {op} has no such parameter (it takes: {})",
                names(&mut meta.params.iter())
            )
        })?,
        None => {
            let free: Vec<&'static ParamMeta> = meta
                .params
                .iter()
                .filter(|p| p.location == ParamLocation::Path && !given(p.name))
                .collect();
            match free.as_slice() {
                [one] => *one,
                [] => {
                    return Err(format!(
                        "{op} has no path parameter left for the identifiers: name the \
                         parameter with --id-param (it takes: {})",
                        names(&mut meta.params.iter())
                    ))
                }
                several => {
                    return Err(format!(
                        "{op} has several path parameters ({}): say which one the identifiers \
                         go into with --id-param, and give the others with --param",
                        names(&mut several.iter().copied())
                    ))
                }
            }
        }
    };
    if given(param.name) {
        return Err(format!(
            "--param {0}=… conflicts with the identifiers, which go into `{0}`",
            param.name
        ));
    }
    Ok(param)
}

/// The request for one identifier. The outer error stops the batch (the
/// shared parameters are wrong); the inner one is the identifier's own,
/// recorded without a call.
fn request_for(
    meta: &'static OperationMeta,
    id_param: &'static ParamMeta,
    args: &ClientArgs,
    identifier: &str,
) -> Result<Result<Request, Error>, String> {
    // Checked alone first: an identifier error from the whole request is
    // then about a `--param` value.
    if let ParamKind::Identifier(kind) = id_param.kind {
        let checked = if args.skip_checksum {
            kind.check_without_checksum(identifier)
        } else {
            kind.check(identifier)
        };
        if let Err(e) = checked {
            return Ok(Err(Error::from(e)));
        }
    }
    let mut params = args.params.clone();
    params.push((id_param.name.to_owned(), identifier.to_owned()));
    let built = if args.skip_checksum {
        Request::from_params_without_checksum(meta, &params)
    } else {
        Request::from_params(meta, &params)
    };
    match built {
        Ok(request) => Ok(Ok(request)),
        Err(Error::Validation(ValidationError::Parameter { name, problem }))
            if name == id_param.name =>
        {
            Ok(Err(Error::Validation(ValidationError::Parameter {
                name,
                problem,
            })))
        }
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// `apie batch`'s options alone, as clap parses them.
    #[derive(Debug, Parser)]
    struct Batch {
        #[command(flatten)]
        args: BatchArgs,
    }

    fn parse(list: &[&str]) -> Result<BatchArgs, String> {
        let argv = std::iter::once("batch").chain(list.iter().copied());
        Batch::try_parse_from(argv)
            .map(|b| b.args)
            .map_err(|e| e.to_string())
    }

    const REQUIRED: [&str; 6] = ["--operation", "op", "--input", "i", "--out", "o"];

    fn with_required(more: &[&'static str]) -> Vec<&'static str> {
        REQUIRED.iter().chain(more).copied().collect()
    }

    #[test]
    fn parses_its_options_and_the_shared_ones() {
        let parsed = parse(&with_required(&[
            "--column",
            "siren",
            "--delimiter",
            ";",
            "--concurrency",
            "3",
            "--param",
            "a=b",
            "--staging",
            "--shard",
            "2/3",
        ]))
        .unwrap();
        assert_eq!(parsed.concurrency, 3);
        assert_eq!(parsed.column, Some(Column::Name("siren".into())));
        assert_eq!(parsed.delimiter, Some(b';'));
        assert_eq!(parsed.call.params, [("a".to_owned(), "b".to_owned())]);
        assert_eq!(parsed.shard.map(|s| s.to_string()), Some("2/3".to_owned()));
        assert_eq!(parse(&REQUIRED).unwrap().concurrency, 8);

        for (bad, says) in [
            (vec!["--operation", "op", "--out", "o"], "--input"),
            (vec!["--operation", "op", "--input", "i"], "--out"),
            (vec!["--input", "i", "--out", "o"], "--operation"),
            (with_required(&["--concurrency", "0"]), "--concurrency"),
            (with_required(&["--download", "x"]), "--download"),
            (with_required(&["--delimiter", ";"]), "--column"),
            (with_required(&["--shard", "0/2"]), "--shard"),
            (with_required(&["--shard", "3/2"]), "from 1 to 2"),
            (
                with_required(&["--base-url", "u", "--staging"]),
                "--staging",
            ),
        ] {
            let problem = parse(&bad).unwrap_err();
            assert!(problem.contains(says), "{bad:?}: {problem}");
        }
    }

    #[test]
    fn the_identifier_goes_into_the_free_path_parameter() {
        let meta = call::find_operation("api_entreprise_v3_insee_unites_legales").unwrap();
        assert_eq!(identifier_param(meta, None, &[]).unwrap().name, "siren");
        let given = [("siren".to_owned(), "x".to_owned())];
        assert!(identifier_param(meta, None, &given).is_err());
        assert!(identifier_param(meta, Some("siret"), &[])
            .unwrap_err()
            .contains("siren"));
    }
}
