//! Runs the calls: at most `concurrency` in flight through one shared
//! client, each result written as soon as its call ends, Ctrl-C handled
//! between writes.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use api_entreprise::runtime::{ApiResponse, Error, Request, ThrottleSnapshot, ValidationError};
use api_entreprise::Client;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::journal::{Journal, Record};
use super::progress::{human, Progress};
use super::summary::Summary;
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
    /// Not sent: the operation is in its maintenance window until then. Back in the queue,
    /// the batch paused until the window ends.
    Maintenance(SystemTime),
    /// Every later call would fail alike: stop at once.
    Fatal(u8, String),
}

fn classify(
    identifier: &str,
    result: Result<ApiResponse<Value>, Error>,
    wait_maintenance: bool,
) -> Outcome {
    let error = match result {
        Ok(response) => return Outcome::Record(Record::success(identifier.to_owned(), response)),
        Err(error) => error,
    };
    match &error {
        // Calls in a row got no answer at all: the IP may be banned, and
        // anything more sent from it would make things worse.
        Error::PossibleBan { .. } => Outcome::Fatal(EXIT_NO_ANSWER, error.to_string()),
        Error::Maintenance { until, .. } if wait_maintenance => Outcome::Maintenance(*until),
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
    /// Whether a call refused for maintenance pauses the batch until the window ends
    /// (`--maintenance wait`) rather than being recorded.
    pub(crate) wait_maintenance: bool,
    /// What this run did.
    pub(crate) summary: Summary,
}

/// Why the batch is paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pause {
    /// The rate limit has no room.
    Limits,
    /// The operation is in its maintenance window.
    Maintenance,
}

impl Engine<'_> {
    /// Calls every job; returns how it ended.
    pub(crate) async fn run(&mut self, jobs: Vec<Job>) -> Finish {
        let mut queue: VecDeque<Job> = jobs.into();
        let mut progress = Progress::new(queue.len() as u64);
        let mut interrupts = interrupts();
        let mut in_flight: JoinSet<(Job, Result<ApiResponse<Value>, Error>)> = JoinSet::new();
        let mut interrupted = false;
        // Pauses are read on the client's clock, the one maintenance windows are read on.
        let clock = self.client.clock().clone();
        let mut paused_until: Option<(SystemTime, Pause)> = None;
        let mut paused_since = clock.now();
        // Calls without an answer since the last answer; at this many in a
        // row the server is taken as unreachable.
        let mut silent: Vec<Record> = Vec::new();
        let silent_limit = self.concurrency.max(5);
        let mut answered = false;
        let mut last_silence = String::new();

        let mut degraded = DegradedNotice::default();

        let finish = loop {
            progress.tick();
            if let Some(notice) = degraded.check(&self.client.throttle().snapshot()) {
                progress.println(&notice);
            }
            if let Some((until, why)) = paused_until.filter(|(t, _)| *t <= clock.now()) {
                paused_until = None;
                progress.waiting(None);
                if why == Pause::Maintenance {
                    progress.println("maintenance window over: resuming");
                }
                self.pause_ended(why, paused_since, until);
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
                    match classify(&job.identifier, result, self.wait_maintenance) {
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
                            let until = clock.now() + wait;
                            if paused_until.is_none_or(|(t, _)| t < until) {
                                if paused_until.is_none() {
                                    paused_since = clock.now();
                                }
                                paused_until = Some((until, Pause::Limits));
                                progress.waiting(Some("waiting for the rate limit".to_owned()));
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
                        Outcome::Maintenance(until) => {
                            if paused_until.is_none_or(|(t, _)| t < until) {
                                if paused_until.is_none() {
                                    paused_since = clock.now();
                                }
                                paused_until = Some((until, Pause::Maintenance));
                                let message = format!(
                                    "{} in maintenance until {}, paused",
                                    job.request.meta().operation_id,
                                    local_time(&self.client, until)
                                );
                                progress.println(&format!("{message}: resuming then"));
                                progress.waiting(Some(message));
                            }
                            queue.push_front(job);
                        }
                        Outcome::Fatal(code, message) => break Finish::Stopped { code, message },
                    }
                }
                // Wakes the loop to end a pause (on time: a fleet's windows are
                // short in tests, and a late restart wastes budget) or print a
                // progress line.
                () = clock.sleep(next_wake(paused_until.map(|(t, _)| t), clock.now())) => {}
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
        // A pause cut short by Ctrl-C or a stop counts up to now.
        if let Some((_, why)) = paused_until {
            self.pause_ended(why, paused_since, clock.now());
        }
        progress.finish();
        if progress.total() == 0 {
            return finish;
        }
        eprint!("{}", self.summary.render(progress.elapsed()));
        // With a throttle shared through Redis: the fleet's state as Redis holds it.
        let snapshot = self.client.throttle().shared_snapshot().await;
        if let Some(fleet) = fleet_lines(&snapshot) {
            eprint!("{fleet}");
        }
        // Done: the other processes of the fleet get this one's share back now,
        // not after the grace period kept for a process that went silent.
        self.client.throttle().leave_fleet().await;
        finish
    }

    /// Adds a pause, from `since` to `until`, to the summary.
    fn pause_ended(&mut self, why: Pause, since: SystemTime, until: SystemTime) {
        let length = until.duration_since(since).unwrap_or_default();
        match why {
            Pause::Limits => self.summary.paused_for_limits += length,
            Pause::Maintenance => self.summary.paused_for_maintenance += length,
        }
    }

    /// Writes one record; a write failure stops the batch.
    fn write(&mut self, record: &Record, progress: &mut Progress) -> Result<(), Finish> {
        self.journal
            .append(record)
            .map_err(|message| Finish::Stopped {
                code: EXIT_USAGE,
                message,
            })?;
        self.summary.count(record);
        progress.inc();
        Ok(())
    }
}

/// `until` as the local time of the client's maintenance time zone: `02:00 Europe/Paris`.
fn local_time(client: &Client, until: SystemTime) -> String {
    let zone = client.maintenance_time_zone();
    let local = zone.local(until);
    format!("{:02}:{:02} {zone}", local.hour(), local.minute())
}

/// How long the loop may sleep with nothing happening: a tick, or less
/// when a pause ends sooner.
fn next_wake(pause_ends: Option<SystemTime>, now: SystemTime) -> Duration {
    pause_ends
        .map(|t| t.duration_since(now).unwrap_or(Duration::ZERO))
        .map_or(TICK, |left| left.min(TICK))
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

/// Says once on stderr that the shared throttle runs degraded: each kind
/// (Redis out of reach, a lease lost) once per run, when first seen.
#[derive(Debug, Default)]
struct DegradedNotice {
    fell_back: bool,
    lease_lost: bool,
}

impl DegradedNotice {
    /// The notice to print for what `snapshot` shows that was not said yet.
    fn check(&mut self, snapshot: &ThrottleSnapshot) -> Option<String> {
        let shared = snapshot.shared.as_ref()?;
        let mut notices = Vec::new();
        if !self.fell_back && (shared.mode != "redis" || shared.fallbacks > 0) {
            self.fell_back = true;
            notices.push(if shared.mode == "closed" {
                "warning: the shared throttle cannot reach Redis: nothing is sent until it \
                 answers (see the fleet lines of the summary)"
            } else {
                "warning: the shared throttle cannot reach Redis: this process goes on alone, \
                 on its fallback share of each limit, until Redis answers again"
            });
        }
        if !self.lease_lost && shared.leases_lost > 0 {
            self.lease_lost = true;
            notices.push(
                "warning: this process's lease in the fleet lapsed (its heartbeat came late): \
                 the other processes left its share free meanwhile, and ran slower",
            );
        }
        (!notices.is_empty()).then(|| notices.join("\n"))
    }
}

/// The fleet's lines of the summary: its processes, each bucket's calls in the current
/// window (every process's, as Redis counts them) against the limit, and the Redis
/// operations per call; `None` for a throttle of this process alone.
fn fleet_lines(snapshot: &ThrottleSnapshot) -> Option<String> {
    let shared = snapshot.shared.as_ref()?;
    let mut out = format!(
        "  fleet ({}): {} processes alive, {} missing; {:.1} Redis operations a call\n",
        shared.mode,
        shared.members,
        shared.missing_members,
        shared.ops_per_call()
    );
    if shared.degraded() {
        out.push_str(&format!(
            "  fleet degraded: fell back to the local share {} times, lease lost {} times\n",
            shared.fallbacks, shared.leases_lost
        ));
    }
    for b in &snapshot.buckets {
        let ends = b.window_ends_in.map_or(String::new(), |d| {
            format!(", window ends in {:.1}s", d.as_secs_f64())
        });
        out.push_str(&format!(
            "  fleet bucket {}: {}/{} this window{ends}\n",
            b.bucket, b.used, b.limit
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_entreprise::runtime::{ManualClock, OnMaintenance, Token};
    use api_entreprise::Traceability;
    use apie_mock::{MockConfig, MockServer};

    const OPERATION: &str = "api_entreprise_v4_dgfip_attestations_fiscales";

    /// A batch inside the operation's window (01:30 in Paris, 15 January 2025, on a fake
    /// clock the client and the mock share) pauses until 02:00, sends nothing before, then
    /// does every identifier: none meets the mock's 503.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_in_the_maintenance_window_pauses_then_resumes() {
        // 2025-01-15 00:30 UTC (01:30 CET), and the window's end, 01:00 UTC (02:00 CET).
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1736901000);
        let end = start + Duration::from_secs(30 * 60);
        let fake = ManualClock::new(start);
        let server = MockServer::start_with(MockConfig {
            maintenance: vec![OPERATION.parse().unwrap()],
            clock: fake.clock(),
            ..MockConfig::default()
        })
        .await
        .unwrap();
        let client = Client::builder()
            .base_url(server.base_url())
            .token(Token::new(server.staging_token()))
            .traceability(Traceability::new("tests", "13002526500013", "batch").unwrap())
            .on_maintenance(OnMaintenance::Fail)
            .clock(fake.clock())
            .build()
            .unwrap();
        let meta = api_entreprise::find_operation(OPERATION).unwrap();
        let jobs: Vec<Job> = ["418166096", "552049447", "542051180"]
            .into_iter()
            .map(|siren| {
                let params = [("siren".to_owned(), siren.to_owned())];
                Job::new(
                    siren.to_owned(),
                    Request::from_params(meta, &params).unwrap(),
                )
            })
            .collect();
        // Removed when the guard drops, pass or fail.
        let scratch = tempfile::Builder::new()
            .prefix("apie-engine-")
            .tempdir()
            .unwrap();
        let out = scratch.path().join("out.jsonl");
        let mut journal = Journal::open(&out, &Default::default()).unwrap();
        let mut engine = Engine {
            client,
            journal: &mut journal,
            concurrency: 2,
            wait_maintenance: true,
            summary: Summary::default(),
        };
        let finish = engine.run(jobs).await;
        assert!(matches!(finish, Finish::Done), "{finish:?}");
        assert_eq!(engine.summary.by_status.get(&Some(200)), Some(&3));
        let stats = server.stats();
        assert_eq!(
            stats.requests, 3,
            "each identifier sent once, after the window"
        );
        assert_eq!(stats.answered_with(503), 0);
        assert!(fake.clock().now() >= end);
        // The loop's own ticks move the fake clock too (half a second each, as many as the
        // machine runs before the first refusal comes back). On a loaded CI machine that can
        // be the whole window: the calls then meet no maintenance at all and there is no
        // pause to count. What must hold either way is above (nothing sent in the window);
        // a pause counted is never longer than the window.
        let paused = engine.summary.paused_for_maintenance;
        assert!(paused <= Duration::from_secs(30 * 60 + 1), "{paused:?}");
        let summary = engine.summary.render(Duration::from_secs(60));
        assert!(summary.contains("statuses: 3 200"), "{summary}");
    }
}
