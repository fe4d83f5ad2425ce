//! The API token, kept out of every log, error and debug output.

use std::fmt;
use std::path::Path;

use super::errors::Error;

/// Environment variable read by [`Token::from_env`].
const TOKEN_ENV_VAR: &str = "API_ENTREPRISE_TOKEN";

/// API Entreprise bearer token (a JWT).
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

    /// Reads the token from the `API_ENTREPRISE_TOKEN` environment variable
    /// (surrounding whitespace trimmed).
    pub fn from_env() -> Result<Self, Error> {
        let value = std::env::var(TOKEN_ENV_VAR).map_err(|e| {
            Error::Config(match e {
                std::env::VarError::NotPresent => format!("{TOKEN_ENV_VAR} is not set"),
                std::env::VarError::NotUnicode(_) => format!("{TOKEN_ENV_VAR} is not valid UTF-8"),
            })
        })?;
        Self::non_empty(&value, TOKEN_ENV_VAR)
    }

    /// Reads the token from a file (surrounding whitespace, such as the
    /// final newline, trimmed).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        // The error names the file but never shows its content.
        let value = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(format!("cannot read token file {}: {e}", path.display()))
        })?;
        Self::non_empty(&value, &format!("token file {}", path.display()))
    }

    fn non_empty(value: &str, source: &str) -> Result<Self, Error> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(Error::Config(format!("{source} is empty")));
        }
        Ok(Token(trimmed.to_owned()))
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
