//! `type_renamed`: the generated type at a place in the response has another name: code naming it stops compiling.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::TypeRenamed`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::TypeRenamed,
    levels: &[Severity::Breaking],
    summary: "the generated type at a place in the response has another name: code naming it stops compiling",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { old, new, loc, .. } = *c;
    let (severity, message, rust) = (
            Breaking,
            format!("the type at `{loc}` is generated as `{new}` instead of `{old}`"),
            format!("`models::{old}` renamed `models::{new}` for this place: code that names it stops compiling"),
        );
    Verdict {
        severity,
        message,
        rust,
    }
}
