//! Emits the `platform` module: the platform profile's facts as constants (names, base URLs,
//! traceability rules, limits, timeouts, window, ban, advice), which the mock
//! reads, and the same facts as one value, `PLATFORM`, which the runtime is handed (it reads
//! no constant of a generated crate). Also the crate's `Client` and `Traceability`, wrapping
//! the runtime's with this platform, and the positional `Traceability::new` with one accessor
//! per traceability parameter, so their names are written once, in the profile.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::model::naming::field_ident;
use crate::model::Api;
use crate::profile::{
    CountedPer, ErrorEnvelope, LimitRule, Profile, SummerTimeRule, TraceabilityCheck,
};

/// The module's items, for the spec `api` (servers, security scheme) under `profile`;
/// `operation_tables` are the paths of each spec's `operations::ALL`, the root spec's first.
pub fn emit_platform(
    profile: &Profile,
    api: &Api,
    operation_tables: &[TokenStream],
) -> TokenStream {
    let name = &profile.api.name;
    let env_prefix = &profile.api.env_prefix;
    let user_agent = &profile.api.user_agent;
    let secret_env = &profile.auth.secret_env;
    let renewal = match &profile.api.token_renewal_url {
        Some(url) => quote!(Some(#url)),
        None => quote!(None),
    };
    let warn_secs = profile.auth.warn_days_before_expiry * 86_400;
    let environments = profile.environments.iter().map(|e| {
        // The spec's own `servers` win over the profile's default address.
        let from_spec = e.server_match.as_deref().and_then(|m| {
            api.servers
                .iter()
                .find(|(_, description)| description.to_lowercase().contains(&m.to_lowercase()))
                .map(|(url, _)| url.trim_end_matches('/').to_string())
        });
        let url = from_spec.unwrap_or_else(|| e.url.trim_end_matches('/').to_string());
        let env_name = &e.name;
        quote!((#env_name, #url))
    });
    let traceability = profile.traceability.iter().map(|t| {
        let tname = &t.name;
        let check = match t.check {
            TraceabilityCheck::Siret => quote!(crate::runtime::TraceabilityCheck::Siret),
            TraceabilityCheck::Siren => quote!(crate::runtime::TraceabilityCheck::Siren),
            TraceabilityCheck::OneOf => {
                let values = &t.values;
                quote!(crate::runtime::TraceabilityCheck::OneOf(&[ #( #values ),* ]))
            }
            TraceabilityCheck::Pattern => {
                let pattern = t.pattern.as_deref().unwrap_or_default();
                quote!(crate::runtime::TraceabilityCheck::Pattern(#pattern))
            }
            TraceabilityCheck::Text => {
                let max = match t.max_chars {
                    Some(m) => quote!(Some(#m)),
                    None => quote!(None),
                };
                let min = t.min_chars.unwrap_or(1);
                quote!(crate::runtime::TraceabilityCheck::Text { min_chars: #min, max_chars: #max })
            }
        };
        let hint = &t.hint;
        let not_looked_up = t.not_the_looked_up_company;
        quote! {
            crate::runtime::TraceabilityParam {
                name: #tname,
                check: #check,
                hint: #hint,
                not_the_looked_up_company: #not_looked_up,
            }
        }
    });
    let groups = profile.groups.iter().map(|(name, rules)| {
        let ident = group_ident(name);
        let doc = format!(" The `{name}` group's limits, timeout and body bound.");
        let limits = rules.limits.iter().map(limit);
        let counted_per = match rules.counted_per {
            CountedPer::Token => quote!(crate::runtime::CountedPer::Token),
            CountedPer::Ip => quote!(crate::runtime::CountedPer::Ip),
        };
        let (timeout, max_body) = (rules.timeout_ms, rules.max_body_bytes);
        quote! {
            #[doc = #doc]
            pub const #ident: crate::runtime::GroupRules = crate::runtime::GroupRules {
                name: #name,
                limits: &[ #( #limits ),* ],
                counted_per: #counted_per,
                timeout: Duration::from_millis(#timeout),
                max_body: #max_body,
            };
        }
    });
    let group_consts: Vec<_> = profile
        .groups
        .keys()
        .map(|name| group_ident(name))
        .collect();
    let download_group = group_ident(&profile.download_group);
    let download_max = profile.download_max_bytes;
    let ip_limits = profile.ip_limits.iter().map(limit);
    let window = profile.window_secs;
    let ban = profile.ban_hours * 3600;
    let breaker = profile.breaker_after_no_answer;
    let tolerated = profile.tolerated_429s;
    let response_types = profile
        .response_types
        .iter()
        .map(|(route, name)| quote!((#route, #name)));
    let advice = profile
        .advice
        .iter()
        .filter_map(|(status, text)| status.parse::<u16>().ok().map(|s| quote!((#s, #text))));
    let other_advice = profile
        .advice
        .get("other")
        .cloned()
        .unwrap_or_else(|| "unexpected error: see the error details".to_string());
    let known_versions = &profile.versions.known;
    let c = &profile.common_error_codes;
    let (invalid_token, expired_token, insufficient_privileges, too_many_requests) = (
        &c.invalid_token,
        &c.expired_token,
        &c.insufficient_privileges,
        &c.too_many_requests,
    );
    let error_envelope = envelope(&profile.error_envelope);
    let maintenance_zone = match &profile.maintenance_time_zone {
        Some(zone) => {
            let zone_name = &zone.name;
            // Checked when the profile was read.
            let offset = zone.offset_minutes().unwrap_or(0);
            let summer = match zone.summer_time {
                SummerTimeRule::None => quote!(crate::runtime::SummerTime::None),
                SummerTimeRule::European => quote!(crate::runtime::SummerTime::European),
            };
            quote! {
                crate::runtime::TimeZone {
                    name: #zone_name,
                    utc_offset_minutes: #offset,
                    summer_time: #summer,
                }
            }
        }
        None => quote!(crate::runtime::TimeZone::UTC),
    };
    let traceability_impl = traceability_impl(profile);
    let wrappers = super::client::emit_client(profile);
    quote! {
        /// Facts about the API that its spec does not state, from the platform profile
        /// (`spec/profile.yml`): names, deployments, traceability, limits, bans. The
        /// runtime, the throttle and the mock read these constants and nothing else.
        pub mod platform {
            use ::std::time::Duration;

            /// The API's name, as users read it in messages.
            pub const API_NAME: &str = #name;
            /// Prefix of the environment variables users set (`<PREFIX>_TOKEN` …).
            pub const ENV_PREFIX: &str = #env_prefix;
            /// The environment variable holding the secret (token or API key).
            pub const SECRET_ENV: &str = #secret_env;
            /// `User-Agent` product name (the crate's version follows it).
            pub const USER_AGENT: &str = #user_agent;
            /// Where a user renews an expired token.
            pub const TOKEN_RENEWAL_URL: Option<&str> = #renewal;
            /// A token expiring within this delay gets a warning.
            pub const TOKEN_WARN_BEFORE_EXPIRY: Duration = Duration::from_secs(#warn_secs);
            /// Deployments `(name, base URL)`, the default first; the spec's `servers` win
            /// over the profile's addresses.
            pub const ENVIRONMENTS: &[(&str, &str)] = &[ #( #environments ),* ];
            /// The traceability parameters, in the profile's order; an operation sends those
            /// it declares ([`OperationMeta::traceability`](crate::runtime::OperationMeta::traceability)).
            pub const TRACEABILITY: &[crate::runtime::TraceabilityParam] = &[ #( #traceability ),* ];
            /// API versions known when the profile was written; others were generated with a
            /// warning.
            pub const KNOWN_VERSIONS: &[u16] = &[ #( #known_versions ),* ];
            /// The limits of one IP address, all tokens together, each in a window of its
            /// own.
            pub const IP_LIMITS: &[crate::runtime::Limit] = &[ #( #ip_limits ),* ];
            /// The server's reference window (fixed, opened by the first call): the one
            /// `RateLimit-Reset` and bans count in, and the one a scaled mock's minute stands
            /// for.
            pub const WINDOW: Duration = Duration::from_secs(#window);
            /// How long a ban lasts: no answer at all from the server.
            pub const BAN: Duration = Duration::from_secs(#ban);
            /// Calls in a row without any answer that trip the client's ban breaker.
            pub const BREAKER_AFTER_NO_ANSWER: u32 = #breaker;
            /// 429s one token window may collect before the server bans the IP.
            pub const TOLERATED_429S: u32 = #tolerated;
            /// The time zone the spec's maintenance windows (`x-maintenances`) are written
            /// in: the spec names none, the profile does (`maintenance_time_zone`; UTC when
            /// it does not). A client can read them in another
            /// ([`ClientBuilder::maintenance_time_zone`](crate::runtime::ClientBuilder::maintenance_time_zone)).
            pub const MAINTENANCE_TIME_ZONE: crate::runtime::TimeZone = #maintenance_zone;
            /// Routes the spec leaves without an answer schema → the runtime type their
            /// generated call answers (the profile's `response_types`).
            pub const RESPONSE_TYPES: &[(&str, &str)] = &[ #( #response_types ),* ];
            /// Error code of a missing or unreadable secret (401).
            pub const CODE_INVALID_TOKEN: &str = #invalid_token;
            /// Error code of an expired token (401).
            pub const CODE_EXPIRED_TOKEN: &str = #expired_token;
            /// Error code of a token lacking the operation's scopes (403).
            pub const CODE_INSUFFICIENT_PRIVILEGES: &str = #insufficient_privileges;
            /// Error code of a rate limit exceeded (429).
            pub const CODE_TOO_MANY_REQUESTS: &str = #too_many_requests;
            /// Where an error body holds its items and their fields, for an answer that is not
            /// an operation's; each operation names its spec's own
            /// ([`OperationMeta::error_envelope`](crate::runtime::OperationMeta::error_envelope)).
            pub const ERROR_ENVELOPE: crate::runtime::ErrorEnvelope = #error_envelope;

            #( #groups )*

            /// The largest document (PDF, ZIP) a download writes, in bytes.
            pub const DOWNLOAD_MAX_BYTES: u64 = #download_max;

            /// What an error status means, in plain words.
            pub fn advice(status: u16) -> &'static str {
                PLATFORM.advice(status)
            }

            /// The base URL of the deployment called `name`.
            pub fn environment_url(name: &str) -> Option<&'static str> {
                PLATFORM.environment_url(name)
            }

            /// These facts as the value the runtime is handed: the client builder, the
            /// throttle's rules and the mock read it.
            pub static PLATFORM: crate::runtime::Platform = crate::runtime::Platform {
                api_name: API_NAME,
                env_prefix: ENV_PREFIX,
                secret_env: SECRET_ENV,
                user_agent: concat!(#user_agent, "/", env!("CARGO_PKG_VERSION")),
                token_renewal_url: TOKEN_RENEWAL_URL,
                token_warn_before_expiry: TOKEN_WARN_BEFORE_EXPIRY,
                environments: ENVIRONMENTS,
                traceability: TRACEABILITY,
                ip_limits: IP_LIMITS,
                window: WINDOW,
                ban: BAN,
                breaker_after_no_answer: BREAKER_AFTER_NO_ANSWER,
                tolerated_429s: TOLERATED_429S,
                error_codes: crate::runtime::CommonErrorCodes {
                    invalid_token: CODE_INVALID_TOKEN,
                    expired_token: CODE_EXPIRED_TOKEN,
                    insufficient_privileges: CODE_INSUFFICIENT_PRIVILEGES,
                    too_many_requests: CODE_TOO_MANY_REQUESTS,
                },
                response_types: RESPONSE_TYPES,
                maintenance_time_zone: MAINTENANCE_TIME_ZONE,
                error_envelope: ERROR_ENVELOPE,
                groups: &[ #( #group_consts ),* ],
                download_group: &#download_group,
                download_max_bytes: DOWNLOAD_MAX_BYTES,
                advice: &[ #( #advice ),* ],
                other_advice: #other_advice,
                operations: &[ #( #operation_tables ),* ],
                scopes: crate::scopes::SCOPES,
            };
        }

        pub use platform::PLATFORM;

        #wrappers

        #traceability_impl
    }
}

/// The constant of the group called `name` in the `platform` module (`GROUP_JSON`).
fn group_ident(name: &str) -> proc_macro2::Ident {
    ident(&format!("GROUP_{}", name.to_ascii_uppercase()))
}

/// The path of the group called `name`'s rules, for an operation's metadata.
pub(super) fn group_path(name: &str) -> TokenStream {
    let ident = group_ident(name);
    quote!(crate::platform::#ident)
}

/// `Traceability::new(<each parameter>)` and one accessor per parameter.
fn traceability_impl(profile: &Profile) -> TokenStream {
    let args: Vec<_> = profile
        .traceability
        .iter()
        .map(|t| ident(&field_ident(&t.name)))
        .collect();
    let names: Vec<&String> = profile.traceability.iter().map(|t| &t.name).collect();
    let mut new_doc = String::from(" Checks and builds the traceability parameters:\n");
    for t in &profile.traceability {
        new_doc.push_str(&format!("\n * `{}`: {}", t.name, t.hint));
    }
    new_doc.push_str("\n\n Surrounding whitespace is trimmed.");
    let accessors = profile.traceability.iter().zip(&args).map(|(t, arg)| {
        let tname = &t.name;
        let doc = format!(" `{tname}`: {}.", t.hint);
        quote! {
            #[doc = #doc]
            pub fn #arg(&self) -> &str {
                self.get(#tname).unwrap_or_default()
            }
        }
    });
    quote! {
        impl Traceability {
            #[doc = #new_doc]
            pub fn new( #( #args: impl Into<String> ),* ) -> Result<Self, crate::runtime::ValidationError> {
                #( let #args: String = #args.into(); )*
                Self::from_pairs([ #( (#names, #args.as_str()) ),* ])
            }

            #( #accessors )*
        }
    }
}

/// An `ErrorEnvelope` value of the runtime, from the profile's.
pub(crate) fn envelope(e: &ErrorEnvelope) -> TokenStream {
    let (items, code, title, detail, source, provider, retry_in) = (
        &e.items,
        &e.code,
        &e.title,
        &e.detail,
        &e.source,
        &e.provider,
        &e.retry_in,
    );
    quote! {
        crate::runtime::ErrorEnvelope {
            items: #items,
            code: #code,
            title: #title,
            detail: #detail,
            source: #source,
            provider: #provider,
            retry_in: #retry_in,
        }
    }
}

/// `Limit { calls, window }` of a profile's limit.
fn limit(limit: &LimitRule) -> TokenStream {
    let (calls, secs) = (limit.calls, limit.per_secs);
    quote!(crate::runtime::Limit { calls: #calls, window: Duration::from_secs(#secs) })
}
