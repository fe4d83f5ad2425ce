//! Tolerant date types for response models.
//!
//! Providers behind API Entreprise send impossible dates (`"2022-02-30"`),
//! date-times in date fields, or epoch seconds. Failing the whole response
//! on one odd date would hide all the other data, so these types keep what
//! they could not understand as text instead of rejecting it, and every value
//! keeps the text it came from, so that encoding a decoded response gives
//! back what the server sent.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// `YYYY-MM-DD`, the only shape accepted as a valid date.
const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// A date field as sent by the API: the text the server sent, kept verbatim
/// (re-serialised as is, a number as a number), and the date it means when it
/// is a real `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiDate {
    raw: String,
    date: Option<Date>,
    number: bool,
}

impl ApiDate {
    /// Interprets a string the way deserialization does.
    pub fn parse(raw: &str) -> Self {
        // Strict shape check first: `time` would also accept signed years. With this shape,
        // formatting the date gives back the text it came from.
        let shaped = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        ApiDate {
            raw: raw.to_owned(),
            date: shaped.then(|| Date::parse(raw, DATE_FORMAT).ok()).flatten(),
            number: false,
        }
    }

    /// The date, when the server sent a valid one.
    pub fn date(&self) -> Option<Date> {
        self.date
    }

    /// The value as the server sent it (a number as its JSON text).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Whether the server sent a number (epoch seconds, say) rather than a string.
    pub fn is_number(&self) -> bool {
        self.number
    }
}

impl From<Date> for ApiDate {
    fn from(date: Date) -> Self {
        ApiDate {
            raw: date
                .format(DATE_FORMAT)
                .unwrap_or_else(|_| date.to_string()),
            date: Some(date),
            number: false,
        }
    }
}

impl fmt::Display for ApiDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for ApiDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_raw(&self.raw, self.number, serializer)
    }
}

impl<'de> Deserialize<'de> for ApiDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor("a date string or a number", |raw, number| {
            ApiDate {
                number,
                ..ApiDate::parse(raw)
            }
        }))
    }
}

/// A date-time field: the text the server sent, kept verbatim (re-serialised
/// as is: `.000` and `+00:00` are not rewritten), and the instant it means
/// when it is RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiDateTime {
    raw: String,
    value: Option<OffsetDateTime>,
    number: bool,
}

impl ApiDateTime {
    /// Interprets a string the way deserialization does.
    pub fn parse(raw: &str) -> Self {
        ApiDateTime {
            raw: raw.to_owned(),
            value: OffsetDateTime::parse(raw, &Rfc3339).ok(),
            number: false,
        }
    }

    /// The date-time, when the server sent a valid one.
    pub fn date_time(&self) -> Option<OffsetDateTime> {
        self.value
    }

    /// The value as the server sent it (a number as its JSON text).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Whether the server sent a number (epoch seconds, say) rather than a string.
    pub fn is_number(&self) -> bool {
        self.number
    }
}

impl From<OffsetDateTime> for ApiDateTime {
    fn from(value: OffsetDateTime) -> Self {
        ApiDateTime {
            raw: value.format(&Rfc3339).unwrap_or_else(|_| value.to_string()),
            value: Some(value),
            number: false,
        }
    }
}

impl fmt::Display for ApiDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for ApiDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_raw(&self.raw, self.number, serializer)
    }
}

impl<'de> Deserialize<'de> for ApiDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor(
            "a date-time string or a number",
            |raw, number| ApiDateTime {
                number,
                ..ApiDateTime::parse(raw)
            },
        ))
    }
}

/// Reads a field that may be absent or `null` as `Some` of its value, `null` included: with
/// `#[serde(default)]` for the absent case, the generated models tell the two apart
/// (`Option<Option<T>>`), where serde's `Option` would read both as `None`.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Writes a date's raw text back: as a string, or as the number it was read
/// from (its text came from that number, so it parses back to it).
fn serialize_raw<S: Serializer>(raw: &str, number: bool, serializer: S) -> Result<S::Ok, S::Error> {
    if number {
        if let Ok(n) = raw.parse::<i64>() {
            return serializer.serialize_i64(n);
        }
        if let Ok(n) = raw.parse::<u64>() {
            return serializer.serialize_u64(n);
        }
        if let Ok(n) = raw.parse::<f64>() {
            return serializer.serialize_f64(n);
        }
    }
    serializer.serialize_str(raw)
}

/// Accepts strings and numbers, handing their text (and whether it was a
/// number) to a constructor; anything else (objects, arrays, booleans, null)
/// is a decoding error.
struct TextVisitor<T>(&'static str, fn(&str, bool) -> T);

impl<T> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.1)(v, false))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok((self.1)(&v.to_string(), true))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok((self.1)(&v.to_string(), true))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Ok((self.1)(&v.to_string(), true))
    }
}
