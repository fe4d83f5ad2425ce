//! `operation_removed`: an operation is gone: its method is removed.

use super::{Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::OperationRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::OperationRemoved,
    levels: &[Severity::Breaking],
    summary: "an operation is gone: its method is removed",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        f, x, old, method, ..
    } = *c;
    let (severity, message, rust) = {
        let was = if x.was_deprecated {
            " (it was deprecated)"
        } else {
            ""
        };
        (
            Breaking,
            format!("operation `{old}` removed{was}"),
            format!(
                "method `{method}`, its request builder `{}` and `operations::{}` removed",
                x.builder,
                const_ident(&f.operation.x_operation_id)
            ),
        )
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
