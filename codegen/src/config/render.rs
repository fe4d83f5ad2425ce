//! What [`Config::compile`](super::Config::compile) writes, made in memory from texts
//! already read: the generator's whole pipeline, touching no file but those the specs'
//! `$ref`s name (read, never written). `compile` reads the
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
    /// The files, the entry first: `api.rs`, `current.rs` and each other spec's
    /// `<module>.rs`, `mock_data.rs`, `scopes.rs`, `variables.txt`.
    pub files: Vec<RenderedFile>,
    /// The files the specs' `$ref`s named, read besides the specs (a build reruns when one
    /// changes).
    pub referenced: Vec<PathBuf>,
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
    for (i, spec) in specs.iter().enumerate() {
        let (code, files, document) = crate::generate_keeping_stages(
            &spec.path.display().to_string(),
            &spec.text,
            &loaded.profile.for_spec(i),
            &spec.lock,
        )
        .map_err(|diagnostics| Error::Spec {
            path: spec.path.clone(),
            diagnostics,
        })?;
        readings.push((crate::sha256_hex(&spec.text), files, document));
        generated.push((spec.path.clone(), code));
    }
    let referenced = readings
        .iter()
        .flat_map(|(_, files, _)| files.referenced_paths())
        .collect();
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
        files.push(rust(spec_file_name(&loaded.profile, i), code.code.clone()));
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
        referenced,
    })
}

/// `scopes.rs`: the scope map's table for the generated operations.
fn scope_table(
    profile: &Profile,
    specs: &[(PathBuf, Generated)],
    source: Option<&ScopeMapSource>,
) -> Result<String, Error> {
    let Some(source) = source.filter(|_| profile.scope_map.is_some()) else {
        return scope_file(&scopes::ScopeMap::new(), None);
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
    scope_file(&map, Some(&name))
}

/// `scopes.rs` from the table, with a header naming where it comes from.
fn scope_file(map: &scopes::ScopeMap, source: Option<&str>) -> Result<String, Error> {
    let origin = source.map_or_else(
        || "No authorizations file was found when building: the table is empty.".to_string(),
        |s| format!("From `{s}`."),
    );
    let code = format::format_tokens(crate::emit::entry::emit_scope_table(map))?;
    Ok(format!("// @generated by apie-codegen. {origin}\n\n{code}"))
}

/// `mock_data.rs`, from every spec of the profile, the root one first.
fn mock_data_source(
    profile: &Profile,
    specs: &[(PathBuf, Generated)],
    readings: &[(String, crate::files::SpecFiles, crate::normalize::Document)],
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
            |(((_, generated), (sha256, files, document)), file)| mock_data::SpecSource {
                file,
                sha256,
                files,
                document,
                api: &generated.api,
            },
        )
        .collect();
    Ok(mock_data::generate(&sources, profile)?)
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

/// The entry file: the platform constants and value, each spec's modules (the first at the
/// root, the others in their module with their top-level modules re-exported), and the
/// functions that look across all specs.
fn entry_source(loaded: &LoadedProfile, specs: &[(PathBuf, Generated)]) -> Result<String, Error> {
    let profile = &loaded.profile;
    let main = &specs[0].1.api;
    // Each spec's operation table, the root spec's first: the platform value lists them.
    let tables: Vec<proc_macro2::TokenStream> = profile
        .specs
        .iter()
        .map(|entry| match &entry.module {
            None => quote::quote!(crate::operations::ALL),
            Some(module) => {
                let module = crate::emit::ident(module);
                quote::quote!(crate::#module::operations::ALL)
            }
        })
        .collect();
    // Modules of the root spec, which the others must not shadow when re-exported.
    let mut taken: BTreeSet<String> = main.modules().into_keys().collect();
    let files: Vec<String> = (0..specs.len())
        .map(|i| spec_file_name(profile, i))
        .collect();
    let mut entries = Vec::new();
    for ((entry, (_, generated)), file) in profile.specs.iter().zip(specs).zip(&files) {
        let exported = match &entry.module {
            None => Vec::new(),
            Some(_) => generated
                .api
                .modules()
                .into_keys()
                .filter(|m| taken.insert(m.clone()))
                .map(|name| {
                    let feature = generated
                        .api
                        .operations
                        .iter()
                        .find(|o| o.module == name)
                        .and_then(|o| o.feature.clone());
                    (name, feature)
                })
                .collect(),
        };
        entries.push(crate::emit::entry::EntrySpec {
            module: entry.module.as_deref(),
            file,
            doc: entry
                .doc
                .clone()
                .unwrap_or_else(|| format!("The modules of {}.", entry.file)),
            exported,
            variant: entry
                .module
                .as_deref()
                .map_or_else(|| "Current".to_string(), type_ident),
        });
    }
    let mut items = crate::emit::platform::emit_platform(profile, main, &tables);
    items.extend(crate::emit::entry::emit_entry(&entries, MOCK_DATA_FILE));
    let code = format::format_tokens(items)?;
    Ok(format!(
        "// @generated by apie-codegen from the profile (sha256 {}). Do not edit: regenerate.\n\n{code}",
        loaded.sha256
    ))
}
