//! `cargo bench -p apie-codegen --bench generate`: the whole generation of the pinned spec
//! (load, normalize, model, emit, format) against its floor, the YAML parse alone, in the
//! same run; and the peak heap memory of one generation. Prints figures, asserts nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live and peak heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Counting is switched on only for the memory measurement: two threads updating the same
/// counters on every allocation would slow the timed runs down.
static COUNTING: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && COUNTING.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() && COUNTING.load(Ordering::Relaxed) {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        samples.push(start.elapsed());
    }
    median(samples)
}

fn main() {
    // The spec the client is built from, pinned in the repository.
    let spec = std::env::var_os("API_ENTREPRISE_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/api-entreprise.yml")
        });
    let bytes =
        std::fs::read(&spec).unwrap_or_else(|e| panic!("cannot read {}: {e}", spec.display()));
    let name = spec.display().to_string();
    let runs = 9;

    // Warm up once, and check the spec generates at all.
    let generated =
        apie_codegen::generate_from_str(&name, &bytes).unwrap_or_else(|d| panic!("{d}"));

    let parse = time(runs, || {
        apie_codegen::load::load_bytes(&name, &bytes).expect("parses")
    });
    let model = time(runs, || {
        apie_codegen::model_from_str(&name, &bytes).expect("models")
    });
    let whole = time(runs, || {
        apie_codegen::generate_from_str(&name, &bytes).expect("generates")
    });
    let root = apie_codegen::load::load_bytes(&name, &bytes).expect("parses");
    let files = apie_codegen::files::SpecFiles::single(&name, root);
    let normalize = time(runs, || apie_codegen::normalize::normalize(&files));
    let (document, _) = apie_codegen::normalize::normalize(&files);
    let document = document.expect("normalizes");
    let profile = apie_codegen::profile::Profile::api_entreprise();
    let build = time(runs, || {
        apie_codegen::model::build(
            &document,
            &profile,
            &Default::default(),
            &mut Default::default(),
        )
    });
    let api = apie_codegen::model::build(
        &document,
        &profile,
        &Default::default(),
        &mut Default::default(),
    );
    let emit = time(runs, || apie_codegen::emit::emit(&api));
    let tokens = apie_codegen::emit::emit(&api);
    drop(tokens);
    let format = time(runs, || {
        apie_codegen::format::generate_source(&api, "x", &bytes).expect("formats")
    });

    // Frees of blocks allocated before counting started make LIVE wrap below zero; start from
    // a high base so that cannot happen, and measure the peak above it.
    const BASE: usize = 1 << 40;
    LIVE.store(BASE, Ordering::Relaxed);
    PEAK.store(BASE, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let again = apie_codegen::generate_from_str(&name, &bytes).expect("generates");
    COUNTING.store(false, Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed) - BASE;
    drop(again);

    let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
    println!(
        "spec: {} ({:.1} MiB, {} operations, {} types)",
        spec.display(),
        mib(bytes.len()),
        generated.api.operations.len(),
        generated.api.types.len()
    );
    println!("median of {runs} runs:");
    println!(
        "  YAML parse alone (floor):            {:>8.1} ms",
        parse.as_secs_f64() * 1e3
    );
    println!(
        "  load + normalize + model:            {:>8.1} ms",
        model.as_secs_f64() * 1e3
    );
    println!(
        "  whole generation (… + emit + format): {:>7.1} ms",
        whole.as_secs_f64() * 1e3
    );
    println!("    of which normalize {:.1} ms, model {:.1} ms, emit {:.1} ms (one core), emit + format {:.1} ms (all cores)", normalize.as_secs_f64() * 1e3, build.as_secs_f64() * 1e3, emit.as_secs_f64() * 1e3, format.as_secs_f64() * 1e3);
    println!(
        "  ratio whole / parse:                 {:>8.2}x (target ≤ 3x)",
        whole.as_secs_f64() / parse.as_secs_f64()
    );
    println!(
        "  peak heap of one generation:         {:>8.1} MiB (target < 100 MiB)",
        mib(peak)
    );
    println!(
        "  generated code:                      {:>8} lines",
        generated.code.lines().count()
    );
}
