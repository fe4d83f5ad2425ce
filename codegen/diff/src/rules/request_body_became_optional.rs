//! `request_body_became_optional`: the request body may now be left out.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::RequestBodyBecameOptional`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::RequestBodyBecameOptional,
    levels: &[Severity::Info],
    summary: "the request body may now be left out",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { method, .. } = *c;
    Verdict {
        severity: Info,
        message: "the request body is now optional".into(),
        rust: format!("no change to `{method}`"),
    }
}
