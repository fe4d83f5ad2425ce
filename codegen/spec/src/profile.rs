//! The platform profile: what the spec does not say about the API (names users see,
//! environments, the versioning rule, traceability, identifiers, endpoint groups and limits,
//! bans, advice per status), read from a YAML file beside the spec with positions, so a
//! mistake in it gets the same `file:line:column` diagnostic as one in the spec.
//!
//! The model takes the profile; emit writes its numbers into the client as constants
//! (`platform`); the runtime, the throttle and the mock read those constants only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use crate::load::{self, Node};

mod groups;

pub use groups::{Classified, ClassifyRule, CountedPer, GroupRule, LimitRule, Matcher};

/// The profile of API Entreprise, embedded so that tools run on a spec file alone (`check`,
/// `diff`) use the same rules as the build.
pub const API_ENTREPRISE_PROFILE: &str = include_str!("../profile.yml");

/// A platform profile.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Names users see.
    pub api: ApiNames,
    /// The crate `apie-codegen generate --crate` writes for this API: its name, version,
    /// description and licence. `None`: only the modules are generated (a crate of one's
    /// own includes them, as `api-entreprise` does).
    #[serde(default)]
    pub package: Option<Package>,
    /// The spec files the client is built from, relative to the profile.
    pub specs: Vec<SpecEntry>,
    /// The scope map's file and rules, when the API publishes one.
    #[serde(default)]
    pub scope_map: Option<ScopeMapRules>,
    /// Deployments; the first is the default.
    pub environments: Vec<EnvironmentEntry>,
    /// How a route's version is read from its path.
    pub versions: Versioning,
    /// How x-operationIds are formed.
    pub operation_ids: OperationIds,
    /// Where the secret comes from.
    pub auth: Auth,
    /// Parameters set once on the client and sent where an operation declares them.
    #[serde(default)]
    pub traceability: Vec<TraceabilityParam>,
    /// Path parameter → identifier type.
    #[serde(default)]
    pub identifiers: Identifiers,
    /// The endpoint groups, by name: limits, timeout and body bound of each.
    pub groups: BTreeMap<String, GroupRule>,
    /// Rules classing operations into groups, with a limit of their own; the first that
    /// matches wins.
    #[serde(default)]
    pub classify: Vec<ClassifyRule>,
    /// The group of an operation no rule matches.
    pub default_group: String,
    /// The group whose timeout and body bound a document download takes.
    pub download_group: String,
    /// Largest document (PDF, ZIP) a download writes, in bytes.
    pub download_max_bytes: u64,
    /// Corrections of the spec by route prefix.
    #[serde(default)]
    pub routes: Vec<RouteRule>,
    /// Routes whose answer the spec leaves without a schema, by path template → the name of
    /// the type the handwritten runtime decodes it into (`/privileges` → `Privileges`).
    #[serde(default)]
    pub response_types: BTreeMap<String, String>,
    /// The limits of one IP address, all tokens together, each in a window of its own
    /// (`{calls: 1000, per_secs: 60}`); none: the server counts no IP limit.
    pub ip_limits: Vec<LimitRule>,
    /// Length of the server's reference window, in seconds: the one `RateLimit-Reset` and
    /// bans count in, and the one a mock's `--minute-ms` scales (every other window scales
    /// by its ratio to it).
    pub window_secs: u64,
    /// Length of a ban, in hours.
    pub ban_hours: u64,
    /// Calls in a row without any answer that trip the client's ban breaker.
    pub breaker_after_no_answer: u32,
    /// 429s a token window may collect before the (mock) server bans the IP.
    pub tolerated_429s: u32,
    /// Plain words per HTTP status (`other` for the rest).
    #[serde(default)]
    pub advice: BTreeMap<String, String>,
    /// Where an error body holds its items and their fields.
    pub error_envelope: ErrorEnvelope,
    /// The codes the server answers on every operation alike (a mock answers them too).
    pub common_error_codes: CommonErrorCodes,
    /// The time zone of the spec's maintenance windows (`x-maintenances`), which the spec
    /// does not name; absent: UTC.
    #[serde(default)]
    pub maintenance_time_zone: Option<MaintenanceTimeZone>,
}

/// A time zone as the maintenance windows need it: a standard offset, a summer time rule.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceTimeZone {
    /// Its name in messages (`Europe/Paris`).
    pub name: String,
    /// The standard (winter) offset from UTC, `+HH:MM` or `-HH:MM`.
    pub utc_offset: String,
    /// The summer time rule.
    #[serde(default)]
    pub summer_time: SummerTimeRule,
}

/// Whether and how the zone moves its clocks in summer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SummerTimeRule {
    /// Never.
    #[default]
    None,
    /// The European Union's: one hour more from the last Sunday of March to the last Sunday
    /// of October, both at 01:00 UTC.
    European,
}

impl MaintenanceTimeZone {
    /// The standard offset in minutes; `None` when `utc_offset` is not `±HH:MM` (at most 14 h).
    pub fn offset_minutes(&self) -> Option<i16> {
        let text = self.utc_offset.as_str();
        let (sign, rest) = match text.as_bytes().first() {
            Some(b'+') => (1, &text[1..]),
            Some(b'-') => (-1, &text[1..]),
            _ => return None,
        };
        let (h, m) = rest.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (i16, i16) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
    }
}

/// The codes the server answers on every operation alike, whatever the provider.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonErrorCodes {
    /// No secret, or not one the server reads (401).
    pub invalid_token: String,
    /// The token has expired (401).
    pub expired_token: String,
    /// The token lacks the operation's scopes (403).
    pub insufficient_privileges: String,
    /// Rate limit exceeded (429).
    pub too_many_requests: String,
}

/// Where an error body holds what the client reads, as JSON pointers: `items` from the body
/// (`/errors`; empty when the body is itself one error), the fields from each item.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorEnvelope {
    /// The list of errors in the body; `""`: the body is one error.
    pub items: String,
    /// The error code.
    pub code: String,
    /// Its short title.
    pub title: String,
    /// Its explanation.
    pub detail: String,
    /// Which parameter caused it.
    pub source: String,
    /// The data provider that failed.
    pub provider: String,
    /// Seconds to wait before retrying.
    pub retry_in: String,
}

impl ErrorEnvelope {
    /// The error items of a body, by the envelope's `items` pointer.
    pub fn items<'v>(&self, body: &'v serde_json::Value) -> Vec<&'v serde_json::Value> {
        if self.items.is_empty() {
            return if body.is_object() {
                vec![body]
            } else {
                Vec::new()
            };
        }
        match body.pointer(&self.items) {
            Some(serde_json::Value::Array(items)) => items.iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// The manifest of a generated crate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The crate's name (`api-fictive`); its library is the same with `_`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// One line for crates.io.
    pub description: String,
    /// Its licence, an SPDX expression.
    pub license: String,
    /// Where its sources live.
    #[serde(default)]
    pub repository: Option<String>,
    /// A Markdown file beside `lib.rs` that becomes the crate's documentation after the
    /// generated lines (a user's guide, its examples run as doctests).
    #[serde(default)]
    pub guide: Option<String>,
    /// The API must never be called from a browser (its secret would be in the page): the
    /// crate refuses to build for `wasm32-unknown-unknown`.
    #[serde(default)]
    pub refuse_browser: bool,
    /// The crate has a `regenerate` feature whose `build.rs` writes the modules again into
    /// `OUT_DIR` (for a spec or profile of the user's own): `lib.rs` includes those then.
    #[serde(default)]
    pub regenerate_feature: bool,
}

/// Names users see.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiNames {
    /// The API's name in messages.
    pub name: String,
    /// Prefix of the environment variables (`API_ENTREPRISE` → `API_ENTREPRISE_TOKEN`).
    pub env_prefix: String,
    /// `User-Agent` product name.
    pub user_agent: String,
    /// Where to renew an expired token.
    #[serde(default)]
    pub token_renewal_url: Option<String>,
}

/// One spec file of the client.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecEntry {
    /// Relative to the profile.
    pub file: String,
    /// Module its code goes in; `None`: the crate's root.
    #[serde(default)]
    pub module: Option<String>,
    /// Documentation of that module.
    #[serde(default)]
    pub doc: Option<String>,
    /// Where this spec's error answers hold their items, when not where the profile's
    /// `error_envelope` says (an older spec answering one error per body).
    #[serde(default)]
    pub error_envelope: Option<ErrorEnvelope>,
}

/// The scope map's file and how its keys read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeMapRules {
    /// Relative to the profile.
    pub file: String,
    /// The mapping of route keys to scopes.
    pub section: String,
    /// A key segment standing for several versions.
    #[serde(default)]
    pub version_ranges: BTreeMap<String, Vec<String>>,
}

/// A deployment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentEntry {
    /// `production`, `staging` …
    pub name: String,
    /// Base URL when the spec's `servers` say nothing.
    pub url: String,
    /// A `servers` entry whose description contains this text gives the URL.
    #[serde(default)]
    pub server_match: Option<String>,
}

/// The versioning rule: `<prefix>v<N>/…` → module `vN`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versioning {
    /// Path prefixes before the `vN` segment (`/`, `/api/`).
    pub path_prefixes: Vec<String>,
    /// Versions known when the profile was written: others get a warning.
    pub known: Vec<u16>,
    /// Whether each known version is a cargo feature of the client (`v3`…), so that a
    /// downstream crate compiles only the versions it uses. The client's `Cargo.toml` must
    /// then declare them (a test checks it); a version not known is always compiled.
    #[serde(default)]
    pub cargo_features: bool,
}

/// How x-operationIds are formed: `<prefix>v<N>_<name>`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationIds {
    /// `api_entreprise_`.
    pub prefix: String,
}

/// Where the secret comes from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// Environment variable holding it.
    pub secret_env: String,
    /// Warn when a JWT expires within this many days.
    #[serde(default)]
    pub warn_days_before_expiry: u64,
}

/// How a traceability value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceabilityCheck {
    /// Non-empty text, trimmed, within `min_chars` and `max_chars`.
    Text,
    /// A SIRET: 14 digits, Luhn key.
    Siret,
    /// A SIREN: 9 digits, Luhn key.
    Siren,
    /// One of `values`.
    OneOf,
    /// Text that `pattern` matches whole.
    Pattern,
}

/// A traceability parameter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceabilityParam {
    /// Query parameter name.
    pub name: String,
    /// Its check.
    pub check: TraceabilityCheck,
    /// Values must have fewer characters than this (`text`).
    #[serde(default)]
    pub max_chars: Option<usize>,
    /// Values must have at least this many characters (`text`; default 1).
    #[serde(default)]
    pub min_chars: Option<usize>,
    /// The values allowed (`one_of`).
    #[serde(default)]
    pub values: Vec<String>,
    /// The regular expression values must match whole (`pattern`; the `regex` crate's syntax).
    #[serde(default)]
    pub pattern: Option<String>,
    /// What to put there, said when it is missing or wrong.
    pub hint: String,
    /// The value must not belong to the company looked up (a SIRET's SIREN).
    #[serde(default)]
    pub not_the_looked_up_company: bool,
}

/// Path parameter → identifier type of the runtime.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identifiers {
    /// By parameter name.
    #[serde(default)]
    pub by_name: BTreeMap<String, String>,
    /// By the spec's `pattern`, exactly.
    #[serde(default)]
    pub by_pattern: Vec<PatternIdentifier>,
}

/// An identifier type chosen by pattern.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternIdentifier {
    /// The spec's `pattern`.
    pub pattern: String,
    /// Identifier type.
    pub identifier: String,
}

/// The runtime's identifier types a profile may name.
pub const IDENTIFIER_TYPES: &[&str] = &[
    "Siren",
    "Siret",
    "Rna",
    "Eori",
    "Year",
    "Month",
    "SiretOrRna",
    "SirenOrRna",
    "SirenOrSiretOrRna",
    "SiretOrEori",
    "PathSegment",
];

/// A correction of the spec for routes under a prefix.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteRule {
    /// Path prefix.
    pub path_prefix: String,
    /// `none`: no token, whatever the spec's security says.
    #[serde(default)]
    pub security: Option<String>,
}

/// A profile and where it was read from.
#[derive(Debug, Clone)]
pub struct LoadedProfile {
    /// The profile.
    pub profile: Profile,
    /// Its folder: spec files are relative to it. `None` for the embedded profile.
    pub dir: Option<PathBuf>,
    /// Its sha256, for generated headers.
    pub sha256: String,
}

impl Profile {
    /// The profile as it applies to the spec at `index` of [`specs`](Self::specs): its
    /// `error_envelope` is that spec's own when the entry gives one. The model of a spec is
    /// built from this.
    pub fn for_spec(&self, index: usize) -> Profile {
        let mut profile = self.clone();
        if let Some(envelope) = self.specs.get(index).and_then(|s| s.error_envelope.clone()) {
            profile.error_envelope = envelope;
        }
        profile
    }

    /// The embedded profile of API Entreprise.
    pub fn api_entreprise() -> Profile {
        match parse("spec/profile.yml", API_ENTREPRISE_PROFILE) {
            Ok(p) => p,
            // A test (`embedded_profile_is_valid`) keeps this branch unreachable.
            Err(d) => panic!("the embedded profile is invalid: {d}"),
        }
    }

    /// `v3` → 3 when `segment` is a version segment.
    pub fn version_number(segment: &str) -> Option<u16> {
        let digits = segment.strip_prefix('v')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    }

    /// The version of a path: `Some(n)` for `<prefix>vN/…`, `None` for an unversioned route.
    pub fn version_of(&self, path: &str) -> Option<u16> {
        self.versioned_rest(path).map(|(n, _)| n)
    }

    /// The version and what follows its segment.
    pub fn versioned_rest<'p>(&self, path: &'p str) -> Option<(u16, &'p str)> {
        self.versions.path_prefixes.iter().find_map(|prefix| {
            let rest = path.strip_prefix(prefix.as_str())?;
            let (segment, tail) = rest.split_once('/').unwrap_or((rest, ""));
            Self::version_number(segment).map(|n| (n, tail))
        })
    }

    /// `api_entreprise_v3_insee_unites_legales` → `insee_unites_legales`.
    pub fn short_id<'i>(&self, operation_id: &'i str) -> &'i str {
        let rest = operation_id
            .strip_prefix(self.operation_ids.prefix.as_str())
            .unwrap_or(operation_id);
        match rest.split_once('_') {
            Some((v, tail)) if Self::version_number(v).is_some() => tail,
            _ => rest,
        }
    }

    /// The route rule covering `path`, if any.
    pub fn route_rule(&self, path: &str) -> Option<&RouteRule> {
        self.routes
            .iter()
            .find(|r| path.starts_with(r.path_prefix.as_str()))
    }

    /// The identifier type of a path parameter.
    pub fn identifier_for(&self, name: &str, pattern: Option<&str>) -> &str {
        if let Some(t) = self.identifiers.by_name.get(name) {
            return t;
        }
        pattern
            .and_then(|p| {
                self.identifiers
                    .by_pattern
                    .iter()
                    .find(|r| r.pattern == p)
                    .map(|r| r.identifier.as_str())
            })
            .unwrap_or("PathSegment")
    }

    /// The traceability parameter called `name`.
    pub fn traceability_param(&self, name: &str) -> Option<&TraceabilityParam> {
        self.traceability.iter().find(|t| t.name == name)
    }

    /// The environment variable `<PREFIX>_<suffix>`.
    pub fn env_var(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.api.env_prefix)
    }
}

/// Reads a profile file.
pub fn load_file(path: &Path) -> Result<LoadedProfile, Diagnostics> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        one(
            &file,
            "unreadable",
            Position::default(),
            "",
            format!("cannot read the profile: {e}"),
        )
    })?;
    let profile = parse(&file, &text)?;
    Ok(LoadedProfile {
        profile,
        dir: path.parent().map(Path::to_path_buf),
        sha256: crate::sha256_hex(text.as_bytes()),
    })
}

/// The embedded profile of API Entreprise, as a [`LoadedProfile`] with no folder.
pub fn embedded() -> LoadedProfile {
    LoadedProfile {
        profile: Profile::api_entreprise(),
        dir: None,
        sha256: crate::sha256_hex(API_ENTREPRISE_PROFILE.as_bytes()),
    }
}

/// Parses profile text; `file` names it in diagnostics.
pub fn parse(file: &str, text: &str) -> Result<Profile, Diagnostics> {
    let root = load::load_str(file, text).map_err(|d| {
        let mut all = Diagnostics::default();
        all.push(d);
        all
    })?;
    let json = root.to_json();
    let profile: Profile = serde_path_to_error::deserialize(&json).map_err(|e| {
        let segments: Vec<String> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                _ => None,
            })
            .collect();
        let (node, pointer) = deepest(&root, &segments);
        one(
            file,
            "invalid-profile",
            node.position,
            &pointer,
            e.inner().to_string(),
        )
    })?;
    let mut problems = Diagnostics::default();
    check(file, &root, &profile, &mut problems);
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(profile)
}

/// Checks what serde cannot: names that must exist, numbers that must not be zero.
fn check(file: &str, root: &Node, profile: &Profile, out: &mut Diagnostics) {
    let mut error = |path: &[&str], message: String| {
        let segments: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let (node, pointer) = deepest(root, &segments);
        out.push(Diagnostic {
            severity: Severity::Error,
            kind: "invalid-profile",
            file: file.to_string(),
            position: node.position,
            pointer,
            message,
        });
    };
    let mut identifiers: Vec<(String, &str)> = profile
        .identifiers
        .by_name
        .iter()
        .map(|(k, v)| (format!("by_name/{k}"), v.as_str()))
        .collect();
    identifiers.extend(
        profile
            .identifiers
            .by_pattern
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("by_pattern/{i}/identifier"), r.identifier.as_str())),
    );
    for (at, ty) in identifiers {
        if !IDENTIFIER_TYPES.contains(&ty) {
            let path: Vec<&str> = std::iter::once("identifiers")
                .chain(at.split('/'))
                .collect();
            error(
                &path,
                format!(
                    "`{ty}` is not an identifier type of the runtime (one of {})",
                    IDENTIFIER_TYPES.join(", ")
                ),
            );
        }
    }
    for (i, t) in profile.traceability.iter().enumerate() {
        let index = i.to_string();
        let problem = match t.check {
            TraceabilityCheck::OneOf if t.values.is_empty() => {
                Some(("values", "`one_of` needs the `values` it allows"))
            }
            TraceabilityCheck::Pattern if t.pattern.is_none() => {
                Some(("check", "`pattern` needs the `pattern` values must match"))
            }
            _ if t.pattern.is_some() && t.check != TraceabilityCheck::Pattern => {
                Some(("pattern", "`pattern` is for a `pattern` check"))
            }
            TraceabilityCheck::OneOf | TraceabilityCheck::Text => None,
            _ if !t.values.is_empty() => Some(("values", "`values` is for a `one_of` check")),
            _ if t.min_chars.is_some() || t.max_chars.is_some() => Some((
                "check",
                "`min_chars` and `max_chars` are for a `text` check",
            )),
            _ => None,
        };
        if let Some((key, message)) = problem {
            error(&["traceability", &index, key], message.to_string());
        }
        if let Some(pattern) = &t.pattern {
            // The runtime checks with this engine, anchored: what it cannot read is said here.
            if let Err(e) = regex_lite::Regex::new(&format!("^(?:{pattern})$")) {
                error(
                    &["traceability", &index, "pattern"],
                    format!("`{pattern}` is not a regular expression the runtime reads: {e}"),
                );
            }
        }
        if let (Some(min), Some(max)) = (t.min_chars, t.max_chars) {
            if min >= max {
                error(
                    &["traceability", &index, "min_chars"],
                    format!("no text has at least {min} characters and fewer than {max}"),
                );
            }
        }
    }
    let named = [
        ("default_group", profile.default_group.as_str()),
        ("download_group", profile.download_group.as_str()),
    ];
    let ip_limits = groups::ip_limit_problems(&profile.ip_limits);
    for (path, message) in groups::problems(&profile.groups, &profile.classify, &named)
        .into_iter()
        .chain(ip_limits)
    {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        error(&path, message);
    }
    for (i, r) in profile.routes.iter().enumerate() {
        if r.security.as_deref().is_some_and(|s| s != "none") {
            let index = i.to_string();
            error(
                &["routes", &index, "security"],
                "`security` can only be `none` (the spec's own security applies otherwise)"
                    .to_string(),
            );
        }
    }
    for (route, name) in &profile.response_types {
        let rust_name = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !rust_name {
            error(
                &["response_types", route],
                format!("`{name}` is not the name of a runtime type (PascalCase ASCII)"),
            );
        }
    }
    let indexes: Vec<String> = (0..profile.specs.len()).map(|i| i.to_string()).collect();
    let envelopes = std::iter::once((vec!["error_envelope"], &profile.error_envelope)).chain(
        profile.specs.iter().zip(&indexes).filter_map(|(spec, i)| {
            let at = vec!["specs", i.as_str(), "error_envelope"];
            spec.error_envelope.as_ref().map(|e| (at, e))
        }),
    );
    for (at, envelope) in envelopes {
        for (key, pointer) in [
            ("code", &envelope.code),
            ("title", &envelope.title),
            ("detail", &envelope.detail),
            ("source", &envelope.source),
            ("provider", &envelope.provider),
            ("retry_in", &envelope.retry_in),
            ("items", &envelope.items),
        ] {
            let blank_items = key == "items" && pointer.is_empty();
            if !blank_items && !pointer.starts_with('/') {
                let path: Vec<&str> = at.iter().copied().chain([key]).collect();
                error(
                    &path,
                    format!("`{pointer}` is not a JSON pointer (it starts with `/`)"),
                );
            }
        }
    }
    if profile.specs.is_empty() {
        error(&["specs"], "at least one spec file is needed".to_string());
    }
    // A spec's module names its generated file (`<module>.rs`, the root spec `current.rs`).
    for (i, spec) in profile.specs.iter().enumerate() {
        let index = i.to_string();
        match spec.module.as_deref() {
            Some(module) if RESERVED_FILE_STEMS.contains(&module) => error(
                &["specs", &index, "module"],
                format!("`{module}` names a generated file of its own: choose another module name"),
            ),
            None if i > 0 => error(
                &["specs", &index, "module"],
                "every spec but the first needs a `module`: their items would collide".to_string(),
            ),
            _ => {}
        }
    }
    if profile.environments.is_empty() {
        error(
            &["environments"],
            "at least one environment is needed".to_string(),
        );
    }
    if profile.window_secs == 0 {
        error(
            &["window_secs"],
            "the window cannot last 0 seconds".to_string(),
        );
    }
    if let Some(zone) = &profile.maintenance_time_zone {
        if zone.offset_minutes().is_none() {
            error(
                &["maintenance_time_zone", "utc_offset"],
                format!(
                    "`{}` is not an offset `+HH:MM` or `-HH:MM`",
                    zone.utc_offset
                ),
            );
        }
    }
    if profile.versions.path_prefixes.is_empty() {
        error(
            &["versions", "path_prefixes"],
            "at least one path prefix is needed (`/`)".to_string(),
        );
    }
}

/// File stems the generator writes besides the specs' modules: a spec's module may not take
/// one (`api.rs` the entry, `current.rs` the root spec, `scopes.rs`, `mock_data.rs`).
pub const RESERVED_FILE_STEMS: &[&str] = &["api", "current", "scopes", "mock_data"];

/// The deepest node along `segments`, with its JSON pointer.
fn deepest<'n>(root: &'n Node, segments: &[String]) -> (&'n Node, String) {
    let mut node = root;
    let mut pointer = String::new();
    for s in segments {
        let next = match &node.value {
            load::Value::Map(_) => node.get(s),
            load::Value::Seq(items) => s.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => {
                node = n;
                pointer.push('/');
                pointer.push_str(&crate::diagnostic::escape_pointer_token(s));
            }
            None => break,
        }
    }
    (node, pointer)
}

fn one(
    file: &str,
    kind: &'static str,
    position: Position,
    pointer: &str,
    message: String,
) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.push(Diagnostic {
        severity: Severity::Error,
        kind,
        file: file.to_string(),
        position,
        pointer: pointer.to_string(),
        message,
    });
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_profile_is_valid() {
        let p = parse("profile.yml", API_ENTREPRISE_PROFILE).expect("valid");
        let limit = LimitRule {
            calls: 250,
            per_secs: 60,
        };
        assert_eq!(p.groups["json"].limits, [limit]);
        assert_eq!(p.groups["documents"].timeout_ms, 12_000);
        assert_eq!(p.groups["monitoring"].counted_per, CountedPer::Ip);
        let ip = LimitRule {
            calls: 1000,
            per_secs: 60,
        };
        assert_eq!(p.ip_limits, [ip]);
        assert_eq!(p.traceability.len(), 3);
    }

    #[test]
    fn versions_are_an_open_set() {
        let p = Profile::api_entreprise();
        assert_eq!(p.version_of("/v3/insee/x"), Some(3));
        assert_eq!(p.version_of("/v5/new/route"), Some(5));
        assert_eq!(p.version_of("/api/v2/entreprises/{siren}"), Some(2));
        assert_eq!(p.version_of("/privileges"), None);
        assert_eq!(p.version_of("/watchdoge/dashboard"), None);
        assert_eq!(p.version_of("/vendors/x"), None);
        assert_eq!(
            p.short_id("api_entreprise_v3_insee_unites_legales"),
            "insee_unites_legales"
        );
        assert_eq!(p.short_id("api_entreprise_v12_x"), "x");
        assert_eq!(p.short_id("privileges"), "privileges");
    }

    #[test]
    fn identifiers_by_name_then_pattern() {
        let p = Profile::api_entreprise();
        assert_eq!(p.identifier_for("siren", None), "Siren");
        assert_eq!(p.identifier_for("id", Some("^\\d{14}$")), "Siret");
        assert_eq!(p.identifier_for("id", None), "PathSegment");
    }

    #[test]
    fn a_bad_value_points_at_its_line() {
        let text = API_ENTREPRISE_PROFILE.replace("ban_hours: 12", "ban_hours: lots");
        let d = parse("p.yml", &text).unwrap_err();
        let first = &d.items()[0];
        assert_eq!(first.kind, "invalid-profile");
        assert_eq!(first.pointer, "/ban_hours");
        let line = API_ENTREPRISE_PROFILE
            .lines()
            .position(|l| l.starts_with("ban_hours"))
            .unwrap()
            + 1;
        assert_eq!(first.position.line, line, "{d}");
    }

    #[test]
    fn an_unknown_identifier_type_is_an_error() {
        let text = API_ENTREPRISE_PROFILE.replace("eori: Eori", "eori: Eoir");
        let d = parse("p.yml", &text).unwrap_err();
        assert!(
            d.to_string().contains("`Eoir` is not an identifier type"),
            "{d}"
        );
        assert_eq!(d.items()[0].pointer, "/identifiers/by_name/eori");
    }

    #[test]
    fn groups_are_named_by_the_profile_and_rules_name_them() {
        // A rule naming a group there is not, pointed at.
        let text = API_ENTREPRISE_PROFILE.replace(
            "  - route_prefix: /watchdoge/\n    group: monitoring",
            "  - route_prefix: /watchdoge/\n    group: supervision",
        );
        let d = parse("p.yml", &text).unwrap_err();
        assert!(
            d.to_string().contains(
                "`supervision` is not a group of `groups` (one of documents, json, monitoring)"
            ),
            "{d}"
        );
        let line = text
            .lines()
            .position(|l| l.contains("supervision"))
            .unwrap()
            + 1;
        assert_eq!(d.items()[0].position.line, line);
        // A rule matching on two things at once is ambiguous.
        let text = API_ENTREPRISE_PROFILE.replace(
            "  - route_prefix: /watchdoge/\n",
            "  - route_prefix: /watchdoge/\n    short_id: ping\n",
        );
        let d = parse("p.yml", &text).unwrap_err();
        assert!(d.to_string().contains("names exactly one of"), "{d}");
        // Any name, any number of limits, counted per IP; but a name that makes a constant.
        let text = API_ENTREPRISE_PROFILE.replace(
            "  monitoring:\n",
            "  per_second:\n    limits: [{ calls: 20, per_secs: 1 }, { calls: 900, per_secs: 60 }]\n    counted_per: ip\n    timeout_ms: 1000\n    max_body_bytes: 1024\n  monitoring:\n",
        );
        let p = parse("p.yml", &text).expect("valid");
        assert_eq!(p.groups["per_second"].limits.len(), 2);
        let d = parse("p.yml", &text.replace("per_second:", "Per-Second:")).unwrap_err();
        assert!(
            d.to_string().contains("`Per-Second` is not a group name"),
            "{d}"
        );
        let d = parse(
            "p.yml",
            &text.replace("calls: 20, per_secs: 1", "calls: 20, per_secs: 0"),
        )
        .unwrap_err();
        assert_eq!(d.items()[0].pointer, "/groups/per_second/limits/0");
    }

    #[test]
    fn the_ip_has_any_number_of_limits_each_checked_at_its_line() {
        let two = "ip_limits:\n  - { calls: 20, per_secs: 1 }\n  - { calls: 1000, per_secs: 60 }\n";
        let text =
            API_ENTREPRISE_PROFILE.replace("ip_limits:\n  - { calls: 1000, per_secs: 60 }\n", two);
        let p = parse("p.yml", &text).expect("valid");
        let per_secs: Vec<u64> = p.ip_limits.iter().map(|l| l.per_secs).collect();
        assert_eq!(per_secs, [1, 60]);
        let broken = text.replace(
            "  - { calls: 20, per_secs: 1 }",
            "  - { calls: 0, per_secs: 1 }",
        );
        let d = parse("p.yml", &broken).unwrap_err();
        assert_eq!(d.items()[0].pointer, "/ip_limits/0");
        let line = broken
            .lines()
            .position(|l| l == "  - { calls: 0, per_secs: 1 }")
            .unwrap()
            + 1;
        assert_eq!(d.items()[0].position.line, line, "{d}");
        assert!(d.to_string().contains("allows nothing"), "{d}");
        // The old single number is refused by name, not silently dropped.
        let old = API_ENTREPRISE_PROFILE.replace(
            "ip_limits:\n  - { calls: 1000, per_secs: 60 }\n",
            "ip_limit_per_minute: 1000\n",
        );
        let d = parse("p.yml", &old).unwrap_err();
        assert!(d.to_string().contains("ip_limit"), "{d}");
    }

    #[test]
    fn an_unknown_key_is_an_error() {
        let text =
            API_ENTREPRISE_PROFILE.replace("window_secs: 60", "window_secs: 60\nwindow_size: 60");
        let d = parse("p.yml", &text).unwrap_err();
        assert!(d.to_string().contains("window_size"), "{d}");
    }

    #[test]
    fn traceability_checks_are_an_open_set_checked_for_their_fields() {
        let with = |check: &str| {
            API_ENTREPRISE_PROFILE.replace(
                "  - name: context\n    check: text\n",
                &format!("  - name: context\n{check}"),
            )
        };
        let listed = parse("p.yml", &with("    check: one_of\n    values: [a, b]\n")).unwrap();
        assert_eq!(listed.traceability[0].check, TraceabilityCheck::OneOf);
        assert_eq!(listed.traceability[0].values, ["a", "b"]);
        let siren = parse("p.yml", &with("    check: siren\n")).unwrap();
        assert_eq!(siren.traceability[0].check, TraceabilityCheck::Siren);
        let pattern = parse(
            "p.yml",
            &with("    check: pattern\n    pattern: '[A-Z]{2}-[0-9]{4}'\n"),
        )
        .unwrap();
        assert_eq!(pattern.traceability[0].check, TraceabilityCheck::Pattern);
        assert_eq!(
            pattern.traceability[0].pattern.as_deref(),
            Some("[A-Z]{2}-[0-9]{4}")
        );
        for (bad, said) in [
            ("    check: pattern\n", "needs the `pattern`"),
            (
                "    check: text\n    pattern: '[0-9]+'\n",
                "for a `pattern` check",
            ),
            (
                "    check: pattern\n    pattern: '(unclosed'\n",
                "not a regular expression the runtime reads",
            ),
            ("    check: one_of\n", "needs the `values`"),
            (
                "    check: siret\n    values: [a]\n",
                "for a `one_of` check",
            ),
            (
                "    check: text\n    min_chars: 5\n    max_chars: 5\n",
                "no text has",
            ),
        ] {
            let d = parse("p.yml", &with(bad)).unwrap_err();
            assert!(d.to_string().contains(said), "{bad}: {d}");
        }
    }

    #[test]
    fn the_maintenance_time_zone_is_read_and_checked() {
        let profile = parse("p.yml", API_ENTREPRISE_PROFILE).unwrap();
        let zone = profile
            .maintenance_time_zone
            .expect("API Entreprise names its zone");
        assert_eq!(zone.offset_minutes(), Some(60));
        assert_eq!(zone.summer_time, SummerTimeRule::European);
        let text = API_ENTREPRISE_PROFILE.replace("utc_offset: \"+01:00\"", "utc_offset: \"1h\"");
        let d = parse("p.yml", &text).unwrap_err();
        assert!(d.to_string().contains("`1h` is not an offset"), "{d}");
        assert_eq!(d.items()[0].pointer, "/maintenance_time_zone/utc_offset");
        let west = MaintenanceTimeZone {
            name: "America/Sao_Paulo".into(),
            utc_offset: "-03:00".into(),
            summer_time: SummerTimeRule::None,
        };
        assert_eq!(west.offset_minutes(), Some(-180));
    }
}
