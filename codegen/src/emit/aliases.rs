//! Emits the former names the names lock keeps for merged types, as type aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident};
use crate::model::TypeDef;

/// `pub type Former = Current;` for each alias of `def`: code that named a type of the
/// previous generation still compiles after two types merged into one.
pub(crate) fn emit_aliases(def: &TypeDef) -> TokenStream {
    let target = ident(&def.name);
    let aliases = def.aliases.iter().map(|alias| {
        let name = ident(&alias.name);
        let docs = doc_attrs(&format!(
            "Former name of `{}`, kept by the names lock: the type that had it merged into \
             this one ({} of its places had this name).",
            def.name,
            alias.places.len()
        ));
        quote! {
            #docs
            pub type #name = #target;
        }
    });
    quote! { #( #aliases )* }
}
