//! The answers of the open monitoring routes (no token, no traceability,
//! only the per-IP limit): the current status of each endpoint and a
//! provider's availability over a period.
//!
//! The v2 spec lists these routes without any response schema; the
//! profile's `response_types` makes their generated calls answer these
//! types, which name the fields the service sends; every field is optional and any other
//! field is kept in `extra`, so a change on the server side degrades to
//! missing values, never to a failed call.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Answer of the current-status route.
///
/// Decodes both shapes the route has been seen with: an object whose
/// `results` lists the endpoints, and a bare list of endpoints.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, from = "CurrentStatusWire")]
#[non_exhaustive]
pub struct CurrentStatus {
    /// One entry per monitored endpoint.
    pub results: Vec<EndpointStatus>,
    /// Any other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The wire forms of [`CurrentStatus`].
#[derive(Deserialize)]
#[serde(untagged)]
enum CurrentStatusWire {
    List(Vec<EndpointStatus>),
    Object {
        #[serde(default)]
        results: Vec<EndpointStatus>,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
}

impl From<CurrentStatusWire> for CurrentStatus {
    fn from(wire: CurrentStatusWire) -> Self {
        match wire {
            CurrentStatusWire::List(results) => CurrentStatus {
                results,
                extra: Map::new(),
            },
            CurrentStatusWire::Object { results, extra } => CurrentStatus { results, extra },
        }
    }
}

/// Last known state of one endpoint. A field the server left out, or sent as `null`, is
/// `None` and left out again when encoding; any field not named here is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct EndpointStatus {
    /// Machine name of the endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uname: Option<String>,
    /// Human name of the endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Data provider behind it (INSEE, DGFIP…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// API version of the endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<Value>,
    /// HTTP status of the last check (200 when up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// When the last check ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Any other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EndpointStatus {
    /// Whether the last check succeeded; `None` without a status code.
    pub fn is_up(&self) -> Option<bool> {
        self.code.map(|c| (200..300).contains(&c))
    }
}

/// Answer of the provider-availability route.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ProviderAvailability {
    /// The endpoint asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The period asked about (`15m`, `1d`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Availability over the period, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_availability: Option<f64>,
    /// Availability per day, in percent, keyed by date.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub days_availability: BTreeMap<String, f64>,
    /// Any other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
