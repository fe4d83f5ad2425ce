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

/// A required field of a generated model once its object is read: its value, or serde's
/// `missing field` error (a function rather than a closure at each field, so it is compiled
/// once per field type, not once per field).
pub fn required<T, E: de::Error>(slot: Option<T>, json_name: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => Err(E::missing_field(json_name)),
    }
}

/// A key of a JSON object, borrowed from the input when the decoder can lend it: the
/// generated models' decoders match it against their fields' names and keep any other in
/// their `undeclared` map, with no buffering of the whole object (which serde's derive does
/// for a struct with a `flatten`ed map) and no allocation for a declared field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapKey<'de>(std::borrow::Cow<'de, str>);

impl MapKey<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string, for the `undeclared` map.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for MapKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = MapKey<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
                Ok(MapKey(std::borrow::Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
                Ok(MapKey(std::borrow::Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
                Ok(MapKey(std::borrow::Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
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
