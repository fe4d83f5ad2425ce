//! Parameters accepting several kinds of identifier, and the catch-all
//! [`PathSegment`] for parameters the spec does not type precisely.

use std::str::FromStr;

use super::{identifier_common, IdentifierError, IdentifierErrorReason, IdentifierKind};
use super::{Eori, PathParam, Rna, Siren, Siret};

/// Declares an enum with one variant per alternative, parsed by trying each
/// alternative in declaration order.
macro_rules! either_identifier {
    ($(#[$doc:meta])* $name:ident, $kind:ident, { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant($variant),)+
        }

        impl $name {
            /// The identifier as written.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant(v) => v.as_str(),)+
                }
            }
        }

        impl FromStr for $name {
            type Err = IdentifierError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let mut attempts = Vec::new();
                $(
                    match s.parse::<$variant>() {
                        Ok(v) => return Ok(Self::$variant(v)),
                        Err(e) => attempts.push(e),
                    }
                )+
                Err(IdentifierError::new(
                    IdentifierKind::$kind,
                    s,
                    IdentifierErrorReason::NoAlternative { attempts },
                ))
            }
        }

        identifier_common!($name);

        impl PathParam for $name {
            fn as_path_segment(&self) -> &str {
                match self {
                    $(Self::$variant(v) => v.as_path_segment(),)+
                }
            }

            fn looked_up_siren(&self) -> Option<&str> {
                match self {
                    $(Self::$variant(v) => v.looked_up_siren(),)+
                }
            }
        }

        $(
            impl From<$variant> for $name {
                fn from(v: $variant) -> Self {
                    Self::$variant(v)
                }
            }
        )+
    };
}

either_identifier!(
    /// A SIRET, or the RNA number of an association.
    SiretOrRna, SiretOrRna, {
        /// A SIRET.
        Siret,
        /// An RNA number.
        Rna,
    }
);

either_identifier!(
    /// A SIREN, or the RNA number of an association.
    SirenOrRna, SirenOrRna, {
        /// A SIREN.
        Siren,
        /// An RNA number.
        Rna,
    }
);

either_identifier!(
    /// A SIREN, a SIRET, or the RNA number of an association.
    SirenOrSiretOrRna, SirenOrSiretOrRna, {
        /// A SIREN.
        Siren,
        /// A SIRET.
        Siret,
        /// An RNA number.
        Rna,
    }
);

either_identifier!(
    /// A SIRET, or an EORI customs number.
    SiretOrEori, SiretOrEori, {
        /// A SIRET.
        Siret,
        /// An EORI number.
        Eori,
    }
);

/// Any non-empty text without `/`, for path parameters of unknown kind.
///
/// Still percent-encoded when placed in a URL; `.` and `..` are refused
/// because URL parsers would resolve them (even encoded) as relative paths.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathSegment(String);

impl PathSegment {
    /// The segment, before percent-encoding.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PathSegment {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| Err(IdentifierError::new(IdentifierKind::PathSegment, s, reason));
        if s.is_empty() {
            return err(IdentifierErrorReason::Empty);
        }
        if let Some((i, c)) = s.chars().enumerate().find(|&(_, c)| c == '/') {
            return err(IdentifierErrorReason::InvalidCharacter {
                position: i + 1,
                found: c,
                expected: "anything but '/'",
            });
        }
        if s == "." || s == ".." {
            return err(IdentifierErrorReason::DotSegment);
        }
        Ok(PathSegment(s.to_owned()))
    }
}

identifier_common!(PathSegment);

impl PathParam for PathSegment {
    fn as_path_segment(&self) -> &str {
        &self.0
    }
}
