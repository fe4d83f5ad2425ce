//! `apie-diff`, the spec diff: what a new spec version changes, for the HTTP contract and
//! for the generated Rust crate. It works on `apie-spec`'s model, the one the generator
//! builds from, and compiles no code generator.
//!
//! Three steps, as in oasdiff: `compare` walks both models and records *what* changed
//! (structural facts, no judgement); [`rules`] judges each fact (severity, message, and what
//! happens to the generated crate) under a stable snake_case id, the [`ChangeKind`]; [`format`](mod@format)
//! prints a [`Report`] as text, Markdown, JSON or GitHub annotations. [`source`] reads a spec
//! from a file or a git revision and [`cli`] is the `apie-codegen diff` command.
//!
//! Operations are matched by method and path with parameter names erased (`{siren}` renamed
//! `{siren_or_rna}` is the same route), then by x-operationId across path moves. Response
//! bodies are compared by JSON path from each operation's success type, never by type name:
//! the generator names types after where they occur, so names move between versions.
//!
//! # JSON output (stable)
//!
//! ```json
//! {
//!   "changes": [{
//!     "kind": "property_removed",
//!     "severity": "breaking",
//!     "operation": {"method": "GET", "path": "/v3/insee/unites_legales/{siren}",
//!                   "x_operation_id": "api_entreprise_v3_insee_unites_legales"},
//!     "location": "/data/date_cessation",
//!     "old": "date", "new": null,
//!     "message": "…", "rust": "…"
//!   }],
//!   "summary": {"total": 1, "by_severity": {"breaking": 1, "warning": 0, "info": 0},
//!               "by_kind": {"property_removed": 1}, "semver": "major"}
//! }
//! ```
//!
//! `location` is a JSON path inside the success response (`/data/unite_legale/date_cessation`,
//! array items as `*`, the body itself `/`), `parameter:<name>` for a parameter,
//! `error_code:<code>` for an error code, and empty for the operation itself. `old` and `new`
//! are short texts (a type such as `date` or `array<object>`, an enum value, a path, a limit)
//! or `null`. Kind ids never change once published; messages may be reworded.

#![deny(missing_docs)]

pub mod cli;
mod compare;
pub mod format;
pub mod rules;
pub mod source;

use std::collections::BTreeMap;

// The spec's stages, under the names the diff's modules use.
use apie_spec::{diagnostic, model, Loaded};

use crate::model::Api;

/// How bad a change is for someone using the API or the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Nothing to do for anyone.
    Info,
    /// Worth a look: behaviour, limits or deprecations; code keeps compiling and working.
    Warning,
    /// Code using the API or the crate stops compiling or stops working.
    Breaking,
}

impl Severity {
    /// `breaking`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }

    /// Parses `breaking`, `warning` or `info`.
    pub fn from_id(id: &str) -> Option<Severity> {
        [Severity::Breaking, Severity::Warning, Severity::Info]
            .into_iter()
            .find(|s| s.as_str() == id)
    }
}

/// The version bump the generated crate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Semver {
    /// Nothing public changed shape.
    Patch,
    /// Additions (operations, fields, variants) or deprecations.
    Minor,
    /// Something breaks (said "major" even while the crate is 0.x).
    Major,
}

impl Semver {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

macro_rules! change_kinds {
    ($($(#[doc = $doc:literal])* $variant:ident => $id:literal,)*) => {
        /// What changed. Each kind is a rule with a stable snake_case id ([`ChangeKind::id`]),
        /// which `--ignore` files name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ChangeKind {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ChangeKind {
            /// Every kind, in the order reports and docs list them.
            pub const ALL: &'static [ChangeKind] = &[$(ChangeKind::$variant,)*];

            /// The stable id, e.g. `property_removed`.
            pub fn id(self) -> &'static str {
                match self {
                    $(ChangeKind::$variant => $id,)*
                }
            }
        }
    };
}

change_kinds! {
    /// A new operation.
    OperationAdded => "operation_added",
    /// An operation is gone.
    OperationRemoved => "operation_removed",
    /// Same x-operationId, another path.
    OperationMoved => "operation_moved",
    /// Same route, another x-operationId (the generated method or constant is renamed).
    OperationIdChanged => "operation_id_changed",
    /// Same route with its path parameters named otherwise (`{id}` → `{siren}`).
    PathParameterRenamed => "path_parameter_renamed",
    /// The operation became deprecated.
    OperationDeprecated => "operation_deprecated",
    /// The operation is no longer deprecated.
    OperationUndeprecated => "operation_undeprecated",
    /// A new parameter that must be given.
    RequiredParameterAdded => "required_parameter_added",
    /// A new optional parameter.
    ParameterAdded => "parameter_added",
    /// A parameter is gone.
    ParameterRemoved => "parameter_removed",
    /// An optional parameter became required.
    ParameterBecameRequired => "parameter_became_required",
    /// A required parameter became optional.
    ParameterBecameOptional => "parameter_became_optional",
    /// A parameter's type (or a path parameter's identifier) changed.
    ParameterTypeChanged => "parameter_type_changed",
    /// A parameter accepts fewer values (enum values removed, or an enum where any string was accepted).
    ParameterConstraintNarrowed => "parameter_constraint_narrowed",
    /// A parameter accepts more values.
    ParameterConstraintWidened => "parameter_constraint_widened",
    /// A parameter's default value changed: calls leaving it out get other results.
    ParameterDefaultChanged => "parameter_default_changed",
    /// A query or header parameter became deprecated.
    ParameterDeprecated => "parameter_deprecated",
    /// The traceability parameters (`context`, `recipient`, `object`) became required or not.
    TraceabilityChanged => "traceability_changed",
    /// The success response lost its schema.
    SuccessResponseRemoved => "success_response_removed",
    /// The success response gained a schema.
    SuccessResponseAdded => "success_response_added",
    /// The operation takes a request body it did not.
    RequestBodyAdded => "request_body_added",
    /// The operation no longer takes its request body.
    RequestBodyRemoved => "request_body_removed",
    /// The request body must now be sent.
    RequestBodyBecameRequired => "request_body_became_required",
    /// The request body may now be left out.
    RequestBodyBecameOptional => "request_body_became_optional",
    /// The request body may be sent as one more media type.
    RequestMediaTypeAdded => "request_media_type_added",
    /// A media type the request body could be sent as is gone.
    RequestMediaTypeRemoved => "request_media_type_removed",
    /// A request body property appeared (required or not).
    RequestPropertyAdded => "request_property_added",
    /// A request body property is gone.
    RequestPropertyRemoved => "request_property_removed",
    /// A request body property holds another type.
    RequestPropertyTypeChanged => "request_property_type_changed",
    /// A request body property must now be sent.
    RequestPropertyBecameRequired => "request_property_became_required",
    /// A request body property may now be left out.
    RequestPropertyBecameOptional => "request_property_became_optional",
    /// A request body enum accepts one more value.
    RequestEnumValueAdded => "request_enum_value_added",
    /// A request body enum accepts one value less.
    RequestEnumValueRemoved => "request_enum_value_removed",
    /// A request body `oneOf` accepts one more alternative.
    RequestAlternativeAdded => "request_alternative_added",
    /// A request body `oneOf` no longer accepts an alternative.
    RequestAlternativeRemoved => "request_alternative_removed",
    /// A request body property accepts null, or no longer does.
    RequestNullableChanged => "request_nullable_changed",
    /// A request body property became deprecated.
    RequestPropertyDeprecated => "request_property_deprecated",
    /// The success response may be sent as one more media type.
    ResponseMediaTypeAdded => "response_media_type_added",
    /// A media type the success response was sent as is gone.
    ResponseMediaTypeRemoved => "response_media_type_removed",
    /// A response property appeared.
    PropertyAdded => "property_added",
    /// A response property is gone.
    PropertyRemoved => "property_removed",
    /// A response property holds another type.
    PropertyTypeChanged => "property_type_changed",
    /// Same place in the response, same shape or not, another generated type name.
    TypeRenamed => "type_renamed",
    /// A response property may now be null.
    NullableAdded => "nullable_added",
    /// A response property may no longer be null.
    NullableRemoved => "nullable_removed",
    /// A response property is no longer required.
    PropertyBecameOptional => "property_became_optional",
    /// A response property is now required.
    PropertyBecameRequired => "property_became_required",
    /// A response property became deprecated.
    PropertyDeprecated => "property_deprecated",
    /// A response enum gained a value.
    EnumValueAdded => "enum_value_added",
    /// A response enum lost a value.
    EnumValueRemoved => "enum_value_removed",
    /// A response `oneOf` gained an alternative.
    AlternativeAdded => "alternative_added",
    /// A response `oneOf` lost an alternative.
    AlternativeRemoved => "alternative_removed",
    /// An error code appeared in the operation's examples.
    ErrorCodeAdded => "error_code_added",
    /// An error code left the operation's examples.
    ErrorCodeRemoved => "error_code_removed",
    /// The operation moved to another endpoint group (the profile names them).
    EndpointGroupChanged => "endpoint_group_changed",
    /// A limit per token changed (its own, or its group's).
    RateLimitChanged => "rate_limit_changed",
    /// The recommended timeout changed.
    TimeoutChanged => "timeout_changed",
    /// The daily maintenance window appeared, disappeared or moved.
    MaintenanceChanged => "maintenance_changed",
    /// How the operation sends the secret changed (bearer, an API key, none): its security
    /// requirement or the scheme it names.
    SecurityChanged => "security_changed",
    /// The scopes the operation's token needs changed (OAuth2 scopes of its requirement).
    SecurityScopesChanged => "security_scopes_changed",
}

impl ChangeKind {
    /// The kind with this id.
    pub fn from_id(id: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.iter().copied().find(|k| k.id() == id)
    }
}

/// The operation a change concerns (the new side's, or the old one's when it was removed).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct OperationRef {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// x-operationId (or the generator's stand-in when the spec has none).
    pub x_operation_id: String,
}

/// One judged change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// How bad it is.
    pub severity: Severity,
    /// The operation concerned.
    pub operation: OperationRef,
    /// JSON path in the response, `parameter:<name>`, `error_code:<code>`, or empty.
    pub location: String,
    /// The old value, if it makes sense.
    pub old: Option<String>,
    /// The new value, if it makes sense.
    pub new: Option<String>,
    /// What changed for the HTTP contract.
    pub message: String,
    /// What happens to the generated Rust crate.
    pub rust: String,
}

/// Counts and the bump the crate needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Changes by kind id (kinds with none are left out).
    pub by_kind: BTreeMap<&'static str, usize>,
    /// Breaking changes.
    pub breaking: usize,
    /// Warnings.
    pub warning: usize,
    /// Informational changes.
    pub info: usize,
    /// The version bump of the generated crate.
    pub semver: Semver,
}

impl Summary {
    /// The summary of a list of changes.
    pub fn of(changes: &[Change]) -> Summary {
        let mut summary = Summary {
            by_kind: BTreeMap::new(),
            breaking: 0,
            warning: 0,
            info: 0,
            semver: Semver::Patch,
        };
        for c in changes {
            *summary.by_kind.entry(c.kind.id()).or_default() += 1;
            match c.severity {
                Severity::Breaking => summary.breaking += 1,
                Severity::Warning => summary.warning += 1,
                Severity::Info => summary.info += 1,
            }
            summary.semver = summary.semver.max(rules::bump(c.kind, c.severity));
        }
        summary
    }

    /// Number of changes.
    pub fn total(&self) -> usize {
        self.breaking + self.warning + self.info
    }
}

/// The changes between two specs and their summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Changes, grouped by operation (by path, then method) in the order they were found.
    pub changes: Vec<Change>,
    /// Counts and semver bump.
    pub summary: Summary,
}

impl Report {
    /// Builds a report (and its summary) from changes.
    pub fn new(changes: Vec<Change>) -> Report {
        let summary = Summary::of(&changes);
        Report { changes, summary }
    }

    /// The report without the changes `ignore` matches; the summary is recomputed.
    pub fn without(self, ignore: &IgnoreList) -> Report {
        Report::new(
            self.changes
                .into_iter()
                .filter(|c| !ignore.matches(c))
                .collect(),
        )
    }

    /// Whether a change at or above `threshold` is left.
    pub fn has_at_least(&self, threshold: Severity) -> bool {
        self.changes.iter().any(|c| c.severity >= threshold)
    }
}

/// A line of an ignore file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreListError {
    /// The first word names no rule.
    #[error("line {line}: unknown rule id `{id}`")]
    UnknownRule {
        /// The line, from 1.
        line: usize,
        /// The word.
        id: String,
    },
    /// A third word.
    #[error("line {line}: unexpected `{extra}` (expected `rule_id [x_operation_id]`)")]
    Unexpected {
        /// The line, from 1.
        line: usize,
        /// The word.
        extra: String,
    },
}

/// Rules to silence: a kind everywhere, or a kind for one x-operationId.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreList {
    entries: Vec<(ChangeKind, Option<String>)>,
}

impl IgnoreList {
    /// Parses an ignore file: one rule id, or `id operation_id`, per line; `#` starts a
    /// comment. Errors name the line.
    pub fn parse(text: &str) -> Result<IgnoreList, IgnoreListError> {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            let mut words = line.split_whitespace();
            let Some(id) = words.next() else { continue };
            let kind = ChangeKind::from_id(id).ok_or_else(|| IgnoreListError::UnknownRule {
                line: n + 1,
                id: id.to_string(),
            })?;
            let operation = words.next().map(str::to_string);
            if let Some(extra) = words.next() {
                return Err(IgnoreListError::Unexpected {
                    line: n + 1,
                    extra: extra.to_string(),
                });
            }
            entries.push((kind, operation));
        }
        Ok(IgnoreList { entries })
    }

    /// Whether the change is silenced.
    pub fn matches(&self, change: &Change) -> bool {
        self.entries.iter().any(|(kind, op)| {
            *kind == change.kind
                && match op {
                    None => true,
                    Some(id) => *id == change.operation.x_operation_id,
                }
        })
    }
}

/// Compares two models and judges every change.
pub fn diff(old: &Api, new: &Api) -> Report {
    let changes = compare::compare(old, new)
        .into_iter()
        .map(|finding| rules::judge(&finding))
        .collect();
    Report::new(changes)
}
