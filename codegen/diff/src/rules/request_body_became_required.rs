//! `request_body_became_required`: the request body must now be sent.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestBodyBecameRequired`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestBodyBecameRequired,
    levels: &[Severity::Breaking],
    summary: "the request body must now be sent",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { method, .. } = *c;
    Verdict {
        severity: Breaking,
        message: "the request body is now required: calls without it are refused".into(),
        rust: format!("`request_body` becomes an argument of `{method}` (it was a setter): calls of it no longer compile without one"),
    }
}
