//! The mock's handling of a raw HTTP request, in-process.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| api_entreprise_fuzz::mock::run(data));
