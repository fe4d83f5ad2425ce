//! Emits `decode(operation_id, status, body)`: a response body to its typed value, by
//! operation, for tools and tests that hold a body without having made the call.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_type;
use crate::model::naming::type_ident;
use crate::model::{Api, TypeRef};

pub(crate) fn emit_dispatch(api: &Api) -> TokenStream {
    let models = "models::";
    let variants: Vec<_> = api
        .operations
        .iter()
        .map(|op| format_ident!("{}", type_ident(&op.id)))
        .collect();
    let types: Vec<_> = api
        .operations
        .iter()
        .map(|op| rust_type(op.success.as_ref().unwrap_or(&TypeRef::Any), models))
        .collect();
    // The runtime's own types (privileges, monitoring) are handwritten, not made from the
    // spec: nothing in them is the spec's to declare.
    let collect_arms: Vec<_> = api
        .operations
        .iter()
        .zip(&variants)
        .map(|(op, variant)| match op.success {
            Some(TypeRef::Runtime(_)) => quote!(#variant(_) => {}),
            _ => quote!(#variant(value) => crate::runtime::Undeclared::collect_undeclared(&**value, path, report)),
        })
        .collect();
    let ids: Vec<&str> = api.operations.iter().map(|op| op.id.as_str()).collect();
    let gates: Vec<_> = api.operations.iter().map(super::gates::op_gate).collect();
    let docs: Vec<String> = api
        .operations
        .iter()
        .map(|op| format!(" `{}` (`{} {}`).", op.id, op.http_method, op.path))
        .collect();
    quote! {
        /// The decoded body of a successful response, one variant per operation.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum SuccessBody {
            #(
                #[doc = #docs]
                #gates
                #variants(Box<#types>),
            )*
        }

        impl crate::runtime::Undeclared for SuccessBody {
            // With some versions' features off, no arm may read them.
            #[allow(unused_variables)]
            fn collect_undeclared(&self, path: &mut String, report: &mut crate::runtime::UndeclaredReport) {
                match self {
                    #( #gates Self::#collect_arms, )*
                    // Left when every variant is there; reached by nothing.
                    #[allow(unreachable_patterns)]
                    _ => {}
                }
            }
        }

        /// Decodes a response body of the operation `operation_id`: a 2xx status into that
        /// operation's model, any other status into the typed API error.
        ///
        /// Returns `None` when this spec has no such operation. A body that does not fit
        /// gives `Error::Decode` with the JSON path of the first value that did not fit.
        // With every feature of this spec off, no arm is left: the match only returns.
        #[allow(unreachable_code)]
        pub fn decode(operation_id: &str, status: u16, body: &[u8]) -> Option<Result<SuccessBody, crate::runtime::Error>> {
            if !(200..300).contains(&status) {
                return operations::find(operation_id).map(|meta| {
                    let error = crate::runtime::decode_error_body(&crate::PLATFORM, meta.error_envelope, status, body);
                    Err(crate::runtime::Error::Api(error))
                });
            }
            let decoded: Result<SuccessBody, crate::runtime::DecodeError> = match operation_id {
                #(
                    #gates
                    #ids => crate::runtime::decode_body::<#types>(status, body)
                        .map(|value| SuccessBody::#variants(Box::new(value))),
                )*
                _ => return None,
            };
            Some(decoded.map_err(crate::runtime::Error::Decode))
        }
    }
}
