//! The API token, kept out of every log, error and debug output.

use std::fmt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::Deserialize;

use super::errors::{ConfigError, Error, SecretProblem, SecretSource};

/// How an operation sends the secret, from its spec's security requirement
/// ([`OperationMeta::auth`](super::OperationMeta::auth)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// No secret: an open route (monitoring).
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// The secret alone in this header (lower case), e.g. `x-api-key`.
    ApiKeyHeader(&'static str),
    /// The secret as the value of this query parameter. The URL then holds the secret: the
    /// client never shows a URL it sent (errors are stripped of it, spans name the path
    /// template only), and a generator warns when a spec asks for it.
    ApiKeyQuery(&'static str),
}

impl AuthScheme {
    /// Whether a secret is sent.
    pub const fn sends_secret(self) -> bool {
        !matches!(self, AuthScheme::None)
    }
}

/// The API's secret: a bearer token (a JWT for API Entreprise) or an API
/// key, sent as the spec's security scheme says.
///
/// Deliberately has no `Display` and a `Debug` that prints `Token(***)`, so
/// it cannot end up in logs or error messages by accident.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps a token obtained elsewhere.
    pub fn new(token: String) -> Self {
        Token(token)
    }

    /// Reads the token from the environment variable `var`, surrounding whitespace
    /// trimmed ([`Platform::token_from_env`](super::Platform::token_from_env) reads the
    /// one the platform names).
    pub fn from_env_var(var: &str) -> Result<Self, Error> {
        let from = || SecretSource::EnvVar(var.to_owned());
        let value = std::env::var(var).map_err(|e| ConfigError::Secret {
            from: from(),
            problem: match e {
                std::env::VarError::NotPresent => SecretProblem::NotSet,
                std::env::VarError::NotUnicode(_) => SecretProblem::NotUnicode,
            },
        })?;
        Self::non_empty(&value, from())
    }

    /// Reads the token from a file (surrounding whitespace, such as the
    /// final newline, trimmed).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        // The error names the file but never shows its content.
        let from = || SecretSource::File(path.to_owned());
        let value = std::fs::read_to_string(path).map_err(|e| ConfigError::Secret {
            from: from(),
            problem: SecretProblem::Unreadable(e),
        })?;
        Self::non_empty(&value, from())
    }

    fn non_empty(value: &str, from: SecretSource) -> Result<Self, Error> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(ConfigError::Secret {
                from,
                problem: SecretProblem::Empty,
            }
            .into());
        }
        Ok(Token(trimmed.to_owned()))
    }

    /// The claims of the JWT, read without checking its signature (only the
    /// server can). `None` when the token is not a well-formed JWT: three
    /// base64url parts, the middle one a JSON object.
    pub fn claims(&self) -> Option<TokenClaims> {
        let mut parts = self.0.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || header.is_empty() || payload.is_empty() {
            return None;
        }
        base64url_decode(header)?;
        base64url_decode(signature)?;
        serde_json::from_slice(&base64url_decode(payload)?).ok()
    }

    /// The secret itself; only the HTTP layer may see it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// What a token says about itself. No field holds the secret, so this type
/// can be printed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct TokenClaims {
    /// `exp`: expiry, in epoch seconds.
    #[serde(default, deserialize_with = "epoch_seconds")]
    pub exp: Option<i64>,
    /// `iat`: issue date, in epoch seconds.
    #[serde(default)]
    pub iat: Option<i64>,
    /// `sub`: what the token was issued for.
    #[serde(default)]
    pub sub: Option<String>,
    /// `scopes` (`roles` in v2 tokens): the data the token gives access to.
    #[serde(default, alias = "roles")]
    pub scopes: Vec<String>,
}

/// An integer or a float (some issuers write `exp` as `1.7e9`), truncated.
fn epoch_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.map(|f| f as i64))
}

impl TokenClaims {
    /// Expiry as a time, when the token has one.
    pub fn expires_at(&self) -> Option<SystemTime> {
        let exp = self.exp?;
        let secs = Duration::from_secs(exp.unsigned_abs());
        if exp >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(secs)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(secs)
        }
    }
}

/// How a token's expiry compares with `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// Not a JWT, or no `exp`: nothing to check locally.
    Unknown,
    /// More than 30 days left.
    Valid,
    /// Less than 30 days left: warn.
    Soon(SystemTime),
    /// Past: refuse to send it.
    Expired(SystemTime),
}

/// How much validity `token` has left at `now`; below `warn_before` it is [`Expiry::Soon`].
pub(crate) fn expiry(token: &Token, now: SystemTime, warn_before: Duration) -> Expiry {
    match token.claims().and_then(|c| c.expires_at()) {
        None => Expiry::Unknown,
        Some(at) if at <= now => Expiry::Expired(at),
        Some(at) if at <= now + warn_before => Expiry::Soon(at),
        Some(_) => Expiry::Valid,
    }
}

/// Decodes unpadded base64url (the JWT alphabet); `None` on any other byte.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // One leftover character carries fewer than 8 bits: not base64.
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64url_of_every_length() {
        assert_eq!(base64url_decode("").unwrap(), b"");
        assert_eq!(base64url_decode("Zg").unwrap(), b"f");
        assert_eq!(base64url_decode("Zm8").unwrap(), b"fo");
        assert_eq!(base64url_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64url_decode("_-8").unwrap(), [0xff, 0xef]);
        assert!(base64url_decode("a+b").is_none());
        assert!(base64url_decode("a").is_none());
    }

    #[test]
    fn reads_claims_and_classifies_expiry() {
        const MONTH: Duration = Duration::from_secs(30 * 86_400);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let token = |t: &str| Token::new(t.to_owned());
        // Payload: {"exp":1000000100,"iat":1,"scopes":["entreprises","open_data"],"uid":"x"}
        let soon = token("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjEwMDAwMDAxMDAsImlhdCI6MSwic2NvcGVzIjpbImVudHJlcHJpc2VzIiwib3Blbl9kYXRhIl0sInVpZCI6IngifQ.sig");
        let claims = soon.claims().unwrap();
        assert_eq!(claims.scopes, ["entreprises", "open_data"]);
        assert_eq!(
            expiry(&soon, now, MONTH),
            Expiry::Soon(now + Duration::from_secs(100))
        );
        // Payloads: {"exp":999999999}, {"exp":1100000000}, {"sub":"no expiry"}
        let expired = token("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjk5OTk5OTk5OX0.sig");
        assert!(matches!(expiry(&expired, now, MONTH), Expiry::Expired(_)));
        assert_eq!(
            expiry(
                &token("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjExMDAwMDAwMDB9.sig"),
                now,
                MONTH
            ),
            Expiry::Valid
        );
        assert_eq!(
            expiry(
                &token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJubyBleHBpcnkifQ.sig"),
                now,
                MONTH
            ),
            Expiry::Unknown
        );
        assert_eq!(expiry(&token("not-a-jwt"), now, MONTH), Expiry::Unknown);
    }
}
