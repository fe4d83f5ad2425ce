//! `apie batch` against the in-process mock: one JSON line per distinct
//! identifier, CSV columns, resuming after a crash or a Ctrl-C without
//! calling anything twice, and the exit codes of what stops a batch.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use apie_mock::MockServer;
use serde_json::Value;
use support::{command, records, redis_url, scratch, siren, siren_file, text};

mod support;

const UNITES_LEGALES: &str = "api_entreprise_v3_insee_unites_legales";

fn batch(token: Option<&str>, args: &[&str]) -> Output {
    command(token, args).output().unwrap()
}

/// The arguments every run of a test shares.
fn base_args<'a>(url: &'a str, input: &'a Path, out: &'a Path) -> Vec<&'a str> {
    vec![
        "--operation",
        UNITES_LEGALES,
        "--base-url",
        url,
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]
}

/// A mock whose every answer is held `delay` (a fault spec duration), so a
/// batch is still running when the test interrupts it.
async fn slow_mock(delay: &str) -> MockServer {
    let config = apie_mock::MockConfig {
        faults: apie_mock::FaultPlan::parse([format!("delay={delay}")]).unwrap(),
        ..apie_mock::MockConfig::default()
    };
    MockServer::start_with(config).await.unwrap()
}

/// Ctrl-C, as a terminal sends it.
fn interrupt(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn one_line_per_distinct_identifier() {
    let server = MockServer::start().await.unwrap();
    let url = server.base_url();
    let token = server.staging_token();
    let scratch = scratch("lines");
    let dir = scratch.path().to_path_buf();
    let sirens: Vec<String> = (1..=10).map(|n| siren(30_000_000 + n)).collect();
    // Spaces, blank lines, a repeat and a SIREN failing its checksum.
    let mut input = format!("  {}  \n\n", sirens[0]);
    for s in &sirens[1..] {
        input.push_str(&format!("{s}\n"));
    }
    input.push_str(&format!("{}\n123456789\n", sirens[3]));
    let input_path = dir.join("sirens.txt");
    std::fs::write(&input_path, input).unwrap();
    let out_path = dir.join("out.jsonl");

    let out = batch(Some(&token), &base_args(&url, &input_path, &out_path));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("11 to do, 0 already done"), "{stderr}");
    assert!(stderr.contains("1 repeated"), "{stderr}");
    // The summary: every record, by outcome and status, and the pauses.
    for said in [
        "summary: 11 records, 10 calls in ",
        "outcomes: 10 ok, 1 validation",
        "statuses: 1 no status, 10 200",
        "paused: 0.0s for the rate limit, 0.0s for maintenance",
    ] {
        assert!(stderr.contains(said), "{said}: {stderr}");
    }

    let records = records(&out_path);
    assert_eq!(records.len(), 11);
    for s in &sirens {
        let record = &records[s];
        assert_eq!(record["status"], 200, "{record}");
        assert!(record["body"]["data"].is_object(), "{record}");
        assert!(record.get("error").is_none());
    }
    let refused = &records["123456789"];
    assert_eq!(refused["status"], Value::Null);
    assert_eq!(refused["error"]["kind"], "validation");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("SIREN"),
        "{refused}"
    );
    // Nothing left: a second run calls nothing.
    let out = batch(Some(&token), &base_args(&url, &input_path, &out_path));
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("0 to do, 11 already done"));
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap().lines().count(),
        11
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shards_split_one_input_and_each_resumes_on_its_own_output() {
    let server = MockServer::start().await.unwrap();
    let url = server.base_url();
    let token = server.staging_token();
    let scratch = scratch("shards");
    let dir = scratch.path().to_path_buf();
    let (sirens, input_path) = siren_file(&dir, 40_000_000, 7);
    let run = |shard: &str, out_path: &Path| {
        let mut args = base_args(&url, &input_path, out_path);
        args.extend(["--shard", shard]);
        batch(Some(&token), &args)
    };
    let outs: Vec<PathBuf> = (1..=3)
        .map(|i| dir.join(format!("part{i}.jsonl")))
        .collect();

    // Shard 2 runs first and alone: its share does not depend on the others.
    let out = run("2/3", &outs[1]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("shard 2/3: 2 of the input's 7 identifiers"),
        "{stderr}"
    );
    let second: Vec<String> = records(&outs[1]).into_keys().collect();
    let mut expected = vec![sirens[1].clone(), sirens[4].clone()];
    let mut got = second.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "positions 2 and 5 of 7");

    for (i, out_path) in outs.iter().enumerate() {
        let out = run(&format!("{}/3", i + 1), out_path);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    // Shard 2 resumed from its own output: nothing called twice.
    let mut all: Vec<String> = Vec::new();
    for out_path in &outs {
        all.extend(records(out_path).into_keys());
    }
    all.sort();
    let mut every = sirens.clone();
    every.sort();
    assert_eq!(
        all, every,
        "the shards make the whole input, without overlap"
    );
    let rerun = run("2/3", &outs[1]);
    assert!(
        text(&rerun.stderr).contains("0 to do, 2 already done"),
        "{}",
        text(&rerun.stderr)
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_a_csv_column_by_name_or_position() {
    let server = MockServer::start().await.unwrap();
    let url = server.base_url();
    let token = server.staging_token();
    let scratch = scratch("csv");
    let dir = scratch.path().to_path_buf();
    let (a, b) = (siren(41_000_001), siren(41_000_002));
    let input_path = dir.join("companies.csv");
    std::fs::write(
        &input_path,
        format!("nom;siren;ville\nA;{a};Paris\n\"B; et fils\";{b};Lyon\nC;;Nice\n"),
    )
    .unwrap();

    let out_path = dir.join("by-name.jsonl");
    let mut args = base_args(&url, &input_path, &out_path);
    args.extend(["--column", "siren", "--delimiter", ";"]);
    let out = batch(Some(&token), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let by_name = records(&out_path);
    assert_eq!(by_name.len(), 2, "{by_name:?}");
    assert_eq!(by_name[&a]["status"], 200);
    assert_eq!(by_name[&b]["status"], 200);

    // By position (from 1): the header row is data, a refused identifier.
    let out_path = dir.join("by-index.jsonl");
    let mut args = base_args(&url, &input_path, &out_path);
    args.extend(["--column", "2", "--delimiter", ";", "--concurrency", "1"]);
    let out = batch(Some(&token), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let by_index = records(&out_path);
    assert_eq!(by_index.len(), 3);
    assert_eq!(by_index["siren"]["error"]["kind"], "validation");

    // A column that is not there: told which ones are.
    let out_path = dir.join("unknown.jsonl");
    let mut args = base_args(&url, &input_path, &out_path);
    args.extend(["--column", "siret", "--delimiter", ";"]);
    let out = batch(Some(&token), &args);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no column `siret`"), "{stderr}");
    assert!(stderr.contains("nom, siren, ville"), "{stderr}");
    assert!(!out_path.exists(), "nothing written on bad usage");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resumes_after_a_truncated_last_line() {
    let server = MockServer::start().await.unwrap();
    let url = server.base_url();
    let token = server.staging_token();
    let scratch = scratch("resume");
    let dir = scratch.path().to_path_buf();
    let (sirens, input_path) = siren_file(&dir, 52_000_000, 10);
    let out_path = dir.join("out.jsonl");
    let out = batch(Some(&token), &base_args(&url, &input_path, &out_path));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // As if the batch had crashed writing its 5th line.
    let full = std::fs::read_to_string(&out_path).unwrap();
    let lines: Vec<&str> = full.lines().collect();
    assert_eq!(lines.len(), 10);
    let kept = 4;
    let mut cut: String = lines[..kept].iter().map(|l| format!("{l}\n")).collect();
    cut.push_str(&lines[kept][..lines[kept].len() / 2]);
    std::fs::write(&out_path, &cut).unwrap();

    let out = batch(Some(&token), &base_args(&url, &input_path, &out_path));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("6 to do, 4 already done"), "{stderr}");
    assert!(stderr.contains("incomplete last line"), "{stderr}");
    let after = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        after.starts_with(&cut[..cut.rfind('\n').unwrap() + 1]),
        "the complete lines are kept as they were"
    );
    let records = records(&out_path);
    assert_eq!(records.len(), 10);
    for s in &sirens {
        assert_eq!(records[s]["status"], 200);
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_finishes_the_calls_in_flight_then_resume_does_the_rest() {
    let server = slow_mock("150ms").await;
    let url = server.base_url();
    let token = server.staging_token();
    let scratch = scratch("ctrl-c");
    let dir = scratch.path().to_path_buf();
    let (sirens, input_path) = siren_file(&dir, 63_000_000, 60);
    let out_path = dir.join("out.jsonl");
    let mut args = base_args(&url, &input_path, &out_path);
    args.extend(["--concurrency", "2"]);

    let child = command(Some(&token), &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupted once a few lines are written.
    let started = Instant::now();
    loop {
        let lines = std::fs::read_to_string(&out_path)
            .map(|c| c.lines().count())
            .unwrap_or(0);
        if lines >= 4 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    // Ctrl-C still says what was done.
    assert!(
        stderr.contains("summary: ") && stderr.contains("statuses: "),
        "{stderr}"
    );
    let first = records(&out_path);
    assert!(
        first.len() >= 4 && first.len() < sirens.len(),
        "{} lines",
        first.len()
    );
    assert!(first.values().all(|r| r["status"] == 200));

    let out = batch(Some(&token), &args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{} to do, {} already done",
            sirens.len() - first.len(),
            first.len()
        )),
        "{stderr}"
    );
    let all = records(&out_path);
    assert_eq!(all.len(), sirens.len());
    // Each identifier was called exactly once over the two runs.
    let stats = server.stats();
    assert_eq!(stats.requests, sirens.len() as u64, "{stats:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stops_on_what_every_call_would_meet() {
    let server = MockServer::start().await.unwrap();
    let url = server.base_url();
    let token = server.staging_token();
    let scratch = scratch("stops");
    let dir = scratch.path().to_path_buf();
    let input_path = dir.join("sirens.txt");
    std::fs::write(
        &input_path,
        format!("{}\n{}\n", siren(74_000_001), siren(74_000_002)),
    )
    .unwrap();

    // The API refuses the token: nothing recorded, exit 3.
    let out_path = dir.join("refused.jsonl");
    let out = batch(Some("not-a-jwt"), &base_args(&url, &input_path, &out_path));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("401"), "{stderr}");
    assert!(!stderr.contains("not-a-jwt"), "the token is never printed");
    assert!(records(&out_path).is_empty());

    // Nothing answers: nothing recorded, exit 4.
    let out_path = dir.join("silent.jsonl");
    let out = batch(
        Some(&token),
        &base_args("http://127.0.0.1:9", &input_path, &out_path),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(records(&out_path).is_empty(), "{stderr}");
    server.shutdown().await;
}

#[test]
fn bad_usage_is_refused_before_anything_is_sent() {
    let scratch = scratch("usage");
    let dir = scratch.path().to_path_buf();
    let input_path = dir.join("sirens.txt");
    std::fs::write(&input_path, format!("{}\n", siren(85_000_001))).unwrap();
    let out_path = dir.join("out.jsonl");
    let input = input_path.to_str().unwrap();
    let out = out_path.to_str().unwrap();
    let url = "http://127.0.0.1:9";
    let cases: [(&[&str], &str); 6] = [
        (&["--operation", UNITES_LEGALES, "--out", out], "--input"),
        (
            &[
                "--operation",
                UNITES_LEGALES,
                "--input",
                "/nonexistent/sirens.txt",
                "--out",
                out,
                "--base-url",
                url,
            ],
            "cannot read the input",
        ),
        (
            &[
                "--operation",
                "insee_unites",
                "--input",
                input,
                "--out",
                out,
                "--base-url",
                url,
            ],
            "did you mean",
        ),
        (
            &[
                "--operation",
                UNITES_LEGALES,
                "--input",
                input,
                "--out",
                out,
                "--base-url",
                url,
                "--param",
                "nope=1",
            ],
            "no such parameter",
        ),
        (
            &[
                "--operation",
                UNITES_LEGALES,
                "--input",
                input,
                "--out",
                out,
                "--base-url",
                url,
                "--id-param",
                "siret",
            ],
            "--id-param siret",
        ),
        (
            &[
                "--operation",
                UNITES_LEGALES,
                "--input",
                input,
                "--out",
                out,
                "--concurrency",
                "zero",
            ],
            "--concurrency",
        ),
    ];
    for (args, says) in cases {
        let output = batch(Some("a.b.c"), args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    // Without a token: refused, nothing written.
    let output = batch(None, &base_args(url, &input_path, &out_path));
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("API_ENTREPRISE_TOKEN"));
    assert!(!out_path.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_ctrl_c_quits_at_once_without_recording_the_calls_in_flight() {
    // Answers so slow that only a second Ctrl-C ends the run quickly.
    let server = slow_mock("3s").await;
    let url = server.base_url();
    let token = server.staging_token();
    let scratch = scratch("twice");
    let dir = scratch.path().to_path_buf();
    let (_, input_path) = siren_file(&dir, 96_000_000, 6);
    let out_path = dir.join("out.jsonl");
    let mut args = base_args(&url, &input_path, &out_path);
    args.extend(["--concurrency", "2"]);

    let child = command(Some(&token), &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A call in flight, held by the server (the Ctrl-C handler is set
    // before the first call starts).
    let started = Instant::now();
    while server.stats().requests < 1 {
        assert!(started.elapsed() < Duration::from_secs(30), "no call made");
        std::thread::sleep(Duration::from_millis(10));
    }
    let interrupted = Instant::now();
    interrupt(&child);
    std::thread::sleep(Duration::from_millis(200));
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        interrupted.elapsed() < Duration::from_secs(2),
        "did not wait for the calls in flight"
    );
    assert!(stderr.contains("interrupted again"), "{stderr}");
    assert!(records(&out_path).is_empty(), "nothing recorded");

    // The calls cut short are made again on resume.
    server.set_faults(apie_mock::FaultPlan::none());
    let out = batch(Some(&token), &args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("6 to do, 0 already done"), "{stderr}");
    assert_eq!(records(&out_path).len(), 6);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_batches_sharing_redis_never_exceed_the_limit_together() {
    let Some(redis) = redis_url() else { return };
    // DGFIP's fiscal certificate: 5 calls a window per token. Two processes that did not
    // share would send 10 a window and collect 429s.
    let operation = "api_entreprise_v4_dgfip_attestations_fiscales";
    let minute = Duration::from_millis(700);
    let server = MockServer::start_with(apie_mock::MockConfig {
        minute,
        ..apie_mock::MockConfig::default()
    })
    .await
    .unwrap();
    let url = server.base_url();
    let token = server.staging_token();
    let scratch = scratch("fleet");
    let dir = scratch.path().to_path_buf();
    let (sirens, input) = siren_file(&dir, 42_000_000, 16);
    let minute_ms = minute.as_millis().to_string();
    let children: Vec<(PathBuf, std::process::Child)> = (1..=2)
        .map(|i| {
            let out = dir.join(format!("part{i}.jsonl"));
            let shard = format!("{i}/2");
            let child = command(
                Some(&token),
                &[
                    "--operation",
                    operation,
                    "--base-url",
                    &url,
                    "--input",
                    input.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                    "--shard",
                    &shard,
                    "--minute-ms",
                    &minute_ms,
                    "--redis",
                    &redis,
                    // The mock has no maintenance: the spec's 01:00-02:00 must not pause a
                    // test run at night.
                    "--maintenance",
                    "send",
                ],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
            (out, child)
        })
        .collect();
    let mut recorded = 0;
    for (out, child) in children {
        let output = child.wait_with_output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("through Redis"), "{stderr}");
        // The summary shows the fleet as Redis counts it: both processes' calls.
        assert!(
            stderr.contains("fleet (") && stderr.contains("fleet bucket"),
            "{stderr}"
        );
        assert!(
            !stderr.contains(&redis),
            "the Redis URL is not printed: {stderr}"
        );
        for record in records(&out).values() {
            assert_eq!(record["status"], 200, "{record}");
            recorded += 1;
        }
    }
    assert_eq!(recorded, sirens.len());
    let stats = server.stats();
    assert_eq!(
        (stats.rate_limited, stats.bans()),
        (0, 0),
        "the two processes kept to one budget: {stats:?}"
    );
    server.shutdown().await;
}

#[test]
fn estimate_says_how_long_at_the_limits_and_calls_nothing() {
    let scratch = scratch("estimate");
    let dir = scratch.path().to_path_buf();
    let (_, input) = siren_file(&dir, 43_000_000, 12);
    let out = dir.join("out.jsonl");
    // No server at all: nothing may be called.
    let output = batch(
        None,
        &[
            "--operation",
            "api_entreprise_v4_dgfip_attestations_fiscales",
            "--base-url",
            "http://127.0.0.1:9",
            "--input",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--estimate",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let said = text(&output.stdout);
    assert!(
        said.contains(
            "estimate: 12 calls of api_entreprise_v4_dgfip_attestations_fiscales at 5 per 1m00s"
        ) && said.contains("at least 2m00s (3 windows)")
            && said.contains("maintenance 01:00-02:00 (Europe/Paris)"),
        "{said}"
    );
    assert!(!out.exists(), "--estimate writes nothing");
}

#[test]
fn a_line_past_the_bound_stops_the_batch_before_anything_is_called() {
    let dir = scratch("long-line");
    let out = dir.path().join("out.jsonl");
    let mut child = command(
        None,
        &[
            "--operation",
            UNITES_LEGALES,
            "--base-url",
            "http://127.0.0.1:9",
            "--input",
            "-",
            "--out",
            out.to_str().unwrap(),
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // 64 MiB without a line break after one good line: the batch must stop at the bound,
    // without waiting for the rest (the write fails once it has closed its input).
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let chunk = vec![b'5'; 1024 * 1024];
        let _ = stdin.write_all(b"552049447\n");
        for _ in 0..64 {
            if stdin.write_all(&chunk).is_err() {
                return false;
            }
        }
        true
    });
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 2 is longer than 8192 bytes"),
        "{stderr}"
    );
    assert!(
        !writer.join().unwrap(),
        "the batch read its input to the end"
    );
    assert!(!out.exists(), "nothing was recorded");
    drop(dir);
}
