//! Stage 4, emit: the model to Rust tokens (quote), one file per spec. The modules are
//! `models` (types), `errors` (error codes), `operations` (metadata constants), one module of
//! request builders per API version or unversioned route, and the `decode` dispatch.
//! Generated code calls the handwritten runtime (`crate::runtime`) and nothing else.

mod dispatch;
mod errors;
mod operations;
mod types;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, TypeRef};

/// Emits the whole file for one spec.
pub fn emit(api: &Api) -> TokenStream {
    let models = types::emit_models(api);
    let errors = errors::emit_errors(api);
    let operations = operations::emit_metadata(api);
    let modules = operations::emit_modules(api);
    let dispatch = dispatch::emit_dispatch(api);
    quote! {
        #models
        #errors
        #operations
        #modules
        #dispatch
    }
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
                return if in_fence { " ```text".to_string() } else { " ```".to_string() };
            }
            format!(" {line}")
        })
        .collect();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return TokenStream::new();
    }
    let closing = in_fence.then(|| " ```".to_string());
    let lines = lines.into_iter().chain(closing);
    quote! { #( #[doc = #lines] )* }
}

/// The Rust type of a [`TypeRef`]; named types live in `models` (reached through `models_path`).
pub(crate) fn rust_type(ty: &TypeRef, models_path: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Date => quote!(crate::runtime::ApiDate),
        TypeRef::DateTime => quote!(crate::runtime::ApiDateTime),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Named(name) => {
            let ident = format_ident!("{}", name);
            quote!(#models_path #ident)
        }
        TypeRef::Array(inner) => {
            let inner = rust_type(inner, models_path);
            quote!(::std::vec::Vec<#inner>)
        }
    }
}

/// Parses an identifier that may be raw (`r#type`).
pub(crate) fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}
