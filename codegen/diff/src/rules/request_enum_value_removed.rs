//! `request_enum_value_removed`: a request body enum no longer accepts a value: calls sending it are refused.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestEnumValueRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestEnumValueRemoved,
    levels: &[Severity::Breaking],
    summary: "a request body enum no longer accepts a value: calls sending it are refused",
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
            "request body enum at `{loc}` no longer accepts `{old}`: calls sending it are refused"
        ),
        rust: format!("variant `{owner}::{member}` removed: code naming it no longer compiles"),
    }
}
