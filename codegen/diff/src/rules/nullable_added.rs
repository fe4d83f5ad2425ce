//! `nullable_added`: a response property may be null: warning when its field's type stays (already `Option`, and required).

use super::{option_effect, Context, Rule, Verdict};
use crate::Severity::{Breaking, Warning};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::NullableAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::NullableAdded,
    levels: &[Severity::Breaking, Severity::Warning],
    summary: "a response property may be null: warning when its field's type stays (already `Option`, and required)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        loc,
        rust_old,
        rust_new,
        field,
        ..
    } = *c;
    let (severity, message, rust) = (
        if rust_old == rust_new {
            Warning
        } else {
            Breaking
        },
        format!("response property `{loc}` may now be null"),
        option_effect(x.optional, field, rust_old, rust_new),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
