//! Tolerant date types for response models.
//!
//! Providers behind API Entreprise send impossible dates (`"2022-02-30"`),
//! date-times in date fields, or epoch seconds. Failing the whole response
//! on one odd date would hide all the other data, so these types keep what
//! they could not understand as text instead of rejecting it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// `YYYY-MM-DD`, the only shape accepted as a valid date.
const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// A date field as sent by the API: parsed when it is a real `YYYY-MM-DD`
/// date, otherwise kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApiDate {
    /// A well-formed, existing calendar date.
    Valid(Date),
    /// Anything else the server sent (impossible date, date-time, number…),
    /// as text.
    Unparsed(String),
}

impl ApiDate {
    /// Interprets a string the way deserialization does.
    pub fn parse(raw: &str) -> Self {
        // Strict shape check first: `time` would also accept signed years.
        let shaped = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        match shaped.then(|| Date::parse(raw, DATE_FORMAT).ok()).flatten() {
            Some(date) => ApiDate::Valid(date),
            None => ApiDate::Unparsed(raw.to_owned()),
        }
    }

    /// The date, when the server sent a valid one.
    pub fn date(&self) -> Option<Date> {
        match self {
            ApiDate::Valid(date) => Some(*date),
            ApiDate::Unparsed(_) => None,
        }
    }

    /// The value as text: `YYYY-MM-DD` for valid dates, otherwise what the
    /// server sent.
    pub fn raw(&self) -> Cow<'_, str> {
        match self {
            ApiDate::Valid(date) => Cow::Owned(
                date.format(DATE_FORMAT)
                    .unwrap_or_else(|_| date.to_string()),
            ),
            ApiDate::Unparsed(raw) => Cow::Borrowed(raw),
        }
    }
}

impl From<Date> for ApiDate {
    fn from(date: Date) -> Self {
        ApiDate::Valid(date)
    }
}

impl fmt::Display for ApiDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw())
    }
}

impl Serialize for ApiDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw())
    }
}

impl<'de> Deserialize<'de> for ApiDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor("a date string or a number", ApiDate::parse))
    }
}

/// A date-time field: parsed when it is RFC 3339, otherwise kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApiDateTime {
    /// A valid RFC 3339 date-time.
    Valid(OffsetDateTime),
    /// Anything else the server sent, as text.
    Unparsed(String),
}

impl ApiDateTime {
    /// Interprets a string the way deserialization does.
    pub fn parse(raw: &str) -> Self {
        match OffsetDateTime::parse(raw, &Rfc3339) {
            Ok(value) => ApiDateTime::Valid(value),
            Err(_) => ApiDateTime::Unparsed(raw.to_owned()),
        }
    }

    /// The date-time, when the server sent a valid one.
    pub fn date_time(&self) -> Option<OffsetDateTime> {
        match self {
            ApiDateTime::Valid(value) => Some(*value),
            ApiDateTime::Unparsed(_) => None,
        }
    }

    /// The value as text: RFC 3339 for valid date-times, otherwise what the
    /// server sent.
    pub fn raw(&self) -> Cow<'_, str> {
        match self {
            ApiDateTime::Valid(value) => {
                Cow::Owned(value.format(&Rfc3339).unwrap_or_else(|_| value.to_string()))
            }
            ApiDateTime::Unparsed(raw) => Cow::Borrowed(raw),
        }
    }
}

impl From<OffsetDateTime> for ApiDateTime {
    fn from(value: OffsetDateTime) -> Self {
        ApiDateTime::Valid(value)
    }
}

impl fmt::Display for ApiDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw())
    }
}

impl Serialize for ApiDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw())
    }
}

impl<'de> Deserialize<'de> for ApiDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor(
            "a date-time string or a number",
            ApiDateTime::parse,
        ))
    }
}

/// Accepts strings and numbers, handing their text to a parse function;
/// anything else (objects, arrays, booleans, null) is a decoding error.
struct TextVisitor<T>(&'static str, fn(&str) -> T);

impl<T> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.1)(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok((self.1)(&v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok((self.1)(&v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Ok((self.1)(&v.to_string()))
    }
}
