//! The cargo features the generated code is compiled under: one per API version the profile
//! knows (`v3`…, when it makes versions features), so that a crate using only v4 compiles v4
//! and what it shares. An operation is gated by its version's feature; a type by the features
//! of the operations that reach it, and not at all when one of them is always compiled.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Operation, TypeKind, TypeRef};

/// `#[cfg(feature = "v3")]` for an operation under a feature, else nothing.
pub(crate) fn op_gate(op: &Operation) -> TokenStream {
    match &op.feature {
        Some(feature) => quote!(#[cfg(feature = #feature)]),
        None => TokenStream::new(),
    }
}

/// The gate of a set of features; `None` in the set stands for "always compiled".
fn gate_of(features: &BTreeSet<Option<String>>) -> TokenStream {
    if features.is_empty() || features.contains(&None) {
        return TokenStream::new();
    }
    let names: Vec<&String> = features.iter().flatten().collect();
    match names.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any( #( feature = #many ),* ))]),
    }
}

/// The gate of every named type, by the operations whose success bodies reach it.
pub(crate) fn type_gates(api: &Api) -> BTreeMap<String, TokenStream> {
    let types: BTreeMap<&str, &TypeKind> = api
        .types
        .iter()
        .map(|t| (t.name.as_str(), &t.kind))
        .collect();
    let mut reached: BTreeMap<String, BTreeSet<Option<String>>> = BTreeMap::new();
    for op in &api.operations {
        let Some(root) = &op.success else { continue };
        let mut stack = vec![root];
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Named(name) => {
                    if !seen.insert(name.as_str()) {
                        continue;
                    }
                    reached
                        .entry(name.clone())
                        .or_default()
                        .insert(op.feature.clone());
                    if let Some(kind) = types.get(name.as_str()) {
                        stack.extend(kind.members());
                    }
                }
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                    stack.push(inner)
                }
                _ => {}
            }
        }
    }
    api.types
        .iter()
        .map(|t| {
            // A type no operation reaches is kept ungated: it is still public API.
            let gate = reached.get(&t.name).map_or_else(TokenStream::new, gate_of);
            (t.name.clone(), gate)
        })
        .collect()
}

/// The gate of a module: its operations' feature (one module is one version).
pub(crate) fn module_gate(api: &Api, module: &str) -> TokenStream {
    let features: BTreeSet<Option<String>> = api
        .operations
        .iter()
        .filter(|o| o.module == module)
        .map(|o| o.feature.clone())
        .collect();
    gate_of(&features)
}

/// `items` with `gate` before each of them (a type's struct or enum and its impls), so that
/// the emitter of the items needs to know nothing of features.
pub(crate) fn gate_items(gate: &TokenStream, items: TokenStream) -> TokenStream {
    if gate.is_empty() {
        return items;
    }
    match syn::parse2::<syn::File>(items.clone()) {
        Ok(file) => {
            let gated = file.items.iter().map(|item| quote!(#gate #item));
            quote!( #( #gated )* )
        }
        // Not items: left as they are, and the formatter's parse reports the bug.
        Err(_) => items,
    }
}
