//! Static description of each operation, emitted as `const` items by the
//! generator so the runtime never has to look anything up at call time.

use std::time::Duration;

use super::auth::AuthScheme;
use super::errors::ErrorEnvelope;
use super::groups::{CountedPer, GroupRules, Limit};
use super::identifiers::IdentifierKind;

/// Version of a route, read from its path by the generator (`/v3/…`, `/api/v2/…`). The set
/// is open: a version the API publishes later is one more value, not a new variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiVersion {
    /// Route without a version prefix (monitoring endpoints such as `/ping`).
    Unversioned,
    /// A route under `/vN/`: `number` is N, `name` is `"vN"`.
    Versioned {
        /// N.
        number: u16,
        /// `"vN"`, the name of its module.
        name: &'static str,
    },
}

impl ApiVersion {
    /// Short lowercase name: `"v2"`, `"v3"`, `"v4"` … or `"unversioned"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiVersion::Unversioned => "unversioned",
            ApiVersion::Versioned { name, .. } => name,
        }
    }

    /// N for a route under `/vN/`.
    pub const fn number(self) -> Option<u16> {
        match self {
            ApiVersion::Unversioned => None,
            ApiVersion::Versioned { number, .. } => Some(number),
        }
    }
}

/// Daily period during which a provider is known to be unavailable, as the spec writes it
/// (`x-maintenances`). The spec names no time zone: the times are read in
/// [`Platform::maintenance_time_zone`](super::Platform::maintenance_time_zone) unless the
/// client is given another ([`maintenance`](super::maintenance)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaintenanceWindow {
    /// Start of the window, local time, `"HH:MM"` (e.g. `"01:00"`).
    pub from: &'static str,
    /// End of the window (excluded), local time, `"HH:MM"` (e.g. `"02:00"`); before the
    /// start when the window crosses midnight.
    pub to: &'static str,
}

/// Everything the runtime needs to know about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// Identifier of the operation in the OpenAPI spec.
    pub operation_id: &'static str,
    /// Version prefix of the route.
    pub version: ApiVersion,
    /// HTTP method, upper case (`"GET"`).
    pub method: &'static str,
    /// Path template, e.g. `"/v3/insee/sirene/unites_legales/{siren}"`.
    pub path: &'static str,
    /// One-line summary taken from the spec.
    pub summary: &'static str,
    /// The endpoint group the profile's rules class the operation in: its limits, its
    /// timeout and body bound.
    pub group: &'static GroupRules,
    /// A limit of the operation's own (5 a minute for DGFIP's fiscal certificate), counted
    /// beside its group's; `None` when its group's limits are all it has.
    pub own_limit: Option<Limit>,
    /// Default timeout of a call, used unless the caller overrides it.
    pub timeout: Duration,
    /// Whether the spec marks the operation as deprecated.
    pub deprecated: bool,
    /// Known daily maintenance window of the underlying provider, if any.
    pub maintenance: Option<MaintenanceWindow>,
    /// How the secret is sent, from the spec's security requirement for this operation
    /// (its own `security`, else the spec's); [`AuthScheme::None`] for an open route.
    pub auth: AuthScheme,
    /// Where this operation's error answers hold their items: its spec's envelope.
    pub error_envelope: &'static ErrorEnvelope,
    /// The traceability parameters this operation declares (a subset of
    /// [`Platform::traceability`](super::Platform::traceability), in its
    /// order): the client sends these, from its configuration.
    pub traceability: &'static [&'static str],
    /// Parameters other than the traceability ones: path parameters first,
    /// in template order, then query and header parameters.
    pub params: &'static [ParamMeta],
    /// The request body it takes, if any.
    pub request_body: Option<RequestBodyMeta>,
}

/// The request body an operation takes, as its spec says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestBodyMeta {
    /// Calls must send it: one without it is refused before it is sent (the mock refuses
    /// it too).
    pub required: bool,
    /// The media types it may be sent as, in the spec's order.
    pub media_types: &'static [&'static str],
}

impl OperationMeta {
    /// Whether the call needs the secret (a token or an API key).
    pub const fn requires_token(&self) -> bool {
        self.auth.sends_secret()
    }

    /// Whether the call carries traceability parameters.
    pub const fn requires_traceability(&self) -> bool {
        !self.traceability.is_empty()
    }

    /// The limits this operation's calls count in per token: its own, then its group's
    /// when the group counts per token (empty for a route counted per IP only).
    pub fn limits_per_token(&self) -> impl Iterator<Item = Limit> + '_ {
        let group = match self.group.counted_per {
            CountedPer::Token => self.group.limits,
            CountedPer::Ip => &[],
        };
        self.own_limit.into_iter().chain(group.iter().copied())
    }

    /// The parameter called `name`, if the operation has one.
    pub fn param(&self, name: &str) -> Option<&'static ParamMeta> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// A `{name}` segment of the path template.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie: one `name=value` pair of the request's `Cookie` header.
    Cookie,
}

/// What values a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// A validated identifier (SIREN, SIRET, year…), checked before sending.
    Identifier(IdentifierKind),
    /// Free text.
    Text,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// One parameter of an operation, as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamMeta {
    /// Name as sent (template name, query key or header name).
    pub name: &'static str,
    /// Where it is sent.
    pub location: ParamLocation,
    /// Whether the call needs it.
    pub required: bool,
    /// What values it accepts.
    pub kind: ParamKind,
    /// The values the spec allows, when it lists them (empty otherwise).
    pub allowed: &'static [&'static str],
    /// An array parameter (`prenoms[]`): several values.
    pub repeated: bool,
    /// For an array in the query: each value as its own `name=value` pair
    /// (OpenAPI's default), else one pair joined with commas.
    pub explode: bool,
}
