//! Endpoint groups, rate limits and timeouts. The spec does not carry them (its
//! `RateLimit-Limit` examples all say 50), so they come from the API's documentation:
//! per token, 250 requests/min for JSON endpoints and 50/min for document endpoints, with
//! per-endpoint exceptions; timeouts of 5 s for JSON and 12 s for documents.

use super::EndpointGroup;
use crate::normalize::{Schema, SchemaKind};

/// Requests per minute per token for JSON endpoints.
pub const JSON_LIMIT: u32 = 250;
/// Requests per minute per token for document endpoints.
pub const DOCUMENTS_LIMIT: u32 = 50;
/// Requests per minute per IP, all tokens together; monitoring routes count only here.
pub const IP_LIMIT: u32 = 1000;
/// Recommended timeout for JSON endpoints, in milliseconds.
pub const JSON_TIMEOUT_MS: u64 = 5_000;
/// Recommended timeout for document endpoints, in milliseconds.
pub const DOCUMENTS_TIMEOUT_MS: u64 = 12_000;

/// Documented exceptions, matched on the x-operationId without its version prefix:
/// (suffix, group, requests per minute).
const EXCEPTIONS: &[(&str, EndpointGroup, u32)] = &[
    // DGFIP's fiscal certificate: 5/min.
    ("dgfip_attestations_fiscales", EndpointGroup::Documents, 5),
    // INPI acts and balance sheets (RNE): 5/min, documents.
    ("inpi_rne_actes_bilans", EndpointGroup::Documents, 5),
    // URSSAF headcounts (GIP-MDS) and Agefiph are JSON at the JSON rate, named here
    // because older documentation listed them apart.
    (
        "gip_mds_effectifs_annuels_entreprise",
        EndpointGroup::Json,
        250,
    ),
    (
        "gip_mds_effectifs_mensuels_etablissement",
        EndpointGroup::Json,
        250,
    ),
    ("attestations_agefiph", EndpointGroup::Json, 250),
    // The associations' documents route hands out PDF links.
    ("mi_documents_associations", EndpointGroup::Documents, 50),
];

/// The group and per-minute limit of an operation.
pub fn classify(operation_id: &str, path: &str, success: Option<&Schema>) -> (EndpointGroup, u32) {
    if path.starts_with("/watchdoge") {
        return (EndpointGroup::Monitoring, IP_LIMIT);
    }
    let short = strip_version_prefix(operation_id);
    if let Some((_, group, limit)) = EXCEPTIONS.iter().find(|(suffix, _, _)| short == *suffix) {
        return (*group, *limit);
    }
    // A document endpoint answers with a link to the document it produced.
    if success.is_some_and(has_document_url) {
        (EndpointGroup::Documents, DOCUMENTS_LIMIT)
    } else {
        (EndpointGroup::Json, JSON_LIMIT)
    }
}

/// The recommended timeout of a group, in milliseconds.
pub fn timeout_ms(group: EndpointGroup) -> u64 {
    match group {
        EndpointGroup::Documents => DOCUMENTS_TIMEOUT_MS,
        EndpointGroup::Json | EndpointGroup::Monitoring => JSON_TIMEOUT_MS,
    }
}

/// `api_entreprise_v3_insee_unites_legales` → `insee_unites_legales`.
pub fn strip_version_prefix(operation_id: &str) -> &str {
    let rest = operation_id
        .strip_prefix("api_entreprise_")
        .unwrap_or(operation_id);
    match rest.split_once('_') {
        Some((v, tail))
            if v.len() >= 2 && v.starts_with('v') && v[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            tail
        }
        _ => rest,
    }
}

fn has_document_url(schema: &Schema) -> bool {
    match &schema.kind {
        SchemaKind::Object(props) => props
            .iter()
            .any(|p| p.name == "document_url" || has_document_url(&p.schema)),
        SchemaKind::Array(items) => has_document_url(items),
        _ => false,
    }
}
