//! `request_body_removed`: the operation no longer takes its request body: callers sending one may be refused.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestBodyRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestBodyRemoved,
    levels: &[Severity::Breaking],
    summary: "the operation no longer takes its request body: callers sending one may be refused",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { old, method, .. } = *c;
    Verdict {
        severity: Breaking,
        message: format!("the operation no longer takes a request body (was {old})"),
        rust: format!("`{method}` no longer takes a `request_body` (argument or setter)"),
    }
}
