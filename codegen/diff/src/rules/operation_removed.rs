//! `operation_removed`: an operation is gone: its method is removed.

use super::{Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::{Breaking, Warning};
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::OperationRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::OperationRemoved,
    levels: &[Severity::Breaking, Severity::Warning],
    summary: "an operation is gone: its method is removed (warning when it was deprecated and its sunset, if any, has passed: the expected path)",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        f, x, old, method, ..
    } = *c;
    // Deprecated, then removed once its sunset day (if it has one) has come: what callers
    // were told would happen. Removed early, or never deprecated: they are broken.
    let (severity, why) = match (x.was_deprecated, &x.sunset, x.sunset_passed) {
        (true, None, _) => (Warning, " after its deprecation".to_string()),
        (true, Some(day), Some(true)) => (Warning, format!(" after its sunset ({day})")),
        (_, Some(day), Some(false)) => (Breaking, format!(" before its sunset ({day})")),
        (true, Some(_), None) | (false, _, _) => (Breaking, " without a deprecation first".into()),
    };
    Verdict {
        severity,
        message: format!("operation `{old}` removed{why}"),
        rust: format!(
            "method `{method}`, its request builder `{}` and `operations::{}` removed: code still calling it stops compiling",
            x.builder,
            const_ident(&f.operation.x_operation_id)
        ),
    }
}
