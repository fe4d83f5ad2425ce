//! Request bodies: whether one is taken and must be sent, its media types, and its JSON
//! schema, walked by JSON path as success bodies are, its findings then read from the
//! caller's side (what the server accepts): a property removed or made required refuses
//! calls that passed, a value added accepts more.

use super::{finding, Walker};
use crate::model::{Operation, RequestBodyModel};
use crate::ChangeKind;

impl<'a> Walker<'a> {
    /// Compares the request bodies of `op` (old and new).
    pub(super) fn request_body(
        &mut self,
        op: &Operation,
        old: Option<&'a RequestBodyModel>,
        new: Option<&'a RequestBodyModel>,
    ) {
        let media = |b: &RequestBodyModel| b.media_types.join(", ");
        match (old, new) {
            (None, None) => {}
            (None, Some(b)) => {
                let mut f = finding(
                    ChangeKind::RequestBodyAdded,
                    op,
                    "request",
                    None,
                    Some(media(b)),
                );
                f.facts.required = b.required;
                self.out.push(f);
            }
            (Some(a), None) => {
                let f = finding(
                    ChangeKind::RequestBodyRemoved,
                    op,
                    "request",
                    Some(media(a)),
                    None,
                );
                self.out.push(f);
            }
            (Some(a), Some(b)) => self.request_bodies(op, a, b),
        }
    }

    fn request_bodies(&mut self, op: &Operation, a: &'a RequestBodyModel, b: &'a RequestBodyModel) {
        let required = |r: bool| if r { "required" } else { "optional" }.to_string();
        match (a.required, b.required) {
            (false, true) => self.out.push(finding(
                ChangeKind::RequestBodyBecameRequired,
                op,
                "request",
                Some(required(false)),
                Some(required(true)),
            )),
            (true, false) => self.out.push(finding(
                ChangeKind::RequestBodyBecameOptional,
                op,
                "request",
                Some(required(true)),
                Some(required(false)),
            )),
            _ => {}
        }
        for m in a.media_types.iter().filter(|m| !b.media_types.contains(m)) {
            let f = finding(
                ChangeKind::RequestMediaTypeRemoved,
                op,
                "request",
                Some(m.clone()),
                None,
            );
            self.out.push(f);
        }
        for m in b.media_types.iter().filter(|m| !a.media_types.contains(m)) {
            let f = finding(
                ChangeKind::RequestMediaTypeAdded,
                op,
                "request",
                None,
                Some(m.clone()),
            );
            self.out.push(f);
        }
        if let (Some(x), Some(y)) = (&a.json, &b.json) {
            let before = self.out.len();
            self.body(op, x, y, "", 0);
            for f in &mut self.out[before..] {
                f.kind = from_the_callers_side(f.kind);
                f.location = format!("request:{}", f.location);
            }
        }
    }
}

/// The kind a response body's change has in a request body.
fn from_the_callers_side(kind: ChangeKind) -> ChangeKind {
    use ChangeKind::*;
    match kind {
        PropertyAdded => RequestPropertyAdded,
        PropertyRemoved => RequestPropertyRemoved,
        PropertyTypeChanged => RequestPropertyTypeChanged,
        PropertyBecameRequired => RequestPropertyBecameRequired,
        PropertyBecameOptional => RequestPropertyBecameOptional,
        EnumValueAdded => RequestEnumValueAdded,
        EnumValueRemoved => RequestEnumValueRemoved,
        AlternativeAdded => RequestAlternativeAdded,
        AlternativeRemoved => RequestAlternativeRemoved,
        NullableAdded | NullableRemoved => RequestNullableChanged,
        PropertyDeprecated => RequestPropertyDeprecated,
        // A type's name is the same fact on either side.
        other => other,
    }
}
