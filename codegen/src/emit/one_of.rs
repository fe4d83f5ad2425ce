//! A one-of type (`oneOf`, `anyOf`): an enum with one variant per alternative, decoded by
//! trying them in the spec's order (serde's `untagged`), and a last variant that keeps,
//! as sent, a value none of them reads, as a string enum keeps an unknown value.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::holds_model;
use crate::model::naming::rust_type_path;
use crate::model::Alternative;

pub(super) fn emit_one_of(
    name: &Ident,
    docs: &TokenStream,
    alternatives: &[Alternative],
) -> TokenStream {
    let variants = alternatives.iter().map(|a| {
        let variant = format_ident!("{}", a.rust_name);
        let ty = syn::parse_str::<syn::Type>(&rust_type_path(&a.ty, "", "crate::runtime::"))
            .unwrap_or_else(|e| panic!("type of alternative `{}` does not parse: {e}", a.label));
        let doc = format!(" The alternative `{}`.", a.label);
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    let collect = alternatives.iter().map(|a| {
        let variant = format_ident!("{}", a.rust_name);
        if holds_model(&a.ty) {
            quote!(Self::#variant(value) => value.collect_undeclared(path, report),)
        } else {
            quote!(Self::#variant(_) => {})
        }
    });
    quote! {
        #docs
        ///
        /// Decoding tries the alternatives in the spec's order and keeps the first that reads
        /// the value.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants )*
            /// A value none of the alternatives reads, kept as sent.
            Other(::serde_json::Value),
        }

        impl crate::runtime::Undeclared for #name {
            fn collect_undeclared(&self, path: &mut String, report: &mut crate::runtime::UndeclaredReport) {
                match self {
                    #( #collect )*
                    Self::Other(_) => report.note_unread_alternative(path),
                }
            }
        }
    }
}
