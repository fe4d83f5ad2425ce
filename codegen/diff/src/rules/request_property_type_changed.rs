//! `request_property_type_changed`: a request body property holds another type: values sent before are refused.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestPropertyTypeChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestPropertyTypeChanged,
    levels: &[Severity::Breaking],
    summary: "a request body property holds another type: values sent before are refused",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        old,
        new,
        loc,
        rust_old,
        rust_new,
        ..
    } = *c;
    Verdict {
        severity: Breaking,
        message: format!("request body value at `{loc}` changes type from {old} to {new}: values sent before are refused"),
        rust: format!("the Rust type at `{loc}` changes from `{rust_old}` to `{rust_new}`"),
    }
}
