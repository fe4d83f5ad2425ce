//! Traceability parameters: what every data call must say about itself
//! (in which context it is made, which public body receives the data, why).
//!
//! Which parameters exist and how each is checked is the platform's fact,
//! stated in its profile and handed to the runtime in
//! [`Platform::traceability`](super::Platform::traceability); this file only
//! applies those rules. The API rejects malformed values with a 422, so they
//! are checked here once, when built, rather than on every call. The
//! generator also emits a positional constructor (`Traceability::new`) and
//! one accessor per parameter, in the profile's order.

use std::fmt;

use super::errors::ValidationError;
use super::identifiers::{Siren, Siret};
use super::platform::Platform;

/// How a traceability value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceabilityCheck {
    /// Text (trimmed) of at least `min_chars` characters (at least one), fewer than
    /// `max_chars` when set.
    Text {
        /// Values must have at least this many characters (0 is read as 1: never empty).
        min_chars: usize,
        /// Values must have fewer characters than this.
        max_chars: Option<usize>,
    },
    /// A SIRET: 14 digits with a valid Luhn key.
    Siret,
    /// A SIREN: 9 digits with a valid Luhn key.
    Siren,
    /// One of these values, exactly (after trimming).
    OneOf(&'static [&'static str]),
    /// Text (trimmed) that this regular expression matches whole (the `regex` crate's
    /// syntax, as `regex-lite` reads it: the generator refuses a profile whose pattern it
    /// cannot read).
    Pattern(&'static str),
}

/// One traceability parameter of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceabilityParam {
    /// Query parameter name.
    pub name: &'static str,
    /// Its check.
    pub check: TraceabilityCheck,
    /// What to put there, said when it is missing or wrong.
    pub hint: &'static str,
    /// The value must not belong to the company looked up.
    pub not_the_looked_up_company: bool,
}

/// Checked traceability values, by parameter name.
#[derive(Clone)]
pub struct Traceability {
    values: Vec<(&'static str, String)>,
    /// The platform's parameters the values were checked against.
    params: &'static [TraceabilityParam],
}

impl fmt::Debug for Traceability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Traceability")
            .field("values", &self.values)
            .finish_non_exhaustive()
    }
}

/// Equal when they hold the same values: the parameters are the platform's.
impl PartialEq for Traceability {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl Eq for Traceability {}

impl Traceability {
    /// Checks and builds the values, given as `(name, value)` pairs: every
    /// name must be one of the platform's
    /// [`traceability`](super::Platform::traceability) parameters.
    /// Surrounding whitespace is trimmed. Parameters left out are simply not
    /// set: a call to an operation that declares one fails before sending.
    pub fn from_pairs<'a>(
        platform: &'static Platform,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ValidationError> {
        let params = platform.traceability;
        let mut values: Vec<(&'static str, String)> = Vec::new();
        for (name, value) in pairs {
            let param = params.iter().find(|p| p.name == name).ok_or_else(|| {
                let known: Vec<String> = params.iter().map(|p| format!("`{}`", p.name)).collect();
                ValidationError::Traceability(format!(
                    "`{name}` is not a traceability parameter of {} (known: {})",
                    platform.api_name,
                    known.join(", ")
                ))
            })?;
            let value = check(param, value)?;
            values.retain(|(n, _)| *n != param.name);
            values.push((param.name, value));
        }
        let order = |name: &str| params.iter().position(|p| p.name == name);
        values.sort_by_key(|(n, _)| order(n));
        Ok(Self { values, params })
    }

    /// The value of the parameter called `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value set, in the platform's order.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.values.iter().map(|(n, v)| (*n, v.as_str()))
    }

    /// Refuses a call whose recipient belongs to the company being looked
    /// up: the recipient is the public body receiving the data, and the API
    /// rejects this frequent mix-up.
    pub fn check_not_looked_up(&self, siren: Option<&str>) -> Result<(), ValidationError> {
        let Some(siren) = siren else { return Ok(()) };
        for p in self.params.iter().filter(|p| p.not_the_looked_up_company) {
            if let Some(value) = self.get(p.name) {
                if value.get(..9) == Some(siren) {
                    return Err(ValidationError::Traceability(format!(
                        "`{}` ({value}) belongs to the company being looked up (SIREN {siren}); \
                         it must be {}",
                        p.name, p.hint
                    )));
                }
            }
        }
        Ok(())
    }
}

impl TraceabilityParam {
    /// Checks `value` the way [`Traceability`] does before any call: the value to send
    /// (trimmed, an identifier in its canonical form), or why it is refused. A mock of the
    /// API refuses with this what the client would.
    pub fn check_value(&self, value: &str) -> Result<String, ValidationError> {
        check(self, value)
    }
}

fn check(param: &TraceabilityParam, value: &str) -> Result<String, ValidationError> {
    let name = param.name;
    match param.check {
        TraceabilityCheck::Siren => {
            let siren: Siren = value.trim().parse().map_err(|e| {
                ValidationError::Traceability(format!("`{name}` must be {}: {e}", param.hint))
            })?;
            Ok(siren.as_str().to_owned())
        }
        TraceabilityCheck::OneOf(allowed) => {
            let value = value.trim();
            if allowed.contains(&value) {
                return Ok(value.to_owned());
            }
            let listed: Vec<String> = allowed.iter().map(|v| format!("`{v}`")).collect();
            Err(ValidationError::Traceability(format!(
                "`{name}` must be one of {} ({}), got `{value}`",
                listed.join(", "),
                param.hint
            )))
        }
        TraceabilityCheck::Pattern(pattern) => {
            let value = value.trim();
            // Anchored: the whole value must match, as OpenAPI's `pattern` users expect of an
            // identifier; a pattern already anchored is unchanged by it.
            let whole = regex_lite::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
                ValidationError::Traceability(format!(
                    "`{name}`'s pattern `{pattern}` cannot be read: {e}"
                ))
            })?;
            if whole.is_match(value) {
                return Ok(value.to_owned());
            }
            Err(ValidationError::Traceability(format!(
                "`{name}` must match `{pattern}` ({}), got `{value}`",
                param.hint
            )))
        }
        TraceabilityCheck::Siret => {
            let siret: Siret = value.trim().parse().map_err(|e| {
                ValidationError::Traceability(format!("`{name}` must be {}: {e}", param.hint))
            })?;
            Ok(siret.as_str().to_owned())
        }
        TraceabilityCheck::Text {
            min_chars,
            max_chars,
        } => {
            let value = value.trim().to_owned();
            if value.is_empty() {
                return Err(ValidationError::Traceability(format!(
                    "`{name}` must not be empty: {}",
                    param.hint
                )));
            }
            let chars = value.chars().count();
            if chars < min_chars {
                return Err(ValidationError::Traceability(format!(
                    "`{name}` must have at least {min_chars} characters, got {chars}: {}",
                    param.hint
                )));
            }
            if let Some(max) = max_chars.filter(|max| chars >= *max) {
                return Err(ValidationError::Traceability(format!(
                    "`{name}` must be fewer than {max} characters, got {chars}"
                )));
            }
            Ok(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TraceabilityCheck, TraceabilityParam};

    fn param(check: TraceabilityCheck) -> TraceabilityParam {
        TraceabilityParam {
            name: "p",
            check,
            hint: "a hint",
            not_the_looked_up_company: false,
        }
    }

    #[test]
    fn each_check_accepts_what_it_says_and_refuses_the_rest() {
        let text = param(TraceabilityCheck::Text {
            min_chars: 3,
            max_chars: Some(6),
        });
        assert_eq!(text.check_value("  abc ").unwrap(), "abc");
        assert!(text
            .check_value("ab")
            .unwrap_err()
            .to_string()
            .contains("at least 3"));
        assert!(text.check_value("abcdef").is_err(), "fewer than 6");
        assert!(text.check_value("   ").is_err());

        let siren = param(TraceabilityCheck::Siren);
        assert_eq!(siren.check_value("130025265").unwrap(), "130025265");
        assert!(siren.check_value("130025266").is_err(), "a wrong Luhn key");

        let siret = param(TraceabilityCheck::Siret);
        assert_eq!(
            siret.check_value("13002526500013").unwrap(),
            "13002526500013"
        );
        assert!(siret.check_value("130025265").is_err());

        let list = param(TraceabilityCheck::OneOf(&["bourses", "etudes"]));
        assert_eq!(list.check_value(" etudes").unwrap(), "etudes");
        let refused = list.check_value("autre").unwrap_err().to_string();
        assert!(refused.contains("`bourses`, `etudes`"), "{refused}");

        // A pattern matches the whole trimmed value, never a part of it.
        let pattern = param(TraceabilityCheck::Pattern("[A-Z]{2}-[0-9]{4}"));
        assert_eq!(pattern.check_value(" AB-2024 ").unwrap(), "AB-2024");
        let refused = pattern.check_value("xAB-2024").unwrap_err().to_string();
        assert!(
            refused.contains("must match `[A-Z]{2}-[0-9]{4}`"),
            "{refused}"
        );
        assert!(
            pattern.check_value("AB-20245").is_err(),
            "anchored at the end"
        );
        // `a|b` is anchored as a whole: `ab` matches neither alternative.
        let either = param(TraceabilityCheck::Pattern("a|b"));
        assert!(either.check_value("b").is_ok());
        assert!(either.check_value("ab").is_err());
        let unreadable = param(TraceabilityCheck::Pattern("(unclosed"));
        let refused = unreadable.check_value("x").unwrap_err().to_string();
        assert!(refused.contains("cannot be read"), "{refused}");
    }
}
