//! `operation_added`: a new operation: a new client method.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::OperationAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::OperationAdded,
    levels: &[Severity::Info],
    summary: "a new operation: a new client method",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { x, new, method, .. } = *c;
    let (severity, message, rust) = (
        Info,
        format!("new operation `{new}`"),
        format!("new method `{method}` and request builder `{}`", x.builder),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
