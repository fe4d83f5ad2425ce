//! Year and month path parameters (fiscal years, declaration periods).

use std::str::FromStr;

use super::{check_chars, check_digits, identifier_common, IdentifierError, IdentifierErrorReason};
use super::{IdentifierKind, PathParam};

/// Smallest year accepted; older values are certainly typos.
const MIN_YEAR: u16 = 1900;
/// Largest year accepted.
const MAX_YEAR: u16 = 2100;

/// A four-digit year between 1900 and 2100.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Year {
    text: String,
    value: u16,
}

impl Year {
    /// Builds a year from its numeric value.
    pub fn new(value: u16) -> Result<Self, IdentifierError> {
        value.to_string().parse()
    }

    /// The year as a number.
    pub fn value(&self) -> u16 {
        self.value
    }

    /// The four digits.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Year {
    type Err = IdentifierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_digits(IdentifierKind::Year, s, 4, "4")?;
        let value = s
            .parse::<u16>()
            .ok()
            .filter(|v| (MIN_YEAR..=MAX_YEAR).contains(v))
            .ok_or_else(|| {
                IdentifierError::new(
                    IdentifierKind::Year,
                    s,
                    IdentifierErrorReason::OutOfRange {
                        min: MIN_YEAR,
                        max: MAX_YEAR,
                    },
                )
            })?;
        Ok(Year {
            text: s.to_owned(),
            value,
        })
    }
}

identifier_common!(Year);

impl PathParam for Year {
    fn as_path_segment(&self) -> &str {
        &self.text
    }
}

/// Two-digit spelling of each month, so `as_str` can borrow.
const MONTHS: [&str; 12] = [
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// A month number, 1 to 12, always written with two digits (`"03"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Month(u8);

impl Month {
    /// Builds a month from its number (1 = January).
    pub fn new(value: u8) -> Result<Self, IdentifierError> {
        value.to_string().parse()
    }

    /// The month number, 1 to 12.
    pub fn value(self) -> u8 {
        self.0
    }

    /// Two digits, `"01"` to `"12"`.
    pub fn as_str(&self) -> &str {
        // The value is 1..=12 by construction, so the index always exists.
        MONTHS
            .get(usize::from(self.0).wrapping_sub(1))
            .copied()
            .unwrap_or("")
    }
}

impl FromStr for Month {
    type Err = IdentifierError;

    /// Accepts `"1"` as well as `"01"`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_chars(IdentifierKind::Month, s, 1..=2, "1 or 2", |_, c| {
            if c.is_ascii_digit() {
                Ok(())
            } else {
                Err("a digit")
            }
        })?;
        s.parse::<u8>()
            .ok()
            .filter(|v| (1..=12).contains(v))
            .map(Month)
            .ok_or_else(|| {
                IdentifierError::new(
                    IdentifierKind::Month,
                    s,
                    IdentifierErrorReason::OutOfRange { min: 1, max: 12 },
                )
            })
    }
}

identifier_common!(Month);

impl PathParam for Month {
    fn as_path_segment(&self) -> &str {
        self.as_str()
    }
}

impl From<time::Month> for Month {
    fn from(month: time::Month) -> Self {
        Month(u8::from(month))
    }
}
