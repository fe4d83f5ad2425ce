//! `request_property_became_required`: a request body property must now be sent.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestPropertyBecameRequired`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestPropertyBecameRequired,
    levels: &[Severity::Breaking],
    summary: "a request body property must now be sent",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { loc, field, .. } = *c;
    Verdict {
        severity: Breaking,
        message: format!(
            "request body property `{loc}` is now required: calls without it are refused"
        ),
        rust: format!("{field} loses its `Option` and becomes an argument of `new`"),
    }
}
