//! `apie-codegen-cli`: the maintainers' command line (`apie-codegen generate`, `check`,
//! `fetch`, `diff`) on top of the generator, the spec crate and the diff. Its library holds
//! what the binary does beyond calling them: [`fetch`] puts a new spec into `spec/`.

#![deny(missing_docs)]

pub mod fetch;
