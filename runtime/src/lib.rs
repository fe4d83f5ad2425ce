//! The handwritten runtime of the API clients that `apie-codegen` generates (the
//! `api-entreprise` crate among them).
//!
//! The generated crates only describe operations (paths, parameters, response models) and
//! their API (a [`Platform`] value built from the profile); everything that talks to the
//! network, validates input, throttles or interprets errors lives here, so it can be
//! reviewed and tested once. The runtime knows no API and depends on no generated crate:
//! a generated crate hands its `PLATFORM` to [`ClientBuilder::new`] and wraps the
//! [`Client`] in its own type with one method per module of operations.
//!
//! The most used items are re-exported at this level so generated code and
//! callers can write `runtime::Siren` instead of `runtime::identifiers::Siren`.

#![deny(missing_docs)]

pub mod auth;
mod body;
pub mod client;
pub mod clock;
pub mod decoding;
pub mod documents;
pub mod environment;
pub mod errors;
pub mod examples;
pub mod groups;
pub mod identifiers;
mod json_path;
pub mod maintenance;
pub mod meta;
pub mod monitoring;
pub mod platform;
pub mod privileges;
pub mod request;
pub mod retry;
pub mod throttle;
pub mod traceability;
pub mod undeclared;
pub mod values;

pub use auth::{AuthScheme, Token, TokenClaims};
pub use client::{Client, ClientBuilder, Environment};
pub use clock::{Clock, ManualClock, TimeSource};
pub use decoding::Decoding;
pub use documents::DocumentLink;
pub use errors::{
    decode_body, decode_error_body, ApiError, BaseUrlError, BodyNotUnderstood, ConfigError,
    DecodeError, Error, ErrorBody, ErrorEnvelope, ErrorItem, ErrorMeta, RequestProblem,
    SecretProblem, SecretSource, ValidationError,
};
pub use examples::{ErrorExamples, Examples, OperationExamples};
pub use groups::{CountedPer, GroupRules, Limit};
pub use identifiers::{
    CheckedIdentifier, Eori, IdentifierError, IdentifierErrorReason, IdentifierKind, Month,
    PathParam, PathSegment, Rna, Siren, SirenOrRna, SirenOrSiretOrRna, Siret, SiretOrEori,
    SiretOrRna, Year,
};
pub use maintenance::{DailyWindow, OnMaintenance, ParseMaintenanceError, SummerTime, TimeZone};
pub use meta::{
    ApiVersion, MaintenanceWindow, OperationMeta, ParamKind, ParamLocation, ParamMeta,
    RequestBodyMeta,
};
pub use monitoring::{CurrentStatus, EndpointStatus, ProviderAvailability};
pub use platform::{CommonErrorCodes, Platform};
pub use privileges::Privileges;
pub use request::{
    encode_path_segment, strip_unavailable, ApiResponse, CallOptions, ParamValue, RateLimitHeaders,
    Request,
};
pub use retry::RetryPolicy;
pub use throttle::{BucketSnapshot, Throttle, ThrottleConfig, ThrottleSnapshot};
pub use traceability::{Traceability, TraceabilityCheck, TraceabilityParam};
pub use undeclared::{Undeclared, UndeclaredReport};
pub use values::{ApiDate, ApiDateTime};
