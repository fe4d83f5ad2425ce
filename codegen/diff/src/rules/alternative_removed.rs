//! `alternative_removed`: a response `oneOf` lost an alternative: its variant is removed.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::AlternativeRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::AlternativeRemoved,
    levels: &[Severity::Breaking],
    summary: "a response `oneOf` lost an alternative: its variant is removed",
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
        message: format!("the value at `{loc}` is no longer `{old}`"),
        rust: format!("variant `{owner}::{member}` removed: code naming it no longer compiles"),
    }
}
