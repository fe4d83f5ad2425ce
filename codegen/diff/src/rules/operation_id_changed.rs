//! `operation_id_changed`: same route, new x-operationId: the method or its metadata constant is renamed.

use super::{Context, Rule, Verdict};
use crate::model::naming::const_ident;
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::OperationIdChanged`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::OperationIdChanged,
    levels: &[Severity::Breaking],
    summary: "same route, new x-operationId: the method or its metadata constant is renamed",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        x,
        old,
        new,
        method,
        ..
    } = *c;
    let (severity, message, rust) = {
        let old_method = x.old_name.as_deref().unwrap_or("?");
        let renamed = if old_method == method {
            format!("method `{method}` keeps its name")
        } else {
            format!("method `{old_method}` renamed `{method}`")
        };
        (
            Breaking,
            format!("x-operationId changed from `{old}` to `{new}`"),
            format!(
                "{renamed}; constant `operations::{}` renamed `operations::{}`",
                const_ident(old),
                const_ident(new)
            ),
        )
    };
    Verdict {
        severity,
        message,
        rust,
    }
}
