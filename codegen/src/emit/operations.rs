//! Emits the `operations` metadata module and one module of request builders per version.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, ident, rust_type};
use crate::model::{Api, ApiVersion, AuthScheme, Operation, OptionLocation, TypeRef};

/// The constant holding an operation's metadata (named in the model).
pub(crate) fn meta_const(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.meta_const)
}

/// A runtime `AuthScheme` value; header names in lower case, as HTTP/2 sends them.
fn auth_scheme(auth: &AuthScheme) -> TokenStream {
    match auth {
        AuthScheme::None => quote!(crate::runtime::AuthScheme::None),
        AuthScheme::Bearer => quote!(crate::runtime::AuthScheme::Bearer),
        AuthScheme::ApiKeyHeader(header) => {
            let header = header.to_ascii_lowercase();
            quote!(crate::runtime::AuthScheme::ApiKeyHeader(#header))
        }
        AuthScheme::ApiKeyQuery(name) => quote!(crate::runtime::AuthScheme::ApiKeyQuery(#name)),
    }
}

pub(crate) fn emit_metadata(api: &Api) -> TokenStream {
    let consts = api.operations.iter().map(|op| {
        let name = meta_const(op);
        let id = &op.id;
        let version = match op.version {
            ApiVersion::Unversioned => quote!(Unversioned),
            ApiVersion::Versioned(number) => {
                let name = op.version.name();
                quote!(Versioned { number: #number, name: #name })
            }
        };
        let group = super::platform::group_path(&op.group);
        let own_limit = match op.own_limit {
            Some(l) => {
                let (calls, secs) = (l.calls, l.per_secs);
                quote!(Some(crate::runtime::Limit { calls: #calls, window: ::std::time::Duration::from_secs(#secs) }))
            }
            None => quote!(None),
        };
        let (method, path, timeout, deprecated) =
            (&op.http_method, &op.path, op.timeout_ms, op.deprecated);
        let summary = op.summary.clone().unwrap_or_default();
        let maintenance = match &op.maintenance {
            Some((from, to)) => {
                quote!(Some(crate::runtime::MaintenanceWindow { from: #from, to: #to }))
            }
            None => quote!(None),
        };
        let auth = auth_scheme(&op.auth);
        let traceability = &op.traceability;
        let params = param_metas(op);
        let request_body = match &op.request_body {
            Some(body) => {
                let required = body.required;
                let media = &body.media_types;
                quote!(Some(crate::runtime::RequestBodyMeta { required: #required, media_types: &[ #( #media ),* ] }))
            }
            None => quote!(None),
        };
        let doc = doc_attrs(&format!("`{method} {path}`: {}", summary.trim()));
        let gate = super::gates::op_gate(op);
        quote! {
            #doc
            #gate
            pub const #name: crate::runtime::OperationMeta = crate::runtime::OperationMeta {
                operation_id: #id,
                version: crate::runtime::ApiVersion::#version,
                method: #method,
                path: #path,
                summary: #summary,
                group: &#group,
                own_limit: #own_limit,
                timeout: ::std::time::Duration::from_millis(#timeout),
                deprecated: #deprecated,
                maintenance: #maintenance,
                auth: #auth,
                error_envelope: &ERROR_ENVELOPE,
                traceability: &[ #( #traceability ),* ],
                params: &[ #( #params ),* ],
                request_body: #request_body,
            };
        }
    });
    let names: Vec<_> = api.operations.iter().map(meta_const).collect();
    let error_envelope = super::platform::envelope(&api.error_envelope);
    let gates: Vec<_> = api.operations.iter().map(super::gates::op_gate).collect();
    quote! {
        /// Metadata of every operation: id, version, method, path, endpoint group, rate limit,
        /// recommended timeout, deprecation and maintenance window.
        pub mod operations {
            /// Where this spec's error answers hold their items and their fields.
            pub const ERROR_ENVELOPE: crate::runtime::ErrorEnvelope = #error_envelope;

            #( #consts )*

            /// Every operation of this spec, sorted by version then id.
            pub const ALL: &[&crate::runtime::OperationMeta] = &[ #( #gates &#names ),* ];

            /// The operation with this x-operationId.
            pub fn find(operation_id: &str) -> Option<&'static crate::runtime::OperationMeta> {
                ALL.iter().copied().find(|op| op.operation_id == operation_id)
            }
        }
    }
}

/// The parameters of an operation as `ParamMeta` values, path parameters first in template
/// order: what a caller without the typed builder (the CLI, the mock) needs to build or check a
/// call.
fn param_metas(op: &Operation) -> Vec<TokenStream> {
    let path = op.path_params.iter().map(|p| {
        let name = &p.name;
        let kind = format_ident!("{}", p.identifier);
        quote! {
            crate::runtime::ParamMeta {
                name: #name,
                location: crate::runtime::ParamLocation::Path,
                required: true,
                kind: crate::runtime::ParamKind::Identifier(crate::runtime::IdentifierKind::#kind),
                allowed: &[],
                repeated: false,
                explode: true,
            }
        }
    });
    let options = op.options.iter().map(|o| {
        let name = &o.name;
        let location = match o.location {
            OptionLocation::Query => quote!(Query),
            OptionLocation::Header => quote!(Header),
            OptionLocation::Cookie => quote!(Cookie),
        };
        let (item, repeated) = match &o.ty {
            TypeRef::Array(item) => (item.as_ref(), true),
            other => (other, false),
        };
        let kind = match item {
            TypeRef::Integer => quote!(Integer),
            TypeRef::Number => quote!(Number),
            TypeRef::Boolean => quote!(Boolean),
            _ => quote!(Text),
        };
        let required = o.required;
        let allowed = &o.allowed;
        let explode = o.explode;
        quote! {
            crate::runtime::ParamMeta {
                name: #name,
                location: crate::runtime::ParamLocation::#location,
                required: #required,
                kind: crate::runtime::ParamKind::#kind,
                allowed: &[ #( #allowed ),* ],
                repeated: #repeated,
                explode: #explode,
            }
        }
    });
    path.chain(options).collect()
}

pub(crate) fn emit_module(api: &Api, module: &str) -> TokenStream {
    let ops: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|o| o.module == module)
        .collect();
    {
        let mod_ident = format_ident!("{}", module);
        // Named in the model (`naming::module_accessor`): the runtime's own `Client` methods win.
        let accessor = format_ident!("{}", ops[0].accessor);
        let builders = ops.iter().map(|op| emit_builder(op));
        let methods = ops.iter().map(|op| emit_method(api, op));
        let doc = match ops[0].version {
            ApiVersion::Unversioned => {
                format!(" Routes under `/{module}`, outside the versioned API.")
            }
            ApiVersion::Versioned(number) => {
                let name = ops[0].version.name();
                // The route's own prefix: `/v3/...`, or `/api/v2/...`.
                let segment = format!("/{name}/");
                let prefix = ops[0].path.find(&segment).map_or(segment.clone(), |at| {
                    ops[0].path[..at + segment.len()].to_string()
                });
                format!(" Operations of API version {number} (`{prefix}...`).")
            }
        };
        let accessor_doc = format!(" The `{module}` operations of this client.");
        let gate = super::gates::module_gate(api, module);
        quote! {
            #[doc = #doc]
            #gate
            pub mod #mod_ident {
                /// The operations of this module, borrowed from a client.
                #[derive(Debug, Clone, Copy)]
                pub struct Operations<'c> {
                    client: &'c crate::Client,
                }

                impl crate::Client {
                    #[doc = #accessor_doc]
                    pub fn #accessor(&self) -> Operations<'_> {
                        Operations { client: self }
                    }
                }

                impl<'c> Operations<'c> {
                    #( #methods )*
                }

                #( #builders )*
            }
        }
    }
}

/// The route that replaces a deprecated one: the same method in a later version, not deprecated.
fn replacement<'a>(api: &'a Api, op: &Operation) -> Option<&'a Operation> {
    api.operations
        .iter()
        .filter(|o| o.version > op.version && !o.deprecated && o.method_name == op.method_name)
        .min_by_key(|o| o.version)
}

fn builder_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.builder)
}

fn success_type(op: &Operation) -> TokenStream {
    let models = "super::models::";
    rust_type(op.success.as_ref().unwrap_or(&TypeRef::Any), models)
}

fn op_doc(op: &Operation) -> String {
    let mut doc = op.summary.clone().unwrap_or_else(|| op.id.clone());
    if let Some(d) = &op.description {
        doc = format!("{doc}\n\n{d}");
    }
    let text = |limits: &[crate::profile::LimitRule]| {
        let texts: Vec<String> = limits.iter().map(ToString::to_string).collect();
        texts.join(" and ")
    };
    let group_limits = &op.limits_per_token[usize::from(op.own_limit.is_some())..];
    let limits = match (&op.own_limit, group_limits.is_empty()) {
        (None, true) if !op.limits_per_ip.is_empty() => {
            format!("{} per IP address", text(&op.limits_per_ip))
        }
        // Monitoring routes count only against the IP's limit, not a token's.
        (None, true) => "no limit per token".to_string(),
        (None, false) => format!("{} per token", text(group_limits)),
        (Some(own), true) => format!("{own} of its own per token"),
        (Some(own), false) => format!("{own} of its own and {} per token", text(group_limits)),
    };
    doc.push_str(&format!(
        "\n\n`{} {}` (x-operationId `{}`): `{}` group, {limits}, {} s timeout.",
        op.http_method,
        op.path,
        op.id,
        op.group,
        op.timeout_ms / 1000
    ));
    if let Some((from, to)) = &op.maintenance {
        doc.push_str(&format!(" Daily maintenance from {from} to {to}."));
    }
    doc
}

fn emit_method(api: &Api, op: &Operation) -> TokenStream {
    let docs = doc_attrs(&op_doc(op));
    let name = ident(&op.method_name);
    let builder = builder_ident(op);
    let mut args: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| {
            let arg = ident(&p.rust_name);
            let ty = format_ident!("{}", p.identifier);
            quote!(#arg: crate::runtime::#ty)
        })
        .collect();
    let arg_names: Vec<_> = op.path_params.iter().map(|p| ident(&p.rust_name)).collect();
    // Required query parameters are arguments, so a call cannot forget them; optional ones
    // start unset and have setters on the builder.
    let mut option_inits = Vec::new();
    for o in &op.options {
        let name = ident(&o.rust_name);
        if o.required {
            let ty = option_type(&o.ty);
            if matches!(o.ty, TypeRef::String) {
                args.push(quote!(#name: impl Into<String>));
                option_inits.push(quote!(#name: Some(#name.into())));
            } else {
                args.push(quote!(#name: #ty));
                option_inits.push(quote!(#name: Some(#name)));
            }
        } else {
            option_inits.push(quote!(#name: None));
        }
    }
    // A JSON request body: an argument when it must be sent, else a setter.
    let body_init = request_body_type(op).map(|(ty, required)| {
        if required {
            args.push(quote!(request_body: #ty));
            quote!(request_body: Some(request_body),)
        } else {
            quote!(request_body: None,)
        }
    });
    let deprecated = op.deprecated.then(|| {
        let note = match replacement(api, op) {
            Some(newer) => format!(
                "deprecated by the API: use `client.{}().{}()`",
                newer.accessor,
                newer.method_name.trim_start_matches("r#")
            ),
            None => "deprecated by the API".to_string(),
        };
        quote!(#[deprecated(note = #note)])
    });

    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #( #args ),*) -> #builder<'c> {
            #builder {
                client: self.client,
                #( #arg_names, )*
                #( #option_inits, )*
                #body_init
                options: crate::runtime::CallOptions::default(),
            }
        }
    }
}

/// The type of an operation's JSON request body, and whether it must be sent.
fn request_body_type(op: &Operation) -> Option<(TokenStream, bool)> {
    let body = op.request_body.as_ref()?;
    let ty = body.json.as_ref()?;
    Some((rust_type(ty, "super::models::"), body.required))
}

fn emit_builder(op: &Operation) -> TokenStream {
    let builder = builder_ident(op);
    let meta = meta_const(op);
    let output = success_type(op);
    let doc = format!(
        " Request builder of [`Operations::{}`]: set options, then `.await` it or call `send`.",
        op.method_name.trim_start_matches("r#")
    );
    let path_fields = op.path_params.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = format_ident!("{}", p.identifier);
        quote!(#name: crate::runtime::#ty,)
    });
    let option_fields = op.options.iter().map(|o| {
        let name = ident(&o.rust_name);
        let ty = option_type(&o.ty);
        quote!(#name: Option<#ty>,)
    });
    let setters = op.options.iter().map(|o| {
        let name = ident(&o.rust_name);
        let ty = option_type(&o.ty);
        let mut doc = o
            .description
            .clone()
            .unwrap_or_else(|| format!("Sets `{}`.", o.name));
        if !o.allowed.is_empty() {
            doc.push_str(&format!(
                "\n\nAllowed values: {}.",
                o.allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let docs = doc_attrs(&doc);
        let (param, value) = match &o.ty {
            TypeRef::String => (quote!(value: impl Into<String>), quote!(value.into())),
            TypeRef::Array(item) => {
                let item = option_type(item);
                (
                    quote!(values: impl IntoIterator<Item = #item>),
                    quote!(values.into_iter().collect()),
                )
            }
            _ => (quote!(value: #ty), quote!(value)),
        };
        let deprecated = o
            .deprecated
            .then(|| quote!(#[deprecated(note = "deprecated by the API")]));
        quote! {
            #docs
            #deprecated
            pub fn #name(mut self, #param) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    // The runtime assembles the request from typed values (`Request::with_values`): the same
    // checks and path expansion as for a call made by name.
    let path_values: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            let wire = &p.name;
            quote!((#wire, crate::runtime::ParamValue::identifier(&self.#name)))
        })
        .collect();
    let option_values: Vec<TokenStream> = op
        .options
        .iter()
        .map(|o| {
            let name = ident(&o.rust_name);
            let wire = &o.name;
            let value = match &o.ty {
                TypeRef::Array(_) => quote!(crate::runtime::ParamValue::list(value)),
                TypeRef::Date => quote!(crate::runtime::ParamValue::Text(value)),
                _ => quote!(crate::runtime::ParamValue::from(value)),
            };
            quote!(if let Some(value) = self.#name { values.push((#wire, #value)); })
        })
        .collect();
    // Path values are always there, options only when set.
    let values_decl = if option_values.is_empty() {
        quote!(let values: Vec<(&'static str, crate::runtime::ParamValue)> = vec![ #( #path_values ),* ];)
    } else {
        quote!(let mut values: Vec<(&'static str, crate::runtime::ParamValue)> = vec![ #( #path_values ),* ];)
    };
    let body = request_body_type(op);
    let body_field = body
        .as_ref()
        .map(|(ty, _)| quote!(request_body: Option<#ty>,));
    let body_setter = body
        .as_ref()
        .filter(|(_, required)| !required)
        .map(|(ty, _)| {
            quote! {
                /// Sets the request body (sent as JSON; the spec does not require it).
                pub fn request_body(mut self, body: #ty) -> Self {
                    self.request_body = Some(body);
                    self
                }
            }
        });
    let body_send = body.as_ref().map(|_| {
        quote! {
            if let Some(body) = &self.request_body {
                request.json_body(body)?;
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder<'c> {
            client: &'c crate::Client,
            #( #path_fields )*
            #( #option_fields )*
            #body_field
            options: crate::runtime::CallOptions,
        }

        impl<'c> #builder<'c> {
            #( #setters )*
            #body_setter

            /// Overrides, for this call only, the client's traceability parameters or timeout.
            pub fn call_options(mut self, options: crate::runtime::CallOptions) -> Self {
                self.options = options;
                self
            }

            /// Sends the request and decodes the response.
            pub fn send(self) -> crate::runtime::Decoding<'c, #output> {
                let client = self.client;
                client.execute_built(self.build())
            }

            /// The request, its values checked (a plain function: `send` needs no future of
            /// its own).
            fn build(self) -> Result<crate::runtime::Request, crate::runtime::Error> {
                #values_decl
                #( #option_values )*
                let mut request = crate::runtime::Request::with_values(&super::operations::#meta, values)?;
                #body_send
                request.options(self.options);
                Ok(request)
            }
        }

        impl<'c> ::std::future::IntoFuture for #builder<'c> {
            type Output = Result<crate::runtime::ApiResponse<#output>, crate::runtime::Error>;
            type IntoFuture = crate::runtime::Decoding<'c, #output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    }
}

fn option_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Array(item) => {
            let item = option_type(item);
            quote!(Vec<#item>)
        }
        _ => quote!(String),
    }
}
