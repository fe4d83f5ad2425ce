//! What the real server checks before answering, in its order: the bearer token, the
//! traceability parameters, the path identifiers, the required parameters. Each check gives
//! the error items to answer with; the bodies come from the spec ([`ErrorCatalog`]).
//!
//! Tokens are read, not verified: the mock accepts the staging token and any well-formed
//! JWT, so tests can mint tokens with the scopes or expiry they need.

use std::str::FromStr;
use std::time::SystemTime;

use api_entreprise::runtime::{
    AuthScheme, CommonErrorCodes, IdentifierKind, Platform, Siret, Token, TraceabilityCheck,
};
use serde_json::Value;

use axum::http::{header, HeaderMap};

use crate::errors::Errors;

/// What the mock reads from a token's payload.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Claims {
    /// The token as sent: the rate limiter counts per token.
    pub token: String,
    /// `scopes` (v3 tokens) or `roles` (v2 tokens).
    pub scopes: Vec<String>,
}

/// Why a request's token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    /// No `Authorization: Bearer`, or not a JWT: `00101`.
    Invalid,
    /// `exp` is past: `00103`.
    Expired,
}

impl TokenError {
    /// The error item to answer with (status 401).
    pub(crate) fn item(self, catalog: &Errors, codes: &CommonErrorCodes) -> Value {
        match self {
            TokenError::Invalid => catalog.by_code(
                codes.invalid_token,
                401,
                "Votre token n'est pas valide ou n'est pas renseigné",
            ),
            TokenError::Expired => catalog.by_code(
                codes.expired_token,
                401,
                "Votre token est expiré. Vous devez refaire une demande",
            ),
        }
    }
}

/// Reads the secret where the operation's security scheme sends it (`auth`, its
/// [`OperationMeta::auth`](api_entreprise::runtime::OperationMeta::auth)): the
/// `Authorization` header, the API key's header, or its query parameter. `None` for an
/// operation that takes no secret. A bearer must be a JWT; an API key that is not one
/// carries no scopes and is taken as opening every operation (`every_scope`, the platform's
/// whole scope table, computed once): a real server would look it up.
pub(crate) fn secret(
    every_scope: &[&'static str],
    auth: AuthScheme,
    headers: &HeaderMap,
    query: &[(String, String)],
) -> Option<Result<Claims, TokenError>> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    Some(match auth {
        AuthScheme::None => return None,
        AuthScheme::Bearer => bearer(header(header::AUTHORIZATION.as_str())),
        AuthScheme::ApiKeyHeader(name) => api_key(every_scope, header(name)),
        AuthScheme::ApiKeyQuery(name) => {
            let value = query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str());
            api_key(every_scope, value)
        }
    })
}

/// Reads an API key: a JWT is read as one, any other value opens every operation.
fn api_key(every_scope: &[&'static str], value: Option<&str>) -> Result<Claims, TokenError> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    let value = value.ok_or(TokenError::Invalid)?;
    match Token::new(value.to_string()).claims() {
        Some(_) => jwt(value),
        None => Ok(Claims {
            token: value.to_string(),
            scopes: every_scope.iter().map(|s| s.to_string()).collect(),
        }),
    }
}

/// Reads an `Authorization: Bearer <JWT>` header's value.
pub(crate) fn bearer(authorization: Option<&str>) -> Result<Claims, TokenError> {
    let value = authorization.ok_or(TokenError::Invalid)?.trim();
    let (scheme, token) = value.split_once(' ').ok_or(TokenError::Invalid)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::Invalid);
    }
    jwt(token.trim())
}

/// What a JWT says, read the client's way; an expired one is refused.
fn jwt(token: &str) -> Result<Claims, TokenError> {
    // The client's own reading of a JWT: the mock and the client agree on what a token says.
    let claims = Token::new(token.to_string())
        .claims()
        .ok_or(TokenError::Invalid)?;
    if claims.expires_at().is_some_and(|at| at < SystemTime::now()) {
        return Err(TokenError::Expired);
    }
    Ok(Claims {
        token: token.to_string(),
        scopes: claims.scopes,
    })
}

/// The 422 items for the traceability parameters the operation declares: each missing or
/// blank one, in the platform's order ([`Platform::traceability`]), all in one body; then a
/// value that must be a SIRET and is not.
pub(crate) fn traceability(
    platform: &Platform,
    declared: &[&str],
    query: &[(String, String)],
    catalog: &Errors,
) -> Vec<Value> {
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut params = platform
        .traceability
        .iter()
        .filter(|p| declared.contains(&p.name));
    let missing: Vec<Value> = params
        .clone()
        .filter(|p| value(p.name).is_none())
        .map(|p| catalog.missing_parameter(p.name))
        .collect();
    if !missing.is_empty() {
        return missing;
    }
    // Then each value by the platform's own check, the one the client applies.
    params
        .find_map(|p| {
            let given = value(p.name)?;
            let detail = match (p.check, p.check_value(given)) {
                (_, Ok(_)) => return None,
                (TraceabilityCheck::Siret, _) => {
                    let reason = Siret::from_str(given).err().map(|e| e.to_string());
                    format!(
                        "Le paramètre {} doit être le numéro de siret de l'organisme destinataire des données : {}",
                        p.name,
                        reason.unwrap_or_default()
                    )
                }
                (_, Err(e)) => format!("Le paramètre {} n'est pas valide : {e}", p.name),
            };
            Some(vec![catalog.own_item(422, &detail, Some(p.name))])
        })
        .unwrap_or_default()
}

/// Checks `value` with the client's own rules for its `kind`.
pub(crate) fn identifier_ok(kind: IdentifierKind, value: &str) -> bool {
    kind.check(value).is_ok()
}

/// The canonical text of a year or a month, so `6` and `06` name the same month when
/// matching payloads. Other identifiers, and values that do not parse, stay as they are:
/// staging records answers for malformed ones too.
pub(crate) fn canonical(kind: IdentifierKind, value: &str) -> String {
    match kind {
        IdentifierKind::Month | IdentifierKind::Year => kind
            .check(value)
            .map_or_else(|_| value.to_string(), |checked| checked.value),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    fn jwt(payload: &str) -> String {
        format!(
            "{}.{}.{}",
            b64(br#"{"alg":"HS256"}"#),
            b64(payload.as_bytes()),
            b64(b"signature")
        )
    }

    #[test]
    fn tokens_are_read_not_verified() {
        let token = jwt(r#"{"scopes":["entreprises"],"exp":4102444800}"#);
        let claims = bearer(Some(&format!("Bearer {token}"))).unwrap();
        assert_eq!(claims.scopes, vec!["entreprises"]);
        assert_eq!(claims.token, token);
        let v2 = jwt(r#"{"roles":["uptime"]}"#);
        assert_eq!(
            bearer(Some(&format!("bearer {v2}"))).unwrap().scopes,
            vec!["uptime"]
        );
    }

    #[test]
    fn bad_tokens_are_refused() {
        assert_eq!(bearer(None), Err(TokenError::Invalid));
        assert_eq!(bearer(Some("Bearer")), Err(TokenError::Invalid));
        assert_eq!(bearer(Some("Basic abc")), Err(TokenError::Invalid));
        assert_eq!(bearer(Some("Bearer not.a.jwt!")), Err(TokenError::Invalid));
        let not_json = format!("{}.{}.x", b64(b"{}"), b64(b"not json"));
        assert_eq!(
            bearer(Some(&format!("Bearer {not_json}"))),
            Err(TokenError::Invalid)
        );
        let expired = jwt(r#"{"exp":1000}"#);
        assert_eq!(
            bearer(Some(&format!("Bearer {expired}"))),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn traceability_lists_every_missing_parameter() {
        let catalog = crate::errors::ErrorCatalog::empty(api_entreprise::PLATFORM.error_envelope);
        let catalog = catalog.platform();
        let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let all = ["context", "recipient", "object"];
        assert_eq!(
            traceability(&api_entreprise::PLATFORM, &all, &q(&[]), catalog).len(),
            3
        );
        let only_recipient = ["recipient"];
        assert_eq!(
            traceability(&api_entreprise::PLATFORM, &only_recipient, &q(&[]), catalog).len(),
            1
        );
        let only_context = traceability(
            &api_entreprise::PLATFORM,
            &all,
            &q(&[("context", "x"), ("object", " ")]),
            catalog,
        );
        assert_eq!(only_context.len(), 2);
        assert_eq!(only_context[0]["source"]["parameter"], "recipient");
        assert_eq!(only_context[1]["source"]["parameter"], "object");
        let bad_recipient = q(&[("context", "x"), ("recipient", "123"), ("object", "y")]);
        assert_eq!(
            traceability(&api_entreprise::PLATFORM, &all, &bad_recipient, catalog).len(),
            1
        );
        let good = q(&[
            ("context", "x"),
            ("recipient", "13002526500013"),
            ("object", "y"),
        ]);
        assert!(traceability(&api_entreprise::PLATFORM, &all, &good, catalog).is_empty());
    }

    #[test]
    fn identifiers_follow_the_client_rules() {
        use IdentifierKind::{Month, PathSegment, Siren, SiretOrRna, Year};
        assert!(identifier_ok(Siren, "418166096"));
        assert!(!identifier_ok(Siren, "418166097"));
        assert!(identifier_ok(SiretOrRna, "W751234567"));
        assert!(identifier_ok(Month, "6"));
        assert!(!identifier_ok(Month, "13"));
        assert!(identifier_ok(PathSegment, "anything"));
        assert_eq!(canonical(Month, "6"), "06");
        assert_eq!(canonical(Year, "2024"), "2024");
        assert_eq!(canonical(Month, "x"), "x");
        // Staging's fixture SIREN fails the key: matched as written.
        assert_eq!(canonical(Siren, "000000001"), "000000001");
    }
}
