//! The routes that answer about the API rather than about a company: `/privileges` (the
//! token's scopes) and the open monitoring routes of the v2 spec, which need no token.
//!
//! Shapes the mock sends, since the spec documents none of them:
//!
//! - `GET /privileges` and `GET /v2/privileges/`:
//!   `{"data": {"privileges": ["entreprises", …]}, "links": {}, "meta": {}}`, the scopes
//!   (v3 tokens) or roles (v2 tokens) of the token's payload.
//! - `GET /watchdoge/dashboard/current_status/`: a JSON list, one entry per operation the mock
//!   serves: `{"uname" and "operation_id" (its x-operationId), "name" (its path),
//!   "api_version" ("v3"…), "provider" (the x-operationId's first word after the version, as
//!   the client's build read it), "code": 200, "status": "ok", "timestamp" (now, RFC 3339)}`.
//!   An operation inside a simulated maintenance window ([`crate::maintenance`]) is
//!   `"code": 503, "status": "down"`, its `timestamp` the window's start; every other one is
//!   up.
//! - `GET /watchdoge/stats/provider_availabilities/?period=15m&endpoint=api/v3/x`:
//!   `{"endpoint", "period", "from", "to" (RFC 3339), "total_checks" (one a minute over the
//!   period), "failed_checks": 0, "availability": 100.0, "total_availability": 100.0,
//!   "days_availability": {"2026-11-30": 100.0, …}}`. `period` is a number and a unit,
//!   `m`, `h`, `d` or `w`.

use api_entreprise::runtime::Platform;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::data::MockOperation;
use crate::maintenance::Windows;

/// What kind of answer an operation's route gives, when it is not a data answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    Privileges,
    CurrentStatus,
    ProviderAvailabilities,
}

/// Recognizes the special routes by the runtime type the profile gives their answer
/// ([`Platform::response_types`]): the spec describes none.
pub(crate) fn special(platform: &Platform, path: &str) -> Option<Special> {
    let (_, name) = platform
        .response_types
        .iter()
        .find(|(route, _)| route.trim_matches('/') == path.trim_matches('/'))?;
    match *name {
        "Privileges" => Some(Special::Privileges),
        "CurrentStatus" => Some(Special::CurrentStatus),
        "ProviderAvailability" => Some(Special::ProviderAvailabilities),
        _ => None,
    }
}

/// The `/privileges` body.
pub(crate) fn privileges(scopes: &[String]) -> Value {
    json!({"data": {"privileges": scopes}, "links": {}, "meta": {}})
}

/// The `current_status` body.
pub(crate) fn current_status(
    platform: &Platform,
    operations: &[MockOperation],
    maintenance: &Windows,
) -> Value {
    let now = now_rfc3339(OffsetDateTime::now_utc());
    let entries: Vec<Value> = operations
        .iter()
        .filter(|o| special(platform, o.meta.path).is_none())
        .map(|o| {
            // An operation in a simulated maintenance window is down, since its start.
            let (code, status, since) = match maintenance.since(o.meta.operation_id) {
                Some(since) => (503, "down", now_rfc3339(OffsetDateTime::from(since))),
                None => (200, "ok", now.clone()),
            };
            json!({
                "uname": o.meta.operation_id,
                "operation_id": o.meta.operation_id,
                "name": o.meta.path,
                "api_version": o.meta.version.as_str(),
                "provider": o.provider,
                "code": code,
                "status": status,
                "timestamp": since,
            })
        })
        .collect();
    Value::Array(entries)
}

pub(crate) fn provider_availabilities(endpoint: &str, period: &str) -> Value {
    let to = OffsetDateTime::now_utc();
    let minutes = period_minutes(period).unwrap_or(15);
    let from = to - time::Duration::minutes(minutes);
    // One entry per day of the period, named as the client's `ProviderAvailability` reads it.
    let mut days = serde_json::Map::new();
    let mut day = from.date();
    while day <= to.date() {
        days.insert(day.to_string(), json!(100.0));
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    json!({
        "endpoint": endpoint,
        "period": period,
        "from": now_rfc3339(from),
        "to": now_rfc3339(to),
        "total_checks": minutes,
        "failed_checks": 0,
        "availability": 100.0,
        "total_availability": 100.0,
        "days_availability": days,
    })
}

/// `15m` → 15, `2h` → 120, `1d` → 1440.
fn period_minutes(period: &str) -> Option<i64> {
    let unit_at = period.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = period.split_at(unit_at);
    let n: i64 = n.parse().ok()?;
    let per = match unit {
        "m" | "min" => 1,
        "h" => 60,
        "d" => 1440,
        "w" => 7 * 1440,
        _ => return None,
    };
    n.checked_mul(per).filter(|m| (1..=525_600).contains(m))
}

fn now_rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_routes_are_known_by_path() {
        assert_eq!(
            special(&api_entreprise::PLATFORM, "/privileges"),
            Some(Special::Privileges)
        );
        assert_eq!(
            special(&api_entreprise::PLATFORM, "/v2/privileges/"),
            Some(Special::Privileges)
        );
        assert_eq!(
            special(
                &api_entreprise::PLATFORM,
                "/watchdoge/dashboard/current_status/"
            ),
            Some(Special::CurrentStatus)
        );
        assert_eq!(
            special(
                &api_entreprise::PLATFORM,
                "/v3/insee/sirene/unites_legales/{siren}"
            ),
            None
        );
    }

    #[test]
    fn periods_and_providers() {
        assert_eq!(period_minutes("15m"), Some(15));
        assert_eq!(period_minutes("2h"), Some(120));
        assert_eq!(period_minutes("1d"), Some(1440));
        assert_eq!(period_minutes("1w"), Some(7 * 1440));
        assert_eq!(period_minutes("soon"), None);
        assert_eq!(period_minutes("99999999999999999999d"), None);
        // The provider is the client build's reading of the x-operationId.
        assert_eq!(
            api_entreprise::mock_data::operation("api_entreprise_v3_insee_unites_legales")
                .map(|o| o.provider),
            Some("insee")
        );
        let body = provider_availabilities("api/v3/x", "2h");
        assert_eq!(body["total_checks"], 120);
        let typed: api_entreprise::runtime::ProviderAvailability =
            serde_json::from_value(body.clone()).unwrap();
        assert_eq!(typed.total_availability, Some(100.0));
        assert!(!typed.days_availability.is_empty());
        assert_eq!(body["endpoint"], "api/v3/x");
    }
}
