//! `success_response_removed`: the success response lost its schema: the method returns untyped JSON.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::SuccessResponseRemoved`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::SuccessResponseRemoved,
    levels: &[Severity::Breaking],
    summary: "the success response lost its schema: the method returns untyped JSON",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        old,
        rust_old,
        method,
        ..
    } = *c;
    let (severity, message, rust) = (
            Breaking,
            format!("the success response no longer documents its body (was {old})"),
            format!("`{method}` returns `ApiResponse<serde_json::Value>` instead of `ApiResponse<{rust_old}>`"),
        );
    Verdict {
        severity,
        message,
        rust,
    }
}
