//! `timeout_changed`: the recommended timeout changed.

use super::{Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::Info;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::TimeoutChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::TimeoutChanged,
    levels: &[Severity::Info],
    summary: "the recommended timeout changed",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context { f, old, new, .. } = *c;
    let (severity, message, rust) = (
        Info,
        format!("recommended timeout changes from {old} to {new}"),
        format!(
            "`operations::{}.timeout`, the default per-call timeout, becomes {new}",
            const_ident(&f.operation.x_operation_id)
        ),
    );
    Verdict {
        severity,
        message,
        rust,
    }
}
