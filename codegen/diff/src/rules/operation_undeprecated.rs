//! `operation_undeprecated`: the operation is no longer deprecated.

use super::{Context, Rule, Verdict};
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::OperationUndeprecated`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::OperationUndeprecated,
    levels: &[Severity::Info],
    summary: "the operation is no longer deprecated",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { method, .. } = *c;
    let (severity, message, rust) = (
        Info,
        "operation no longer deprecated".into(),
        format!("`#[deprecated]` removed from `{method}`"),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
