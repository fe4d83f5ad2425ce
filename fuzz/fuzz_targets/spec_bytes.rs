//! The generator's whole pipeline on arbitrary bytes as the root spec.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| api_entreprise_fuzz::spec::run(data));
