//! Decoding benchmark: the staging payloads decoded into their typed models
//! (`api_entreprise::decode_any`, success models and error envelopes alike)
//! against parsing the same bodies into an untyped `serde_json::Value`, in the
//! same run, so that the ratio says what the models cost over reading JSON at
//! all, on this machine and its load of the moment.
//!
//! `cargo bench --bench decode` (`APIE_BENCH_PASSES`, default 200 passes over
//! the corpus; `API_ENTREPRISE_PAYLOADS` or the shared data for the corpus).
//! Figures, not assertions: `tests/staging_payloads.rs` asserts that every
//! payload decodes and round-trips.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[path = "../tests/support/payloads.rs"]
#[allow(dead_code)]
mod payloads;

fn main() {
    let root = match std::env::var_os("API_ENTREPRISE_PAYLOADS") {
        Some(dir) => PathBuf::from(dir),
        None => match apie_shared_data::find("staging/payloads") {
            Some(dir) => dir,
            None => return,
        },
    };
    let corpus = payloads::all(&root);
    let passes: u32 = std::env::var("APIE_BENCH_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let bytes: usize = corpus.iter().map(|p| p.body.len()).sum();
    println!(
        "decode bench: {} payloads, {:.1} KiB, {passes} passes",
        corpus.len(),
        bytes as f64 / 1024.0
    );

    // Warm-up of both, then alternate so that a change of load hits both alike.
    let typed_pass = || {
        for p in &corpus {
            black_box(api_entreprise::decode_any(
                &p.operation,
                p.status,
                black_box(p.body.as_bytes()),
            ));
        }
    };
    let untyped_pass = || {
        for p in &corpus {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                p.body.as_bytes(),
            )))
            .ok();
        }
    };
    typed_pass();
    untyped_pass();
    let (mut typed, mut untyped) = (Vec::new(), Vec::new());
    for _ in 0..passes {
        typed.push(timed(typed_pass));
        untyped.push(timed(untyped_pass));
    }
    let typed = median(&mut typed);
    let untyped = median(&mut untyped);
    let per_mib = |d: Duration| bytes as f64 / (1024.0 * 1024.0) / d.as_secs_f64();
    println!(
        "typed decode (decode_any):  {:>8.1} µs a pass (median), {:>6.1} MiB/s",
        typed.as_secs_f64() * 1e6,
        per_mib(typed)
    );
    println!(
        "serde_json::Value parse:    {:>8.1} µs a pass (median), {:>6.1} MiB/s",
        untyped.as_secs_f64() * 1e6,
        per_mib(untyped)
    );
    println!(
        "ratio typed / Value: {:.2}",
        typed.as_secs_f64() / untyped.as_secs_f64()
    );
}

fn timed(pass: impl Fn()) -> Duration {
    let start = Instant::now();
    pass();
    start.elapsed()
}

/// The median: robust to the other jobs sharing the machine's two cores.
fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
