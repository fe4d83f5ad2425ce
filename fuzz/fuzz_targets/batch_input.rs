//! `apie batch`'s input reader on arbitrary files.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| api_entreprise_fuzz::batch::run(data));
