//! Stage 3, model: the typed intermediate representation that emission and the spec diff
//! both work on. Operations carry what a safe call needs (typed path identifiers, endpoint
//! group, rate limit, timeout, maintenance window); types are deduplicated by structure and
//! named by where they occur ([`naming`]); error codes come from the spec's examples.

mod build;
mod error_codes;
pub mod limits;
pub mod names_lock;
pub mod naming;
mod types;

pub use crate::normalize::AuthScheme;
pub use build::build;

use std::collections::BTreeMap;

/// The API version an operation belongs to, read from its path by the profile's versioning
/// rule (`/v3/...`, `/api/v2/...`). The set is open: a new version is a new module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiVersion {
    /// Routes without a version segment (`/privileges`, `/watchdoge/...`).
    Unversioned,
    /// `/vN`.
    Versioned(u16),
}

impl ApiVersion {
    /// `v2`, `v3`, `v4` … or `unversioned`.
    pub fn name(self) -> String {
        match self {
            ApiVersion::Unversioned => "unversioned".to_string(),
            ApiVersion::Versioned(n) => format!("v{n}"),
        }
    }
}

/// A whole spec file turned into the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The spec file, as given.
    pub file: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub spec_version: String,
    /// Operations sorted by version then id.
    pub operations: Vec<Operation>,
    /// Named types sorted by name.
    pub types: Vec<TypeDef>,
    /// Error codes found in the examples, sorted by code.
    pub error_codes: Vec<ErrorCode>,
    /// The spec's `servers`: base URL and description.
    pub servers: Vec<(String, String)>,
    /// Where this spec's error answers hold their items (the profile's, or the spec
    /// entry's own).
    pub error_envelope: crate::profile::ErrorEnvelope,
}

impl Api {
    /// Operations grouped by the module they go in (`v3`, `v4`, `privileges` …).
    pub fn modules(&self) -> BTreeMap<String, Vec<&Operation>> {
        let mut out: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
        for op in &self.operations {
            out.entry(op.module.clone()).or_default().push(op);
        }
        out
    }

    /// The named type called `name`.
    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// An operation of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's x-operationId (or its repaired stand-in).
    pub id: String,
    /// `id` is made of the method and the path: the spec gives none (or gives it twice).
    pub id_from_route: bool,
    /// Version, from the path.
    pub version: ApiVersion,
    /// Module of the generated client it goes in (`v3`, `privileges`, `watchdoge` …).
    pub module: String,
    /// Method name in that module, snake_case.
    pub method_name: String,
    /// The cargo feature its code is compiled under (`v3`), when the profile makes the
    /// versions features and knows this one.
    pub feature: Option<String>,
    /// The `Client` method opening its module (`v3`, `privileges`, or `<module>_routes` when the runtime has that name).
    pub accessor: String,
    /// Its request builder type (`InseeUnitesLegalesRequest`).
    pub builder: String,
    /// The constant holding its metadata in `operations` (`API_ENTREPRISE_V3_…`).
    pub meta_const: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// Path template.
    pub path: String,
    /// Summary, if any.
    pub summary: Option<String>,
    /// Description, if any.
    pub description: Option<String>,
    /// Deprecated by the spec.
    pub deprecated: bool,
    /// `x-sunset`: the day the operation may be removed, `YYYY-MM-DD` (checked when read).
    pub sunset: Option<String>,
    /// Path parameters in template order.
    pub path_params: Vec<PathParam>,
    /// Query and header parameters other than the traceability ones.
    pub options: Vec<OptionParam>,
    /// The profile's traceability parameters this operation declares, in the profile's order.
    pub traceability: Vec<String>,
    /// How the secret is sent (the spec's security requirement, unless the profile's route
    /// rule says `security: none`).
    pub auth: AuthScheme,
    /// The 2xx body type; `None` when the spec gives no schema.
    pub success: Option<TypeRef>,
    /// The scopes its security requirement asks of the token (OAuth2's), in the spec's order.
    pub auth_scopes: Vec<String>,
    /// The media types of its success response (`application/json`, `*/*`…), in the spec's
    /// order.
    pub success_media_types: Vec<String>,
    /// The request body the operation takes, if any.
    pub request_body: Option<RequestBodyModel>,
    /// Statuses the spec documents, sorted.
    pub statuses: Vec<String>,
    /// Error codes of this operation's examples, sorted.
    pub error_codes: Vec<String>,
    /// Its endpoint group, a key of the profile's `groups`.
    pub group: String,
    /// A limit of its own, counted beside its group's.
    pub own_limit: Option<crate::profile::LimitRule>,
    /// The limits its calls count in per token: its own, then its group's when the group
    /// counts per token (none for a route counted per IP only).
    pub limits_per_token: Vec<crate::profile::LimitRule>,
    /// Its group's limits when the group counts per IP address, all tokens together.
    pub limits_per_ip: Vec<crate::profile::LimitRule>,
    /// Recommended client timeout, in milliseconds.
    pub timeout_ms: u64,
    /// Daily maintenance window `(from, to)`, `HH:MM`.
    pub maintenance: Option<(String, String)>,
}

/// A path parameter and the identifier type that validates it.
#[derive(Debug, Clone, PartialEq)]
pub struct PathParam {
    /// Name in the template.
    pub name: String,
    /// Rust argument name.
    pub rust_name: String,
    /// Identifier type name in the runtime (`Siren`, `Siret`, `Year`, `PathSegment` …).
    pub identifier: String,
    /// The spec's `pattern`, if any.
    pub pattern: Option<String>,
    /// Allowed values, when the spec lists them.
    pub allowed: Vec<String>,
    /// The schema's bounds and default.
    pub bounds: crate::normalize::Bounds,
    /// Description, if any.
    pub description: Option<String>,
}

/// Where an optional parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OptionLocation {
    /// Query string.
    Query,
    /// Request header.
    Header,
    /// A cookie of the `Cookie` header.
    Cookie,
}

/// A query or header parameter set through the request builder.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionParam {
    /// Name as sent.
    pub name: String,
    /// Rust setter name.
    pub rust_name: String,
    /// Query or header.
    pub location: OptionLocation,
    /// Whether the spec requires it.
    pub required: bool,
    /// Its value type: a scalar, or an array of scalars (`prenoms[]`).
    pub ty: TypeRef,
    /// For an array: one `name=value` pair per value (else joined with commas).
    pub explode: bool,
    /// Description, if any.
    pub description: Option<String>,
    /// Allowed values, when the spec lists them.
    pub allowed: Vec<String>,
    /// The spec's `pattern`, if any.
    pub pattern: Option<String>,
    /// The schema's bounds and default.
    pub bounds: crate::normalize::Bounds,
    /// Deprecated by the spec: its setter is `#[deprecated]`.
    pub deprecated: bool,
}

/// A reference to a type, as used by fields and responses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i64`: the server sends values beyond 32 bits.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// A date that keeps its raw text when it is not a valid date.
    Date,
    /// A date-time that keeps its raw text when it is not valid.
    DateTime,
    /// Any JSON value.
    Any,
    /// A named struct or enum.
    Named(String),
    /// A type the handwritten runtime defines (`crate::runtime::Privileges`), chosen by the
    /// profile's `response_types` for an answer the spec leaves without a schema.
    Runtime(String),
    /// A list.
    Array(Box<TypeRef>),
    /// An object of any keys, each value of this type (`additionalProperties`): a
    /// `BTreeMap<String, T>`, in key order.
    Map(Box<TypeRef>),
    /// An array item that may be `null` (`Option<T>`): field nullability lives on the field.
    Nullable(Box<TypeRef>),
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name, PascalCase ASCII.
    pub name: String,
    /// Documentation from the spec's title and description.
    pub doc: Option<String>,
    /// Struct or enum.
    pub kind: TypeKind,
    /// JSON pointers of the places in the spec this shape occurs, sorted.
    pub occurrences: Vec<String>,
    /// Where it occurs in the success bodies, as the names lock records it (method, route
    /// with parameter names erased, JSON path): sorted.
    pub places: Vec<String>,
    /// Former names kept by the names lock when types of the previous generation merged
    /// into this one: emitted as type aliases, so that code naming them still compiles.
    pub aliases: Vec<TypeAlias>,
}

/// A former name of a type, kept as an alias.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeAlias {
    /// The former name.
    pub name: String,
    /// The places that carried it.
    pub places: Vec<String>,
}

/// The body of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object.
    Struct(Vec<Field>),
    /// A string enum (with a catch-all for unknown values in the emitted code).
    Enum(Vec<Variant>),
    /// One of several types (`oneOf`, `anyOf`), tried in order by the decoder (with a
    /// catch-all for a value none reads in the emitted code).
    OneOf(Vec<Alternative>),
}

impl TypeKind {
    /// The types this one holds: its fields' or its alternatives' (none for an enum).
    pub fn members(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct(fields) => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Enum(_) => Vec::new(),
            TypeKind::OneOf(alternatives) => alternatives.iter().map(|a| &a.ty).collect(),
        }
    }
}

/// An alternative of a [`TypeKind::OneOf`].
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// The spec's name for it (a `$ref`'s target, a `title`) or its kind (`Text`, `Object`).
    pub label: String,
    /// Its variant's name, PascalCase.
    pub rust_name: String,
    /// The type it holds.
    pub ty: TypeRef,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// JSON name.
    pub json_name: String,
    /// Rust name, snake_case (raw identifier for keywords).
    pub rust_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// `Option`: the property is not required or is nullable.
    pub optional: bool,
    /// Whether the spec says it may be null.
    pub nullable: bool,
    /// Whether the spec lists it as required.
    pub required: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated by the spec.
    pub deprecated: bool,
}

impl Field {
    /// Whether the field may be absent and may also be null: absent and `null` are then two
    /// things the server can say, and the field is `Option<Option<T>>` (`None` absent,
    /// `Some(None)` null) so that encoding a decoded value writes back what was sent.
    pub fn absent_or_null(&self) -> bool {
        !self.required && self.nullable
    }
}

/// An enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The JSON string.
    pub value: String,
    /// Rust name, PascalCase.
    pub rust_name: String,
}

/// An error code of the API, from the spec's examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// Five digits, e.g. `04501`.
    pub code: String,
    /// Rust variant name.
    pub rust_name: String,
    /// HTTP status it comes with.
    pub status: u16,
    /// Title.
    pub title: String,
    /// A detail message, from the first example.
    pub detail: String,
    /// The data provider, when named.
    pub provider: Option<String>,
}

/// A request body as the model holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBodyModel {
    /// Calls must send it.
    pub required: bool,
    /// The media types it may be sent as, in the spec's order.
    pub media_types: Vec<String>,
    /// The type of its JSON body (`application/json`), when the spec gives its schema;
    /// filled in once every type is named, as the success type is.
    pub json: Option<TypeRef>,
}
