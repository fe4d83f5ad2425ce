//! Error codes, read from the spec's error examples, where the profile's error envelope says
//! (API Entreprise: `errors[].code`).

use std::collections::BTreeMap;

use super::naming::type_ident;
use super::ErrorCode;
use crate::normalize::Response;
use crate::profile::ErrorEnvelope;

/// What one example says about a code.
#[derive(Debug, Clone)]
pub(crate) struct CodeSighting {
    pub code: String,
    pub status: u16,
    pub title: String,
    pub detail: String,
    pub provider: Option<String>,
    /// The example's key, e.g. `dns_resolution_error`: the start of the variant name.
    pub example: String,
}

/// The codes in a response's examples.
pub(crate) fn sightings(response: &Response, envelope: &ErrorEnvelope) -> Vec<CodeSighting> {
    let status = response.status.parse::<u16>().unwrap_or(0);
    let mut out = Vec::new();
    for example in &response.examples {
        for e in envelope.items(&example.value) {
            let text = |pointer: &str| {
                e.pointer(pointer)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let code = match e.pointer(&envelope.code) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => format!("{n:0>5}"),
                _ => continue,
            };
            out.push(CodeSighting {
                code,
                status,
                title: text(&envelope.title),
                detail: text(&envelope.detail),
                provider: e
                    .pointer(&envelope.provider)
                    .and_then(|p| p.as_str())
                    .map(str::to_string),
                example: example.name.clone(),
            });
        }
    }
    out
}

/// One entry per code (its first sighting), named from the example key, qualified by the
/// provider and then the code when several codes would share a name.
pub(crate) fn collect(sightings: Vec<CodeSighting>) -> Vec<ErrorCode> {
    let mut first: BTreeMap<String, CodeSighting> = BTreeMap::new();
    for s in sightings {
        first.entry(s.code.clone()).or_insert(s);
    }
    let base = |s: &CodeSighting| {
        let mut key = s
            .example
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .trim_end_matches('_')
            .to_string();
        if let Some(k) = key.strip_suffix("_error") {
            key = k.to_string();
        }
        let name = type_ident(&key);
        if name == "Empty" || name == "Example" {
            type_ident(&s.title)
        } else {
            name
        }
    };
    let with_provider = |s: &CodeSighting| {
        format!(
            "{}{}",
            base(s),
            s.provider.as_deref().map(type_ident).unwrap_or_default()
        )
    };
    let levels: [&dyn Fn(&CodeSighting) -> String; 3] =
        [&base, &with_provider, &|s: &CodeSighting| {
            format!("{}{}", with_provider(s), s.code)
        }];
    // Names at each level, computed once: a name is taken when two codes share it.
    let per_level: Vec<Vec<String>> = levels
        .iter()
        .map(|level| first.values().map(level).collect())
        .collect();
    let mut counts: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); levels.len()];
    for (i, names) in per_level.iter().enumerate() {
        for n in names {
            *counts[i].entry(n.as_str()).or_default() += 1;
        }
    }
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (j, code) in first.keys().enumerate() {
        let level = (0..levels.len())
            .find(|&i| counts[i][per_level[i][j].as_str()] == 1)
            .unwrap_or(levels.len() - 1);
        names.insert(code.clone(), per_level[level][j].clone());
    }
    first
        .into_values()
        .map(|s| ErrorCode {
            rust_name: names
                .remove(&s.code)
                .unwrap_or_else(|| format!("Code{}", s.code)),
            code: s.code,
            status: s.status,
            title: s.title,
            detail: s.detail,
            provider: s.provider,
        })
        .collect()
}
