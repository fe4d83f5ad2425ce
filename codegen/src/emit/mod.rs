//! Stage 4, emit: the model to Rust tokens (quote), one file per spec. The modules are
//! `models` (types), `errors` (error codes), `operations` (metadata constants), one module of
//! request builders per API version or unversioned route, and the `decode` dispatch.
//! Generated code calls the handwritten runtime (`crate::runtime`) and nothing else.

mod aliases;
mod client;
mod dispatch;
pub mod entry;
mod errors;
pub(crate) mod gates;
pub mod mock_data;
mod one_of;
mod operations;
pub mod platform;
mod struct_serde;
mod types;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::naming::rust_type_path;
use crate::model::{Api, TypeRef};

/// A top-level item of a generated file. Parts are emitted and formatted apart, so that
/// the work spreads over several cores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// The `models` module.
    Models,
    /// The `errors` module.
    Errors,
    /// The `operations` metadata module.
    Metadata,
    /// A module of request builders (`v3`, `privileges` …).
    Module(String),
    /// `SuccessBody` and `decode`.
    Dispatch,
}

impl Part {
    /// A rough cost, to share parts between workers.
    pub fn weight(&self, api: &Api) -> usize {
        match self {
            Part::Models => api.types.len() * 4,
            Part::Errors => api.error_codes.len(),
            Part::Metadata | Part::Dispatch => api.operations.len(),
            Part::Module(name) => api.operations.iter().filter(|o| &o.module == name).count() * 6,
        }
    }
}

/// The parts of the file for `api`, in file order.
pub fn parts(api: &Api) -> Vec<Part> {
    let mut parts = vec![Part::Models, Part::Errors, Part::Metadata];
    parts.extend(api.modules().into_keys().map(Part::Module));
    parts.push(Part::Dispatch);
    parts
}

/// Emits one part.
pub fn emit_part(api: &Api, part: &Part) -> TokenStream {
    match part {
        Part::Models => types::emit_models(api),
        Part::Errors => errors::emit_errors(api),
        Part::Metadata => operations::emit_metadata(api),
        Part::Module(name) => operations::emit_module(api, name),
        Part::Dispatch => dispatch::emit_dispatch(api),
    }
}

/// Emits the whole file for one spec, part by part.
pub fn emit(api: &Api) -> Vec<TokenStream> {
    parts(api).iter().map(|p| emit_part(api, p)).collect()
}

/// `#[doc = "..."]` attributes, one per line, for rustdoc. Empty text gives nothing.
///
/// Spec prose is Markdown written for a web page. Rustdoc would compile its code blocks as
/// doctests, so fenced blocks become `text` blocks and indentation (an indented code block)
/// is dropped; no word of the text is lost.
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let mut in_fence = false;
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|line| {
            let line = line.trim().replace('\t', " ");
            if line.starts_with("```") {
                in_fence = !in_fence;
                return if in_fence {
                    " ```text".to_string()
                } else {
                    " ```".to_string()
                };
            }
            if in_fence {
                format!(" {line}")
            } else {
                format!(" {}", rustdoc_safe(&line))
            }
        })
        .collect();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return TokenStream::new();
    }
    let closing = in_fence.then(|| " ```".to_string());
    let lines = lines.into_iter().chain(closing);
    quote! { #( #[doc = #lines] )* }
}

/// Prose for a web page, made safe for rustdoc without changing what it says: `[INSEE]`
/// is not an intra-doc link (escaped), and a bare address becomes `<https://…>`.
fn rustdoc_safe(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let previous = out.chars().last();
        if c == '[' {
            // A Markdown link `[text](url)` or `[text][ref]` stays; a lone `[WORD]` is escaped.
            if let Some(end) = rest.find(']') {
                let after = &rest[end + 1..];
                // A link whose target is no address (`[API](TODO)`) would be read as an
                // intra-doc link to a Rust item: escaped like plain brackets.
                let target_is_address = after.strip_prefix('(').is_some_and(|t| {
                    let target = t.split(')').next().unwrap_or_default();
                    target.contains(['/', ':', '#', '.'])
                });
                if !(target_is_address || after.starts_with('[')) {
                    out.push_str("\\[");
                    out.push_str(&rest[1..end]);
                    out.push_str("\\]");
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        let starts_url = rest.starts_with("https://") || rest.starts_with("http://");
        // Inside `[text](…)` the address is already a link.
        let link_target = out.ends_with("](");
        if starts_url
            && !link_target
            && !matches!(previous, Some('<') | Some('"') | Some('\'') | Some('`'))
        {
            let end = rest
                .find(|ch: char| ch.is_whitespace() || matches!(ch, '<' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The Rust type of a [`TypeRef`]; named types live in `models` (reached through `models`,
/// `""` or `"super::models::"`), runtime types in `crate::runtime`. The spelling is the
/// model's ([`rust_type_path`]), which the diff and the docs use too.
pub(crate) fn rust_type(ty: &TypeRef, models: &str) -> TokenStream {
    let text = rust_type_path(ty, models, "crate::runtime::");
    // The text is made of identifiers the model validated: it always parses.
    syn::parse_str::<syn::Type>(&text)
        .map(|t| quote!(#t))
        .unwrap_or_else(|e| panic!("type `{text}` does not parse: {e}"))
}

/// Parses an identifier that may be raw (`r#type`).
pub(crate) fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

#[cfg(test)]
mod tests {
    use super::rustdoc_safe;

    #[test]
    fn prose_is_made_safe_for_rustdoc() {
        let cases = [
            ("[INSEE] Données", "\\[INSEE\\] Données"),
            (
                "voir https://entreprise.api.gouv.fr/compte.",
                "voir <https://entreprise.api.gouv.fr/compte>.",
            ),
            (
                "[la doc](https://x.fr/a) reste",
                "[la doc](https://x.fr/a) reste",
            ),
            (
                "<a href='https://x.fr'>Doc</a>",
                "<a href='https://x.fr'>Doc</a>",
            ),
            ("déjà <https://x.fr>", "déjà <https://x.fr>"),
            ("crochet [ sans fin", "crochet [ sans fin"),
            ("l'[API Effectifs](TODO).", "l'\\[API Effectifs\\](TODO)."),
            (
                "Agence BIO (https://www.agencebio.org/annuaire/) de",
                "Agence BIO (<https://www.agencebio.org/annuaire/>) de",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(rustdoc_safe(input), expected, "{input}");
        }
    }
}
