//! The server's controls, shared by [`crate::MockServer`]'s methods and the HTTP control
//! routes under `/__mock/`, which a running `apie mock` is driven through. The routes are
//! never counted, faulted nor refused, even while the caller is banned: an operator must be
//! able to unban.
//!
//! - `GET /__mock/stats`: [`crate::MockStats`] as JSON (times in epoch seconds).
//! - `GET /__mock/faults`: `{"faults": ["503@every=5", …]}`.
//! - `PUT /__mock/faults`: replaces the plan; the body is a JSON list of spec strings, the
//!   same under `{"faults": […]}`, or plain text, one spec a line. Answers the new plan.
//! - `DELETE /__mock/faults`: no more faults.
//! - `GET /__mock/limits`: `{"json": 250, "documents": 50, "ip": 1000, <x-operationId>: …}`,
//!   the limits of windows opening now.
//! - `PUT /__mock/limits/<bucket>`: the body is the new limit (a number), for windows opening
//!   from now on.
//! - `POST /__mock/unban`: lifts every ban: `{"unbanned": N}`.
//!
//! Refusals are in the API's error format: 400 for a body that cannot be read, 404 for an
//! unknown bucket or route, 405 for a wrong method.

use std::fmt;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use serde_json::{json, Value};

use crate::faults::{FaultPlan, FaultSpecError};
use crate::limits::ip_bucket;
use crate::server::AppState;
use crate::MockStats;

const PREFIX: &str = "/__mock/";

/// The largest control body read: a few fault specs or a number.
const BODY_LIMIT: usize = 64 * 1024;

/// A [`MockServer::set_limit`] bucket the server does not have.
///
/// [`MockServer::set_limit`]: crate::MockServer::set_limit
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownBucket {
    /// The bucket asked for.
    pub bucket: String,
    /// The buckets there are: `ip`, the groups' (`documents`, `json`), and the
    /// x-operationIds whose limit is their own.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownBucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no rate-limit bucket `{}`: the buckets are {}",
            self.bucket,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownBucket {}

impl AppState {
    /// What the server has done, bans included.
    pub(crate) fn stats(&self) -> MockStats {
        self.stats.snapshot(self.bans.report())
    }

    /// The buckets and the limits of their windows opening now: `ip` (`ip[1]` for the IP's
    /// second limit), each limit of each
    /// group (`json`, `documents`; `json[1]` for a group's second limit), and each operation
    /// whose limit is its own. A group without limits (monitoring) has no bucket: its calls
    /// count only per IP.
    pub(crate) fn limits(&self) -> Vec<(String, u32)> {
        let mut documented: Vec<(String, u32)> = (self.ip_limits.iter().enumerate())
            .map(|(index, limit)| (ip_bucket(index), limit.calls))
            .collect();
        for bucket in self.data.operations.iter().flat_map(|op| &op.buckets) {
            if !documented.iter().any(|(b, _)| *b == bucket.name) {
                documented.push((bucket.name.clone(), bucket.limit.calls));
            }
        }
        documented.sort();
        documented
            .into_iter()
            .map(|(bucket, limit)| {
                let now = self.limiter.limit_of(&bucket, limit);
                (bucket, now)
            })
            .collect()
    }

    /// Windows of `bucket` opening from now on allow `limit` calls.
    pub(crate) fn set_limit(&self, bucket: &str, limit: u32) -> Result<(), UnknownBucket> {
        let known = self.limits();
        if !known.iter().any(|(b, _)| b == bucket) {
            return Err(UnknownBucket {
                bucket: bucket.to_string(),
                known: known.into_iter().map(|(b, _)| b).collect(),
            });
        }
        self.limiter.set_limit(bucket, limit);
        Ok(())
    }

    /// Lifts every ban and forgets what led to them; returns how many IPs were banned.
    pub(crate) fn unban_all(&self) -> usize {
        self.limiter.forgive();
        self.bans.unban_all()
    }
}

/// Whether `path` is a control route's.
pub(crate) fn is_control(path: &str) -> bool {
    path.starts_with(PREFIX) || path == "/__mock"
}

/// Answers a control route; the body is any body hyper or an in-process caller hands over.
pub(crate) async fn handle<B>(state: &AppState, request: Request<B>) -> Response<Body>
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let route = path.strip_prefix(PREFIX).unwrap_or_default();
    let body = match axum::body::to_bytes(Body::new(request.into_body()), BODY_LIMIT).await {
        Ok(body) => body,
        Err(e) => return refusal(state, 400, &format!("cannot read the body: {e}")),
    };
    let text = String::from_utf8_lossy(&body);
    match (method.as_str(), route) {
        ("GET", "stats") => reply(state.stats().to_json()),
        ("GET", "faults") => faults_reply(state),
        ("PUT", "faults") => match parse_faults(&text) {
            Ok(plan) => {
                state.faults.set(plan);
                faults_reply(state)
            }
            Err(problem) => refusal(state, 400, &problem.to_string()),
        },
        ("DELETE", "faults") => {
            state.faults.set(FaultPlan::none());
            faults_reply(state)
        }
        ("GET", "limits") => limits_reply(state),
        ("PUT", bucket) if bucket.starts_with("limits/") => {
            let bucket = &bucket["limits/".len()..];
            let Ok(limit) = text.trim().parse::<u32>() else {
                return refusal(
                    state,
                    400,
                    &format!(
                        "the body is the new limit, a whole number, not `{}`",
                        text.trim()
                    ),
                );
            };
            match state.set_limit(bucket, limit) {
                Ok(()) => reply(json!({"bucket": bucket, "limit": limit})),
                Err(e) => refusal(state, 404, &e.to_string()),
            }
        }
        ("POST", "unban") => reply(json!({"unbanned": state.unban_all()})),
        (_, "stats" | "faults" | "limits" | "unban") => {
            refusal(state, 405, &format!("{method} is not accepted on {path}"))
        }
        (_, route) if route.starts_with("limits/") => {
            refusal(state, 405, &format!("{method} is not accepted on {path}"))
        }
        _ => refusal(
            state,
            404,
            &format!(
                "no control route {method} {path}: stats, faults, limits, limits/<bucket>, unban"
            ),
        ),
    }
}

/// Why a `PUT /faults` body gives no plan.
#[derive(Debug)]
enum FaultsBodyError {
    /// JSON, but neither a list of strings nor `{"faults": [...]}`.
    NotAList,
    /// A spec of the list is not a fault.
    Spec(FaultSpecError),
}

impl fmt::Display for FaultsBodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultsBodyError::NotAList => {
                f.write_str("a JSON body is a list of fault specs, or {\"faults\": [...]}")
            }
            FaultsBodyError::Spec(e) => e.fmt(f),
        }
    }
}

/// A plan from a JSON list of specs, `{"faults": […]}`, or lines of text.
fn parse_faults(text: &str) -> Result<FaultPlan, FaultsBodyError> {
    let specs: Vec<String> = match serde_json::from_str::<Value>(text) {
        Ok(value) => {
            let list = value.get("faults").unwrap_or(&value);
            list.as_array()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_string))
                        .collect()
                })
                .ok_or(FaultsBodyError::NotAList)?
        }
        Err(_) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    };
    FaultPlan::parse(specs).map_err(FaultsBodyError::Spec)
}

fn faults_reply(state: &AppState) -> Response<Body> {
    reply(json!({"faults": state.faults.plan().specs()}))
}

fn limits_reply(state: &AppState) -> Response<Body> {
    let limits: serde_json::Map<String, Value> = state
        .limits()
        .into_iter()
        .map(|(bucket, limit)| (bucket, json!(limit)))
        .collect();
    reply(Value::Object(limits))
}

fn reply(body: Value) -> Response<Body> {
    json_response(StatusCode::OK, body)
}

/// A refused control request, in the platform's error envelope.
fn refusal(state: &AppState, status: u16, detail: &str) -> Response<Body> {
    let errors = state.data.catalog.platform();
    json_response(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        errors.body(vec![errors.own_item(status, detail, None)]),
    )
}

fn json_response(status: StatusCode, body: Value) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_bodies_in_every_accepted_form() {
        let expected = FaultPlan::parse(["503@every=5", "reset"]).unwrap();
        for body in [
            r#"["503@every=5", "reset"]"#,
            r#"{"faults": ["503@every=5", "reset"]}"#,
            "503@every=5\n\n  reset\n",
        ] {
            assert_eq!(parse_faults(body).unwrap(), expected, "{body}");
        }
        assert_eq!(parse_faults("").unwrap(), FaultPlan::none());
        let not_a_list = parse_faults("[1]").unwrap_err();
        assert!(matches!(not_a_list, FaultsBodyError::NotAList));
        assert!(not_a_list.to_string().contains("list of fault specs"));
        let bad_spec = parse_faults("boom").unwrap_err();
        assert!(matches!(bad_spec, FaultsBodyError::Spec(_)));
        assert!(bad_spec.to_string().contains("boom"));
    }

    #[test]
    fn only_the_mock_prefix_is_control() {
        assert!(is_control("/__mock/stats"));
        assert!(is_control("/__mock"));
        assert!(!is_control("/__mockery"));
        assert!(!is_control("/v3/__mock/stats"));
    }
}
