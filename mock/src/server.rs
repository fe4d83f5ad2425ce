//! One request, start to end: route, then the real server's checks in its order (token, rate
//! limit, scopes, traceability), then the answer: the staging payload recorded for these
//! parameters, else the identifier checks and the spec's example, else a 404.
//!
//! A recorded payload is looked up before the identifiers are checked because staging itself
//! answers that way: it serves `000000001` (not a valid SIREN) its fixture, and records a
//! 422 for `invalid`. The answer to a recorded call is what staging said, whatever it is.

use std::net::IpAddr;
use std::sync::Arc;

use api_entreprise::runtime::{Limit, ParamLocation};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use serde_json::Value;

use crate::bans::{BanReason, Bans};
use crate::checks::{self, canonical, identifier_ok};
use crate::data::{Data, MockOperation, Payload};
use crate::documents::{is_served_name, FILES_PREFIX};
use crate::errors::Errors;
use crate::faults::ActiveFaults;
use crate::limits::{Decision, RateLimiter, WindowKey};
use crate::maintenance::Windows;
use crate::monitoring::{self, Special};
use crate::routes::RouteMatch;
use crate::stats::Counters;

const JSON: &str = "application/json; charset=utf-8";

/// What every request reads, and what the server's controls change.
#[derive(Debug)]
pub(crate) struct AppState {
    pub data: Arc<Data>,
    /// Per token and bucket, and per IP ([`WindowKey::ip`]).
    pub limiter: RateLimiter,
    /// The per-IP limits (buckets `ip`, `ip[1]`…), unless [`RateLimiter::set_limit`]
    /// changed them.
    pub ip_limits: Vec<Limit>,
    /// 429s a (token, bucket) window may collect; the next refusal bans its IP.
    pub tolerated_429s: u32,
    pub bans: Bans,
    pub faults: ActiveFaults,
    /// The simulated maintenance windows.
    pub maintenance: Windows,
    pub stats: Counters,
    pub cache_expires_in: u64,
    pub pdf: Vec<u8>,
}

/// A request as the listener hands it over, once counted against its IP.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// The request's headers: the secret is read from the one the operation's scheme names.
    pub headers: &'a HeaderMap,
    pub peer: IpAddr,
    /// Its count in the per-IP window (`None` for `/mock-files/`, which stand for another
    /// host): the rate-limit headers of the monitoring routes, which count only there.
    pub ip_window: Option<Decision>,
    /// A status fault striking it: the answer becomes this 5xx once counted.
    pub injected_status: Option<u16>,
    /// Its body (empty without one); `None` when it was larger than the mock reads.
    pub body: Option<&'a [u8]>,
}

/// An answer before it becomes an HTTP response.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Body,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn json(status: u16, body: String) -> Answer {
        Answer {
            status,
            content_type: JSON,
            body: Body::from(body),
            headers: Vec::new(),
        }
    }

    fn value(status: u16, body: &Value) -> Answer {
        Answer::json(status, body.to_string())
    }

    fn errors(errors: &Errors, status: u16, items: Vec<Value>) -> Answer {
        Answer::value(status, &errors.body(items))
    }

    fn with_rate_limit(mut self, decision: Option<Decision>) -> Answer {
        if let Some(d) = decision {
            self.headers.push(("RateLimit-Limit", d.limit.to_string()));
            self.headers
                .push(("RateLimit-Remaining", d.remaining.to_string()));
            self.headers.push(("RateLimit-Reset", d.reset.to_string()));
            if let Some(after) = d.retry_after {
                self.headers.push(("Retry-After", after.to_string()));
            }
        }
        self
    }

    /// The cache headers the API sends with data: the mock never serves from a cache.
    fn with_cache(mut self, expires_in: u64) -> Answer {
        self.headers
            .push(("X-Response-Cached", "false".to_string()));
        self.headers
            .push(("X-Cache-Expires-in", expires_in.to_string()));
        self
    }

    fn into_response(self) -> Response<Body> {
        let mut response = Response::new(self.body);
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        response
    }
}

/// Answers one request: the checks, then the data, or the injected status. Counting it
/// against its token may ban its IP ([`Bans::ban`]); the listener then drops the answer.
pub(crate) fn respond(state: &AppState, request: &Call<'_>) -> Response<Body> {
    let answer = answer(state, request);
    match request.injected_status {
        Some(status) => injected(state, request, status, answer).into_response(),
        None => answer.into_response(),
    }
}

/// A status fault's answer: the operation's own spec example for that status when it has one
/// (502 and 504 have), else the mock's item; the counts of the real answer stay, as the
/// request was counted.
fn injected(state: &AppState, request: &Call<'_>, status: u16, counted: Answer) -> Answer {
    let op = match state.data.router.find(request.method, request.path) {
        RouteMatch::Found { operation, .. } => state.data.operations.get(operation),
        _ => None,
    };
    let example = op
        .and_then(|op| op.server_errors.iter().find(|(s, _)| *s == status))
        .map(|(_, body)| body.clone());
    let errors = errors_of(state, op);
    let body = example.unwrap_or_else(|| {
        errors.body(vec![errors.own_item(
            status,
            "Erreur injectée par le mock (--fault)",
            None,
        )])
    });
    let mut answer = Answer::value(status, &body);
    answer.headers = counted
        .headers
        .into_iter()
        .filter(|(name, _)| name.starts_with("RateLimit-"))
        .collect();
    answer
}

/// The largest request body the mock reads: a request body is a few fields.
pub(crate) const MAX_REQUEST_BODY: usize = 1 << 20;

/// A body sent as JSON must be JSON: else 400, as the server answers, and 413 for one larger
/// than [`MAX_REQUEST_BODY`].
fn check_body(errors: &Errors, headers: &HeaderMap, body: Option<&[u8]>) -> Option<Answer> {
    let Some(body) = body else {
        let detail = format!("Le corps de la requête dépasse {MAX_REQUEST_BODY} octets");
        return Some(Answer::errors(
            errors,
            413,
            vec![errors.own_item(413, &detail, None)],
        ));
    };
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json"));
    if !json || body.is_empty() {
        return None;
    }
    let problem = serde_json::from_slice::<Value>(body).err()?;
    let detail = format!("Le corps de la requête n'est pas du JSON : {problem}");
    Some(Answer::errors(
        errors,
        400,
        vec![errors.own_item(400, &detail, None)],
    ))
}

fn answer(state: &AppState, request: &Call<'_>) -> Answer {
    let Call {
        method,
        path,
        query,
        headers,
        peer,
        ..
    } = *request;
    if let Some(name) = path.strip_prefix(FILES_PREFIX) {
        return document(state, method, name);
    }
    let data = &state.data;
    let (operation, path_params) = match data.router.find(method, path) {
        RouteMatch::Found { operation, params } => (operation, params),
        RouteMatch::WrongMethod => {
            let errors = data.catalog.platform();
            return Answer::errors(
                errors,
                405,
                vec![errors.own_item(
                    405,
                    &format!("La méthode {method} n'est pas acceptée sur {path}"),
                    None,
                )],
            );
        }
        RouteMatch::NotFound => return unknown_route(data.catalog.platform(), method, path),
    };
    let Some(op) = data.operations.get(operation) else {
        return unknown_route(data.catalog.platform(), method, path);
    };
    // The operation's spec says how its errors are written.
    let errors = errors_of(state, Some(op));
    if let Some(refused) = check_body(errors, headers, request.body) {
        return refused;
    }
    // A body the spec requires, not sent: refused as the server refuses it.
    let required = op.meta.request_body.is_some_and(|b| b.required);
    if required && request.body.is_some_and(<[u8]>::is_empty) {
        let detail = "Le corps de la requête est requis pour cette opération";
        return Answer::errors(errors, 400, vec![errors.own_item(400, detail, None)]);
    }
    // The provider is down: the server answers so before looking at the token or the limits.
    if let Some((window, until)) = state.maintenance.until(op.meta.operation_id) {
        let until = time::OffsetDateTime::from(until)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let detail = format!(
            "Le fournisseur de données est en maintenance chaque jour de {window} ({}) : \
             réessayez après {until}",
            state.maintenance.zone()
        );
        return Answer::errors(errors, 503, vec![errors.own_item(503, &detail, None)]);
    }
    let mut query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();

    let claims = match checks::secret(&data.every_scope, op.meta.auth, headers, &query) {
        None => None,
        Some(Ok(claims)) => Some(claims),
        Some(Err(e)) => {
            let item = e.item(errors, &data.api.platform.error_codes);
            return Answer::errors(errors, 401, vec![item]);
        }
    };
    if let api_entreprise::runtime::AuthScheme::ApiKeyQuery(name) = op.meta.auth {
        // The secret is no parameter of the operation.
        query.retain(|(k, _)| k != name);
    }
    // Every bucket of the operation, each in its own window (a minute, a second); the IP's
    // window has been counted by the listener. The answer's headers describe the first.
    let mut decision = None;
    for bucket in &op.buckets {
        let client = match (&claims, bucket.per_ip) {
            (_, true) => format!("ip:{peer}"),
            (Some(claims), false) => claims.token.clone(),
            // An open route's calls count per token nowhere.
            (None, false) => continue,
        };
        let key = WindowKey {
            client,
            bucket: bucket.name.clone(),
        };
        let counted = state
            .limiter
            .count_in(key, bucket.limit.calls, bucket.limit.window);
        if counted.retry_after.is_some() {
            if counted.refused > state.tolerated_429s {
                state.bans.ban(peer, BanReason::Ignored429s);
            }
            let item = errors.by_code(
                data.api.platform.error_codes.too_many_requests,
                429,
                "Vous avez effectué trop de requêtes",
            );
            return Answer::errors(errors, 429, vec![item]).with_rate_limit(Some(counted));
        }
        decision.get_or_insert(counted);
    }
    let decision = decision.or(request.ip_window);
    if let Some(claims) = &claims {
        if !op.scopes.is_empty()
            && !op
                .scopes
                .iter()
                .any(|s| claims.scopes.iter().any(|c| c == s))
        {
            let item = errors.by_code(
                data.api.platform.error_codes.insufficient_privileges,
                403,
                "Votre token est valide mais vos privilèges sont insuffisants.",
            );
            return Answer::errors(errors, 403, vec![item]).with_rate_limit(decision);
        }
    }
    if !op.meta.traceability.is_empty() {
        let items = checks::traceability(data.api.platform, op.meta.traceability, &query, errors);
        if !items.is_empty() {
            return Answer::errors(errors, 422, items).with_rate_limit(decision);
        }
    }
    if let Some(missing) = missing_required(errors, op, &query) {
        return Answer::errors(errors, 422, missing).with_rate_limit(decision);
    }
    if let Some(special) = monitoring::special(data.api.platform, op.meta.path) {
        let value = |name: &str| query_value(&query, name).unwrap_or_default();
        let body = match special {
            Special::Privileges => {
                monitoring::privileges(claims.as_ref().map_or(&[][..], |c| &c.scopes))
            }
            Special::CurrentStatus => {
                monitoring::current_status(data.api.platform, &data.operations, &state.maintenance)
            }
            Special::ProviderAvailabilities => {
                monitoring::provider_availabilities(value("endpoint"), value("period"))
            }
        };
        return Answer::value(200, &body).with_rate_limit(decision);
    }
    data_answer(state, op, &path_params, &query).with_rate_limit(decision)
}

/// The error items of `op`'s spec (its envelope), or the platform's for no operation.
fn errors_of<'s>(state: &'s AppState, op: Option<&MockOperation>) -> &'s Errors {
    let catalog = &state.data.catalog;
    op.map_or_else(
        || catalog.platform(),
        |op| catalog.for_envelope(op.meta.error_envelope),
    )
}

/// The recorded payload, else the identifier checks, else the spec's examples.
fn data_answer(
    state: &AppState,
    op: &MockOperation,
    path_params: &[(String, String)],
    query: &[(String, String)],
) -> Answer {
    if let Some(payload) = recorded(op, path_params, query) {
        return Answer::json(payload.status, payload.body.clone())
            .with_cache(state.cache_expires_in);
    }
    let errors = errors_of(state, Some(op));
    let invalid: Vec<Value> = op
        .path_params()
        .filter_map(|(name, kind)| {
            let value = path_value(path_params, name)?;
            (!identifier_ok(kind, value)).then(|| errors.invalid_identifier(kind, name))
        })
        .collect();
    if !invalid.is_empty() {
        return Answer::errors(errors, 422, invalid);
    }
    if let Some(example) = &op.success {
        return Answer::value(200, &personalize(example, path_params))
            .with_cache(state.cache_expires_in);
    }
    let body = op.not_found.clone().unwrap_or_else(|| {
        errors.body(vec![errors.own_item(
            404,
            "Aucune donnée de démonstration pour ces paramètres",
            None,
        )])
    });
    Answer::value(404, &body).with_cache(state.cache_expires_in)
}

/// The payload whose `params` all equal the request's; of several, the one naming the most
/// (`nature_effectif=boeth` picks the BOETH file over the plain one of the same year).
fn recorded<'a>(
    op: &'a MockOperation,
    path_params: &[(String, String)],
    query: &[(String, String)],
) -> Option<&'a Payload> {
    let request_value = |name: &str| -> Option<String> {
        if let Some((_, kind)) = op.path_params().find(|(p, _)| *p == name) {
            return path_value(path_params, name).map(|v| canonical(kind, v));
        }
        if op.meta.traceability.contains(&name) {
            return None;
        }
        query_value(query, name).map(str::to_string)
    };
    op.payloads
        .iter()
        .filter(|p| {
            p.params
                .iter()
                .all(|(name, value)| request_value(name).as_deref() == Some(value.as_str()))
        })
        .fold(None, |best: Option<&Payload>, p| match best {
            Some(b) if b.params.len() >= p.params.len() => Some(b),
            _ => Some(p),
        })
}

/// A spec example speaks of the identifiers the caller asked about: a `data.siren` (or any
/// field of `data` named like a path parameter) takes the requested value.
fn personalize(example: &Value, path_params: &[(String, String)]) -> Value {
    let mut body = example.clone();
    if let Some(Value::Object(data)) = body.get_mut("data") {
        for (name, value) in path_params {
            if let Some(field @ Value::String(_)) = data.get_mut(name) {
                *field = Value::String(value.clone());
            }
        }
    }
    body
}

fn missing_required(
    errors: &Errors,
    op: &MockOperation,
    query: &[(String, String)],
) -> Option<Vec<Value>> {
    let missing: Vec<Value> = op
        .meta
        .params
        .iter()
        .filter(|p| {
            p.required && p.location == ParamLocation::Query && query_value(query, p.name).is_none()
        })
        .map(|p| {
            errors.own_item(
                422,
                &format!("Le paramètre {} est obligatoire", p.name),
                Some(p.name),
            )
        })
        .collect();
    (!missing.is_empty()).then_some(missing)
}

fn path_value<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A query parameter's first non-blank value.
fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.as_str())
}

fn unknown_route(errors: &Errors, method: &str, path: &str) -> Answer {
    Answer::errors(
        errors,
        404,
        vec![errors.own_item(
            404,
            &format!("Aucune route ne correspond à {method} {path}"),
            None,
        )],
    )
}

/// `/mock-files/<name>`: the demonstration PDF, whatever the name, as documents are
/// pre-signed links that need no token.
fn document(state: &AppState, method: &str, name: &str) -> Answer {
    let errors = state.data.catalog.platform();
    if method != "GET" && method != "HEAD" {
        return Answer::errors(
            errors,
            405,
            vec![errors.own_item(405, "Les documents se téléchargent en GET", None)],
        );
    }
    if !is_served_name(name) {
        return unknown_route(errors, method, &format!("{FILES_PREFIX}{name}"));
    }
    Answer {
        status: 200,
        content_type: "application/pdf",
        body: Body::from(state.pdf.clone()),
        headers: vec![(
            "Content-Disposition",
            format!("inline; filename=\"{name}\""),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::MockOperation;
    use crate::errors::ErrorCatalog;
    use serde_json::json;
    use std::net::Ipv4Addr;
    use std::time::Duration;

    /// A server state of `operations` alone, with `catalog`, and no payload.
    fn state(operations: Vec<MockOperation>, catalog: ErrorCatalog) -> AppState {
        AppState {
            data: Arc::new(Data::new(crate::MockApi::default(), operations, catalog)),
            limiter: RateLimiter::new(Duration::from_secs(60)),
            ip_limits: api_entreprise::PLATFORM.ip_limits.to_vec(),
            tolerated_429s: 10,
            bans: Bans::new(Duration::from_secs(60)),
            faults: ActiveFaults::new(crate::faults::FaultPlan::none()),
            maintenance: Windows::new(
                &api_entreprise::PLATFORM,
                &[],
                api_entreprise::runtime::TimeZone::UTC,
                api_entreprise::runtime::Clock::system(),
            )
            .unwrap(),
            stats: Counters::default(),
            cache_expires_in: 3600,
            pdf: Vec::new(),
        }
    }

    /// GETs `path_and_query` with `authorization`: status and JSON body.
    async fn get(
        state: &AppState,
        path_and_query: &str,
        authorization: Option<&str>,
    ) -> (u16, Value) {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        }
        let response = respond(
            state,
            &Call {
                method: "GET",
                path,
                query,
                headers: &headers,
                peer: IpAddr::V4(Ipv4Addr::LOCALHOST),
                ip_window: None,
                injected_status: None,
                body: Some(&[]),
            },
        );
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    const TRACE: &str = "context=test&recipient=13002526500013&object=test";

    /// An operation whose spec gives no success body, only a 404 example: that is answered.
    #[tokio::test]
    async fn without_a_success_example_the_operation_404_example_is_answered() {
        let meta = api_entreprise::find_operation("api_entreprise_v3_insee_unites_legales")
            .expect("the client has it");
        let mut operation = MockOperation::new(meta, "insee");
        let not_found = json!({"errors": [{"code": "99003", "title": "Entité non trouvée",
            "detail": "Rien ici", "source": null, "meta": {}}]});
        operation.not_found = Some(not_found.clone());
        let state = state(
            vec![operation],
            ErrorCatalog::empty(api_entreprise::PLATFORM.error_envelope),
        );
        let token = crate::token::made_up(&api_entreprise::PLATFORM, std::time::SystemTime::now());
        let (status, body) = get(
            &state,
            &format!("/v3/insee/sirene/unites_legales/418166096?{TRACE}"),
            Some(&format!("Bearer {token}")),
        )
        .await;
        assert_eq!((status, body), (404, not_found));
        // Without the spec's token examples, the mock's own body, in the same format.
        let (status, body) = get(&state, "/v3/insee/sirene/unites_legales/418166096", None).await;
        assert_eq!(status, 401);
        assert_eq!(
            body["errors"][0]["code"],
            api_entreprise::platform::CODE_INVALID_TOKEN
        );
        // Without any example at all, a 404 of the mock's own.
        let bare = MockOperation::new(meta, "insee");
        let state = super::tests::state(
            vec![bare],
            ErrorCatalog::empty(api_entreprise::PLATFORM.error_envelope),
        );
        let (status, body) = get(
            &state,
            &format!("/v3/insee/sirene/unites_legales/418166096?{TRACE}"),
            Some(&format!("Bearer {token}")),
        )
        .await;
        assert_eq!(status, 404);
        assert_eq!(body["errors"][0]["code"], "00404");
    }
}
