//! Validated identifiers used as path parameters.
//!
//! Checking them locally turns a typo into an immediate, explicit error
//! instead of a 404 or 422 that costs a call against the rate limit.

mod calendar;
mod composite;
mod dynamic;
mod error;

use std::str::FromStr;

pub use calendar::{Month, Year};
pub use composite::{PathSegment, SirenOrRna, SirenOrSiretOrRna, SiretOrEori, SiretOrRna};
pub use dynamic::CheckedIdentifier;
pub use error::{IdentifierError, IdentifierErrorReason, IdentifierKind};

/// A value that can be placed in a URL path.
///
/// Generated code calls
/// `encode_path_segment(param.as_path_segment())` and feeds
/// [`looked_up_siren`](PathParam::looked_up_siren) to the traceability check.
pub trait PathParam {
    /// The text to put in the path, before percent-encoding.
    fn as_path_segment(&self) -> &str;

    /// SIREN of the company this parameter designates, when there is one.
    ///
    /// Used to reject calls whose `recipient` is the looked-up company
    /// itself, a frequent mistake the API refuses.
    fn looked_up_siren(&self) -> Option<&str> {
        None
    }
}

/// Implements the traits every identifier shares, on top of its inherent
/// `as_str` and its `FromStr` impl.
macro_rules! identifier_common {
    ($ty:ty) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = <Self as std::str::FromStr>::Err;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}
pub(crate) use identifier_common;

/// Checks the length of `input`, then each character with `allowed`, which
/// returns what was expected at a position when the character is refused.
fn check_chars(
    kind: IdentifierKind,
    input: &str,
    lengths: std::ops::RangeInclusive<usize>,
    expected_len: &'static str,
    allowed: impl Fn(usize, char) -> Result<(), &'static str>,
) -> Result<(), IdentifierError> {
    let err = |reason| Err(IdentifierError::new(kind, input, reason));
    if input.is_empty() {
        return err(IdentifierErrorReason::Empty);
    }
    let found = input.chars().count();
    if !lengths.contains(&found) {
        return err(IdentifierErrorReason::Length {
            expected: expected_len,
            found,
        });
    }
    for (i, c) in input.chars().enumerate() {
        if let Err(expected) = allowed(i, c) {
            return err(IdentifierErrorReason::InvalidCharacter {
                position: i + 1,
                found: c,
                expected,
            });
        }
    }
    Ok(())
}

/// Checks that `input` is exactly `len` ASCII digits.
fn check_digits(
    kind: IdentifierKind,
    input: &str,
    len: usize,
    expected_len: &'static str,
) -> Result<(), IdentifierError> {
    check_chars(kind, input, len..=len, expected_len, |_, c| {
        if c.is_ascii_digit() {
            Ok(())
        } else {
            Err("a digit")
        }
    })
}

/// Luhn check over ASCII digits (already validated by the caller).
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b.saturating_sub(b'0'));
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// SIREN of La Poste, whose establishments do not follow the Luhn rule.
const LA_POSTE_SIREN: &str = "356000000";
/// La Poste's head office, the one La Poste SIRET that does use Luhn.
const LA_POSTE_HEAD_OFFICE: &str = "35600000000048";

/// SIREN: 9-digit identifier of a company (unité légale), Luhn-checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siren(String);

impl Siren {
    /// The 9 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Nine digits without the Luhn check: for the fictitious companies of
    /// the staging environment (`000000001`…), which do not pass it.
    /// Production calls should parse with [`FromStr`].
    pub fn without_checksum(s: &str) -> Result<Self, IdentifierError> {
        check_digits(IdentifierKind::Siren, s, 9, "9")?;
        Ok(Siren(s.to_owned()))
    }
}

impl FromStr for Siren {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_digits(IdentifierKind::Siren, s, 9, "9")?;
        if !luhn_valid(s) {
            return Err(IdentifierError::new(
                IdentifierKind::Siren,
                s,
                IdentifierErrorReason::Checksum,
            ));
        }
        Ok(Siren(s.to_owned()))
    }
}

identifier_common!(Siren);

impl PathParam for Siren {
    fn as_path_segment(&self) -> &str {
        &self.0
    }

    fn looked_up_siren(&self) -> Option<&str> {
        Some(&self.0)
    }
}

/// SIRET: 14-digit identifier of an establishment (SIREN + 5-digit NIC).
///
/// Luhn-checked, except La Poste establishments (SIREN 356000000, head
/// office excepted) whose digits must instead add up to a multiple of 5.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siret(String);

impl Siret {
    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Fourteen digits without the Luhn check: for the fictitious
    /// establishments of the staging environment. Production calls should
    /// parse with [`FromStr`].
    pub fn without_checksum(s: &str) -> Result<Self, IdentifierError> {
        check_digits(IdentifierKind::Siret, s, 14, "14")?;
        Ok(Siret(s.to_owned()))
    }

    /// SIREN of the company owning this establishment (first 9 digits).
    pub fn siren(&self) -> Siren {
        Siren(self.siren_str().to_owned())
    }

    fn siren_str(&self) -> &str {
        // Always 14 ASCII digits once constructed, so the slice exists.
        self.0.get(..9).unwrap_or(&self.0)
    }
}

impl FromStr for Siret {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_digits(IdentifierKind::Siret, s, 14, "14")?;
        let reason = if s.starts_with(LA_POSTE_SIREN) && s != LA_POSTE_HEAD_OFFICE {
            let sum: u32 = s.bytes().map(|b| u32::from(b.saturating_sub(b'0'))).sum();
            (sum % 5 != 0).then_some(IdentifierErrorReason::LaPosteChecksum)
        } else {
            (!luhn_valid(s)).then_some(IdentifierErrorReason::Checksum)
        };
        match reason {
            Some(reason) => Err(IdentifierError::new(IdentifierKind::Siret, s, reason)),
            None => Ok(Siret(s.to_owned())),
        }
    }
}

identifier_common!(Siret);

impl PathParam for Siret {
    fn as_path_segment(&self) -> &str {
        &self.0
    }

    fn looked_up_siren(&self) -> Option<&str> {
        Some(self.siren_str())
    }
}

/// RNA number of an association: an upper-case `W` followed by 9 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rna(String);

impl Rna {
    /// The identifier, e.g. `"W751212517"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Rna {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_chars(IdentifierKind::Rna, s, 10..=10, "10", |i, c| match i {
            0 if c == 'W' => Ok(()),
            0 => Err("an upper-case W"),
            _ if c.is_ascii_digit() => Ok(()),
            _ => Err("a digit"),
        })?;
        Ok(Rna(s.to_owned()))
    }
}

identifier_common!(Rna);

impl PathParam for Rna {
    fn as_path_segment(&self) -> &str {
        &self.0
    }
}

/// EORI customs number: a 2-letter upper-case country code followed by 1
/// to 15 letters or digits (French ones are `FR` + SIRET).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Eori(String);

impl Eori {
    /// The identifier, e.g. `"FR13002526500013"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Eori {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_chars(IdentifierKind::Eori, s, 3..=17, "3 to 17", |i, c| {
            if i < 2 && !c.is_ascii_uppercase() {
                Err("an upper-case country letter")
            } else if !c.is_ascii_alphanumeric() {
                Err("a letter or a digit")
            } else {
                Ok(())
            }
        })?;
        Ok(Eori(s.to_owned()))
    }
}

identifier_common!(Eori);

impl PathParam for Eori {
    fn as_path_segment(&self) -> &str {
        &self.0
    }
}
