//! `request_nullable_changed`: a request body property no longer accepts null (breaking), or now does (info).

use super::{Context, Rule, Verdict};
use crate::Severity::{Breaking, Info};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestNullableChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestNullableChanged,
    levels: &[Severity::Breaking, Severity::Info],
    summary: "a request body property no longer accepts null (breaking), or now does (info)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { x, loc, field, .. } = *c;
    let (severity, what) = if x.nullable {
        (Info, "now accepts null")
    } else {
        (
            Breaking,
            "no longer accepts null: calls sending null are refused",
        )
    };
    Verdict {
        severity,
        message: format!("request body property `{loc}` {what}"),
        rust: format!("{field} changes"),
    }
}
