//! Each model struct's `Serialize` and `Deserialize`, generated rather than derived.
//!
//! Decoding is one pass over the object's keys, each declared field read where it is met,
//! any other key kept in the `undeclared` map. serde's derive cannot do that for a struct
//! with a `flatten`ed map: it buffers the whole object first, in code that every struct
//! repeats, which was most of what the generated crate cost to compile (`BENCHMARKS.md`).
//! What it accepts is what the derive accepted: a required field that is missing is an error
//! (`missing field`), an optional one missing or `null` is `None`, one that may be absent or
//! null tells the two apart (`Option<Option<T>>`). A key sent twice keeps its last value.
//!
//! Encoding writes what was decoded: the declared fields in the spec's order (one that may
//! be missing only when it was there; a required one always, `null` when it was null), then
//! the undeclared ones.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::ident;
use crate::model::naming::UNDECLARED_FIELD;
use crate::model::Field;

pub(super) fn emit_serialize(name: &Ident, fields: &[Field]) -> TokenStream {
    let entries = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let json = &f.json_name;
        if f.required {
            quote!(map.serialize_entry(#json, &self.#field)?;)
        } else {
            quote! {
                if let Some(value) = &self.#field {
                    map.serialize_entry(#json, value)?;
                }
            }
        }
    });
    let undeclared = ident(UNDECLARED_FIELD);
    let allow = fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        impl ::serde::Serialize for #name {
            #allow
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                #( #entries )*
                for (key, value) in &self.#undeclared {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

pub(super) fn emit_deserialize(name: &Ident, fields: &[Field]) -> TokenStream {
    let slot = |f: &Field| format_ident!("field_{}", f.rust_name.trim_start_matches("r#"));
    let slots = fields.iter().map(|f| {
        let slot = slot(f);
        quote!(let mut #slot = None;)
    });
    let arms = fields.iter().map(|f| {
        let slot = slot(f);
        let json = &f.json_name;
        // An `Option<T>` field reads `null` as `None`; the others are `Some` once met
        // (`Option<Option<T>>`: `Some(None)` for a `null`).
        if f.optional && !f.absent_or_null() {
            quote!(#json => #slot = map.next_value()?,)
        } else {
            quote!(#json => #slot = Some(map.next_value()?),)
        }
    });
    let inits = fields.iter().map(|f| {
        let slot = slot(f);
        let field = ident(&f.rust_name);
        let json = &f.json_name;
        if f.optional {
            quote!(#field: #slot,)
        } else {
            quote!(#field: crate::runtime::values::required(#slot, #json)?,)
        }
    });
    let undeclared = ident(UNDECLARED_FIELD);
    let expecting = format!("an object ({name})");
    let allow = fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> ::serde::de::Visitor<'de> for Fields {
                    type Value = #name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    #allow
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #( #slots )*
                        let mut #undeclared = ::serde_json::Map::new();
                        while let Some(key) = map.next_key::<crate::runtime::values::MapKey<'de>>()? {
                            match key.as_str() {
                                #( #arms )*
                                _ => {
                                    let value = map.next_value()?;
                                    #undeclared.insert(key.into_string(), value);
                                }
                            }
                        }
                        Ok(#name {
                            #( #inits )*
                            #undeclared,
                        })
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    }
}
