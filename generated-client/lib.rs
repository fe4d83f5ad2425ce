//! Typed client for [API Entreprise](https://entreprise.api.gouv.fr), generated at build time
//! from the API's published OpenAPI spec, on a small handwritten runtime that makes every
//! call safe: bearer token kept secret, traceability parameters checked before sending,
//! identifiers validated, per-operation timeouts.
//!
//! - [`v3`], [`v4`], [`privileges`]: the current API (one module per version, as in the URL);
//!   [`v2`] and [`watchdoge`] (open monitoring routes) from the legacy v2 spec.
//! - [`models`]: response types; [`errors::ErrorCode`]: every error code of the spec;
//!   [`operations`]: per-operation metadata; [`decode`]: a body to its typed value.
//! - [`runtime`]: the client, identifiers, traceability, errors.
//!
//! ```no_run
//! use api_entreprise::runtime::{Siren, Token};
//! use api_entreprise::{Client, Environment, Traceability};
//!
//! # async fn demo() -> Result<(), api_entreprise::Error> {
//! let client = Client::builder()
//!     .environment(Environment::Staging)
//!     .token(Token::from_env()?) // API_ENTREPRISE_TOKEN; never printed
//!     .traceability(Traceability::new("aides publiques", "13002526500013", "dossier 42")?)
//!     .build()?;
//! let siren: Siren = "418166096".parse()?; // refused before any request when invalid
//! let response = client.v4().insee_unites_legales(siren).await?;
//! println!("{} ({:?} calls left)", response.body.data.siren, response.rate_limit.remaining);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

#[path = "runtime/mod.rs"]
pub mod runtime;

pub use runtime::{Client, Environment, Error, Traceability};

// The spec's prose is Markdown for a web page: its lists and long first paragraphs are not
// written for clippy's doc lints, and rewording them would change the API's own text.
#[allow(
    clippy::doc_lazy_continuation,
    clippy::doc_overindented_list_items,
    clippy::too_long_first_doc_paragraph
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/api_entreprise.rs"));
}

pub use generated::*;

/// The legacy v2 API and its open monitoring routes, from the v2 spec.
#[allow(
    clippy::doc_lazy_continuation,
    clippy::doc_overindented_list_items,
    clippy::too_long_first_doc_paragraph
)]
pub mod legacy {
    include!(concat!(env!("OUT_DIR"), "/api_entreprise_v2.rs"));
}

pub use legacy::{v2, watchdoge};

/// A decoded success body from either spec.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum AnySuccessBody {
    /// An operation of the v3/v4 spec.
    Current(SuccessBody),
    /// An operation of the legacy v2 spec.
    Legacy(legacy::SuccessBody),
}

/// [`decode`] over both specs: `None` when neither has that x-operationId.
pub fn decode_any(
    operation_id: &str,
    status: u16,
    body: &[u8],
) -> Option<Result<AnySuccessBody, Error>> {
    match decode(operation_id, status, body) {
        Some(result) => Some(result.map(AnySuccessBody::Current)),
        None => legacy::decode(operation_id, status, body).map(|r| r.map(AnySuccessBody::Legacy)),
    }
}

/// The operation with this x-operationId in either spec.
pub fn find_operation(operation_id: &str) -> Option<&'static runtime::OperationMeta> {
    operations::find(operation_id).or_else(|| legacy::operations::find(operation_id))
}

/// Every operation of both specs: v3/v4 first, then the legacy v2 ones.
pub fn all_operations() -> impl Iterator<Item = &'static runtime::OperationMeta> {
    operations::ALL
        .iter()
        .chain(legacy::operations::ALL)
        .copied()
}

mod scopes {
    include!(concat!(env!("OUT_DIR"), "/api_entreprise_scopes.rs"));
}

/// The scopes that open `operation_id`, any one of them sufficing (empty: none needed).
/// `None` when the scope map was not available at build time or does not list the operation.
pub fn required_scopes(operation_id: &str) -> Option<&'static [&'static str]> {
    scopes::SCOPES
        .binary_search_by(|(id, _)| (*id).cmp(operation_id))
        .ok()
        .map(|i| scopes::SCOPES[i].1)
}
