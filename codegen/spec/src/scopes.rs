//! The scopes each operation needs, from the map API Entreprise publishes beside the spec
//! (`siade_authorizations.yml`): route keys such as `api_entreprise/v3_and_more/insee/unites_legales`
//! map to scope lists. Emitted as a table keyed by x-operationId so that the runtime's
//! `Privileges::allows` can tell, offline, which operations a token opens.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use crate::load;
use crate::profile::Profile;

/// Operation id → scopes, any one of which opens the operation (an empty list: no scope needed).
pub type ScopeMap = BTreeMap<String, Vec<String>>;

/// Reads the profile's section of an authorizations file and maps its route keys to the
/// x-operationIds in `operation_ids`; keys matching no operation are left out.
pub fn load_scope_map(
    path: &Path,
    operation_ids: &[&str],
    profile: &Profile,
) -> Result<ScopeMap, Diagnostics> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::unreadable(path, &e))?;
    parse_scope_map(&path.display().to_string(), &text, operation_ids, profile)
}

/// [`load_scope_map`] on text; `file` names it in diagnostics.
pub fn parse_scope_map(
    file: &str,
    text: &str,
    operation_ids: &[&str],
    profile: &Profile,
) -> Result<ScopeMap, Diagnostics> {
    let Some(rules) = &profile.scope_map else {
        return Ok(ScopeMap::new());
    };
    let one = |d: Diagnostic| {
        let mut all = Diagnostics::default();
        all.push(d);
        all
    };
    let root = load::load_str(file, text).map_err(one)?;
    let shared = root.get(&rules.section).ok_or_else(|| {
        one(Diagnostic {
            severity: Severity::Error,
            kind: "not-a-scope-map",
            file: file.to_string(),
            position: Position { line: 1, column: 1 },
            pointer: String::new(),
            message: format!(
                "no `{}` section: not a {} authorizations file",
                rules.section, profile.api.name
            ),
        })
    })?;
    let mut map = ScopeMap::new();
    for (key, scopes) in shared.entries() {
        let scopes: Vec<String> = scopes
            .items()
            .iter()
            .filter_map(|s| s.scalar_text())
            .collect();
        for id in operation_ids_of(key, &rules.version_ranges) {
            if operation_ids.contains(&id.as_str()) {
                map.insert(id, scopes.clone());
            }
        }
    }
    Ok(map)
}

/// `api_entreprise/v3_and_more/insee/unites_legales` → the v3 and v4 ids
/// `api_entreprise_v3_insee_unites_legales`, `api_entreprise_v4_insee_unites_legales`;
/// `api_entreprise/v2/exercices` → `api_entreprise_v2_exercices`.
/// (The versions a range stands for come from the profile's `scope_map.version_ranges`.)
fn operation_ids_of(key: &str, ranges: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    for (range, versions) in ranges {
        if let Some((api, rest)) = key.split_once(&format!("/{range}/")) {
            return versions
                .iter()
                .map(|v| format!("{api}_{v}_{}", rest.replace('/', "_")))
                .collect();
        }
    }
    vec![key.replace('/', "_")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_keys_map_to_operation_ids_of_each_version() {
        let profile = Profile::api_entreprise();
        let ranges = &profile.scope_map.as_ref().unwrap().version_ranges;
        assert_eq!(
            operation_ids_of("api_entreprise/v3_and_more/inpi/rne/actes_bilans", ranges),
            [
                "api_entreprise_v3_inpi_rne_actes_bilans",
                "api_entreprise_v4_inpi_rne_actes_bilans"
            ]
        );
        assert_eq!(
            operation_ids_of("api_entreprise/v2/exercices", ranges),
            ["api_entreprise_v2_exercices"]
        );
    }
}
