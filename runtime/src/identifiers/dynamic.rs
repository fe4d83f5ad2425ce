//! Validation by kind, for callers that learn a parameter's kind from
//! [`OperationMeta`](crate::OperationMeta) at run time (the command
//! line, the mock server) instead of from a typed method signature.

use super::{
    Eori, IdentifierError, IdentifierKind, Month, PathParam, PathSegment, Rna, Siren, SirenOrRna,
    SirenOrSiretOrRna, Siret, SiretOrEori, SiretOrRna, Year,
};

/// An identifier that passed the checks of its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedIdentifier {
    /// The text to put in the path (before percent-encoding).
    pub value: String,
    /// SIREN of the company it designates, when there is one.
    pub looked_up_siren: Option<String>,
}

impl IdentifierKind {
    /// Checks `input` with the same rules as the typed identifier of this
    /// kind (e.g. [`Siret`]'s Luhn check for [`IdentifierKind::Siret`]).
    pub fn check(self, input: &str) -> Result<CheckedIdentifier, IdentifierError> {
        self.check_with(input, true)
    }

    /// Like [`check`](Self::check), but a SIREN or SIRET only needs the
    /// right number of digits: for the staging environment's fictitious
    /// companies, whose numbers fail the Luhn check.
    pub fn check_without_checksum(self, input: &str) -> Result<CheckedIdentifier, IdentifierError> {
        self.check_with(input, false)
    }

    fn check_with(self, input: &str, checksum: bool) -> Result<CheckedIdentifier, IdentifierError> {
        fn checked<T: PathParam>(value: T) -> CheckedIdentifier {
            CheckedIdentifier {
                value: value.as_path_segment().to_owned(),
                looked_up_siren: value.looked_up_siren().map(str::to_owned),
            }
        }
        Ok(match self {
            IdentifierKind::Siren if !checksum => checked(Siren::without_checksum(input)?),
            IdentifierKind::Siret if !checksum => checked(Siret::without_checksum(input)?),
            IdentifierKind::Siren => checked(input.parse::<Siren>()?),
            IdentifierKind::Siret => checked(input.parse::<Siret>()?),
            IdentifierKind::Rna => checked(input.parse::<Rna>()?),
            IdentifierKind::Eori => checked(input.parse::<Eori>()?),
            IdentifierKind::Year => checked(input.parse::<Year>()?),
            IdentifierKind::Month => checked(input.parse::<Month>()?),
            IdentifierKind::SiretOrRna => checked(input.parse::<SiretOrRna>()?),
            IdentifierKind::SirenOrRna => checked(input.parse::<SirenOrRna>()?),
            IdentifierKind::SirenOrSiretOrRna => checked(input.parse::<SirenOrSiretOrRna>()?),
            IdentifierKind::SiretOrEori => checked(input.parse::<SiretOrEori>()?),
            IdentifierKind::PathSegment => checked(input.parse::<PathSegment>()?),
        })
    }
}
