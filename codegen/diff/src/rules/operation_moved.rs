//! `operation_moved`: same x-operationId on another path: the method stays, old crates call the old path.

use super::{Context, Rule, Verdict};
use crate::Severity::Warning;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::OperationMoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::OperationMoved,
    levels: &[Severity::Warning],
    summary: "same x-operationId on another path: the method stays, old crates call the old path",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        old, new, method, ..
    } = *c;
    let (severity, message, rust) = (
            Warning,
            format!("operation moved from `{old}` to `{new}` (same x-operationId)"),
            format!("`{method}` keeps its name and calls the new path once regenerated; released crates still call `{old}`"),
        );
    Verdict {
        severity,
        message,
        rust,
    }
}
