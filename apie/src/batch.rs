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
//! `--id-param NAME`); the other parameters come from `--param`.
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
//! server answered others), `decode` (a success body that is not JSON).
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
//! # Exit codes
//!
//! - 0: every identifier has its line, even those with an API error.
//! - 2: bad usage, unreadable input or output, refused configuration
//!   (token, traceability, parameters); nothing was sent.
//! - 3: the API refused the token (401, 403): nothing more was called.
//! - 4: stopped because the server does not answer (or may have banned
//!   the IP); in-flight calls are not recorded.
//! - 130: interrupted by Ctrl-C: calls in flight were finished and
//!   recorded, the rest is left for a resume. A second Ctrl-C quits at
//!   once, without recording the calls in flight.

mod engine;
mod input;
mod journal;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use api_entreprise::runtime::{
    Client, Error, OperationMeta, ParamKind, ParamLocation, ParamMeta, Request, Throttle,
    ThrottleConfig, ValidationError,
};

use crate::call::{self, CallArgs};
use crate::usage;
use engine::{Engine, Finish, Job};
use input::Column;
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

/// Calls in flight unless `--concurrency` says otherwise.
const DEFAULT_CONCURRENCY: usize = 8;

/// What the command line asked for.
#[derive(Debug)]
struct BatchArgs {
    /// The options shared with `apie call`.
    call: CallArgs,
    input: PathBuf,
    out: PathBuf,
    concurrency: usize,
    id_param: Option<String>,
    column: Option<Column>,
    delimiter: Option<u8>,
    /// The server's rate-limit window, when not a real minute (a mock
    /// started with `--minute-ms`).
    minute: Option<Duration>,
}

/// Options of `apie call` that take a value, handed over with it.
const CALL_OPTIONS_WITH_VALUE: &[&str] = &[
    "--operation",
    "--param",
    "--base-url",
    "--context",
    "--recipient",
    "--object",
    "--timeout-ms",
];

/// Options of `apie call` that take no value.
const CALL_FLAGS: &[&str] = &["--staging", "--skip-checksum"];

fn parse(args: &[String]) -> Result<BatchArgs, String> {
    let mut shared = Vec::new();
    let mut input = None;
    let mut out = None;
    let mut concurrency = DEFAULT_CONCURRENCY;
    let mut id_param = None;
    let mut column = None;
    let mut delimiter = None;
    let mut minute = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--input" => input = Some(PathBuf::from(crate::flag_value(&mut it, arg)?)),
            "--out" => out = Some(PathBuf::from(crate::flag_value(&mut it, arg)?)),
            "--concurrency" => {
                let n = crate::flag_value(&mut it, arg)?;
                concurrency = match n.parse::<usize>() {
                    Ok(n) if n >= 1 => n,
                    _ => return Err(format!("--concurrency {n}: expected a number from 1")),
                };
            }
            "--minute-ms" => {
                let ms = crate::flag_value(&mut it, arg)?;
                minute = match ms.parse::<u64>() {
                    Ok(ms) if ms >= 1 => Some(Duration::from_millis(ms)),
                    _ => return Err(format!("--minute-ms {ms}: expected milliseconds, from 1")),
                };
            }
            "--id-param" => id_param = Some(crate::flag_value(&mut it, arg)?),
            "--column" => column = Some(Column::parse(&crate::flag_value(&mut it, arg)?)?),
            "--delimiter" => {
                delimiter = Some(input::parse_delimiter(&crate::flag_value(&mut it, arg)?)?)
            }
            flag if CALL_OPTIONS_WITH_VALUE.contains(&flag) => {
                shared.push(arg.clone());
                shared.push(crate::flag_value(&mut it, arg)?);
            }
            flag if CALL_FLAGS.contains(&flag) => shared.push(arg.clone()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let call = call::parse(&shared)?;
    if call.operation.is_none() {
        return Err("batch needs --operation <x-operationId>".to_owned());
    }
    let input = input.ok_or("batch needs --input FILE (one identifier per line, or CSV)")?;
    let out = out.ok_or("batch needs --out FILE.jsonl (appended to, and resumed from)")?;
    if delimiter.is_some() && column.is_none() {
        return Err("--delimiter only applies to CSV input: give --column too".to_owned());
    }
    Ok(BatchArgs {
        call,
        input,
        out,
        concurrency,
        id_param,
        column,
        delimiter,
        minute,
    })
}

/// Runs `apie batch ARGS`.
pub(crate) fn run(args: &[String]) -> ExitCode {
    let args = match parse(args) {
        Ok(a) => a,
        Err(problem) => return usage(Some(&problem)),
    };
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
        tally: engine::Tally::default(),
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

/// The calls to make, ready.
struct Plan {
    client: Client,
    jobs: Vec<Job>,
}

/// Everything that can fail before the first call: the operation, the
/// identifiers, the output, the client, every request.
fn prepare(args: &BatchArgs) -> Result<(Plan, Journal), String> {
    let operation = args.call.operation.as_deref().unwrap_or_default();
    let meta = call::find_operation(operation).map_err(|e| e.to_string())?;
    let id_param = identifier_param(meta, args.id_param.as_deref(), &args.call.params)?;
    let identifiers = input::read(
        &args.input,
        args.column.as_ref(),
        args.delimiter.unwrap_or(b','),
    )?;
    let mut builder = call::client_builder(meta, &args.call).map_err(|e| e.to_string())?;
    if let Some(timeout) = args.call.timeout {
        builder = builder.timeout(timeout);
    }
    // Waits for the rate limit longer than this come back as
    // `Error::Throttled` (nothing sent) and the batch pauses itself, so
    // Ctrl-C never has to wait for calls that are only queued.
    builder = builder.max_wait(MAX_WAIT);
    if let Some(minute) = args.minute {
        // The real limits, counted in the mock's shorter minutes.
        builder = builder.throttle(Throttle::new(ThrottleConfig::scaled(minute)));
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
    for record in &refused {
        journal.append(record)?;
    }
    Ok((Plan { client, jobs }, journal))
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
    args: &CallArgs,
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

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_its_options_and_the_shared_ones() {
        let parsed = parse(&args(&[
            "--operation",
            "op",
            "--input",
            "ids.csv",
            "--out",
            "out.jsonl",
            "--column",
            "siren",
            "--delimiter",
            ";",
            "--concurrency",
            "3",
            "--param",
            "a=b",
            "--staging",
        ]))
        .unwrap();
        assert_eq!(parsed.concurrency, 3);
        assert_eq!(parsed.column, Some(Column::Name("siren".into())));
        assert_eq!(parsed.delimiter, Some(b';'));
        assert_eq!(parsed.call.params, [("a".to_owned(), "b".to_owned())]);
        assert!(parsed.call.environment.is_some());

        for (bad, says) in [
            (vec!["--operation", "op", "--out", "o"], "--input"),
            (vec!["--operation", "op", "--input", "i"], "--out"),
            (vec!["--input", "i", "--out", "o"], "--operation"),
            (
                vec![
                    "--operation",
                    "op",
                    "--input",
                    "i",
                    "--out",
                    "o",
                    "--concurrency",
                    "0",
                ],
                "--concurrency",
            ),
            (
                vec![
                    "--operation",
                    "op",
                    "--input",
                    "i",
                    "--out",
                    "o",
                    "--download",
                    "x",
                ],
                "--download",
            ),
            (
                vec![
                    "--operation",
                    "op",
                    "--input",
                    "i",
                    "--out",
                    "o",
                    "--delimiter",
                    ";",
                ],
                "--column",
            ),
        ] {
            let problem = parse(&args(&bad)).unwrap_err();
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
