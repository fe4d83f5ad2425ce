//! Why an identifier was rejected.
//!
//! Identifiers (SIREN, SIRET, RNA…) are public data, so the error keeps and
//! shows the rejected input: it is what makes a typo easy to spot.

use std::fmt;

/// Kind of identifier that was being parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentifierKind {
    /// SIREN, 9-digit company number.
    Siren,
    /// SIRET, 14-digit establishment number.
    Siret,
    /// RNA number of an association (`W` + 9 digits).
    Rna,
    /// EORI customs number.
    Eori,
    /// Four-digit year.
    Year,
    /// Month number.
    Month,
    /// SIRET or RNA number.
    SiretOrRna,
    /// SIREN or RNA number.
    SirenOrRna,
    /// SIREN, SIRET or RNA number.
    SirenOrSiretOrRna,
    /// SIRET or EORI number.
    SiretOrEori,
    /// Free-form path segment.
    PathSegment,
}

impl IdentifierKind {
    /// Human-readable name used in error messages.
    pub const fn name(self) -> &'static str {
        match self {
            IdentifierKind::Siren => "SIREN",
            IdentifierKind::Siret => "SIRET",
            IdentifierKind::Rna => "RNA number",
            IdentifierKind::Eori => "EORI number",
            IdentifierKind::Year => "year",
            IdentifierKind::Month => "month",
            IdentifierKind::SiretOrRna => "SIRET or RNA number",
            IdentifierKind::SirenOrRna => "SIREN or RNA number",
            IdentifierKind::SirenOrSiretOrRna => "SIREN, SIRET or RNA number",
            IdentifierKind::SiretOrEori => "SIRET or EORI number",
            IdentifierKind::PathSegment => "path segment",
        }
    }

    /// The name with its indefinite article, for "not a SIRET" messages.
    fn with_article(self) -> String {
        let article = match self {
            IdentifierKind::Rna | IdentifierKind::Eori => "an",
            _ => "a",
        };
        format!("{article} {}", self.name())
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The rule an input broke.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentifierErrorReason {
    /// The input is empty.
    Empty,
    /// The input has the wrong number of characters.
    Length {
        /// Accepted length(s), e.g. `"9"` or `"3 to 17"`.
        expected: &'static str,
        /// Number of characters received.
        found: usize,
    },
    /// A character is not allowed at that position.
    InvalidCharacter {
        /// 1-based position of the character.
        position: usize,
        /// The offending character.
        found: char,
        /// What was expected there, e.g. `"a digit"`.
        expected: &'static str,
    },
    /// The Luhn check digit does not match (usually a typo).
    Checksum,
    /// A La Poste SIRET whose digits do not add up to a multiple of 5.
    LaPosteChecksum,
    /// The number is outside the accepted range.
    OutOfRange {
        /// Smallest accepted value.
        min: u16,
        /// Largest accepted value.
        max: u16,
    },
    /// `.` and `..` would be resolved as relative paths by URL parsers.
    DotSegment,
    /// None of the alternatives of a "this or that" identifier matched;
    /// holds why each alternative was rejected, in the order tried.
    NoAlternative {
        /// One error per alternative.
        attempts: Vec<IdentifierError>,
    },
}

impl fmt::Display for IdentifierErrorReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty"),
            Self::Length { expected, found } => {
                write!(f, "expected {expected} characters, got {found}")
            }
            Self::InvalidCharacter {
                position,
                found,
                expected,
            } => write!(f, "character {position} is {found:?}, expected {expected}"),
            Self::Checksum => f.write_str("the Luhn checksum does not match (check for a typo)"),
            Self::LaPosteChecksum => {
                f.write_str("La Poste SIRET whose digits do not add up to a multiple of 5")
            }
            Self::OutOfRange { min, max } => write!(f, "must be between {min} and {max}"),
            Self::DotSegment => f.write_str("\".\" and \"..\" are not allowed"),
            Self::NoAlternative { attempts } => {
                for (i, attempt) in attempts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "not {}: {}", attempt.kind.with_article(), attempt.reason)?;
                }
                Ok(())
            }
        }
    }
}

/// An identifier that failed validation, with the input and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("invalid {kind} {input:?}: {reason}")]
pub struct IdentifierError {
    /// What kind of identifier was expected.
    pub kind: IdentifierKind,
    /// The rejected input, verbatim.
    pub input: String,
    /// Why it was rejected.
    pub reason: IdentifierErrorReason,
}

impl IdentifierError {
    pub(crate) fn new(kind: IdentifierKind, input: &str, reason: IdentifierErrorReason) -> Self {
        Self {
            kind,
            input: input.to_owned(),
            reason,
        }
    }
}
