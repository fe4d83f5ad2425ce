//! Emits the entry file's items after the platform (each spec's module, `AnySuccessBody`,
//! `decode_any`, `find_operation`, `all_operations`, `required_scopes`, `mock_data`) and the
//! scope table, with quote as every other generated file.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::scopes::ScopeMap;

/// One spec of the entry, as the profile places it.
pub struct EntrySpec<'a> {
    /// Its module (`None`: the root spec, whose items are the crate's own).
    pub module: Option<&'a str>,
    /// Its generated file (`current.rs`, `legacy.rs`).
    pub file: &'a str,
    /// The module's documentation.
    pub doc: String,
    /// Its top-level modules that the root spec does not have, re-exported at the root,
    /// each with the cargo feature it is under.
    pub exported: Vec<(String, Option<String>)>,
    /// Its variant of `AnySuccessBody` (`Current`, `Legacy`).
    pub variant: String,
}

/// The items of the entry file after the platform.
pub fn emit_entry(specs: &[EntrySpec<'_>], mock_data_file: &str) -> TokenStream {
    // The spec's prose is Markdown for a web page: its lists and long first paragraphs are
    // not written for clippy's doc lints, and rewording them would change the API's own text.
    let lints = quote! {
        #[allow(
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::too_long_first_doc_paragraph
        )]
    };
    let modules = specs.iter().map(|spec| {
        let file = spec.file;
        match spec.module {
            None => quote! {
                #lints
                mod current {
                    include!(#file);
                }
                pub use current::*;
            },
            Some(module) => {
                let name = ident(module);
                // prettyplease writes `///` and the text as is: the space is the text's.
                let doc = format!(" {}", spec.doc);
                let exports = spec.exported.iter().map(|(export, feature)| {
                    let export = ident(export);
                    let gate = feature.as_ref().map(|f| quote!(#[cfg(feature = #f)]));
                    quote! { #gate pub use #name::#export; }
                });
                quote! {
                    #[doc = #doc]
                    #lints
                    pub mod #name {
                        include!(#file);
                    }
                    #( #exports )*
                }
            }
        }
    });
    // Each spec's path to its items: none for the root spec, re-exported at the crate root.
    let paths: Vec<TokenStream> = specs
        .iter()
        .map(|spec| match spec.module {
            None => quote!(),
            Some(module) => {
                let name = ident(module);
                quote!(#name::)
            }
        })
        .collect();
    let variants: Vec<_> = specs.iter().map(|s| ident(&s.variant)).collect();
    let variant_docs = specs.iter().map(|s| match s.module {
        None => " An operation of the root spec.".to_string(),
        Some(module) => format!(" An operation of the `{module}` spec."),
    });
    quote! {
        #( #modules )*

        /// A decoded success body from any of the specs.
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum AnySuccessBody {
            #( #[doc = #variant_docs] #variants(#paths SuccessBody), )*
        }

        impl runtime::Undeclared for AnySuccessBody {
            fn collect_undeclared(&self, path: &mut String, report: &mut runtime::UndeclaredReport) {
                match self {
                    #( AnySuccessBody::#variants(body) => runtime::Undeclared::collect_undeclared(body, path, report), )*
                }
            }
        }

        /// [`decode`] over every spec: `None` when none has that x-operationId.
        pub fn decode_any(
            operation_id: &str,
            status: u16,
            body: &[u8],
        ) -> Option<Result<AnySuccessBody, Error>> {
            #(
                if let Some(result) = #paths decode(operation_id, status, body) {
                    return Some(result.map(AnySuccessBody::#variants));
                }
            )*
            None
        }

        /// The operation with this x-operationId in any of the specs.
        pub fn find_operation(operation_id: &str) -> Option<&'static runtime::OperationMeta> {
            PLATFORM.find_operation(operation_id)
        }

        /// Every operation of every spec, the root spec's first.
        pub fn all_operations() -> impl Iterator<Item = &'static runtime::OperationMeta> {
            PLATFORM.all_operations()
        }

        mod scopes {
            include!("scopes.rs");
        }

        /// The scopes that open `operation_id`, any one of them sufficing (empty: none needed).
        /// `None` when the scope map was not available at build time or does not list the operation.
        pub fn required_scopes(operation_id: &str) -> Option<&'static [&'static str]> {
            PLATFORM.required_scopes(operation_id)
        }

        /// What the local mock of the API (`apie-mock`) serves besides staging payloads, read from the
        /// specs the client was built from: each operation's example bodies and the error catalogue,
        /// as JSON text. Behind the `mock-data` feature, since a client calling the API needs none of it.
        #[cfg(feature = "mock-data")]
        pub mod mock_data {
            include!(#mock_data_file);
        }
    }
}

/// `scopes.rs`: `pub(crate) const SCOPES: &[(&str, &[&str])]`, sorted by id (the map's order).
pub fn emit_scope_table(map: &ScopeMap) -> TokenStream {
    let rows = map
        .iter()
        .map(|(id, scopes)| quote!((#id, &[ #( #scopes ),* ])));
    quote! {
        /// Operation id → scopes, any one of which opens it.
        pub(crate) const SCOPES: &[(&str, &[&str])] = &[ #( #rows ),* ];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_table_is_sorted_and_quoted() {
        let mut map = ScopeMap::new();
        map.insert("b_op".into(), vec!["s\"1".into()]);
        map.insert("a_op".into(), vec![]);
        let code = crate::format::format_tokens(emit_scope_table(&map)).unwrap();
        let a = code.find("(\"a_op\", &[])").unwrap();
        let b = code.find("(\"b_op\", &[\"s\\\"1\"])").unwrap();
        assert!(a < b, "{code}");
    }
}
