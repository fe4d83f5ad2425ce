//! Runs the calls: at most `concurrency` in flight through one shared
//! client, each result written as soon as its call ends, Ctrl-C handled
//! between writes.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};

use api_entreprise::runtime::{ApiResponse, Client, Error, Request, ValidationError};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::journal::{Journal, Record};
use super::progress::{human, Progress};
use super::{EXIT_INTERNAL, EXIT_NO_ANSWER, EXIT_REFUSED, EXIT_USAGE};

/// How many times an identifier answered by 429 goes back in the queue
/// before its 429 is recorded.
const MAX_THROTTLED: u32 = 3;
/// Wait after a 429 that says nothing of when to come back.
const DEFAULT_THROTTLE_WAIT: Duration = Duration::from_secs(5);
/// How often the loop wakes up without any event (progress, pauses).
const TICK: Duration = Duration::from_millis(500);

/// One identifier to call.
#[derive(Debug)]
pub(crate) struct Job {
    /// As read from the input: the key of its record.
    pub(crate) identifier: String,
    /// The call, already checked.
    pub(crate) request: Request,
    /// 429s received so far.
    throttled: u32,
}

impl Job {
    /// A job not tried yet.
    pub(crate) fn new(identifier: String, request: Request) -> Job {
        Job {
            identifier,
            request,
            throttled: 0,
        }
    }
}

/// How a run ended.
#[derive(Debug)]
pub(crate) enum Finish {
    /// Every job has its record.
    Done,
    /// Ctrl-C: in-flight calls were recorded, the rest is left for a resume.
    Interrupted,
    /// Stopped at once; nothing more recorded.
    Stopped {
        /// Exit code.
        code: u8,
        /// Why, in plain words.
        message: String,
    },
}

/// Counts for the summary.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Records written, by outcome: `ok`, `partial`, or the error kind.
    pub(crate) by_outcome: BTreeMap<&'static str, usize>,
}

impl Tally {
    /// Counts one written record.
    pub(crate) fn count(&mut self, record: &Record) {
        let key = match record.error_kind() {
            Some(kind) => kind,
            None if record.partial => "partial",
            None => "ok",
        };
        *self.by_outcome.entry(key).or_default() += 1;
    }

    /// Records written.
    pub(crate) fn total(&self) -> usize {
        self.by_outcome.values().sum()
    }

    /// `12 ok, 1 partial, 2 api`.
    pub(crate) fn describe(&self) -> String {
        if self.by_outcome.is_empty() {
            return "nothing".to_owned();
        }
        self.by_outcome
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What one ended call means for the batch.
enum Outcome {
    /// Written now.
    Record(Record),
    /// The server did not answer (transport error, timeout): written once
    /// the server is seen answering, as it then concerns this identifier
    /// only; a long enough streak of them stops the batch instead.
    NoAnswer(Record, String),
    /// Not done for the rate limit: back in the queue, the batch paused
    /// until the limit allows. `true` when the server itself answered 429.
    Throttled(Error, bool),
    /// Every later call would fail alike: stop at once.
    Fatal(u8, String),
}

fn classify(identifier: &str, result: Result<ApiResponse<Value>, Error>) -> Outcome {
    let error = match result {
        Ok(response) => return Outcome::Record(Record::success(identifier.to_owned(), response)),
        Err(error) => error,
    };
    match &error {
        // Calls in a row got no answer at all: the IP may be banned, and
        // anything more sent from it would make things worse.
        Error::PossibleBan { .. } => Outcome::Fatal(EXIT_NO_ANSWER, error.to_string()),
        Error::Api(api) if api.status == 429 => Outcome::Throttled(error, true),
        // Not sent: the client's rate limiter has no room before its
        // `max_wait`. The batch waits instead, where Ctrl-C reaches it.
        Error::Throttled { .. } => Outcome::Throttled(error, false),
        Error::Api(api) if api.status == 401 || api.status == 403 => Outcome::Fatal(
            EXIT_REFUSED,
            format!(
                "{error}\nthe token is refused for this operation: nothing more was called; \
                 fix the token, then rerun the same command to resume"
            ),
        ),
        Error::Config(_) | Error::Validation(ValidationError::TokenExpired { .. }) => {
            Outcome::Fatal(EXIT_USAGE, error.to_string())
        }
        Error::Transport { .. } | Error::Timeout { .. } => Outcome::NoAnswer(
            Record::failure(identifier.to_owned(), &error),
            error.to_string(),
        ),
        _ => Outcome::Record(Record::failure(identifier.to_owned(), &error)),
    }
}

/// Everything a run needs.
pub(crate) struct Engine<'a> {
    /// The one client every call goes through (and its rate limiter).
    pub(crate) client: Client,
    /// Where records go.
    pub(crate) journal: &'a mut Journal,
    /// Largest number of calls in flight.
    pub(crate) concurrency: usize,
    /// Records written this run.
    pub(crate) tally: Tally,
}

impl Engine<'_> {
    /// Calls every job; returns how it ended.
    pub(crate) async fn run(&mut self, jobs: Vec<Job>) -> Finish {
        let mut queue: VecDeque<Job> = jobs.into();
        let mut progress = Progress::new(queue.len() as u64);
        let mut interrupts = interrupts();
        let mut in_flight: JoinSet<(Job, Result<ApiResponse<Value>, Error>)> = JoinSet::new();
        let mut interrupted = false;
        let mut paused_until: Option<Instant> = None;
        // Calls without an answer since the last answer; at this many in a
        // row the server is taken as unreachable.
        let mut silent: Vec<Record> = Vec::new();
        let silent_limit = self.concurrency.max(5);
        let mut answered = false;
        let mut last_silence = String::new();

        let finish = loop {
            progress.tick();
            if paused_until.is_some_and(|t| t <= Instant::now()) {
                paused_until = None;
                progress.waiting(false);
            }
            while !interrupted && paused_until.is_none() && in_flight.len() < self.concurrency {
                let Some(job) = queue.pop_front() else { break };
                let client = self.client.clone();
                in_flight.spawn(async move {
                    let result = client.execute::<Value>(job.request.clone()).await;
                    (job, result)
                });
            }
            if in_flight.is_empty() && (interrupted || queue.is_empty()) {
                break if interrupted {
                    Finish::Interrupted
                } else {
                    Finish::Done
                };
            }
            tokio::select! {
                biased;
                Some(()) = interrupts.recv() => {
                    if interrupted {
                        progress.finish();
                        eprintln!(
                            "interrupted again: quitting now; the {} calls in flight are not \
                             recorded and will be made again on resume",
                            in_flight.len()
                        );
                        std::process::exit(130);
                    }
                    interrupted = true;
                    if !in_flight.is_empty() {
                        progress.println(&format!(
                            "interrupted: waiting for the {} calls in flight (Ctrl-C again to \
                             quit at once)",
                            in_flight.len()
                        ));
                    }
                }
                Some(joined) = in_flight.join_next() => {
                    let (mut job, result) = match joined {
                        Ok(ended) => ended,
                        Err(e) => break Finish::Stopped {
                            code: EXIT_INTERNAL,
                            message: format!("a call failed unexpectedly: {e}"),
                        },
                    };
                    match classify(&job.identifier, result) {
                        Outcome::Record(record) => {
                            answered = true;
                            // The server answers: the calls it did not answer
                            // before failed on their own account.
                            let held = std::mem::take(&mut silent);
                            let written = held
                                .iter()
                                .chain([&record])
                                .try_for_each(|r| self.write(r, &mut progress));
                            if let Err(stop) = written {
                                break stop;
                            }
                        }
                        Outcome::NoAnswer(record, message) => {
                            silent.push(record);
                            last_silence = message;
                            if silent.len() >= silent_limit {
                                break Finish::Stopped {
                                    code: EXIT_NO_ANSWER,
                                    message: format!(
                                        "no answer for the last {} calls: stopped, they are not \
                                         recorded (last error: {last_silence})",
                                        silent.len()
                                    ),
                                };
                            }
                        }
                        Outcome::Throttled(error, refused) => {
                            let wait = throttle_wait(&error);
                            let until = Instant::now() + wait;
                            if paused_until.is_none_or(|t| t < until) {
                                paused_until = Some(until);
                                progress.waiting(true);
                                // The client's own waits are the normal pace
                                // and would only be noise.
                                if refused {
                                    progress.println(&format!(
                                        "rate limit reached (429): pausing {}",
                                        human(wait)
                                    ));
                                }
                            }
                            if refused {
                                answered = true;
                                job.throttled += 1;
                            }
                            if job.throttled < MAX_THROTTLED {
                                queue.push_front(job);
                            } else {
                                let record = Record::failure(job.identifier, &error);
                                if let Err(stop) = self.write(&record, &mut progress) {
                                    break stop;
                                }
                            }
                        }
                        Outcome::Fatal(code, message) => break Finish::Stopped { code, message },
                    }
                }
                // Wakes the loop to end a pause or print a progress line.
                () = tokio::time::sleep(TICK) => {}
            }
        };
        // Stopping at once: calls still in flight are dropped unrecorded.
        in_flight.abort_all();
        let finish = match finish {
            Finish::Done if !silent.is_empty() && !answered => Finish::Stopped {
                code: EXIT_NO_ANSWER,
                message: format!(
                    "the server never answered: stopped, nothing recorded for these calls \
                     (last error: {last_silence})"
                ),
            },
            Finish::Done => {
                // The batch ran to its end with answers: these failures are
                // the identifiers' own.
                let mut finish = Finish::Done;
                for held in std::mem::take(&mut silent) {
                    if let Err(stop) = self.write(&held, &mut progress) {
                        finish = stop;
                        break;
                    }
                }
                finish
            }
            other => other,
        };
        progress.finish();
        if progress.total() == 0 {
            return finish;
        }
        let rate = progress.per_minute();
        eprintln!(
            "{} records written in {} ({rate:.0} calls/min): {}",
            self.tally.total(),
            human(progress.elapsed()),
            self.tally.describe()
        );
        finish
    }

    /// Writes one record; a write failure stops the batch.
    fn write(&mut self, record: &Record, progress: &mut Progress) -> Result<(), Finish> {
        self.journal
            .append(record)
            .map_err(|message| Finish::Stopped {
                code: EXIT_USAGE,
                message,
            })?;
        self.tally.count(record);
        progress.inc();
        Ok(())
    }
}

/// How long to wait after a 429: until the time the server gave, else
/// a few seconds.
fn throttle_wait(error: &Error) -> Duration {
    let (retry_at, retry_after) = match error {
        Error::Api(api) => (api.retry_at, api.retry_after),
        Error::Throttled { retry_at, .. } => (Some(*retry_at), None),
        _ => (None, None),
    };
    match (retry_at, retry_after) {
        // A time already past: go again now (the client still paces).
        (Some(at), _) => at
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
        (None, Some(after)) => after,
        (None, None) => DEFAULT_THROTTLE_WAIT,
    }
}

/// Ctrl-C, as a stream: one signal handler, installed before the first
/// call starts and kept for the whole run, so no signal is lost between
/// two waits and none falls back on the default "terminate at once".
fn interrupts() -> mpsc::UnboundedReceiver<()> {
    let (tx, rx) = mpsc::unbounded_channel();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::interrupt()) {
            Ok(mut stream) => {
                tokio::spawn(async move {
                    while stream.recv().await.is_some() {
                        if tx.send(()).is_err() {
                            break;
                        }
                    }
                });
            }
            Err(e) => eprintln!("warning: Ctrl-C cannot be caught ({e}): it will quit at once"),
        }
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if tx.send(()).is_err() {
                break;
            }
        }
    });
    rx
}
