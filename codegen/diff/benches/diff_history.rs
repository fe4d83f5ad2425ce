//! How long diffing the published history takes next to loading it: every spec of
//! `$API_ENTREPRISE_SPECS` (default: the shared test data's, `latest.yml` left out)
//! is loaded and modelled once, then every consecutive pair is diffed (best of five passes).
//! Target: diffing adds under 50% to loading.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use apie_spec::model::Api;

const PASSES: usize = 5;

fn main() {
    let Some(dir) = apie_shared_data::spec_history() else {
        return;
    };
    let files: Vec<PathBuf> = apie_shared_data::spec_files(&dir);
    if files.len() < 2 {
        println!(
            "diff_history: skipped, fewer than two specs in {}",
            dir.display()
        );
        return;
    }

    let started = Instant::now();
    let mut apis: Vec<Api> = Vec::with_capacity(files.len());
    for file in &files {
        match apie_spec::model_from_file(file) {
            Ok(loaded) => apis.push(loaded.api),
            Err(diagnostics) => {
                eprint!("{diagnostics}");
                std::process::exit(1);
            }
        }
    }
    let load = started.elapsed();

    let mut best = Duration::MAX;
    let mut changes = 0;
    for _ in 0..PASSES {
        let started = Instant::now();
        changes = apis
            .windows(2)
            .map(|pair| black_box(apie_diff::diff(&pair[0], &pair[1])).changes.len())
            .sum();
        best = best.min(started.elapsed());
    }

    let pairs = apis.len() - 1;
    println!(
        "diff_history: {} specs, {pairs} consecutive pairs, {changes} changes",
        apis.len()
    );
    println!(
        "  load + model all specs: {:>10.1} ms",
        load.as_secs_f64() * 1e3
    );
    println!(
        "  diff all pairs:         {:>10.1} ms (best of {PASSES}, {:.2} ms a pair)",
        best.as_secs_f64() * 1e3,
        best.as_secs_f64() * 1e3 / pairs as f64
    );
    let ratio = best.as_secs_f64() / load.as_secs_f64();
    let verdict = if ratio < 0.5 {
        "ok"
    } else {
        "over the 0.5 target"
    };
    println!("  diff / load:            {ratio:>10.4} ({verdict})");
}
