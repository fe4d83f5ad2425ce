//! `apie-codegen-cli`: the maintainers' command line (`apie-codegen generate`, `check`,
//! `fetch`, `diff`) on top of the generator, the spec crate and the diff. Its library holds
//! what the binary does beyond calling them: [`fetch`] puts a new spec into `spec/`,
//! [`update`] does the maintainer's whole update (fetch, validate, diff, regenerate, bump,
//! changelog), and
//! [`render`] prints diagnostics with their source line, as JSON lines or as GitHub
//! annotations.

#![deny(missing_docs)]

pub mod fetch;
pub mod render;
pub mod update;
