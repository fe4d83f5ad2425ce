//! The generator's whole pipeline on structure-aware mutations of a pinned spec.
#![no_main]

use api_entreprise_fuzz::mutate::{apply, Plan};
use api_entreprise_fuzz::spec::{run, run_legacy};

libfuzzer_sys::fuzz_target!(|plan: Plan| {
    let text = apply(&plan);
    if plan.legacy {
        run_legacy(&text);
    } else {
        run(&text);
    }
});
