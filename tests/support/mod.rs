//! Helpers shared by the integration tests; each test file uses some of them.
#![allow(dead_code)]

pub mod jwt;
pub mod meta;
pub mod payloads;
pub mod scripted;
