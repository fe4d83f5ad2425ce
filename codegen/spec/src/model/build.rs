//! From the normalized document to the model: operations, types, error codes, limits.

use std::collections::BTreeSet;

use super::error_codes::{self, CodeSighting};
use super::limits;
use super::names_lock::NamesLock;
use super::naming::{builder_ident, const_ident, field_ident, module_accessor, type_ident};
use super::types::{RootId, TypeRegistry};
use super::{
    Api, ApiVersion, AuthScheme, Operation, OptionLocation, OptionParam, PathParam,
    RequestBodyModel, TypeRef,
};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::normalize::{self, Document, ParamLocation, SchemaKind, StringFormat};
use crate::profile::Profile;

/// Builds the model of a normalized document under a platform profile, keeping the type names
/// `lock` records (an empty lock: names as the model alone gives them). Problems go to
/// `diagnostics`.
pub fn build(
    doc: &Document,
    profile: &Profile,
    lock: &NamesLock,
    diagnostics: &mut Diagnostics,
) -> Api {
    let version_of = |path: &str| version_of(profile, path);
    let mut ops: Vec<&normalize::Operation> = doc.operations.iter().collect();
    ops.sort_by(|a, b| (version_of(&a.path), &a.id).cmp(&(version_of(&b.path), &b.id)));
    let mut warned_versions = BTreeSet::new();
    let mut registry = TypeRegistry::default();
    let mut pending: Vec<(Operation, Option<RootId>, Option<RootId>)> = Vec::new();
    let mut all_codes: Vec<CodeSighting> = Vec::new();
    let mut method_names: BTreeSet<(String, String)> = BTreeSet::new();
    for op in ops {
        let version = version_of(&op.path);
        if let ApiVersion::Versioned(n) = version {
            if !profile.versions.known.contains(&n) && warned_versions.insert(n) {
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    kind: "unknown-version",
                    file: doc.file.clone(),
                    position: op.position,
                    pointer: op.pointer.clone(),
                    message: format!(
                        "path `{}` is in version v{n}, which the profile does not list \
                         (known: {}): generated as a new module `v{n}`",
                        op.path,
                        profile
                            .versions
                            .known
                            .iter()
                            .map(|k| format!("v{k}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
        }
        let module = module_of(profile, version, &op.path);
        let mut method_name = method_name_of(profile, &op.id, version, &op.path);
        if !method_names.insert((module.clone(), method_name.clone())) {
            method_name = field_ident(&op.id);
            method_names.insert((module.clone(), method_name.clone()));
        }
        let success_response = op
            .responses
            .iter()
            .filter(|r| r.status.starts_with('2'))
            .min_by_key(|r| (r.schema.is_none(), r.status.clone()));
        let success_schema = success_response.and_then(|r| r.schema.as_ref());
        let context = vec![format!(
            "{}@{}",
            type_ident(&type_context_name(profile, &op.id, &op.path)),
            type_ident(&version.name())
        )];
        // A route the profile types by hand keeps the spec's schema out of the models.
        let runtime_type = profile.response_types.get(&op.path).cloned();
        let root = success_schema
            .filter(|_| runtime_type.is_none())
            .map(|s| registry.register(s, &context, &body_place(&op.method, &op.path)));
        // The request body's types are named after the operation too (`…RequestBody`), in
        // a place of their own for the names lock.
        let request_root = op
            .request_body
            .as_ref()
            .and_then(|b| b.json_schema())
            .map(|s| {
                let mut context = context.clone();
                context.push("request_body".into());
                let place = format!("{}request", body_place(&op.method, &op.path));
                registry.register(s, &context, &place)
            });
        let mut codes = Vec::new();
        for r in &op.responses {
            let found = error_codes::sightings(r, &profile.error_envelope);
            codes.extend(found.iter().map(|s| s.code.clone()));
            all_codes.extend(found);
        }
        codes.sort();
        codes.dedup();
        let limits::Classification {
            group,
            own_limit,
            limits_per_token,
            limits_per_ip,
            timeout_ms,
        } = limits::classify(profile, &op.id, &op.path, success_schema);
        let mut statuses: Vec<String> = op.responses.iter().map(|r| r.status.clone()).collect();
        statuses.sort();
        let query_names: BTreeSet<&str> = op
            .parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
            .map(|p| p.name.as_str())
            .collect();
        let accessor = module_accessor(&module);
        let feature = match version {
            ApiVersion::Versioned(n)
                if profile.versions.cargo_features && profile.versions.known.contains(&n) =>
            {
                Some(version.name())
            }
            _ => None,
        };
        let operation = Operation {
            feature,
            accessor,
            id: op.id.clone(),
            id_from_route: op.id_from_route,
            version,
            module,
            builder: builder_ident(&method_name),
            meta_const: const_ident(&op.id),
            method_name,
            http_method: op.method.to_ascii_uppercase(),
            path: op.path.clone(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            sunset: op.sunset.clone(),
            path_params: path_params(profile, op, doc, diagnostics),
            options: option_params(profile, op),
            traceability: profile
                .traceability
                .iter()
                .filter(|t| query_names.contains(t.name.as_str()))
                .map(|t| t.name.clone())
                .collect(),
            auth: match profile
                .route_rule(&op.path)
                .and_then(|r| r.security.as_deref())
            {
                Some("none") => AuthScheme::None,
                _ => op.auth.clone(),
            },
            success: runtime_type.map(TypeRef::Runtime),
            auth_scopes: op.scopes.clone(),
            success_media_types: success_response
                .map(|r| r.media_types.clone())
                .unwrap_or_default(),
            request_body: op.request_body.as_ref().map(|b| RequestBodyModel {
                required: b.required,
                media_types: b.content.iter().map(|m| m.media_type.clone()).collect(),
                json: None,
            }),
            statuses,
            error_codes: codes,
            group,
            own_limit,
            limits_per_token,
            limits_per_ip,
            timeout_ms,
            maintenance: op
                .maintenance
                .as_ref()
                .map(|m| (m.from.clone(), m.to.clone())),
        };
        pending.push((operation, root, request_root));
    }
    let (types, roots) = registry.finish(lock);
    let operations = pending
        .into_iter()
        .map(|(mut op, root, request_root)| {
            if let Some(RootId(i)) = root {
                op.success = Some(roots[i].clone());
            }
            if let (Some(body), Some(RootId(i))) = (op.request_body.as_mut(), request_root) {
                body.json = Some(roots[i].clone());
            }
            op
        })
        .collect();
    Api {
        file: doc.file.clone(),
        title: doc.title.clone(),
        spec_version: doc.version.clone(),
        operations,
        types,
        error_codes: error_codes::collect(all_codes),
        servers: doc.servers.clone(),
        error_envelope: profile.error_envelope.clone(),
    }
}

/// The names lock's place of an operation's success body: `GET /v3/x/{}#`, the route's
/// parameter names erased (renaming `{siren}` names nothing new).
fn body_place(method: &str, path: &str) -> String {
    let route: Vec<&str> = path
        .split('/')
        .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
        .collect();
    format!("{} {}#", method.to_ascii_uppercase(), route.join("/"))
}

/// `/v3/...` or `/api/v3/...` → `Versioned(3)`, by the profile's rule; no version segment →
/// unversioned. Any number is a version: the set is open.
pub fn version_of(profile: &Profile, path: &str) -> ApiVersion {
    profile
        .version_of(path)
        .map_or(ApiVersion::Unversioned, ApiVersion::Versioned)
}

fn module_of(profile: &Profile, version: ApiVersion, path: &str) -> String {
    match version {
        ApiVersion::Unversioned => {
            let first = fixed_segments(profile, path)
                .into_iter()
                .next()
                .unwrap_or_default();
            match field_ident(first).as_str() {
                "value" => "root".to_string(),
                name => name.trim_start_matches("r#").to_string(),
            }
        }
        v => v.name(),
    }
}

/// The name types are qualified by for an operation: its x-operationId without prefix and
/// version; for an id made from method and path (old specs without x-operationId), the
/// path's fixed segments after the version, as its method is named, so that those types get
/// short names too (`InseeSireneUnitesLegalesDiffusiblesData`, not
/// `GetV3InseeSireneUnitesLegalesDiffusiblesSirenData`).
fn type_context_name(profile: &Profile, id: &str, path: &str) -> String {
    if id.starts_with(profile.operation_ids.prefix.as_str()) {
        return profile.short_id(id).to_string();
    }
    let fixed = fixed_segments(profile, path);
    if fixed.is_empty() {
        profile.short_id(id).to_string()
    } else {
        fixed.join("_")
    }
}

/// The path's fixed segments after the profile's prefix and the version segment.
fn fixed_segments<'p>(profile: &Profile, path: &'p str) -> Vec<&'p str> {
    let rest = match profile.versioned_rest(path) {
        Some((_, rest)) => rest,
        None => path,
    };
    rest.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect()
}

/// The x-operationId without its prefix and version (`api_entreprise_v3_`); when the id does
/// not follow that pattern, the path's fixed segments after the version.
fn method_name_of(profile: &Profile, id: &str, version: ApiVersion, path: &str) -> String {
    let prefix = format!("{}{}_", profile.operation_ids.prefix, version.name());
    if let Some(short) = id.strip_prefix(&prefix).filter(|s| !s.is_empty()) {
        return field_ident(short);
    }
    let mut fixed = fixed_segments(profile, path);
    // An unversioned route's first segment is its module's name (`watchdoge`): not repeated.
    if version == ApiVersion::Unversioned && fixed.len() > 1 {
        fixed.remove(0);
    }
    let name = field_ident(&fixed.join("_"));
    if name == "value" {
        field_ident(id)
    } else {
        name
    }
}

fn path_params(
    profile: &Profile,
    op: &normalize::Operation,
    doc: &Document,
    diagnostics: &mut Diagnostics,
) -> Vec<PathParam> {
    let mut out = Vec::new();
    for segment in op.path.split('/') {
        let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
            continue;
        };
        let declared = op
            .parameters
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name == name);
        if declared.is_none() {
            diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                kind: "undeclared-path-parameter",
                file: doc.file.clone(),
                position: op.position,
                pointer: op.pointer.clone(),
                message: format!("path parameter `{name}` is not declared: read as a string"),
            });
        }
        out.push(PathParam {
            name: name.to_string(),
            rust_name: field_ident(name),
            identifier: profile
                .identifier_for(name, declared.and_then(|p| p.pattern.as_deref()))
                .to_string(),
            pattern: declared.and_then(|p| p.pattern.clone()),
            allowed: match declared.map(|p| &p.schema.kind) {
                Some(SchemaKind::Enum(values)) => values.clone(),
                _ => Vec::new(),
            },
            bounds: declared.map(|p| p.bounds.clone()).unwrap_or_default(),
            description: declared.and_then(|p| p.description.clone()),
        });
    }
    out
}

fn option_params(profile: &Profile, op: &normalize::Operation) -> Vec<OptionParam> {
    let mut out: Vec<OptionParam> = op
        .parameters
        .iter()
        .filter(|p| match p.location {
            ParamLocation::Query => profile.traceability_param(&p.name).is_none(),
            ParamLocation::Header => !p.name.eq_ignore_ascii_case("authorization"),
            ParamLocation::Cookie => true,
            ParamLocation::Path => false,
        })
        .map(|p| {
            let scalar = |kind: &SchemaKind| match kind {
                SchemaKind::Integer => (TypeRef::Integer, Vec::new()),
                SchemaKind::Number => (TypeRef::Number, Vec::new()),
                SchemaKind::Boolean => (TypeRef::Boolean, Vec::new()),
                SchemaKind::Enum(values) => (TypeRef::String, values.clone()),
                SchemaKind::String(StringFormat::Date) => (TypeRef::Date, Vec::new()),
                _ => (TypeRef::String, Vec::new()),
            };
            // An array parameter (`prenoms[]`) keeps its items' type: one value each.
            let (ty, allowed) = match &p.schema.kind {
                SchemaKind::Array(items) => {
                    let (item, allowed) = scalar(&items.kind);
                    (TypeRef::Array(Box::new(item)), allowed)
                }
                other => scalar(other),
            };
            OptionParam {
                name: p.name.clone(),
                rust_name: field_ident(&p.name),
                location: match p.location {
                    ParamLocation::Header => OptionLocation::Header,
                    ParamLocation::Cookie => OptionLocation::Cookie,
                    ParamLocation::Query | ParamLocation::Path => OptionLocation::Query,
                },
                required: p.required,
                ty,
                description: p.description.clone(),
                allowed,
                pattern: p.pattern.clone(),
                bounds: p.bounds.clone(),
                explode: p.explode,
                deprecated: p.deprecated,
            }
        })
        .collect();
    out.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
    out.dedup_by(|a, b| a.rust_name == b.rust_name);
    out
}
