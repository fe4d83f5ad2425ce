//! What a response carried beyond the spec: fields it does not declare, enum values it
//! does not list, values none of a `oneOf`'s alternatives reads.
//!
//! The generated models keep both (a struct's `undeclared` map, an enum's `Other`), so that
//! nothing the server sends is lost and encoding a decoded value gives back its JSON. This
//! module finds them again in a decoded value, with their JSON paths: what the spec is
//! missing, worth telling its publisher.

use serde_json::{Map, Value};

/// A decoded value that can say what it holds beyond the spec. The generated models, the
/// decoded bodies and the containers and leaves they are made of implement it.
pub trait Undeclared {
    /// Adds to `report` what `self`, found at the JSON path `path`, holds that the spec does
    /// not declare. `path` is left as it was given.
    fn collect_undeclared(&self, path: &mut String, report: &mut UndeclaredReport);
}

/// The fields and enum values of a decoded value that the spec does not declare, in the
/// order they were met. Paths are JSON pointers from the body's root, arrays as `*`
/// (`/data/*/adresse/code_cedex`), the spec diff's convention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UndeclaredReport {
    /// The JSON path of each undeclared field, once per occurrence.
    pub fields: Vec<String>,
    /// Each enum value the spec does not list: its JSON path and the value as sent (`null`
    /// is the empty string, as in `Other`).
    pub enum_values: Vec<(String, String)>,
    /// The JSON path of each value that none of its `oneOf`'s alternatives reads (kept in the
    /// one-of type's `Other`), once per occurrence.
    pub unread_alternatives: Vec<String>,
}

impl UndeclaredReport {
    /// What `value` (a whole decoded body) holds beyond the spec.
    pub fn of<T: Undeclared + ?Sized>(value: &T) -> Self {
        let mut report = UndeclaredReport::default();
        value.collect_undeclared(&mut String::new(), &mut report);
        report
    }

    /// Whether the value held nothing beyond the spec.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.enum_values.is_empty() && self.unread_alternatives.is_empty()
    }

    /// Records each key of a struct's `undeclared` map, found at `path`.
    pub fn note_fields(&mut self, path: &str, undeclared: &Map<String, Value>) {
        for key in undeclared.keys() {
            let mut field = String::with_capacity(path.len() + key.len() + 1);
            field.push_str(path);
            push_segment(&mut field, key);
            self.fields.push(field);
        }
    }

    /// Records a value at `path` that none of its one-of type's alternatives reads.
    pub fn note_unread_alternative(&mut self, path: &str) {
        self.unread_alternatives.push(path.to_owned());
    }

    /// Records an enum value the spec does not list, found at `path`.
    pub fn note_enum_value(&mut self, path: &str, value: &str) {
        self.enum_values.push((path.to_owned(), value.to_owned()));
    }
}

/// Collects what the field `json_name` of a struct found at `path` holds beyond the spec: the
/// generated models call it for each field whose type can hold something undeclared.
pub fn collect_field<T: Undeclared + ?Sized>(
    path: &mut String,
    json_name: &str,
    value: &T,
    report: &mut UndeclaredReport,
) {
    let len = path.len();
    push_segment(path, json_name);
    value.collect_undeclared(path, report);
    path.truncate(len);
}

/// Appends `/key` to a JSON pointer, escaped as RFC 6901 says (`~` → `~0`, `/` → `~1`), so
/// that a key holding a slash cannot be read as two segments.
fn push_segment(path: &mut String, key: &str) {
    path.push('/');
    for c in key.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

impl<T: Undeclared> Undeclared for Vec<T> {
    fn collect_undeclared(&self, path: &mut String, report: &mut UndeclaredReport) {
        let len = path.len();
        path.push_str("/*");
        for item in self {
            item.collect_undeclared(path, report);
        }
        path.truncate(len);
    }
}

/// A map's values (`additionalProperties`) at `/*`, whatever their keys, as an array's items.
impl<T: Undeclared> Undeclared for std::collections::BTreeMap<String, T> {
    fn collect_undeclared(&self, path: &mut String, report: &mut UndeclaredReport) {
        let len = path.len();
        path.push_str("/*");
        for value in self.values() {
            value.collect_undeclared(path, report);
        }
        path.truncate(len);
    }
}

impl<T: Undeclared> Undeclared for Option<T> {
    fn collect_undeclared(&self, path: &mut String, report: &mut UndeclaredReport) {
        if let Some(value) = self {
            value.collect_undeclared(path, report);
        }
    }
}

impl<T: Undeclared + ?Sized> Undeclared for Box<T> {
    fn collect_undeclared(&self, path: &mut String, report: &mut UndeclaredReport) {
        (**self).collect_undeclared(path, report);
    }
}

/// Values with no declared structure below them: nothing in them is undeclared. A
/// `serde_json::Value` is what the spec left untyped (a schema without properties): it
/// declares nothing to be missing from. The runtime's own types (privileges, monitoring) are
/// handwritten, not generated from the spec.
macro_rules! leaves {
    ($($ty:ty),* $(,)?) => {
        $(
            impl Undeclared for $ty {
                fn collect_undeclared(&self, _: &mut String, _: &mut UndeclaredReport) {}
            }
        )*
    };
}

leaves!(
    String,
    i64,
    f64,
    bool,
    Value,
    super::ApiDate,
    super::ApiDateTime,
    super::Privileges,
    super::CurrentStatus,
    super::ProviderAvailability,
);
