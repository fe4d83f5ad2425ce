//! What a generated crate's specs say by example, as it emits them for a mock of its API
//! (its `mock_data` module, behind its `mock-data` feature): the success bodies assembled
//! from the properties' examples, the 404 and 5xx examples, and the error items of every
//! example, by error envelope. The runtime only describes them: the mock reads them, with
//! the crate's [`Platform`](super::Platform), so that one mock serves any API of the platform.
//!
//! Bodies are JSON text: a JSON value cannot be a constant, and text keeps the generated
//! file readable.

use super::errors::ErrorEnvelope;

/// One operation's answers from its spec's examples, as JSON text. The rest of what a mock
/// needs of it is its [`OperationMeta`](super::OperationMeta).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationExamples {
    /// Its x-operationId, as in [`OperationMeta::operation_id`](super::OperationMeta::operation_id).
    pub operation_id: &'static str,
    /// The data provider: the x-operationId's first word after its version (`insee`).
    pub provider: &'static str,
    /// The success body, assembled from each property's example (a response-level example
    /// wins); `None` when the spec gives neither a schema nor an example.
    pub success: Option<&'static str>,
    /// The first example of its 404 response.
    pub not_found: Option<&'static str>,
    /// The first example of each 5xx status it documents, in the spec's order.
    pub server_errors: &'static [(u16, &'static str)],
}

/// The error items of the examples of the specs that share one error envelope, as JSON text
/// in that envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorExamples {
    /// The envelope of these items: their specs' operations'
    /// [`OperationMeta::error_envelope`](super::OperationMeta::error_envelope).
    pub envelope: ErrorEnvelope,
    /// Items by code, sorted: the first item seen with each code, the root spec first.
    pub by_code: &'static [(&'static str, &'static str)],
    /// 422 items by the parameter their source names (`context`, `siren`), sorted: the first
    /// such item of each.
    pub by_parameter: &'static [(&'static str, &'static str)],
    /// Items by the name of the example holding them
    /// (`unprocessable_content_error_siren_error`), sorted: its first item.
    pub by_example: &'static [(&'static str, &'static str)],
}

/// Everything a crate's specs say by example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Examples {
    /// The spec files the examples were read from, with their sha256: the crate's own.
    pub specs: &'static [(&'static str, &'static str)],
    /// Every operation's examples, sorted by x-operationId.
    pub operations: &'static [OperationExamples],
    /// The error items, one entry per error envelope, in the order of the first spec using
    /// it (the root spec's first).
    pub errors: &'static [ErrorExamples],
}

impl Examples {
    /// The examples of the operation `operation_id`.
    pub fn operation(&self, operation_id: &str) -> Option<&'static OperationExamples> {
        let operations = self.operations;
        operations
            .binary_search_by(|o| o.operation_id.cmp(operation_id))
            .ok()
            .map(|i| &operations[i])
    }
}
