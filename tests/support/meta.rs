//! Metadata of fake operations, as generated code would emit them.

use std::time::Duration;

use api_entreprise::runtime::{ApiVersion, OperationMeta};

/// A v3 JSON operation needing a token and traceability, 5 s timeout.
pub const fn fake_operation(operation_id: &'static str, path: &'static str) -> OperationMeta {
    OperationMeta {
        operation_id,
        version: ApiVersion::Versioned {
            number: 3,
            name: "v3",
        },
        method: "GET",
        path,
        summary: "Fake operation for tests",
        group: &api_entreprise::platform::GROUP_JSON,
        own_limit: None,
        timeout: Duration::from_secs(5),
        deprecated: false,
        maintenance: None,
        auth: api_entreprise::runtime::AuthScheme::Bearer,
        error_envelope: &api_entreprise::platform::ERROR_ENVELOPE,
        traceability: &["context", "recipient", "object"],
        params: &[],
        request_body: None,
    }
}
