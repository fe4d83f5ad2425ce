//! Traceability parameters required by most API Entreprise endpoints.
//!
//! Every call must say in which context it is made, which public body
//! receives the data and why. The API rejects malformed values with a 422,
//! so they are checked here once, when built, rather than on every call.

use super::errors::ValidationError;
use super::identifiers::Siret;

/// `object` must be shorter than this many characters.
const OBJECT_MAX_CHARS: usize = 50;

/// The `context`, `recipient` and `object` query parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traceability {
    context: String,
    recipient: Siret,
    object: String,
}

impl Traceability {
    /// Checks and builds the parameters.
    ///
    /// * `context`: framework of the call (e.g. `"aides publiques"`),
    ///   non-empty;
    /// * `recipient`: SIRET of the public body receiving the data (your
    ///   organisation, not the company looked up);
    /// * `object`: reason or procedure reference, non-empty and fewer than
    ///   50 characters.
    ///
    /// Surrounding whitespace is trimmed from `context` and `object`.
    pub fn new(
        context: impl Into<String>,
        recipient: &str,
        object: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let context = context.into().trim().to_owned();
        if context.is_empty() {
            return Err(ValidationError::Traceability(
                "`context` must not be empty: say in which framework the call is made".to_owned(),
            ));
        }
        let recipient: Siret = recipient.parse().map_err(|e| {
            ValidationError::Traceability(format!(
                "`recipient` must be the SIRET of the public body receiving the data: {e}"
            ))
        })?;
        let object = object.into().trim().to_owned();
        if object.is_empty() {
            return Err(ValidationError::Traceability(
                "`object` must not be empty: give the reason or the procedure reference".to_owned(),
            ));
        }
        let chars = object.chars().count();
        if chars >= OBJECT_MAX_CHARS {
            return Err(ValidationError::Traceability(format!(
                "`object` must be fewer than {OBJECT_MAX_CHARS} characters, got {chars}"
            )));
        }
        Ok(Self {
            context,
            recipient,
            object,
        })
    }

    /// Framework of the call.
    pub fn context(&self) -> &str {
        &self.context
    }

    /// SIRET of the public body receiving the data.
    pub fn recipient(&self) -> &Siret {
        &self.recipient
    }

    /// Reason of the call or procedure reference.
    pub fn object(&self) -> &str {
        &self.object
    }

    /// Refuses a call whose recipient belongs to the company being looked
    /// up: the recipient is the public body receiving the data, and the API
    /// rejects this frequent mix-up.
    pub fn check_not_looked_up(&self, siren: Option<&str>) -> Result<(), ValidationError> {
        match siren {
            Some(siren) if siren == self.recipient.siren().as_str() => {
                Err(ValidationError::Traceability(format!(
                    "`recipient` ({}) belongs to the company being looked up (SIREN {siren}); \
                     it must be the SIRET of the public body receiving the data",
                    self.recipient
                )))
            }
            _ => Ok(()),
        }
    }
}
