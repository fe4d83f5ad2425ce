//! `request_property_removed`: a request body property is gone: callers sending it may be refused.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestPropertyRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestPropertyRemoved,
    levels: &[Severity::Breaking],
    summary: "a request body property is gone: callers sending it may be refused",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        old,
        loc,
        member,
        owner,
        ..
    } = *c;
    Verdict {
        severity: Breaking,
        message: format!(
            "request body property `{loc}` removed (was {old}): callers sending it may be refused"
        ),
        rust: format!("field `{owner}::{member}` removed: code setting it no longer compiles"),
    }
}
