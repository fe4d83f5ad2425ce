//! `request_alternative_removed`: a request body `oneOf` no longer accepts an alternative: calls that sent it are refused.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestAlternativeRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestAlternativeRemoved,
    levels: &[Severity::Breaking],
    summary:
        "a request body `oneOf` no longer accepts an alternative: calls that sent it are refused",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        old,
        loc,
        owner,
        member,
        ..
    } = *c;
    Verdict {
        severity: Breaking,
        message: format!(
            "request body value at `{loc}` may no longer be `{old}`: calls sending it are refused"
        ),
        rust: format!("variant `{owner}::{member}` removed: code building it no longer compiles"),
    }
}
