//! Emits the `errors` module: the enum of every error code found in the spec's examples.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::Api;

pub(crate) fn emit_errors(api: &Api) -> TokenStream {
    let codes = &api.error_codes;
    let idents: Vec<_> = codes
        .iter()
        .map(|c| {
            if c.rust_name == "Other" {
                format_ident!("OtherError")
            } else {
                format_ident!("{}", c.rust_name)
            }
        })
        .collect();
    let values: Vec<&str> = codes.iter().map(|c| c.code.as_str()).collect();
    let statuses: Vec<u16> = codes.iter().map(|c| c.status).collect();
    let titles: Vec<&str> = codes.iter().map(|c| c.title.as_str()).collect();
    let providers: Vec<TokenStream> = codes
        .iter()
        .map(|c| match &c.provider {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        })
        .collect();
    let docs: Vec<TokenStream> = codes
        .iter()
        .map(|c| {
            let provider = c
                .provider
                .as_deref()
                .map(|p| format!(", provider {p}"))
                .unwrap_or_default();
            let text = format!(
                "`{}` (HTTP {}{provider}): {}\n\n{}",
                c.code, c.status, c.title, c.detail
            );
            super::doc_attrs(&text)
        })
        .collect();
    let count = codes.len();
    // With no known code, a one-arm match would trip clippy's `match_single_binding`.
    let from_code_body = if codes.is_empty() {
        quote!(Self::Other(code.to_string()))
    } else {
        quote! {
            match code {
                #( #values => Self::#idents, )*
                other => Self::Other(other.to_string()),
            }
        }
    };
    let summary = format!(" The {count} error codes found in the spec's examples.");
    quote! {
        /// Error codes of the API.
        pub mod errors {
            #[doc = #summary]
            ///
            /// The server sends codes the spec does not list: they are kept in `Other`.
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum ErrorCode {
                #( #docs #idents, )*
                /// A code the spec does not list, as sent.
                Other(String),
            }

            impl ErrorCode {
                /// Every code the spec lists.
                pub const KNOWN: &'static [ErrorCode] = &[ #( ErrorCode::#idents, )* ];

                /// The variant for a code as sent by the server.
                pub fn from_code(code: &str) -> Self {
                    #from_code_body
                }

                /// The code as the server sends it (five digits).
                pub fn code(&self) -> &str {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::Other(code) => code,
                    }
                }

                /// The HTTP status the spec gives with this code.
                pub fn status(&self) -> Option<u16> {
                    match self {
                        #( Self::#idents => Some(#statuses), )*
                        Self::Other(_) => None,
                    }
                }

                /// The spec's title for this code.
                pub fn title(&self) -> Option<&'static str> {
                    match self {
                        #( Self::#idents => Some(#titles), )*
                        Self::Other(_) => None,
                    }
                }

                /// The data provider the spec names for this code, if any.
                pub fn provider(&self) -> Option<&'static str> {
                    match self {
                        #( Self::#idents => #providers, )*
                        Self::Other(_) => None,
                    }
                }
            }

            impl From<&crate::runtime::ErrorItem> for ErrorCode {
                fn from(item: &crate::runtime::ErrorItem) -> Self {
                    Self::from_code(&item.code)
                }
            }
        }
    }
}
