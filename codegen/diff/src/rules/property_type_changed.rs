//! `property_type_changed`: a response property holds another type.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::PropertyTypeChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::PropertyTypeChanged,
    levels: &[Severity::Breaking],
    summary: "a response property holds another type",
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
    let (severity, message, rust) = (
        Breaking,
        format!("response value at `{loc}` changes type from {old} to {new}"),
        format!("the Rust type at `{loc}` changes from `{rust_old}` to `{rust_new}`"),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
