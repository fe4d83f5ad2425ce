//! Four `apie batch` processes — four OS processes, as on four machines — share one
//! token's budget through one real Redis against the mock, which counts windows as the
//! API does (opened by the first call, 429 past the limit, ban for ignoring 429s). One
//! process has almost four times the work of the others: once they finish, it must get the
//! whole budget, and while they all run none may starve (issue 21: one process of four
//! crawled at a sixteenth of the budget for minutes while the others finished).

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use apie_mock::{MockConfig, MockServer};
use support::{command, redis_url, scratch, siren, text};

mod support;

/// A JSON endpoint: 250 calls a window per token.
const OPERATION: &str = "api_entreprise_v3_insee_unites_legales";
const PER_WINDOW: usize = 250;
/// Longer than `apie batch`'s longest wait inside a call (2 s): a throttle that answers
/// "wait past that" makes the batch pause on its own, which is how a process starved.
///
/// Long enough too that the last window's calls, which take a few hundred milliseconds
/// on a busy machine, weigh little against the three idle windows before it.
const MINUTE: Duration = Duration::from_millis(3000);
/// The work of each process: 950 calls, four windows at the fastest, the first two of
/// them wanted by all four processes. Not a multiple of the limit: the last window has
/// room to spare, so that a call or two of a window left unused (a share's rounding)
/// does not add a whole window.
const WORK: [usize; 4] = [150, 150, 150, 500];
/// How long after a window opens a process may still come for its fair share: the
/// throttle's (a sixth of the window), and a little for the test's polling.
const JOIN: Duration = Duration::from_millis(MINUTE.as_millis() as u64 / 6 + 100);
/// How often the test looks at the outputs.
const POLL: Duration = Duration::from_millis(20);

/// One process of the fleet and what it has written so far.
struct Member {
    out: PathBuf,
    /// Its standard error.
    log: PathBuf,
    child: Child,
    work: usize,
    /// When the test saw it ready to call (its "N to do" line on stderr).
    ready: Option<Instant>,
    /// When the test saw each count of lines first: `seen[n]` for n + 1 lines.
    seen: Vec<Instant>,
    exit: Option<std::process::ExitStatus>,
}

impl Member {
    fn spawn(dir: &Path, index: usize, work: usize, url: &str, token: &str, redis: &str) -> Member {
        let first = 50_000_000 + 10_000 * index as u32;
        let sirens: Vec<String> = (0..work as u32).map(|n| siren(first + n)).collect();
        let input = dir.join(format!("input{index}.txt"));
        std::fs::write(&input, sirens.join("\n")).unwrap();
        let out = dir.join(format!("out{index}.jsonl"));
        // A file, not a pipe: a pipe nobody reads while the test polls could fill up.
        let log = dir.join(format!("stderr{index}.txt"));
        let minute_ms = MINUTE.as_millis().to_string();
        let child = command(
            Some(token),
            &[
                "--operation",
                OPERATION,
                "--base-url",
                url,
                "--input",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--concurrency",
                "16",
                "--minute-ms",
                &minute_ms,
                "--redis",
                redis,
                // The mock has no maintenance: the spec's nightly window must not pause
                // a test run at night.
                "--maintenance",
                "send",
            ],
        )
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
        Member {
            ready: None,
            out,
            log,
            child,
            work,
            seen: Vec::new(),
            exit: None,
        }
    }

    /// Reads how many records the output holds now, noting when each new one appeared.
    fn look(&mut self, now: Instant) {
        if self.ready.is_none() {
            let log = std::fs::read(&self.log).unwrap_or_default();
            if text(&log).contains(" to do") {
                self.ready = Some(now);
            }
        }
        let lines = std::fs::read(&self.out)
            .map(|bytes| bytes.iter().filter(|b| **b == b'\n').count())
            .unwrap_or(0);
        while self.seen.len() < lines {
            self.seen.push(now);
        }
        if self.exit.is_none() {
            self.exit = self.child.try_wait().unwrap();
        }
    }

    /// Records written before `t`.
    fn done_before(&self, t: Instant) -> usize {
        self.seen.iter().filter(|s| **s < t).count()
    }
}

/// The tests share one Redis, one token and the machine's two cores: they run one at a
/// time, or each would see the other's calls in its budget.
static ONE_FLEET_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread")]
async fn four_processes_share_the_budget_and_none_starves() {
    let Some(redis) = redis_url() else { return };
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    run_fleet(&redis, "together", false).await;
}

/// The two first processes start alone and take the first window between them; in the
/// second they finish and leave while the two others wait: the others must get what
/// they leave, not lose it for a window (a share kept for a process that had left, or
/// the record of who waited gone with the window's hash, each cost the fleet a window).
#[tokio::test(flavor = "multi_thread")]
async fn processes_finishing_mid_window_leave_their_share_to_the_others() {
    let Some(redis) = redis_url() else { return };
    let _alone = ONE_FLEET_AT_A_TIME.lock().await;
    run_fleet(&redis, "staggered", true).await;
}

/// Runs the fleet (`staggered`: the two last processes once the two first have taken the
/// first window) and
/// asserts what a user relies on: every identifier recorded, 0 × 429, no ban, within
/// 1.1 × the fastest safe time, and no process under half its fair share in a window
/// while it had work.
async fn run_fleet(redis: &str, name: &str, staggered: bool) {
    let server = MockServer::start_with(MockConfig {
        minute: MINUTE,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let (url, token) = (server.base_url(), server.staging_token());
    let scratch = scratch(name);
    // The small ones first: staggered, they take the first window between them and
    // finish in the second.
    let mut fleet: Vec<Member> = Vec::new();
    for (i, work) in WORK.iter().enumerate() {
        if i == 2 && staggered {
            wait_for_the_first_window(&mut fleet).await;
        }
        fleet.push(Member::spawn(scratch.path(), i, *work, &url, &token, redis));
    }

    // The whole run must take four windows; nine is a starving fleet: stop it there and
    // show what each process had done.
    let total: usize = WORK.iter().sum();
    let windows = total.div_ceil(PER_WINDOW);
    let give_up_after = MINUTE * (windows as u32 + 5);
    let give_up = Instant::now() + give_up_after;
    while fleet.iter().any(|m| m.exit.is_none()) {
        let now = Instant::now();
        for member in &mut fleet {
            member.look(now);
        }
        if now > give_up {
            let done: Vec<_> = fleet.iter().map(|m| (m.seen.len(), m.work)).collect();
            for member in &mut fleet {
                let _ = member.child.kill();
            }
            panic!("the fleet had not finished after {give_up_after:?}: done/work {done:?}");
        }
        tokio::time::sleep(POLL).await;
    }
    let now = Instant::now();
    for member in &mut fleet {
        member.look(now);
    }

    for member in &fleet {
        let stderr = text(&std::fs::read(&member.log).unwrap());
        let exit = member.exit.unwrap();
        assert!(exit.success(), "{exit}: {stderr}");
        assert_eq!(member.seen.len(), member.work, "every identifier recorded");
        assert!(
            !stderr.contains("fleet degraded"),
            "Redis was up all along: {stderr}"
        );
    }

    let stats = server.stats();
    assert_eq!(
        (stats.rate_limited, stats.bans()),
        (0, 0),
        "the fleet kept to one budget: {stats:?}"
    );
    assert_eq!(stats.answered.get(&200).copied(), Some(total as u64));

    // The mock's window opened with the first call; its answer is the first record seen.
    let start = fleet
        .iter()
        .filter_map(|m| m.seen.first())
        .min()
        .copied()
        .unwrap();
    let end = fleet
        .iter()
        .filter_map(|m| m.seen.last())
        .max()
        .copied()
        .unwrap();
    // At the fastest safe pace the last window opens (windows − 1) minutes after the
    // first call and its calls take next to nothing.
    let fastest = MINUTE * (windows as u32 - 1);
    let ratio = (end - start).as_secs_f64() / fastest.as_secs_f64();
    let per_window = per_window_counts(&fleet, start, windows);
    eprintln!(
        "fleet {name}: {ratio:.3} × the fastest safe time; calls per window and process {per_window:?}"
    );
    assert!(
        ratio <= 1.1,
        "the fleet took {:?}, {ratio:.2} × the fastest safe {fastest:?}; per window {per_window:?}",
        end - start
    );
    assert_fair(&fleet, start, &per_window);
    server.shutdown().await;
}

/// Waits until the processes started so far have used the first window's budget, and
/// the time the throttle gives processes to come for their share is over: a process
/// started then could not have had any of it.
async fn wait_for_the_first_window(fleet: &mut [Member]) {
    let mut first: Option<Instant> = None;
    loop {
        let now = Instant::now();
        for member in fleet.iter_mut() {
            member.look(now);
        }
        let done: usize = fleet.iter().map(|m| m.seen.len()).sum();
        first = first.or(fleet.iter().filter_map(|m| m.seen.first()).min().copied());
        if done >= PER_WINDOW && first.is_some_and(|t| now - t > JOIN) {
            return;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Each process's records in each window. A window's bursts come at its start and its
/// end is idle (every process waits for the next one), so the count is taken between the
/// middles of the idle parts, away from where the test's clock and the mock's could
/// disagree.
fn per_window_counts(fleet: &[Member], start: Instant, windows: usize) -> Vec<Vec<usize>> {
    let bound = |k: usize| (start + MINUTE * k as u32).checked_sub(MINUTE / 2);
    (0..windows)
        .map(|k| {
            fleet
                .iter()
                .map(|m| {
                    let before = bound(k).map_or(0, |t| m.done_before(t));
                    let after = m.done_before(bound(k + 1).unwrap());
                    after - before
                })
                .collect()
        })
        .collect()
}

/// While a process still had work at the end of a window, it got at least half of its
/// fair share of that window: the budget split among the processes that had work when
/// the window opened.
fn assert_fair(fleet: &[Member], start: Instant, per_window: &[Vec<usize>]) {
    // `start`: the first answer, right after the first window opened.
    for (k, counts) in per_window.iter().enumerate() {
        let opened = (start + MINUTE * k as u32).checked_sub(MINUTE / 2);
        let closed = start + MINUTE * (k as u32 + 1) - MINUTE / 2;
        // Running when the window opened (a process started later cannot have waited
        // for it), and with work left.
        let running = |m: &&Member| {
            m.ready
                .is_some_and(|r| r < start + MINUTE * k as u32 + JOIN)
        };
        let busy = fleet
            .iter()
            .filter(running)
            .filter(|m| opened.map_or(0, |t| m.done_before(t)) < m.work)
            .count();
        let fair = PER_WINDOW as f64 / busy as f64;
        for (p, member) in fleet.iter().enumerate() {
            let waited_through = running(&member) && member.done_before(closed) < member.work;
            assert!(
                !waited_through || counts[p] as f64 >= fair / 2.0,
                "window {k}: process {p} made {} calls while it had work left, under half \
                 its fair share of {fair:.0}; per window {per_window:?}",
                counts[p]
            );
        }
    }
}
