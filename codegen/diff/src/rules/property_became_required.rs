//! `property_became_required`: a response property is always there: breaking when its field loses an `Option`.

use super::{option_effect, Context, Rule, Verdict};
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::PropertyBecameRequired`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::PropertyBecameRequired,
    levels: &[Severity::Breaking, Severity::Info],
    summary: "a response property is always there: breaking when its field loses an `Option`",
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
    let (severity, message, rust) = {
        let severity = if rust_old == rust_new { Info } else { Breaking };
        (
            severity,
            format!("response property `{loc}` is now required"),
            option_effect(x.optional, field, rust_old, rust_new),
        )
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
