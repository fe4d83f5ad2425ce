//! What [`Config::compile`](super::Config::compile) writes, made in memory from texts
//! already read: the generator's whole pipeline with no file touched. `compile` reads the
//! files and writes what this gives; the fuzz target `spec_bytes` (`fuzz/`) and the
//! property tests run it on hostile specs.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{
    spec_env, spec_file_name, Error, ENTRY_FILE, MOCK_DATA_FILE, PROFILE_ENV, VARIABLES_FILE,
};
use crate::emit::mock_data;
use crate::model::names_lock::NamesLock;
use crate::model::naming::type_ident;
use crate::profile::{LoadedProfile, Profile};
use crate::{format, scopes, Generated};

/// One spec of the profile, read.
#[derive(Debug, Clone)]
pub struct SpecSource {
    /// The file it was read from, named in diagnostics and in the generated header.
    pub path: PathBuf,
    /// Its bytes.
    pub text: Vec<u8>,
    /// The names lock of its profile entry (empty for a first generation).
    pub lock: NamesLock,
}

/// The scope map, read.
#[derive(Debug, Clone)]
pub struct ScopeMapSource {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Its name in the output folder.
    pub name: String,
    /// Its content.
    pub text: String,
    /// Whether it is Rust source (which `compile` may pass through rustfmt).
    pub rust: bool,
}

/// Everything a build generates.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Each spec with its generated code, in the profile's order.
    pub specs: Vec<(PathBuf, Generated)>,
    /// The files, the entry first: `api.rs`, `spec<i>.rs`…, `mock_data.rs`, `scopes.rs`,
    /// `variables.txt`.
    pub files: Vec<RenderedFile>,
}

/// Generates every file of a build of `loaded` from `specs` (one per spec of the profile,
/// in its order) and the scope map (`None`: an empty table). The first error stops it.
pub fn render(
    loaded: &LoadedProfile,
    specs: &[SpecSource],
    scope_map: Option<&ScopeMapSource>,
) -> Result<Rendered, Error> {
    if specs.len() != loaded.profile.specs.len() || specs.is_empty() {
        return Err(Error::Sources {
            given: specs.len(),
            expected: loaded.profile.specs.len(),
        });
    }
    let mut generated = Vec::new();
    // The YAML tree and the normalized document of each spec, for the mock data: kept from
    // the run that generated its code rather than read twice.
    let mut readings = Vec::new();
    for spec in specs {
        let (code, root, document) = crate::generate_keeping_stages(
            &spec.path.display().to_string(),
            &spec.text,
            &loaded.profile,
            &spec.lock,
        )
        .map_err(|diagnostics| Error::Spec {
            path: spec.path.clone(),
            diagnostics,
        })?;
        readings.push((crate::sha256_hex(&spec.text), root, document));
        generated.push((spec.path.clone(), code));
    }
    let rust = |name: String, text: String| RenderedFile {
        name,
        text,
        rust: true,
    };
    let mut files = vec![rust(
        ENTRY_FILE.to_string(),
        entry_source(loaded, &generated)?,
    )];
    for (i, (_, code)) in generated.iter().enumerate() {
        files.push(rust(spec_file_name(i), code.code.clone()));
    }
    files.push(rust(
        MOCK_DATA_FILE.to_string(),
        mock_data_source(&loaded.profile, &generated, &readings)?,
    ));
    files.push(rust(
        "scopes.rs".to_string(),
        scope_table(&loaded.profile, &generated, scope_map)?,
    ));
    files.push(RenderedFile {
        name: VARIABLES_FILE.to_string(),
        text: variables_source(&loaded.profile),
        rust: false,
    });
    Ok(Rendered {
        specs: generated,
        files,
    })
}

/// `scopes.rs`: the scope map's table for the generated operations.
fn scope_table(
    profile: &Profile,
    specs: &[(PathBuf, Generated)],
    source: Option<&ScopeMapSource>,
) -> Result<String, Error> {
    let Some(source) = source.filter(|_| profile.scope_map.is_some()) else {
        return Ok(scopes::emit_scope_table(&scopes::ScopeMap::new(), None));
    };
    let ids: Vec<&str> = specs
        .iter()
        .flat_map(|(_, g)| g.api.operations.iter().map(|o| o.id.as_str()))
        .collect();
    let map = scopes::parse_scope_map(
        &source.path.display().to_string(),
        &source.text,
        &ids,
        profile,
    )
    .map_err(Error::ScopeMap)?;
    let name = source
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(scopes::emit_scope_table(&map, Some(&name)))
}

/// `mock_data.rs`, from every spec of the profile, the root one first.
fn mock_data_source(
    profile: &Profile,
    specs: &[(PathBuf, Generated)],
    readings: &[(String, crate::load::Node, crate::normalize::Document)],
) -> Result<String, Error> {
    let names: Vec<String> = specs
        .iter()
        .map(|(path, _)| crate::display_name(&path.display().to_string()))
        .collect();
    let sources: Vec<mock_data::SpecSource<'_>> = specs
        .iter()
        .zip(readings)
        .zip(&names)
        .map(
            |(((_, generated), (sha256, root, document)), file)| mock_data::SpecSource {
                file,
                sha256,
                root,
                document,
                api: &generated.api,
            },
        )
        .collect();
    mock_data::generate(&sources, profile).map_err(|message| {
        let path = specs.first().map(|(p, _)| p.clone()).unwrap_or_default();
        Error::Spec {
            diagnostics: crate::internal(&path, &message),
            path,
        }
    })
}

/// The variables that change what [`Config::compile`] generates, one a line after a comment.
fn variables_source(profile: &Profile) -> String {
    let mut vars = vec![PROFILE_ENV.to_string()];
    vars.extend((0..profile.specs.len()).map(|i| spec_env(profile, i)));
    if profile.scope_map.is_some() {
        vars.push(profile.env_var("AUTHORIZATIONS"));
    }
    format!(
        "# @generated by apie-codegen: the variables that change the generated code.\n{}\n",
        vars.join("\n")
    )
}

/// The entry file: the platform constants, each spec's modules (the first at the root, the
/// others in their module with their top-level modules re-exported), and the functions that
/// look across all specs.
fn entry_source(loaded: &LoadedProfile, specs: &[(PathBuf, Generated)]) -> Result<String, Error> {
    let main = &specs[0].1.api;
    // Each spec's operation table, the root spec's first: the platform value lists them.
    let tables: Vec<proc_macro2::TokenStream> = loaded
        .profile
        .specs
        .iter()
        .map(|entry| match &entry.module {
            None => quote::quote!(crate::operations::ALL),
            Some(module) => {
                let module = quote::format_ident!("{}", module);
                quote::quote!(crate::#module::operations::ALL)
            }
        })
        .collect();
    let platform = format::format_tokens(crate::emit::platform::emit_platform(
        &loaded.profile,
        main,
        &tables,
    ))
    .map_err(|message| Error::Spec {
        path: specs[0].0.clone(),
        diagnostics: crate::internal(&specs[0].0, &message),
    })?;
    let lints = "#[allow(\n    clippy::doc_lazy_continuation,\n    clippy::doc_overindented_list_items,\n    clippy::too_long_first_doc_paragraph\n)]";
    let mut out = format!(
        "// @generated by apie-codegen from the profile (sha256 {}). Do not edit: regenerate.\n\n{platform}\n",
        loaded.sha256
    );
    // Modules of the root spec, which the others must not shadow when re-exported.
    let mut taken: BTreeSet<String> = main.modules().into_keys().collect();
    let mut variants: Vec<(String, String, String)> = Vec::new();
    for (i, (entry, (_, generated))) in loaded.profile.specs.iter().zip(specs).enumerate() {
        let file = spec_file_name(i);
        match &entry.module {
            None => {
                out.push_str(&format!(
                    "// The spec's prose is Markdown for a web page: its lists and long first paragraphs are not\n// written for clippy's doc lints, and rewording them would change the API's own text.\n{lints}\nmod generated_{i} {{\n    include!(\"{file}\");\n}}\n\npub use generated_{i}::*;\n\n"
                ));
                variants.push((String::from("Current"), String::new(), "root".to_string()));
            }
            Some(module) => {
                let doc = entry
                    .doc
                    .clone()
                    .unwrap_or_else(|| format!("The modules of {}.", entry.file));
                out.push_str(&format!(
                    "#[doc = {doc:?}]\n{lints}\npub mod {module} {{\n    include!(\"{file}\");\n}}\n\n"
                ));
                let exported: Vec<String> = generated
                    .api
                    .modules()
                    .into_keys()
                    .filter(|m| taken.insert(m.clone()))
                    .collect();
                // One re-export a module, under the module's feature when it has one.
                for name in &exported {
                    let feature = generated
                        .api
                        .operations
                        .iter()
                        .find(|o| &o.module == name)
                        .and_then(|o| o.feature.clone());
                    if let Some(feature) = feature {
                        out.push_str(&format!("#[cfg(feature = \"{feature}\")]\n"));
                    }
                    out.push_str(&format!("pub use {module}::{name};\n"));
                }
                if !exported.is_empty() {
                    out.push('\n');
                }
                variants.push((
                    type_ident(module),
                    format!("{module}::"),
                    format!("`{module}`"),
                ));
            }
        }
    }
    // Each spec: its variant of `AnySuccessBody`, the path to its items ("" for the root
    // spec, whose items are re-exported at the crate's root), and how docs name it.
    let enum_variants: String = variants
        .iter()
        .map(|(v, path, name)| {
            format!("    /// An operation of the {name} spec.\n    {v}({path}SuccessBody),\n")
        })
        .collect();
    let decode_arms: String = variants
        .iter()
        .map(|(v, path, _)| {
            format!("    if let Some(result) = {path}decode(operation_id, status, body) {{\n        return Some(result.map(AnySuccessBody::{v}));\n    }}\n")
        })
        .collect();
    let collect_arms: String = variants
        .iter()
        .map(|(v, _, _)| {
            format!("            AnySuccessBody::{v}(body) => runtime::Undeclared::collect_undeclared(body, path, report),\n")
        })
        .collect();
    let find_arms: Vec<String> = variants
        .iter()
        .map(|(_, path, _)| format!("{path}operations::find(operation_id)"))
        .collect();
    let all_chain: Vec<String> = variants
        .iter()
        .map(|(_, path, _)| format!("{path}operations::ALL.iter()"))
        .collect();
    out.push_str(&format!(
        "/// A decoded success body from any of the specs.\n#[derive(Debug, Clone, PartialEq, serde::Serialize)]\n#[serde(untagged)]\npub enum AnySuccessBody {{\n{enum_variants}}}\n\n\
impl runtime::Undeclared for AnySuccessBody {{\n    fn collect_undeclared(&self, path: &mut String, report: &mut runtime::UndeclaredReport) {{\n        match self {{\n{collect_arms}        }}\n    }}\n}}\n\n\
/// [`decode`] over every spec: `None` when none has that x-operationId.\npub fn decode_any(\n    operation_id: &str,\n    status: u16,\n    body: &[u8],\n) -> Option<Result<AnySuccessBody, Error>> {{\n{decode_arms}    None\n}}\n\n\
/// The operation with this x-operationId in any of the specs.\npub fn find_operation(operation_id: &str) -> Option<&'static runtime::OperationMeta> {{\n    {}\n}}\n\n\
/// Every operation of every spec, the root spec's first.\npub fn all_operations() -> impl Iterator<Item = &'static runtime::OperationMeta> {{\n    {}\n        .copied()\n}}\n\n\
mod scopes {{\n    include!(\"scopes.rs\");\n}}\n\n\
/// The scopes that open `operation_id`, any one of them sufficing (empty: none needed).\n/// `None` when the scope map was not available at build time or does not list the operation.\npub fn required_scopes(operation_id: &str) -> Option<&'static [&'static str]> {{\n    scopes::SCOPES\n        .binary_search_by(|(id, _)| (*id).cmp(operation_id))\n        .ok()\n        .map(|i| scopes::SCOPES[i].1)\n}}\n\n\
/// What the local mock of the API (`apie-mock`) serves besides staging payloads, read from the\n/// specs the client was built from: each operation's example bodies and the error catalogue,\n/// as JSON text. Behind the `mock-data` feature, since a client calling the API needs none of it.\n#[cfg(feature = \"mock-data\")]\npub mod mock_data {{\n    include!(\"{MOCK_DATA_FILE}\");\n}}\n",
        find_arms.join("\n        .or_else(|| ") + &")".repeat(find_arms.len() - 1),
        all_chain.join("\n        .chain(") + &")".repeat(all_chain.len() - 1),
    ));
    Ok(out)
}
