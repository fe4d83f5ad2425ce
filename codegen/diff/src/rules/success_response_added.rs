//! `success_response_added`: the success response gained a schema: the method's return type changes.

use super::{Context, Rule, Verdict};
use crate::Severity::Breaking;
use crate::{ChangeKind, Semver, Severity};

/// The rule of [`ChangeKind::SuccessResponseAdded`].
pub(crate) const RULE: Rule = Rule {
    kind: ChangeKind::SuccessResponseAdded,
    levels: &[Severity::Breaking],
    summary: "the success response gained a schema: the method's return type changes",
    bump: Semver::Patch,
    judge,
};

fn judge(c: &Context<'_>) -> Verdict {
    let Context {
        new,
        rust_new,
        method,
        ..
    } = *c;
    let (severity, message, rust) = (
            Breaking,
            format!("the success response now documents its body ({new})"),
            format!("`{method}` returns `ApiResponse<{rust_new}>` instead of `ApiResponse<serde_json::Value>`"),
        );
    Verdict {
        severity,
        message,
        rust,
    }
}
