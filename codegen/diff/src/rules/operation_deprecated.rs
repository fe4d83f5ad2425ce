//! `operation_deprecated`: the operation is deprecated: `#[deprecated]` on its method.

use super::{Context, Rule, Verdict};
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::OperationDeprecated`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::OperationDeprecated,
    levels: &[Severity::Warning],
    summary: "the operation is deprecated: `#[deprecated]` on its method",
    bump: Semver::Minor,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { method, .. } = *c;
    let (severity, message, rust) = (
        Warning,
        "operation deprecated".into(),
        format!("`#[deprecated]` added to `{method}`: callers get a deprecation warning"),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
