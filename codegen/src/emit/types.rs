//! Emits the `models` module: one struct or enum per named type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, ident};
use crate::model::naming::{field_type_path, UNDECLARED_FIELD};
use crate::model::{Api, Field, TypeDef, TypeKind, TypeRef, Variant};

pub(crate) fn emit_models(api: &Api) -> TokenStream {
    let gates = super::gates::type_gates(api);
    let sent = request_types(api);
    let types = api.types.iter().map(|t| {
        let gate = gates.get(&t.name).cloned().unwrap_or_default();
        super::gates::gate_items(&gate, emit_type(t, sent.contains(t.name.as_str())))
    });
    let aliases = api.types.iter().map(|t| {
        let gate = gates.get(&t.name).cloned().unwrap_or_default();
        super::gates::gate_items(&gate, super::aliases::emit_aliases(t))
    });
    let has_enums = api
        .types
        .iter()
        .any(|t| matches!(t.kind, crate::model::TypeKind::Enum(_)));
    // Only when an enum reads it: generated code has no dead code to warn about.
    let enum_text = has_enums.then(|| {
        quote! {
            // Read by the enums of every version: with some versions' features off it may
            // have no reader left.
            #[allow(dead_code)]
            /// The text of an enum value; `null` and numbers become text so that one odd
            /// value does not fail the whole response.
            fn enum_text<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(match value {
                    ::serde_json::Value::String(s) => s,
                    ::serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                })
            }
        }
    });
    quote! {
        /// Response models, deduplicated by shape and named after where they occur.
        ///
        /// They accept what the server really sends and lose none of it: fields the spec
        /// does not declare are kept in each struct's `undeclared` map, optional and nullable
        /// fields are `Option` (`Option<Option<T>>` when absent and `null` are both allowed),
        /// enums keep unknown values in `Other`, and dates keep their raw text. Encoding a
        /// decoded value gives back the JSON it came from (key order aside);
        /// [`UndeclaredReport`](crate::runtime::UndeclaredReport) lists what the spec missed.
        pub mod models {
            #( #types )*

            #( #aliases )*

            #enum_text
        }
    }
}

/// The structs a request body holds, at any depth: a caller builds them, so they get a
/// constructor (`#[non_exhaustive]` keeps struct literals out).
fn request_types(api: &Api) -> std::collections::BTreeSet<&str> {
    let by_name: std::collections::HashMap<&str, &TypeDef> =
        api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut found = std::collections::BTreeSet::new();
    let mut stack: Vec<&TypeRef> = api
        .operations
        .iter()
        .filter_map(|op| op.request_body.as_ref()?.json.as_ref())
        .collect();
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(name) => {
                if let Some(def) = by_name.get(name.as_str()) {
                    if found.insert(def.name.as_str()) {
                        stack.extend(def.kind.members());
                    }
                }
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                stack.push(inner)
            }
            _ => {}
        }
    }
    found
}

/// `new(required fields…)` for a struct a request body holds: the fields that must be
/// there are its arguments, the others start unset (public fields: set them after).
fn emit_constructor(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let undeclared = ident(UNDECLARED_FIELD);
    let args = fields.iter().filter(|f| !f.optional).map(|f| {
        let arg = ident(&f.rust_name);
        let ty = syn::parse_str::<syn::Type>(&field_type_path(f, "", "crate::runtime::"))
            .unwrap_or_else(|e| panic!("field type of `{}` does not parse: {e}", f.json_name));
        quote!(#arg: #ty)
    });
    let inits = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        if f.optional {
            quote!(#field: None)
        } else {
            quote!(#field)
        }
    });
    quote! {
        impl #name {
            /// A value to send in a request body: the required fields given, the others
            /// unset.
            // One argument per required field, as the spec lists them.
            #[allow(clippy::too_many_arguments)]
            pub fn new(#( #args ),*) -> Self {
                Self {
                    #( #inits, )*
                    #undeclared: ::serde_json::Map::new(),
                }
            }
        }
    }
}

fn emit_type(def: &TypeDef, sent: bool) -> TokenStream {
    let mut doc = def.doc.clone().unwrap_or_default();
    if !def.occurrences.is_empty() {
        let places: Vec<String> = def
            .occurrences
            .iter()
            .take(3)
            .map(|p| format!("`{p}`"))
            .collect();
        let more = def.occurrences.len().saturating_sub(3);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        doc = format!("{doc}\n\nSpec: {}{more}.", places.join(", "));
    }
    let docs = doc_attrs(&doc);
    let name = format_ident!("{}", def.name);
    match &def.kind {
        TypeKind::Struct(fields) => {
            let undeclared = ident(UNDECLARED_FIELD);
            let collect = emit_collect(fields);
            // Reading a deprecated field is what the lint is for, not walking it.
            let allow = fields
                .iter()
                .any(|f| f.deprecated)
                .then(|| quote!(#[allow(deprecated)]));
            let constructor = sent.then(|| emit_constructor(&name, fields));
            let serialize = super::struct_serde::emit_serialize(&name, fields);
            let deserialize = super::struct_serde::emit_deserialize(&name, fields);
            let fields = fields.iter().map(emit_field);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq)]
                #[non_exhaustive]
                pub struct #name {
                    #( #fields )*
                    /// The fields the server sent that the spec does not declare, kept as sent:
                    /// encoding this value writes them back.
                    pub #undeclared: ::serde_json::Map<String, ::serde_json::Value>,
                }

                impl crate::runtime::Undeclared for #name {
                    #allow
                    fn collect_undeclared(&self, path: &mut String, report: &mut crate::runtime::UndeclaredReport) {
                        report.note_fields(path, &self.#undeclared);
                        #( #collect )*
                    }
                }

                #serialize

                #deserialize

                #constructor
            }
        }
        TypeKind::Enum(variants) => emit_enum(&name, &docs, variants),
        TypeKind::OneOf(alternatives) => super::one_of::emit_one_of(&name, &docs, alternatives),
    }
}

/// The calls that walk the fields able to hold something undeclared (a model type below
/// them); the others (text, numbers, dates) cannot, and are not visited.
fn emit_collect(fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .filter(|f| holds_model(&f.ty))
        .map(|f| {
            let name = ident(&f.rust_name);
            let json = &f.json_name;
            quote!(crate::runtime::undeclared::collect_field(path, #json, &self.#name, report);)
        })
        .collect()
}

/// Whether a value of `ty` may hold a model type, which can hold something undeclared.
pub(super) fn holds_model(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            holds_model(inner)
        }
        _ => false,
    }
}

fn emit_field(field: &Field) -> TokenStream {
    let ty = syn::parse_str::<syn::Type>(&field_type_path(field, "", "crate::runtime::"))
        .unwrap_or_else(|e| panic!("field type of `{}` does not parse: {e}", field.json_name));
    let name = ident(&field.rust_name);
    let mut doc = field.doc.clone().unwrap_or_default();
    let flags = match (field.required, field.nullable) {
        (true, true) => "Required, may be null.",
        (true, false) => "Required.",
        (false, true) => "Optional, may be null.",
        (false, false) => "Optional.",
    };
    doc = if doc.is_empty() {
        flags.to_string()
    } else {
        format!("{doc}\n\n{flags}")
    };
    let docs = doc_attrs(&doc);
    let deprecated = field
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated by the API")]));
    quote! {
        #docs
        #deprecated
        pub #name: #ty,
    }
}

fn emit_enum(name: &proc_macro2::Ident, docs: &TokenStream, variants: &[Variant]) -> TokenStream {
    let idents: Vec<_> = variants
        .iter()
        .map(|v| format_ident!("{}", v.rust_name))
        .collect();
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs: Vec<String> = values.iter().map(|v| format!(" `{v}`")).collect();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #idents,
            )*
            /// A value the spec does not list, kept as sent (`null` arrives as an empty string).
            Other(String),
        }

        impl #name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #values, )*
                    Self::Other(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #( #values => Self::#idents, )*
                    _ => Self::Other(value),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                enum_text(deserializer).map(Self::from)
            }
        }

        impl crate::runtime::Undeclared for #name {
            fn collect_undeclared(&self, path: &mut String, report: &mut crate::runtime::UndeclaredReport) {
                if let Self::Other(value) = self {
                    report.note_enum_value(path, value);
                }
            }
        }
    }
}
