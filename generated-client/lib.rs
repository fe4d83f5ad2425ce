//! Typed client for [API Entreprise](https://entreprise.api.gouv.fr), generated at build time
//! from the API's published OpenAPI spec, on a small handwritten runtime that makes every
//! call safe: bearer token kept secret, traceability parameters checked before sending,
//! identifiers validated, per-operation timeouts.
//!
//! - [`v3`], [`v4`], [`privileges`]: the current API (one module per version, as in the URL);
//!   [`v2`] and [`watchdoge`] (open monitoring routes) from the legacy v2 spec.
//! - [`platform`]: the API's facts the spec does not state (limits, timeouts, traceability,
//!   deployments), from the platform profile.
//! - [`models`]: response types; [`errors::ErrorCode`]: every error code of the spec;
//!   [`operations`]: per-operation metadata; [`decode`]: a body to its typed value.
//! - [`runtime`]: the client, identifiers, traceability, errors.
//! - `mock_data` (feature `mock-data`, for `apie-mock`): the spec's example bodies and error
//!   catalogue, so the local mock serves what this client was built from.
//!
//! The guide below shows each part at work; its examples run as doctests (against the
//! local mock where they need a server).
//!
#![doc = include_str!("guide.md")]
#![deny(missing_docs)]

// A browser must never call the API: the token would be in the page for anyone to read, and
// the API sends no CORS headers anyway. Browser wasm (`wasm32-unknown-unknown`) stops here;
// server-side wasm (WASI) does not (`tests/features.rs` checks which targets this matches).
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
compile_error!(
    "api-entreprise cannot be built for a browser (wasm32-unknown-unknown): API Entreprise \
     must never be called from a browser, where its token would leak (and it sends no CORS \
     headers); call it from your server and serve your pages from there"
);

/// The handwritten runtime (crate `apie-runtime`) this client is generated on: the HTTP
/// client, identifiers, traceability, throttle, errors. It knows no API; [`PLATFORM`] is
/// what it knows of this one.
pub use apie_runtime as runtime;

pub use runtime::{Environment, Error};

// The generated entry: the `platform` constants, the root spec's modules, the other specs'
// modules (`legacy`, its `v2` and `watchdoge` re-exported), `decode_any`, `find_operation`,
// `all_operations`, `required_scopes`, and `mock_data` behind the `mock-data` feature. The
// code generated from the pinned spec ships in `generated/`; the `regenerate` feature makes
// `build.rs` write it again into `OUT_DIR` (see `apie_codegen::Config`).
#[cfg(not(feature = "regenerate"))]
include!("generated/api.rs");
#[cfg(feature = "regenerate")]
include!(concat!(env!("OUT_DIR"), "/api.rs"));
