//! The spec after normalization: a small typed subset of OpenAPI 3.0 with every published
//! quirk repaired. Later stages read only this, never the YAML.

use crate::diagnostic::Position;

/// A normalized spec file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The spec file, as given.
    pub file: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Operations in source order.
    pub operations: Vec<Operation>,
    /// `servers`: base URL and description, in source order.
    pub servers: Vec<(String, String)>,
}

/// How an operation sends the secret, from the spec's security requirements.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuthScheme {
    /// No secret: no requirement applies, or an empty one (`{}`) is the first alternative.
    #[default]
    None,
    /// `Authorization: Bearer <token>` (an `http` bearer, `oauth2` or `openIdConnect` scheme).
    Bearer,
    /// An `apiKey` scheme in a header: `<name>: <key>`.
    ApiKeyHeader(String),
    /// An `apiKey` scheme in the query: `?<name>=<key>`.
    ApiKeyQuery(String),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// In the URL path.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// A cookie of the request's `Cookie` header.
    Cookie,
}

/// One operation (a method on a path).
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`, else the 200 response's `x-operationId`, else method + path.
    pub id: String,
    /// The spec gives no usable id: `id` is made of the method and the path (with its
    /// parameters' names), so renaming a path parameter renames the operation.
    pub id_from_route: bool,
    /// Lower-case HTTP method.
    pub method: String,
    /// Path template, as in the spec.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// The scopes its security requirement asks of the token (OAuth2's), in the spec's order.
    pub scopes: Vec<String>,
    /// `x-sunset`: the day the operation may be removed, `YYYY-MM-DD`.
    pub sunset: Option<String>,
    /// Parameters, `$ref`s resolved, in source order.
    pub parameters: Vec<Parameter>,
    /// Responses in source order.
    pub responses: Vec<Response>,
    /// `requestBody`, `$ref` resolved.
    pub request_body: Option<RequestBody>,
    /// `x-maintenances`: the daily window during which the provider is down.
    pub maintenance: Option<Maintenance>,
    /// How the secret is sent: the operation's `security`, else the root's.
    pub auth: AuthScheme,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// Position of the operation.
    pub position: Position,
}

/// A daily maintenance window (`x-maintenances`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maintenance {
    /// Start, `HH:MM`.
    pub from: String,
    /// End, `HH:MM`.
    pub to: String,
}

/// A parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Name as sent.
    pub name: String,
    /// Path, query or header.
    pub location: ParamLocation,
    /// Whether it must be given.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// Its schema.
    pub schema: Schema,
    /// The schema's `pattern`, a constraint the diff watches.
    pub pattern: Option<String>,
    /// The schema's bounds and default, which the diff watches too.
    pub bounds: Bounds,
    /// `explode`: an array sent as repeated `name=value` pairs (OpenAPI's default for
    /// `style: form`), or joined with commas when `false`.
    pub explode: bool,
    /// `deprecated`: callers were told to stop sending it.
    pub deprecated: bool,
}

/// A parameter's bounds and default, as its schema states them: the diff compares them (a
/// `maximum` lowered refuses values that passed); the generated client leaves checking them
/// to the server.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bounds {
    /// `minimum` (or OpenAPI 3.1's numeric `exclusiveMinimum`).
    pub minimum: Option<f64>,
    /// `maximum` (or OpenAPI 3.1's numeric `exclusiveMaximum`).
    pub maximum: Option<f64>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `default`, as text.
    pub default: Option<String>,
}

/// A response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Status code as written (`200`, `default`, `4XX`).
    pub status: String,
    /// `description`.
    pub description: Option<String>,
    /// The JSON body schema, if any.
    pub schema: Option<Schema>,
    /// Named JSON examples.
    pub examples: Vec<Example>,
    /// Every media type of its `content`, in source order (`application/json`, `*/*`,
    /// `application/xml`…).
    pub media_types: Vec<String>,
}

/// A request body (`requestBody`).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// `required`: calls must send it (OpenAPI's default is `false`).
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// Each media type the operation accepts, in source order, with its schema when given.
    pub content: Vec<MediaBody>,
}

/// One media type of a request body.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaBody {
    /// `application/json`, `application/x-www-form-urlencoded`, `multipart/form-data`…
    pub media_type: String,
    /// Its schema, if the spec gives one.
    pub schema: Option<Schema>,
}

impl RequestBody {
    /// The schema of its JSON media type (`application/json`, `…+json`), if any.
    pub fn json_schema(&self) -> Option<&Schema> {
        self.content
            .iter()
            .find(|m| m.media_type.contains("json"))
            .and_then(|m| m.schema.as_ref())
    }
}

/// A named example of a response body.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Its key under `examples`.
    pub name: String,
    /// The example body.
    pub value: serde_json::Value,
}

/// A schema with its quirks repaired.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// What values it takes.
    pub kind: SchemaKind,
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// JSON pointer of the schema in the spec.
    pub pointer: String,
}

/// The kinds of schema the generator knows.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaKind {
    /// An object with declared properties.
    Object(Vec<Property>),
    /// An array.
    Array(Box<Schema>),
    /// An object of any keys whose values have one schema (`additionalProperties`).
    Map(Box<Schema>),
    /// A string without enum; `format` may make it a date.
    String(StringFormat),
    /// One of several schemas (`oneOf`, `anyOf`, or a `type` list of scalars), in the
    /// spec's order, which is the order a decoder tries them in.
    OneOf(Vec<Alternative>),
    /// A string restricted to listed values.
    Enum(Vec<String>),
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// Anything (no usable type information).
    Any,
}

/// One alternative of a [`SchemaKind::OneOf`].
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// What names it: the name its `$ref` points at (`PersonnePhysique`), else its `title`,
    /// else its kind (`String`, `Object` …); unique within its list.
    pub label: String,
    /// Whether the label is a name the spec gave (a `$ref`'s or a `title`), not a kind.
    pub named: bool,
    /// Its schema.
    pub schema: Schema,
}

/// String formats that change the Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StringFormat {
    /// Plain text.
    Plain,
    /// `format: date` or the published `type: date`.
    Date,
    /// `format: date-time`.
    DateTime,
}

/// A property of an object schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// JSON name.
    pub name: String,
    /// Whether it is listed in `required`.
    pub required: bool,
    /// Its schema.
    pub schema: Schema,
}
