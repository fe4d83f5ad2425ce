//! The client's decode of a body, for any operation and status.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| api_entreprise_fuzz::decode::run(data));
