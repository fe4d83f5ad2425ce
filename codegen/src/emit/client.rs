//! Emits the generated crate's own `Client` and `Traceability`: the runtime's, bound to this
//! crate's `PLATFORM`. The operation groups (`client.v4()`…) are inherent methods of this
//! `Client`, written in the same crate, as progenitor writes its `Client`; the runtime's
//! methods (`throttle_snapshot`, `execute`…) are reached through `Deref`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::profile::Profile;

/// `Client`, its builder's entry and `Traceability` for `profile`'s API.
pub fn emit_client(profile: &Profile) -> TokenStream {
    let name = &profile.api.name;
    let client_doc = format!(
        " A client of {name}: the runtime's [`Client`](crate::runtime::Client) bound to \
         [`PLATFORM`], with one method per module of operations. Cheap to clone."
    );
    let traceability_doc = format!(
        " The traceability parameters of {name}'s calls, checked when built \
         ([`Traceability::new`]): the runtime's \
         [`Traceability`](crate::runtime::Traceability) under this platform's rules."
    );
    quote! {
        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client(crate::runtime::Client);

        impl Client {
            /// Starts configuring a client of this API.
            pub fn builder() -> crate::runtime::ClientBuilder<Client> {
                crate::runtime::ClientBuilder::new(&PLATFORM)
            }
        }

        impl From<crate::runtime::Client> for Client {
            fn from(client: crate::runtime::Client) -> Self {
                Client(client)
            }
        }

        impl ::std::ops::Deref for Client {
            type Target = crate::runtime::Client;
            fn deref(&self) -> &crate::runtime::Client {
                &self.0
            }
        }

        #[doc = #traceability_doc]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Traceability(crate::runtime::Traceability);

        impl Traceability {
            /// Checks and builds the values, given as `(name, value)` pairs of this
            /// platform's parameters (see
            /// [`runtime::Traceability::from_pairs`](crate::runtime::Traceability::from_pairs)).
            pub fn from_pairs<'a>(
                pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
            ) -> Result<Self, crate::runtime::ValidationError> {
                crate::runtime::Traceability::from_pairs(&PLATFORM, pairs).map(Traceability)
            }
        }

        impl From<Traceability> for crate::runtime::Traceability {
            fn from(traceability: Traceability) -> Self {
                traceability.0
            }
        }

        impl ::std::ops::Deref for Traceability {
            type Target = crate::runtime::Traceability;
            fn deref(&self) -> &crate::runtime::Traceability {
                &self.0
            }
        }

        /// Reads the secret from the environment variable the platform names
        /// ([`platform::SECRET_ENV`]), surrounding whitespace trimmed.
        pub fn token_from_env() -> Result<crate::runtime::Token, crate::runtime::Error> {
            PLATFORM.token_from_env()
        }
    }
}
