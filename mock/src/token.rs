//! The token [`MockServer::staging_token`] hands out: the staging token file when there is
//! one, else a token the mock makes up, so that a clone with nothing beside it can still call
//! its own mock (`apie demo`).
//!
//! The made-up token is an unsigned JWT (RFC 7519 §6: `alg` `none`, an empty signature): the
//! mock reads tokens without checking signatures, as it does the staging one, and a token
//! that claims no signature cannot be mistaken for a credential of the real API.
//!
//! [`MockServer::staging_token`]: crate::MockServer::staging_token

use std::path::Path;
use std::time::{Duration, SystemTime};

use api_entreprise::runtime::Platform;
use serde_json::json;

use crate::MockError;

/// Who the made-up token says it is (`uid`).
const MADE_UP_UID: &str = "apie-mock";

/// How long the made-up token lasts: long enough that no demo sees it expire, and the client
/// warns only within 30 days of `exp`.
const MADE_UP_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// The token in `path`, trimmed; a warning when it is no JWT, which the mock would refuse.
pub(crate) fn read(path: &Path, warnings: &mut Vec<String>) -> Result<String, MockError> {
    let token = std::fs::read_to_string(path)
        .map_err(|e| MockError::TokenFile {
            path: path.to_owned(),
            source: Some(e),
        })?
        .trim()
        .to_string();
    if api_entreprise::runtime::Token::new(token.clone())
        .claims()
        .is_none()
    {
        warnings.push(format!(
            "{}: not a JWT; the mock will refuse it",
            path.display()
        ));
    }
    Ok(token)
}

/// An unsigned JWT with every scope of `platform`'s scope table, expiring a year from now.
pub(crate) fn made_up(platform: &Platform, now: SystemTime) -> String {
    let exp = now
        .checked_add(MADE_UP_LIFETIME)
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let header = json!({"alg": "none", "typ": "JWT"});
    let payload = json!({"uid": MADE_UP_UID, "exp": exp, "scopes": every_scope(platform)});
    format!(
        "{}.{}.",
        base64url(header.to_string().as_bytes()),
        base64url(payload.to_string().as_bytes())
    )
}

/// Every scope `platform`'s compiled scope table names, sorted: a token with them all opens
/// every operation the table lists, whatever its rules.
pub(crate) fn every_scope(platform: &Platform) -> Vec<&'static str> {
    let mut scopes: Vec<&'static str> = platform
        .all_operations()
        .filter_map(|op| platform.required_scopes(op.operation_id))
        .flatten()
        .copied()
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}

/// Base64url without padding, as JWTs are written.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_entreprise::runtime::Token;

    #[test]
    fn base64url_has_no_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn the_made_up_token_is_a_jwt_with_every_scope_for_a_year() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let token = made_up(&api_entreprise::PLATFORM, now);
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3, "{token}");
        assert!(parts[2].is_empty(), "unsigned: {token}");
        let claims = Token::new(token.clone())
            .claims()
            .expect("a JWT the client reads");
        assert_eq!(claims.exp, Some(1_800_000_000 + 365 * 24 * 3600));
        let scopes: Vec<&str> = claims.scopes.iter().map(String::as_str).collect();
        assert_eq!(scopes, every_scope(&api_entreprise::PLATFORM));
        assert!(
            scopes.contains(&"unites_legales_etablissements_insee"),
            "{scopes:?}"
        );
    }
}
